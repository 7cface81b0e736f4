/**
 * Compile-time checks of the definition types: `tsc --noEmit -p .` fails if any `@ts-expect-error`
 * below stops being an error (i.e. if the types got looser). The runtime assertions are incidental.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkTopology, deriveTopology } from '@hive/contracts';
import { defineAgent } from '../src/index.js';
import { echo, needsConfig } from './fixtures/agents.js';

describe('defineAgent types', () => {
  it('types handlers, config, publish and returns by the contracts', () => {
    const agent = defineAgent({
      name: 'typed',
      version: '1',
      description: 'type checks',
      skills: [],
      config: z.object({ TYPED_LIMIT: z.coerce.number().default(3) }),
      reads: {
        'intent.classified': {
          'intent.classified': async (m, ctx) => {
            const limit: number = ctx.config.TYPED_LIMIT;
            // @ts-expect-error -- not in the config schema
            void ctx.config.OTHER;
            // An intent is a name (intent.classified v2): the running agents declare them.
            const intent: string = m.data.intent;
            // @ts-expect-error -- a name, not a number
            const _notANumber: number = m.data.intent;
            // @ts-expect-error -- not a field of intent.classified
            void m.data.calories;
            // @ts-expect-error -- "text" is required by wa.send
            await ctx.publish('wa.outbound', 'wa.send', { chatId: m.data.chatId });
            // @ts-expect-error -- no such type on wa.outbound
            await ctx.publish('wa.outbound', 'wa.sent', { chatId: m.data.chatId, text: 'x' });
            // @ts-expect-error -- ops.alert is not in writes
            await ctx.publish('ops.alert', 'ops.alert', { alertId: 'a', status: 'firing', severity: 'info', check: 'other', subject: 's', summary: 's', at: '2025-01-01T00:00:00Z' });
            if (limit > intent.length) return { stream: 'wa.outbound', type: 'wa.send', data: { chatId: m.data.chatId, text: 'ok' } };
            return undefined;
          },
        },
        'schedule.due': {
          'briefing.due': (m) => {
            const day: string = m.data.day;
            void day;
          },
          // @ts-expect-error -- schedule.due carries no such type
          'briefing.late': () => undefined,
        },
        'agent.requests': {
          'summary.request': (m, ctx) => {
            // @ts-expect-error -- ctx.reply's payload is checked by the request stream's contract ("text" is missing)
            void ctx.reply('summary.reply', { agent: 'typed', chatId: m.data.chatId, day: m.data.day, data: {} });
            // @ts-expect-error -- a reply's type must be on the request's stream
            void ctx.reply('wa.send', { chatId: m.data.chatId, text: 'x' });
            // agent.requests is not in writes: a reply does not need it
            return ctx.reply('summary.reply', { agent: 'typed', chatId: m.data.chatId, day: m.data.day, text: '', data: {} });
          },
        },
      },
      writes: ['wa.outbound'],
    });
    expect(agent.name).toBe('typed');
    const badReturn = defineAgent({
      name: 'bad-return',
      version: '1',
      description: 'type checks',
      skills: [],
      reads: {
        'intent.classified': {
          // @ts-expect-error -- a returned message must fit its contract too ("txt" is not "text")
          'intent.classified': (m) => ({ stream: 'wa.outbound', type: 'wa.send', data: { chatId: m.data.chatId, txt: 'ok' } }),
        },
      },
      writes: ['wa.outbound'],
    });
    const undeclaredReturn = defineAgent({
      name: 'undeclared-return',
      version: '1',
      description: 'type checks',
      skills: [],
      reads: {
        'intent.classified': {
          // @ts-expect-error -- ops.alert is not in writes
          'intent.classified': () => ({
            stream: 'ops.alert',
            type: 'ops.alert',
            data: { alertId: 'a', status: 'firing', severity: 'info', check: 'other', subject: 's', summary: 's', at: '2025-01-01T00:00:00Z' },
          }),
        },
      },
      writes: ['wa.outbound'],
    });
    expect([badReturn.name, undeclaredReturn.name]).toEqual(['bad-return', 'undeclared-return']);
  });

  it('rejects names that would make bad keys, and empty reads', () => {
    expect(() => defineAgent({ name: 'has space', version: '1', description: 'd', skills: [], reads: {}, writes: [] })).toThrow(/agent name/);
    expect(() => defineAgent({ name: 'a', version: '1', description: 'd', skills: [], reads: { 'wa.inbound': {} }, writes: [] })).toThrow(/handles no message type/);
    expect(() =>
      defineAgent({ name: 'a', version: '1', description: 'd', skills: [], reads: {}, writes: [], routes: { '/metrics': () => undefined } }),
    ).toThrow(/shadow/);
  });
});

describe('agent definitions drive the derived topology', () => {
  it('are accepted by deriveTopology as they are', () => {
    const topology = deriveTopology([echo, needsConfig]);
    expect(topology.agents).toEqual([
      { name: 'echo', reads: ['intent.classified', 'wa.inbound'], writes: ['wa.outbound'], intents: [] },
      { name: 'needs-config', reads: [], writes: [], intents: [] },
    ]);
    expect(topology.streams.find((s) => s.stream === 'wa.outbound')).toMatchObject({ writers: ['echo'], readers: [] });
    // two agents are not a network: most streams lack a reader or a writer
    expect(checkTopology(topology)).toContain('stream "wa.outbound" is read by no one (no agent reads it and it declares no external reader)');
  });
});
