import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertTopology, catalogue, checkTopology, createCatalogue, defineMessage, defineStream, deriveTopology, TopologyError, topologyJson, type TopologyAgent } from '../src/index.js';

const h = () => undefined;
const everyStream = Object.fromEntries(catalogue.streams.map((s) => [s.name, Object.fromEntries(Object.keys(s.messages).map((t) => [t, h]))]));
const intent = { 'intent.classified': { 'intent.classified': h } };
/** box, hermes, ledger and pulse also answer herald's summary requests. */
const intentAndSummaries = { ...intent, 'agent.requests': { 'summary.request': h } };

/** The network of the brief, as agent definitions would declare it. */
const network: TopologyAgent[] = [
  { name: 'kami', reads: { 'wa.outbound': { 'wa.send': h }, 'ops.alert': { 'ops.alert': h } }, writes: ['wa.inbound'] },
  { name: 'vox', reads: { 'wa.inbound': { 'wa.message': h } }, writes: ['voice.transcribed'] },
  { name: 'iris', reads: { 'wa.inbound': { 'wa.message': h }, 'voice.transcribed': { 'voice.transcribed': h } }, writes: ['intent.classified'] },
  { name: 'box', reads: intentAndSummaries, writes: ['nutrition.logged', 'wa.outbound', 'agent.requests'] },
  { name: 'adopter', reads: intent, writes: ['content.drafted', 'wa.outbound'] },
  { name: 'hermes', reads: intentAndSummaries, writes: ['schedule.due', 'wa.outbound', 'agent.requests'] },
  { name: 'ledger', reads: intentAndSummaries, writes: ['expense.recorded', 'wa.outbound', 'agent.requests'] },
  { name: 'scribe', reads: intent, writes: ['note.saved', 'wa.outbound'] },
  { name: 'atlas', reads: intent, writes: ['wa.outbound'] },
  { name: 'pulse', reads: intentAndSummaries, writes: ['habit.logged', 'wa.outbound', 'agent.requests'] },
  { name: 'herald', reads: { 'schedule.due': { 'briefing.due': h }, ...intent }, writes: ['wa.outbound', 'agent.requests'] },
  { name: 'archivist', reads: everyStream, writes: [] },
  { name: 'sentinel', reads: {}, writes: ['ops.alert'] },
];

describe('derived topology', () => {
  it('says who writes and reads each stream', () => {
    const t = deriveTopology(network);
    const s = (name: string) => t.streams.find((x) => x.stream === name)!;
    expect(s('wa.outbound').writers).toEqual(['adopter', 'atlas', 'box', 'herald', 'hermes', 'ledger', 'pulse', 'scribe']);
    expect(s('wa.outbound').readers).toEqual(['archivist', 'kami']);
    expect(s('wa.inbound').readers).toEqual(['archivist', 'iris', 'vox']);
    expect(s('schedule.due').readerTypes).toEqual({ archivist: ['briefing.due', 'reminder.due'], herald: ['briefing.due'] });
    expect(t.streams.map((x) => x.stream)).toEqual(catalogue.streams.map((x) => x.name));
    expect(t.agents.find((a) => a.name === 'box')).toEqual({ name: 'box', reads: ['agent.requests', 'intent.classified'], writes: ['agent.requests', 'nutrition.logged', 'wa.outbound'], intents: [] });
    expect(s('agent.requests').readers).toEqual(['archivist', 'box', 'hermes', 'ledger', 'pulse']);
  });

  it('the network of the brief passes the check', () => {
    expect(checkTopology(deriveTopology(network))).toEqual([]);
    expect(() => assertTopology(deriveTopology(network))).not.toThrow();
  });

  it('fails when a stream is read by no one or written by no one', () => {
    const withoutKami = network.filter((a) => a.name !== 'kami' && a.name !== 'archivist');
    expect(checkTopology(deriveTopology(withoutKami))).toEqual(
      expect.arrayContaining([
        'stream "wa.inbound" is written by no one (no agent writes it and it declares no external writer)',
        'stream "wa.outbound" is read by no one (no agent reads it and it declares no external reader)',
        'stream "ops.alert" is read by no one (no agent reads it and it declares no external reader)',
      ]),
    );
    expect(() => assertTopology(deriveTopology(withoutKami))).toThrow(TopologyError);
  });

  it('accepts a stream without agent writers or readers when it declares them external', () => {
    const fx = createCatalogue([
      defineStream({
        name: 'web.hooks',
        description: 'fixture',
        startAt: 'new', retention: { maxLen: 100, why: 'test' },
        external: { writers: ['stripe webhook'] },
        messages: { 'web.hook': defineMessage({ version: 1, description: 'd', schema: z.object({}), example: {} }) },
      }),
      defineStream({
        name: 'audit',
        description: 'fixture',
        startAt: 'all', retention: { maxLen: 100, why: 'test' },
        external: { readers: ['console'] },
        messages: { 'audit.entry': defineMessage({ version: 1, description: 'd', schema: z.object({}), example: {} }) },
      }),
    ]);
    const agents: TopologyAgent[] = [{ name: 'hooker', reads: { 'web.hooks': { 'web.hook': h } }, writes: ['audit'] }];
    expect(checkTopology(deriveTopology(agents, fx), fx)).toEqual([]);
    expect(checkTopology(deriveTopology([], fx), fx)).toEqual([
      'stream "web.hooks" is read by no one (no agent reads it and it declares no external reader)',
      'stream "audit" is written by no one (no agent writes it and it declares no external writer)',
    ]);
  });

  it('fails on unknown streams and types and on duplicate agents', () => {
    const bad: TopologyAgent[] = [
      ...network,
      { name: 'box', reads: { 'intent.classified': { 'intent.guessed': h } }, writes: ['calories'] },
      { name: 'odd', reads: { 'wa.inbound': {} }, writes: [] },
    ];
    expect(checkTopology(deriveTopology(bad))).toEqual(
      expect.arrayContaining([
        'agent "box" is defined twice',
        'agent "box" handles type "intent.guessed", which stream "intent.classified" does not carry',
        'agent "box" writes stream "calories", which is not in the catalogue',
        'agent "odd" reads stream "wa.inbound" but handles no message type on it',
      ]),
    );
  });

  it('serializes to stable JSON', () => {
    const a = topologyJson(deriveTopology(network));
    const b = topologyJson(deriveTopology([...network].reverse()));
    expect(a).toBe(b);
    expect(JSON.parse(a).streams[0].stream).toBe('wa.inbound');
  });
});

describe('declared intents', () => {
  it('lists each agent\'s intents and refuses an intent two agents declare', () => {
    const agents = [
      { name: 'weather', reads: { 'intent.classified': { 'intent.classified': 1 } }, writes: ['wa.outbound'], intents: [{ name: 'weather' }] },
      { name: 'forecast', reads: { 'intent.classified': { 'intent.classified': 1 } }, writes: ['wa.outbound'], intents: [{ name: 'weather' }, { name: 'tides' }] },
    ];
    const t = deriveTopology(agents);
    expect(t.agents.map((a) => [a.name, a.intents])).toEqual([
      ['forecast', ['tides', 'weather']],
      ['weather', ['weather']],
    ]);
    expect(checkTopology(t)).toContain('intent "weather" is declared by both "forecast" and "weather"');
  });
});
