/**
 * `hive dlq list|show|retry|drop` against a real Redis, including the redrive evidence: with three
 * groups on a stream and one failing until fixed, `dlq retry` makes that group handle the message
 * once more and leaves the other two groups' handled counts unchanged.
 */
import { describe, expect, it } from 'vitest';
import { createKeys, UnrecoverableError, type Bus, type Subscription } from '@hive/bus';
import { listDeadLetters } from '@hive/bus/admin';
import { hive, makeBus, randomPrefix, rawDriver, useRedis, waitUntil } from './helpers.js';

const redis = useRedis();

/** Three groups on "orders"; "billing" fails (unrecoverably, so at once) while `broken` is true. */
async function threeGroups(prefix: string) {
  const bus = await makeBus(redis(), prefix);
  const handled: Record<string, number> = { billing: 0, audit: 0, mail: 0 };
  const state = { broken: true };
  const subs: Subscription[] = Object.keys(handled).map((group) =>
    bus.subscribe({
      stream: 'orders',
      group,
      handler: () => {
        if (group === 'billing' && state.broken) throw new UnrecoverableError('billing is down');
        handled[group]!++;
      },
    }),
  );
  await Promise.all(subs.map((s) => s.ready));
  return { bus, handled, state, stop: async () => Promise.all(subs.map((s) => s.stop())).then(() => bus.close()) };
}

const dlqLength = async (bus: Bus, stream: string) => (await listDeadLetters(bus.driver, bus.keys, stream, { count: 10_000 })).length;

describe('dlq', () => {
  it('retry sends a dead letter back to the failing group only', async () => {
    const prefix = randomPrefix();
    const { bus, handled, state, stop } = await threeGroups(prefix);
    const sent = await bus.publish('orders', 'demo.order', { n: 1 });
    await waitUntil(async () => handled.audit === 1 && handled.mail === 1 && (await dlqLength(bus, 'orders')) === 1, 10_000, 'audit and mail handled, billing dead-lettered');

    const listed = await hive(['dlq', 'list', 'orders', '--json'], { url: redis().url, prefix });
    expect(listed.code).toBe(0);
    const [dl] = listed.json();
    expect(dl).toMatchObject({ stream: 'orders', entryId: sent.entryId, group: 'billing', reason: 'UNRECOVERABLE', error: 'billing is down', retries: 0, message: { id: sent.id, type: 'demo.order', data: { n: 1 } } });
    expect(dl.original).toMatchObject({ type: 'demo.order', id: sent.id });

    state.broken = false;
    const r = await hive(['dlq', 'retry', 'orders', dl.id], { url: redis().url, prefix });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^retried ${dl.id}: back to group "billing" only \\(redrive entry \\d+-\\d+\\)\\n$`));
    await waitUntil(() => handled.billing === 1, 10_000, 'billing to handle the retried message');
    // Give the other groups every chance to see it twice; they must not.
    await bus.publish('orders', 'demo.order', { n: 2 });
    await waitUntil(() => handled.audit === 2 && handled.mail === 2 && handled.billing === 2, 10_000, 'the marker message everywhere');
    expect(handled).toEqual({ billing: 2, audit: 2, mail: 2 });
    expect(await dlqLength(bus, 'orders')).toBe(0);
    await stop();
  });

  it('list without a stream counts per stream; show prints one in full; --json shapes', async () => {
    const prefix = randomPrefix();
    const { bus, handled, stop } = await threeGroups(prefix);
    const sent = await bus.publish('orders', 'demo.order', { n: 7 }, { corr: 'conv-1' });
    await waitUntil(async () => handled.mail === 1 && (await dlqLength(bus, 'orders')) === 1, 10_000, 'the dead letter');
    await stop();

    const all = await hive(['dlq', 'list', '--json'], { url: redis().url, prefix });
    expect(all.json()).toEqual([{ stream: 'orders', count: 1, oldestAt: expect.any(Number), newestAt: expect.any(Number) }]);
    const table = await hive(['dlq', 'list'], { url: redis().url, prefix });
    expect(table.stdout).toMatch(/^STREAM\s+DEAD LETTERS\s+OLDEST\s+NEWEST\norders\s+1\s+\S+ ago\s+\S+ ago\n$/);

    const one = await hive(['dlq', 'list', 'orders'], { url: redis().url, prefix });
    expect(one.stdout).toMatch(/^ID\s+DEAD-LETTERED\s+GROUP\s+TYPE\s+MESSAGE ID\s+DELIVERIES\s+RETRIES\s+REASON\s+ERROR\n\d+-\d+\s+\S+ ago\s+billing\s+demo\.order\s+[0-9A-Z]{26}\s+1\s+0\s+UNRECOVERABLE\s+billing is down\n$/);
    const id = (await hive(['dlq', 'list', 'orders', '--json'], { url: redis().url, prefix })).json()[0].id;

    const shown = await hive(['dlq', 'show', 'orders', id], { url: redis().url, prefix });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`dead letter ${id} of orders\n  stream         orders (entry ${sent.entryId})\n  group          billing (consumer `);
    expect(shown.stdout).toContain('  reason         UNRECOVERABLE\n  error          billing is down\n');
    expect(shown.stdout).toContain(`\nmessage\n  type   demo.order v1\n  id     ${sent.id}\n  src    test\n`);
    expect(shown.stdout).toContain('  corr   conv-1\n');
    expect(shown.stdout).toContain('  data\n    {\n      "n": 7\n    }\n');
    const json = await hive(['dlq', 'show', 'orders', id, '--json'], { url: redis().url, prefix });
    expect(json.json()).toMatchObject({ id, group: 'billing', message: { corr: 'conv-1' }, original: { corr: 'conv-1', data: '{"n":7}' } });
  });

  it('drop deletes; --all acts on every dead letter; missing ids exit 1 and are named', async () => {
    const prefix = randomPrefix();
    const { bus, handled, stop } = await threeGroups(prefix);
    for (let n = 0; n < 3; n++) await bus.publish('orders', 'demo.order', { n });
    await waitUntil(async () => handled.mail === 3 && (await dlqLength(bus, 'orders')) === 3, 10_000, 'three dead letters');
    await stop();
    const ids: string[] = (await hive(['dlq', 'list', 'orders', '--json'], { url: redis().url, prefix })).json().map((d: { id: string }) => d.id);

    const dropped = await hive(['dlq', 'drop', 'orders', ids[0]!], { url: redis().url, prefix });
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toBe(`dropped ${ids[0]}\n`);
    const again = await hive(['dlq', 'drop', 'orders', ids[0]!, ids[1]!], { url: redis().url, prefix });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe(`dropped ${ids[1]}\n`);
    expect(again.stderr).toBe(`hive dlq: 1 dead letter not found on "orders" (already dropped, or never there): ${ids[0]}; the other 1 done\n`);

    const retryMissing = await hive(['dlq', 'retry', 'orders', '1-0', '--json'], { url: redis().url, prefix });
    expect(retryMissing.code).toBe(1);
    expect(retryMissing.json()).toEqual({ stream: 'orders', action: 'retry', done: 0, missing: 1, outcomes: [{ id: '1-0', status: 'missing' }] });

    const all = await hive(['dlq', 'drop', 'orders', '--all', '--json'], { url: redis().url, prefix });
    expect(all.code).toBe(0);
    expect(all.json()).toMatchObject({ done: 1, missing: 0, outcomes: [{ id: ids[2], status: 'dropped' }] });
    const none = await hive(['dlq', 'list', 'orders'], { url: redis().url, prefix });
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('no dead letters for stream "orders"\n');
    const nothingToDo = await hive(['dlq', 'retry', 'orders', '--all'], { url: redis().url, prefix });
    expect(nothingToDo.code).toBe(0);
  });

  it('show of a missing dead letter exits 1; a foreign original is shown as fields', async () => {
    const prefix = randomPrefix();
    const missing = await hive(['dlq', 'show', 'orders', '1-0'], { url: redis().url, prefix });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('hive dlq: no dead letter 1-0 for stream "orders"\n');
    const d = await rawDriver(redis());
    const id = String(await d.call(['XADD', `${prefix}dlq:{raw}`, '*', 'dl.stream', 'raw', 'dl.group', 'g', 'dl.reason', 'DECODE_MISSING_FIELD', 'dl.error', 'field "type" is missing', 'hello', 'world']));
    await d.close();
    const shown = await hive(['dlq', 'show', 'raw', id], { url: redis().url, prefix });
    expect(shown.stdout).toContain('\noriginal entry (not a hive message: field "type" is missing)\n  {"hello":"world"}\n');
  });

  it('usage errors exit 2', async () => {
    const cases: [string[], string][] = [
      [['dlq'], 'missing what to do: list, show, retry, drop'],
      [['dlq', 'purge', 'x'], 'unknown dlq action "purge": use list, show, retry, drop'],
      [['dlq', 'show', 'orders'], 'missing <dead-letter-id>'],
      [['dlq', 'show', 'orders', 'abc'], '"abc" is not a dead-letter id'],
      [['dlq', 'retry', 'orders'], 'missing <dead-letter-id>... (or --all)'],
      [['dlq', 'drop', 'orders', '1-0', '--all'], 'give dead-letter ids or --all, not both'],
      [['dlq', 'list', '--all'], '--all goes with retry or drop'],
      [['dlq', 'show', 'x', '1-0', '--count', '3'], '--count goes with list'],
      [['dlq', 'list', 'a', 'b'], 'unexpected argument "b"'],
      [['dlq', 'list', '--group', 'g'], '--group goes with a stream'],
    ];
    for (const [argv, message] of cases) {
      const r = await hive(argv, { url: redis().url, prefix: randomPrefix() });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(`hive dlq: ${message}`);
      expect(r.stderr).toContain('usage: hive dlq list [stream] [--group NAME] [--count N]\n       hive dlq show');
    }
  });

  it('two groups holding the same dead-letter id: --group names the one meant; --all takes each group\'s', async () => {
    const prefix = randomPrefix();
    const k = createKeys(prefix);
    const d = await rawDriver(redis());
    for (const g of ['a', 'b']) {
      await d.call(['XADD', k.deadLetters('twin', g), '7-0', 'dl.stream', 'twin', 'dl.group', g, 'dl.reason', 'UNRECOVERABLE', 'dl.error', `in ${g}`, 'dl.original', '["hello","world"]']);
      await d.call(['HSET', k.deadLetterGroups('twin'), g, '7-0']);
    }
    await d.close();
    const ambiguous = await hive(['dlq', 'show', 'twin', '7-0'], { url: redis().url, prefix });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr.split('\n')[0]).toBe('hive dlq: dead letter 7-0 of "twin" is in the dead letters of groups a, b: name the group (--group NAME)');
    const shown = await hive(['dlq', 'show', 'twin', '7-0', '--group', 'b', '--json'], { url: redis().url, prefix });
    expect(shown.json()).toMatchObject({ group: 'b', error: 'in b', original: { hello: 'world' } });
    const listed = await hive(['dlq', 'list', 'twin', '--group', 'a', '--json'], { url: redis().url, prefix });
    expect(listed.json().map((x: { group: string }) => x.group)).toEqual(['a']);
    const dropped = await hive(['dlq', 'drop', 'twin', '--all', '--json'], { url: redis().url, prefix });
    expect(dropped.json()).toMatchObject({ done: 2, missing: 0 });
    expect((await hive(['dlq', 'list', '--json'], { url: redis().url, prefix })).json()).toEqual([]);
  });
});
