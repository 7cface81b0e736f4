/** `hive pending <stream> <group>`: entries delivered to the group and not acked, with their type. */
import { decodeEntry } from '@hive/bus';
import { xinfoGroups, xpending, xpendingSummary, type PendingQuery } from '@hive/bus/admin';
import { durationFlag, positiveInt, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { NotFoundError } from '../errors.js';
import { formatDuration, table } from '../format.js';
import { checkName, positionals, requireStream } from './shared.js';

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
    const key = ctx.keys.stream(stream!);
    await requireStream(redis, ctx.keys, stream!);
    if (!(await xinfoGroups(redis, key)).some((g) => g.name === group)) {
      throw new NotFoundError(`group "${group}" not found on stream "${stream}"`);
    }
    const summary = await xpendingSummary(redis, key, group!);
    const rows = await xpending(redis, key, group!, query);
    // The type of each pending entry, in one round trip: what is stuck matters more than its id.
    const entries = await redis.pipeline(rows.map((r) => ['XRANGE', key, r.id, r.id]));
    const list = rows.map((r, i) => {
      const res = entries[i];
      const reply = res?.ok && Array.isArray(res.value) ? res.value[0] : undefined;
      const fields = Array.isArray(reply) && Array.isArray(reply[1]) ? (reply[1] as string[]).map(String) : null;
      const decoded = fields ? decodeEntry(fields) : undefined;
      return {
        entryId: r.id,
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
        ['entry', 'consumer', 'idle', 'deliveries', 'type', 'message id'],
        list.map((e) => [e.entryId, e.consumer, formatDuration(e.idleMs), e.deliveryCount, e.exists ? e.type ?? '(not a hive message)' : '(deleted)', e.id]),
        { align: ['left', 'left', 'right', 'right', 'left', 'left'] },
      ),
    );
    if (summary.count > list.length) ctx.note(`${list.length} of ${summary.count} shown; see --count, --consumer, --min-idle`);
  },
};
