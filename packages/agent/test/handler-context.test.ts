/**
 * A handler's context: the per-message logger (a pino child with redacted bindings), signal (an
 * AbortController) and model port are made only when the handler touches them; a handler that
 * spreads its context still gets all three.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Logger } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { defineAgent } from '../src/index.js';
import { classifiedIntent, createTestAgent, memoryLogger, type LogLine } from '../src/testing.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/** A memory logger that also counts the children bound to one message (the bus binds `msgId`). */
function countingLogger(lines: LogLine[], perMessage: string[], bindings: Record<string, unknown> = {}): Logger {
  const base = memoryLogger(lines, bindings);
  return {
    ...base,
    child: (b) => {
      if (typeof b.msgId === 'string') perMessage.push(b.msgId);
      return countingLogger(lines, perMessage, { ...bindings, ...b });
    },
  };
}

it('makes the per-message logger only for a handler that uses it; a spread context keeps log, signal and llm', async () => {
  const lines: LogLine[] = [];
  const children: string[] = [];
  const spread: { aborted?: boolean; llm?: string } = {};
  const def = defineAgent({
    name: 'weather',
    version: '0.1.0',
    description: 'Tells the weather.',
    skills: [],
    intents: [{ name: 'weather', description: 'Forecasts', examples: [] }],
    reads: {
      'intent.classified': {
        'intent.classified': (m, ctx) => {
          if (m.data.text !== 'loud') return undefined;
          const copy = { ...ctx };
          copy.log.info({}, 'said out loud');
          spread.aborted = copy.signal.aborted;
          spread.llm = copy.llm.kind;
          return undefined;
        },
      },
    },
    writes: ['wa.outbound'],
  });
  const t = await createTestAgent(def, { redis, logger: countingLogger(lines, children) });
  try {
    const o = { chatId: '15555550100@c.us', sentAt: new Date().toISOString(), intent: 'weather' as const };
    const quiet = await t.publish('intent.classified', 'intent.classified', classifiedIntent('quiet', {}, o));
    const loud = await t.publish('intent.classified', 'intent.classified', classifiedIntent('loud', {}, o));
    for (let i = 0; i < 100 && !lines.some((l) => l.msg === 'said out loud'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(lines.find((l) => l.msg === 'said out loud')?.obj).toMatchObject({ msgId: loud.id, corr: loud.id });
    expect(spread).toEqual({ aborted: false, llm: 'offline' });
    expect(children).toContain(loud.id);
    expect(children).not.toContain(quiet.id);
  } finally {
    await t.stop();
  }
});
