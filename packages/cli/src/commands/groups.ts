/**
 * `hive groups <stream>`: the stream's consumer groups and each group's consumers. A partitioned
 * stream's groups are listed shard by shard (each group is one per shard), with a shard column.
 */
import { compareEntryIds, xinfoConsumers, xinfoGroups, type ConsumerInfo, type GroupInfo } from '@hive/bus/admin';
import { shardsOf } from '../catalogue.js';
import type { Command } from '../command.js';
import { formatCount, formatDuration, table } from '../format.js';
import { requireShards, streamArg } from './shared.js';

export const command: Command = {
  async run(ctx) {
    const stream = streamArg(ctx);
    const redis = await ctx.redis();
    const shards = shardsOf(ctx, stream);
    const split = shards.length > 1;
    const infos = await requireShards(redis, ctx.keys, stream, shards);
    const withConsumers: (GroupInfo & { shard: string; consumerList: ConsumerInfo[] })[] = [];
    for (const shard of shards) {
      const key = ctx.keys.stream(shard);
      for (const g of await xinfoGroups(redis, key)) withConsumers.push({ ...g, shard, consumerList: await xinfoConsumers(redis, key, g.name) });
    }
    const lastEntryIds = infos.flatMap((i) => (i?.lastEntryId ? [i.lastEntryId] : [])).sort(compareEntryIds);

    if (ctx.json) {
      return void ctx.printJson({
        stream,
        length: infos.reduce((n, i) => n + (i?.length ?? 0), 0),
        lastEntryId: lastEntryIds.at(-1) ?? null,
        groups: withConsumers.map(({ consumerList, shard, ...g }) => ({ ...g, ...(split ? { shard } : {}), consumers: consumerList })),
      });
    }
    if (withConsumers.length === 0) {
      ctx.note(`stream "${stream}" has no consumer groups`);
      return;
    }
    const shardCell = (g: { shard: string }) => (split ? [g.shard] : []);
    ctx.print(
      table(
        ['group', ...(split ? ['shard'] : []), 'consumers', 'pending', 'lag', 'last delivered'],
        withConsumers.map((g) => [g.name, ...shardCell(g), g.consumers, g.pending, formatCount(g.lag), g.lastDeliveredId]),
        { align: ['left', ...(split ? (['left'] as const) : []), 'right', 'right', 'right', 'left'] },
      ),
    );
    const consumers = withConsumers.flatMap((g) => g.consumerList.map((c) => [g.name, ...shardCell(g), c.name, c.pending, formatDuration(c.idleMs), c.inactiveMs === undefined ? '-' : formatDuration(c.inactiveMs)]));
    if (consumers.length > 0) {
      ctx.print('');
      ctx.print(table(['group', ...(split ? ['shard'] : []), 'consumer', 'pending', 'idle', 'inactive'], consumers, { align: ['left', ...(split ? (['left'] as const) : []), 'left', 'right', 'right', 'right'] }));
    }
  },
};
