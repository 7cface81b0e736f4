/** `hive groups <stream>`: the stream's consumer groups and each group's consumers. */
import { xinfoConsumers, xinfoGroups, type ConsumerInfo, type GroupInfo } from '@hive/bus/admin';
import type { Command } from '../command.js';
import { formatCount, formatDuration, table } from '../format.js';
import { requireStream, streamArg } from './shared.js';

export const command: Command = {
  async run(ctx) {
    const stream = streamArg(ctx);
    const redis = await ctx.redis();
    const info = await requireStream(redis, ctx.keys, stream);
    const groups = await xinfoGroups(redis, ctx.keys.stream(stream));
    const withConsumers: (GroupInfo & { consumerList: ConsumerInfo[] })[] = [];
    for (const g of groups) withConsumers.push({ ...g, consumerList: await xinfoConsumers(redis, ctx.keys.stream(stream), g.name) });

    if (ctx.json) {
      return void ctx.printJson({
        stream,
        length: info.length,
        lastEntryId: info.lastEntryId,
        groups: withConsumers.map(({ consumerList, ...g }) => ({ ...g, consumers: consumerList })),
      });
    }
    if (groups.length === 0) {
      ctx.note(`stream "${stream}" has no consumer groups`);
      return;
    }
    ctx.print(
      table(
        ['group', 'consumers', 'pending', 'lag', 'last delivered'],
        withConsumers.map((g) => [g.name, g.consumers, g.pending, formatCount(g.lag), g.lastDeliveredId]),
        { align: ['left', 'right', 'right', 'right', 'left'] },
      ),
    );
    const consumers = withConsumers.flatMap((g) => g.consumerList.map((c) => [g.name, c.name, c.pending, formatDuration(c.idleMs), c.inactiveMs === undefined ? '-' : formatDuration(c.inactiveMs)]));
    if (consumers.length > 0) {
      ctx.print('');
      ctx.print(table(['group', 'consumer', 'pending', 'idle', 'inactive'], consumers, { align: ['left', 'left', 'right', 'right', 'right'] }));
    }
  },
};
