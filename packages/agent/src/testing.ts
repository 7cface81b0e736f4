/**
 * The test harness: run an agent's real runtime against a real Redis under a unique prefix, publish
 * its inputs, and await what it writes. Import from "@hive/agent/testing".
 *
 *   const t = await createTestAgent(box, { env: { BOX_DAILY_KCAL: '2000' } });
 *   await t.publish('intent.classified', 'intent.classified', { ... });
 *   const reply = await t.expectMessage('wa.outbound', (m) => m.data.text.includes('kcal'));
 *   await t.stop();
 */
import {
  createBus,
  decodeEntry,
  envelopeFields,
  fieldsToObject,
  type Bus,
  type Logger,
  type PublishOptions,
  type PublishResult,
} from '@hive/bus';
import { compareEntryIds, deadLetterKeys, listAgents, ORIGINAL_FIELD, parseOriginal, streamShards, xrange } from '@hive/bus/admin';
import { catalogue as hiveCatalogue, type Catalogue, type MessageType, type PayloadInput, type StreamName } from '@hive/contracts';
import { randomPrefix, startRedis, type RedisServer } from '@hive/test-redis';
import type { z } from 'zod';
import type { AgentDefinition, AgentMessage, StreamOptions } from './define-agent.js';
import type { Env } from './env.js';
import type { Llm } from './llm/port.js';
import { startAgent, type AgentHandle } from './run-agent.js';

export {
  parseMultipart,
  startFakeOpenAi,
  type FakeOpenAi,
  type FakeOpenAiCall,
  type FakeOpenAiFailure,
  type FakeOpenAiOptions,
  type FakeOpenAiReply,
  type FakeOpenAiRequest,
  type FakeTranscriptionReply,
  type FakeTranscriptionRequest,
  type FormPart,
} from './fake-openai.js';
export { forgetModelBreakers } from './llm/breakers.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  obj: Record<string, unknown>;
}

/** A logger that keeps every line in memory, for assertions on what was logged. */
export function memoryLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { readonly lines: LogLine[] } {
  const at = (level: LogLine['level']) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, msg, obj: { ...bindings, ...obj } });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => memoryLogger(lines, { ...bindings, ...b }) };
}

/** Any message on stream S, discriminated by `type`, in the current version's shape. */
export type StreamMessage<S extends StreamName> = { [T in MessageType<S>]: AgentMessage<S, T> }[MessageType<S>];

export interface TestAgentOptions {
  /** A running server to use; without it, one is started and stopped with the harness. */
  redis?: RedisServer | { readonly url: string };
  /** @defaultValue a random prefix, so tests sharing a server never meet */
  prefix?: string;
  /** The agent's own variables and overrides of the shared ones (process.env is not read). */
  env?: Env;
  llm?: Llm;
  /** @defaultValue a memory logger, readable as `logs` */
  logger?: Logger;
  streamDefaults?: StreamOptions;
  contracts?: Catalogue;
}

export interface TestAgent<Config = unknown, W extends StreamName = StreamName> {
  readonly agent: AgentHandle<Config, W>;
  /** The harness's own bus (source "test"), for anything the helpers below do not cover. */
  readonly bus: Bus;
  readonly redisUrl: string;
  readonly prefix: string;
  /** What the agent logged (with the default memory logger). */
  readonly logs: LogLine[];
  /** Publish an input as a foreign producer would; validated by its contract. */
  publish<S extends StreamName, T extends MessageType<S>>(stream: S, type: T, data: PayloadInput<S, T>, options?: PublishOptions): Promise<PublishResult>;
  /** Resolve with the first message on `stream` (since the harness started) that matches; reject after `timeoutMs` listing what was there. */
  expectMessage<S extends StreamName>(stream: S, predicate?: (message: StreamMessage<S>) => boolean, timeoutMs?: number): Promise<StreamMessage<S>>;
  /** Every decodable message on `stream`, oldest first, upcast to the current version. */
  messages<S extends StreamName>(stream: S): Promise<StreamMessage<S>[]>;
  /** The dead letters of `stream` (every group's, oldest first), as objects of their `dl.*` fields and the original entry's fields. */
  deadLetters(stream: string): Promise<Record<string, string>[]>;
  /** Stop the agent, the harness's bus, and the Redis server if the harness started it. */
  stop(): Promise<void>;
}

/** @defaultValue for expectMessage */
export const DEFAULT_EXPECT_TIMEOUT_MS = 5_000;

type ClassifiedPayload = PayloadInput<'intent.classified', 'intent.classified'>;

/** What a handler test sets of an intent.classified input besides its text and entities. */
export interface ClassifiedOptions {
  intent: ClassifiedPayload['intent'];
  chatId: string;
  sentAt: string;
  /** @defaultValue a new "wamid-<n>" per call */
  sourceMessageId?: string;
  /** @defaultValue 0.9 */
  confidence?: number;
}

let classifiedSeq = 0;

/** An intent.classified payload as iris publishes it (rules, typed text), for a domain agent's handler tests. */
export function classifiedIntent(text: string, entities: ClassifiedPayload['entities'], o: ClassifiedOptions): ClassifiedPayload {
  return {
    chatId: o.chatId,
    from: o.chatId,
    sourceMessageId: o.sourceMessageId ?? `wamid-${++classifiedSeq}`,
    via: 'text',
    text,
    intent: o.intent,
    entities,
    confidence: o.confidence ?? 0.9,
    classifier: 'rules',
    sentAt: o.sentAt,
  };
}

/** Publish an intent.classified input and resolve with the text of the agent's wa.outbound reply quoting it. */
export async function replyText(agent: TestAgent, input: ClassifiedPayload): Promise<string> {
  await agent.publish('intent.classified', 'intent.classified', input);
  return (await agent.expectMessage('wa.outbound', (m) => m.data.replyTo === input.sourceMessageId)).data.text;
}

/** Start `definition` against a real Redis under a unique prefix; see the file comment. */
export async function createTestAgent<C extends z.ZodType, W extends StreamName>(
  definition: AgentDefinition<C, W>,
  opts: TestAgentOptions = {},
): Promise<TestAgent<z.output<C>, W>> {
  const ownServer = opts.redis ? undefined : await startRedis();
  const redisUrl = (opts.redis ?? ownServer)!.url;
  const prefix = opts.prefix ?? randomPrefix('ta');
  const contracts = opts.contracts ?? hiveCatalogue;
  const logger = opts.logger ?? memoryLogger();
  const logs = 'lines' in logger ? (logger as { lines: LogLine[] }).lines : [];
  let agent: AgentHandle<z.output<C>, W> | undefined;
  let bus: Bus | undefined;
  try {
    bus = await createBus({ url: redisUrl, prefix, source: 'test', contracts, logger: memoryLogger() });
    agent = await startAgent(definition, {
      env: { REDIS_URL: redisUrl, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0', HIVE_HTTP_HOST: '127.0.0.1', HIVE_INSTANCE: 'test', ...opts.env },
      logger,
      contracts,
      ...(opts.llm ? { llm: opts.llm } : {}),
      ...(opts.streamDefaults ? { streamDefaults: opts.streamDefaults } : {}),
      heartbeat: { intervalMs: 1_000 },
    });
  } catch (err) {
    await bus?.close();
    await ownServer?.stop();
    throw err;
  }
  const harnessBus = bus;
  const running = agent;

  const messages = async <S extends StreamName>(stream: S): Promise<StreamMessage<S>[]> => {
    // A partitioned stream's shards, merged in entry id order (ids are times).
    const shards = await Promise.all(streamShards(contracts, stream).map((shard) => xrange(harnessBus.driver, harnessBus.keys.stream(shard), '-', '+')));
    const entries = shards.flat().sort((a, b) => compareEntryIds(a.id, b.id));
    const out: StreamMessage<S>[] = [];
    for (const e of entries) {
      const decoded = decodeEntry(e.fields);
      if (!decoded.ok) continue;
      const m = decoded.message;
      const parsed = contracts.find(stream, m.type)?.decode(m.data, m.v);
      if (!parsed?.ok) continue;
      out.push({ ...m, data: parsed.data } as unknown as StreamMessage<S>);
    }
    return out;
  };

  return {
    agent: running,
    bus: harnessBus,
    redisUrl,
    prefix,
    logs,
    publish: (stream, type, data, options) => harnessBus.publish(stream, type, data, options),
    messages,
    async expectMessage(stream, predicate = () => true, timeoutMs = DEFAULT_EXPECT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      let seen: StreamMessage<typeof stream>[] = [];
      for (;;) {
        seen = await messages(stream);
        const hit = seen.find(predicate);
        if (hit) return hit;
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const listing = seen.map((m) => `  ${m.type} ${JSON.stringify(m.data)}`).join('\n') || '  (nothing)';
      throw new Error(`no matching message on "${stream}" within ${timeoutMs} ms; the stream holds:\n${listing}`);
    },
    async deadLetters(stream) {
      const entries = [];
      for (const shard of streamShards(contracts, stream)) {
        for (const key of await deadLetterKeys(harnessBus.driver, harnessBus.keys, shard)) entries.push(...(await xrange(harnessBus.driver, key, '-', '+')));
      }
      // Every group's, oldest first; the original entry's fields beside the dl.* ones, as one object.
      return entries
        .sort((a, b) => compareEntryIds(a.id, b.id))
        .map((e) => {
          const { [ORIGINAL_FIELD]: original, ...dl } = fieldsToObject(e.fields);
          return { ...envelopeFields(original === undefined ? [] : (parseOriginal(original) ?? [])), ...dl };
        });
    },
    async stop() {
      await running.stop();
      await harnessBus.close();
      await ownServer?.stop();
    },
  };
}

/**
 * Reads of the registry on `bus` (listAgents), counted as they start and as they end; while held,
 * each one waits before it reads. For testing a cache of the registry: how many reads it makes, and
 * whether a call waits for one.
 */
export function heldRegistryReads(bus: Pick<Bus, 'driver' | 'keys'>) {
  let gate: Promise<void> | undefined;
  let open = () => {};
  const reads = {
    started: 0,
    ended: 0,
    hold() {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      open();
      gate = undefined;
    },
    read: async () => {
      reads.started++;
      await gate;
      const records = await listAgents(bus.driver, bus.keys);
      reads.ended++;
      return records;
    },
  };
  return reads;
}

/** `p`, or a rejection ("still waiting after … ms") when it has not settled within `ms`: a call waiting for a held read never does. */
export function within<T>(p: Promise<T>, ms = 500): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}
