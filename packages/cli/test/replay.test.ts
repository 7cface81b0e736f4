/** `hive replay` into a new or reset group, and to stdout, against a real Redis. */
import { describe, expect, it } from 'vitest';
import { hive, makeBus, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();
const BASE = Date.UTC(2025, 0, 31, 8, 0, 0);
const MINUTE = 60_000;

/** 10 messages at BASE + i minutes on "events"; group "live" has read and acked all of them. */
async function seed(prefix: string): Promise<string[]> {
  const d = await rawDriver(redis());
  const key = `${prefix}s:{events}`;
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const fields = ['type', 'demo.e', 'v', '1', 'id', `e${i}`, 'src', 't', 'ts', String(BASE + i * MINUTE), 'corr', `e${i}`, 'cause', '', 'data', JSON.stringify({ i })];
    ids.push(String(await d.call(['XADD', key, `${BASE + i * MINUTE}-0`, ...fields])));
  }
  await d.call(['XGROUP', 'CREATE', key, 'live', '0']);
  await d.call(['XREADGROUP', 'GROUP', 'live', 'c', 'COUNT', '100', 'STREAMS', key, '>']);
  await d.call(['XACK', key, 'live', ...ids]);
  await d.close();
  return ids;
}

const run = (argv: string[], prefix: string) => hive(argv, { url: redis().url, prefix, now: () => BASE + 10 * MINUTE });

describe('replay into a group', () => {
  it('creates a new group at --from; a subscription in it receives the history from there, the other group is untouched', async () => {
    const prefix = randomPrefix();
    const ids = await seed(prefix);
    const r = await run(['replay', 'events', '--group', 'dev', '--from', '3m', '--json'], prefix);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ stream: 'events', group: 'dev', mode: 'create', entries: 3, pending: 0 });
    const bus = await makeBus(redis(), prefix);
    const seen: unknown[] = [];
    const sub = bus.subscribe<{ i: number }>({ stream: 'events', group: 'dev', handler: (m) => void seen.push(m.data.i) });
    await waitUntil(() => seen.length >= 3, 10_000, 'the replayed entries');
    await sub.stop();
    await bus.close();
    expect(seen).toEqual([7, 8, 9]);
    const groups = (await run(['groups', 'events', '--json'], prefix)).json().groups;
    expect(groups.find((g: { name: string }) => g.name === 'live')).toMatchObject({ lastDeliveredId: ids[9], pending: 0 });
  });

  it('--reset moves an existing group back; prints what it did', async () => {
    const prefix = randomPrefix();
    const ids = await seed(prefix);
    const r = await run(['replay', 'events', '--group', 'live', '--from', ids[5]!, '--reset'], prefix);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`moved group "live" on events (it had read up to ${ids[9]}): it reads 5 entries, from ${ids[5]} on\n`);
    const created = await run(['replay', 'events', '--group', 'fresh', '--from', 'start'], prefix);
    expect(created.stdout).toBe('created group "fresh" on events: it reads 10 entries, from 0-0 on\n');
  });

  it('refuses what would surprise: an existing group without --reset, a missing one with it, pending entries without --force (exit 1)', async () => {
    const prefix = randomPrefix();
    await seed(prefix);
    const exists = await run(['replay', 'events', '--group', 'live', '--from', 'start'], prefix);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toBe('hive replay: group "live" already exists on stream "events": add --reset to move it\n');
    const missing = await run(['replay', 'events', '--group', 'ghost', '--from', 'start', '--reset', '--json'], prefix);
    expect(missing.code).toBe(1);
    expect(missing.errorJson().error).toMatchObject({ code: 'NOT_FOUND', message: 'group "ghost" not found on stream "events": drop --reset to create it' });
    const d = await rawDriver(redis());
    await d.call(['XGROUP', 'CREATE', `${prefix}s:{events}`, 'busy', '0']);
    await d.call(['XREADGROUP', 'GROUP', 'busy', 'c', 'COUNT', '2', 'STREAMS', `${prefix}s:{events}`, '>']);
    await d.close();
    const pending = await run(['replay', 'events', '--group', 'busy', '--from', 'start', '--reset'], prefix);
    expect(pending.code).toBe(1);
    expect(pending.stderr).toBe('hive replay: group "busy" on stream "events" has 2 pending entries: add --force to reset anyway (they stay pending)\n');
    const forced = await run(['replay', 'events', '--group', 'busy', '--from', 'start', '--reset', '--force', '--json'], prefix);
    expect(forced.code).toBe(0);
    expect(forced.json()).toMatchObject({ mode: 'reset', pending: 2, entries: 10 });
    const noStream = await run(['replay', 'nope', '--group', 'g', '--from', 'start'], prefix);
    expect(noStream.code).toBe(1);
    expect(noStream.stderr).toMatch(/^hive replay: stream "nope" not found/);
  });
});

describe('replay --to-stdout', () => {
  it('prints entries between --from and --to, capped by --count, touching no group', async () => {
    const prefix = randomPrefix();
    const ids = await seed(prefix);
    const r = await run(['replay', 'events', '--to-stdout', '--from', ids[2]!, '--to', new Date(BASE + 4 * MINUTE).toISOString(), '--json'], prefix);
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ stream: 'events', read: 3, handled: 3, invalid: 0, lastEntryId: ids[4] });
    expect(doc.entries.map((e: { entryId: string; data: { i: number } }) => [e.entryId, e.data.i])).toEqual([2, 3, 4].map((i) => [ids[i], i]));
    const human = await run(['replay', 'events', '--to-stdout', '--count', '2'], prefix);
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(human.stdout).toMatch(/^\d+-0 {2}2025-01-31T08:00:00\.000Z {2}demo\.e {2}src=t id=e0 {2}\{"i":0\}\n/);
    expect(human.stderr).toBe('2 entries read; no group was touched\n');
    const groups = (await run(['groups', 'events', '--json'], prefix)).json().groups;
    expect(groups.map((g: { name: string }) => g.name)).toEqual(['live']);
  });

  it('bad combinations are usage errors (exit 2)', async () => {
    const prefix = randomPrefix();
    const cases: [string[], string][] = [
      [['replay', 'events'], 'give --group GROUP (replay into a group) or --to-stdout (print)'],
      [['replay', 'events', '--group', 'g', '--to-stdout'], 'give --group or --to-stdout, not both'],
      [['replay', 'events', '--group', 'g'], '--group needs --from POSITION (where the group starts reading)'],
      [['replay', 'events', '--group', 'g', '--from', 'start', '--count', '3'], '--count goes with --to-stdout, not --group'],
      [['replay', 'events', '--to-stdout', '--reset'], '--reset goes with --group, not --to-stdout'],
      [['replay', 'events', '--group', 'g:1', '--from', 'start'], 'group name "g:1" is invalid'],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv, prefix);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(`hive replay: ${message}`);
    }
  });
});
