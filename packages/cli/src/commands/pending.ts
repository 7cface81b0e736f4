/**
 * `hive pending <stream> <group>`: entries delivered to the group and not acked, with their type. On
 * a partitioned stream, over every shard (oldest first, each naming its shard).
 */
import { decodeEntry, type PipelineResult } from '@hive/bus';
import { compareEntryIds, xinfoGroups, xpending, xpendingSummary, type PendingQuery } from '@hive/bus/admin';
import { durationFlag, positiveInt, stringFlag } from '../args.js';
import { shardsOf } from '../catalogue.js';
import type { Command } from '../command.js';
import { NotFoundError } from '../errors.js';
import { formatDuration, table } from '../format.js';
import { checkName, positionals, requireShards } from './shared.js';

export const DEFAULT_PENDING_COUNT = 100;

export const command: Command = {
  async run(ctx) {
    const { stream, group } = positionals(ctx, ['stream', 'group']);
    checkName(ctx, 'stream', stream!);
    checkName(ctx, 'group', group!);
    const countText = stringFlag(ctx.args.values, 'count');
    const minIdleText = stringFlag(ctx.args.values, 'min-idle');
    const consumer = stringFlag(ctx.args.values, 'consumer');
    const query: PendingQuery = { count: countText === undefined ? DEFAULT_PENDING_COUNT : positiveInt('--count', countText, ctx.verb) };
    if (minIdleText !== undefined) query.minIdleMs = durationFlag('--min-idle', minIdleText, ctx.verb);
    if (consumer !== undefined) query.consumer = consumer;

    const redis = await ctx.redis();
    // A partitioned stream: the group's pending entries on every shard, oldest first.
    const shards = shardsOf(ctx, stream!);
    const split = shards.length > 1;
    await requireShards(redis, ctx.keys, stream!, shards);
    const withGroup: string[] = [];
    for (const s of shards) if ((await xinfoGroups(redis, ctx.keys.stream(s))).some((g) => g.name === group)) withGroup.push(s);
    if (withGroup.length === 0) throw new NotFoundError(`group "${group}" not found on stream "${stream}"`);

    const summaries = await Promise.all(withGroup.map((s) => xpendingSummary(redis, ctx.keys.stream(s), group!)));
    const byConsumer = new Map<string, number>();
    for (const c of summaries.flatMap((x) => x.consumers)) byConsumer.set(c.name, (byConsumer.get(c.name) ?? 0) + c.pending);
    const summary = { count: summaries.reduce((n, x) => n + x.count, 0), consumers: [...byConsumer].map(([name, pending]) => ({ name, pending })) };
    const perShard = await Promise.all(withGroup.map(async (shard) => (await xpending(redis, ctx.keys.stream(shard), group!, query)).map((r) => ({ ...r, shard }))));
    const rows = perShard.flat().sort((a, b) => compareEntryIds(a.id, b.id)).slice(0, query.count);
    // The type of each pending entry, in one round trip per shard: what is stuck matters more than its id.
    const entries = new Map<(typeof rows)[number], PipelineResult>();
    await Promise.all(
      withGroup.map(async (shard) => {
        const mine = rows.filter((r) => r.shard === shard);
        if (mine.length === 0) return;
        const replies = await redis.pipeline(mine.map((r) => ['XRANGE', ctx.keys.stream(shard), r.id, r.id]));
        mine.forEach((r, i) => entries.set(r, replies[i]!));
      }),
    );
    const list = rows.map((r) => {
      const res = entries.get(r);
      const reply = res?.ok && Array.isArray(res.value) ? res.value[0] : undefined;
      const fields = Array.isArray(reply) && Array.isArray(reply[1]) ? (reply[1] as string[]).map(String) : null;
      const decoded = fields ? decodeEntry(fields) : undefined;
      return {
        entryId: r.id,
        ...(split ? { shard: r.shard } : {}),
        consumer: r.consumer,
        idleMs: r.idleMs,
        deliveryCount: r.deliveryCount,
        exists: fields !== null,
        type: decoded?.ok ? decoded.message.type : null,
        id: decoded?.ok ? decoded.message.id : null,
      };
    });

    if (ctx.json) return void ctx.printJson({ stream, group, count: summary.count, consumers: summary.consumers, entries: list });
    if (summary.count === 0) {
      ctx.note(`group "${group}" on "${stream}" has nothing pending`);
      return;
    }
    ctx.print(
      table(
        ['entry', ...(split ? ['shard'] : []), 'consumer', 'idle', 'deliveries', 'type', 'message id'],
        list.map((e) => [e.entryId, ...(split ? [e.shard] : []), e.consumer, formatDuration(e.idleMs), e.deliveryCount, e.exists ? e.type ?? '(not a hive message)' : '(deleted)', e.id]),
        { align: ['left', ...(split ? (['left'] as const) : []), 'left', 'right', 'right', 'left', 'left'] },
      ),
    );
    if (summary.count > list.length) ctx.note(`${list.length} of ${summary.count} shown; see --count, --consumer, --min-idle`);
  },
};
