/** `hive tail` (history, --from, --follow) and `hive publish` (validation, ids, stdin) against a real Redis. */
import { describe, expect, it } from 'vitest';
import { catalogue } from '@hive/contracts';
import { DRIVER_KINDS } from '@hive/bus';
import { hive, makeBus, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const BASE = Date.UTC(2025, 0, 31, 8, 0, 0);
const MINUTE = 60_000;

/** 15 entries at BASE + i minutes (explicit entry ids), plus nothing else. */
async function seedTimed(prefix: string): Promise<string[]> {
  const d = await rawDriver(redis());
  const ids: string[] = [];
  for (let i = 0; i < 15; i++) {
    const id = `${BASE + i * MINUTE}-0`;
    const fields = ['type', 'demo.tick', 'v', '1', 'id', `m${i}`, 'src', 'clock', 'ts', String(BASE + i * MINUTE), 'corr', `m${i}`, 'cause', '', 'data', JSON.stringify({ i })];
    ids.push(String(await d.call(['XADD', `${prefix}s:{ticks}`, id, ...fields])));
  }
  await d.close();
  return ids;
}

describe.each(DRIVER_KINDS)('tail on %s', (driver) => {
  const run = (argv: string[], prefix: string, extra = {}) => hive([...argv, '--driver', driver], { url: redis().url, prefix, now: () => BASE + 15 * MINUTE, ...extra });

  it('prints the last 10 entries by default, oldest first, one line each', async () => {
    const prefix = randomPrefix();
    const ids = await seedTimed(prefix);
    const r = await run(['tail', 'ticks'], prefix);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(`${ids[5]}  ${new Date(BASE + 5 * MINUTE).toISOString()}  demo.tick  src=clock id=m5  {"i":5}`);
    expect(lines[9]).toContain(`${ids[14]}  `);
  });

  it('--json: an array of entries with the envelope fields and the parsed data', async () => {
    const prefix = randomPrefix();
    const ids = await seedTimed(prefix);
    const r = await run(['tail', 'ticks', '--count', '2', '--json'], prefix);
    expect(r.json()).toEqual([13, 14].map((i) => ({ entryId: ids[i], type: 'demo.tick', v: 1, id: `m${i}`, src: 'clock', ts: BASE + i * MINUTE, corr: `m${i}`, cause: '', data: { i } })));
  });

  it('--from an entry id, a time ago, an ISO date, or start', async () => {
    const prefix = randomPrefix();
    const ids = await seedTimed(prefix);
    const entryIds = async (argv: string[]) => (await run(['tail', 'ticks', '--json', ...argv], prefix)).json().map((e: { entryId: string }) => e.entryId);
    expect(await entryIds(['--from', ids[12]!])).toEqual(ids.slice(12));
    expect(await entryIds(['--from', '10m'])).toEqual(ids.slice(5));
    expect(await entryIds(['--from', new Date(BASE + 13 * MINUTE).toISOString()])).toEqual(ids.slice(13));
    expect(await entryIds(['--from', 'start', '--count', '3'])).toEqual(ids.slice(0, 3));
    expect(await entryIds(['--from', 'start'])).toEqual(ids);
    expect(await entryIds(['--from', 'end'])).toEqual([]);
  });

  it('prints an entry that is not a Hive message with the reason', async () => {
    const prefix = randomPrefix();
    const d = await rawDriver(redis());
    const id = String(await d.call(['XADD', `${prefix}s:{foreign}`, '*', 'hello', 'world']));
    await d.close();
    const r = await run(['tail', 'foreign'], prefix);
    expect(r.stdout).toMatch(new RegExp(`^${id}  \\S+  \\(not a hive message: field "type" is missing\\)  \\{"hello":"world"\\}\\n$`));
    const j = await run(['tail', 'foreign', '--json'], prefix);
    expect(j.json()).toEqual([{ entryId: id, invalid: { code: 'DECODE_MISSING_FIELD', message: 'field "type" is missing' }, fields: { hello: 'world' } }]);
  });

  it('a missing stream exits 1', async () => {
    const r = await run(['tail', 'nope'], randomPrefix());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hive tail: stream "nope" not found/);
  });

  it('--follow prints history, then new entries as JSON lines, until interrupted (exit 0)', async () => {
    const prefix = randomPrefix();
    const bus = await makeBus(redis(), prefix);
    await bus.publish('live', 'demo.n', { n: 1 });
    await bus.publish('live', 'demo.n', { n: 2 });
    const stop = new AbortController();
    let out = '';
    const running = hive(['tail', 'live', '--follow', '--json', '--count', '1', '--driver', driver], {
      url: redis().url,
      prefix,
      signal: stop.signal,
      onStdout: (s) => (out += s),
    });
    await waitUntil(() => out.split('\n').length > 1, 10_000, 'the history line');
    for (const n of [3, 4]) await bus.publish('live', 'demo.n', { n });
    await waitUntil(() => out.trimEnd().split('\n').length >= 3, 10_000, 'two followed entries');
    stop.abort();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).data.n)).toEqual([2, 3, 4]);
    await bus.close();
  });

  it('--follow on a stream that does not exist yet waits for it', async () => {
    const prefix = randomPrefix();
    const stop = new AbortController();
    let out = '';
    const running = hive(['tail', 'later', '-f', '--driver', driver], { url: redis().url, prefix, signal: stop.signal, onStdout: (s) => (out += s) });
    const bus = await makeBus(redis(), prefix);
    // Publish until the follower has seen one: it may still be connecting when the first goes out,
    // and it must then print it from history, not miss it.
    await bus.publish('later', 'demo.n', { n: 1 });
    await waitUntil(() => out.includes('demo.n'), 10_000, 'the first entry');
    stop.abort();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+-\d+ {2}\S+ {2}demo\.n {2}src=test id=[0-9A-Z]{26} {2}\{"n":1\}\n$/);
    await bus.close();
  });
});

describe('publish', () => {
  const run = (argv: string[], prefix: string, extra = {}) => hive(argv, { url: redis().url, prefix, ...extra });
  const entry = catalogue.entries()[0]!;

  it('validates against the contracts catalogue and writes the current version', async () => {
    const prefix = randomPrefix();
    const r = await run(['publish', entry.stream, entry.type, JSON.stringify(entry.definition.example), '--json'], prefix);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc).toEqual({ stream: entry.stream, type: entry.type, id: expect.stringMatching(/^[0-9A-Z]{26}$/), entryId: expect.stringMatching(/^\d+-\d+$/), validated: true });
    const tail = (await run(['tail', entry.stream, '--json'], prefix)).json();
    expect(tail).toEqual([expect.objectContaining({ entryId: doc.entryId, id: doc.id, type: entry.type, v: entry.definition.version, src: 'cli', corr: doc.id, cause: '' })]);
  });

  it('an invalid payload exits 2 with the schema issues, and publishes nothing', async () => {
    const prefix = randomPrefix();
    const r = await run(['publish', entry.stream, entry.type, '{"nope":true}'], prefix);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^hive publish: payload of "${entry.type}" on stream "${entry.stream}" fails its schema: .+\\n$`));
    expect((await run(['streams', '--json'], prefix)).json()).toEqual([]);
  });

  it('an unknown type or stream exits 2 and names what the catalogue has', async () => {
    const prefix = randomPrefix();
    const types = catalogue.entries().filter((e) => e.stream === entry.stream).map((e) => e.type);
    const t = await run(['publish', entry.stream, 'no.such.type', '{}', '--json'], prefix);
    expect(t.code).toBe(2);
    expect(t.errorJson().error).toEqual({ code: 'UNKNOWN_TYPE', message: `type "no.such.type" is not a message of stream "${entry.stream}"; its types: ${types.join(', ')}`, exitCode: 2 });
    const s = await run(['publish', 'no-such-stream', entry.type, '{}'], prefix);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(`hive publish: stream "no-such-stream" is not in the contracts catalogue; type "${entry.type}" belongs to stream "${entry.stream}" (--unchecked publishes anyway)\n`);
  });

  it('invalid JSON exits 2 with the parser\'s reason', async () => {
    const r = await run(['publish', 'x', 'y', '{nope'], randomPrefix());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hive publish: payload is not valid JSON: .+\n$/);
  });

  it('--unchecked publishes any type; --id, --corr, --cause and --src land in the envelope; "-" reads stdin', async () => {
    const prefix = randomPrefix();
    const r = await run(['publish', 'scratch', 'demo.any', '-', '--unchecked', '--id', 'msg-1', '--corr', 'conv-1', '--cause', 'msg-0', '--src', 'ops', '--json'], prefix, { stdin: '{"from":"stdin"}' });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ id: 'msg-1', validated: false });
    const [e] = (await run(['tail', 'scratch', '--json'], prefix)).json();
    expect(e).toMatchObject({ type: 'demo.any', id: 'msg-1', corr: 'conv-1', cause: 'msg-0', src: 'ops', v: 1, data: { from: 'stdin' } });
    const human = await run(['publish', 'scratch', 'demo.any', '[]', '--unchecked'], prefix);
    expect(human.stdout).toMatch(/^published demo\.any to scratch: entry \d+-\d+, message id [0-9A-Z]{26} \(not validated\)\n$/);
  });

  it('a bad --id or --src is a usage error', async () => {
    const a = await run(['publish', 's', 't', '{}', '--id', 'has space'], randomPrefix());
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^hive publish: --id must be 1-256 characters without whitespace\n/);
    const b = await run(['publish', 's', 't', '{}', '--src', 'no/slash'], randomPrefix());
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^hive publish: source name "no\/slash" is invalid/);
  });
});
