/** `hive agents`: the live registry of agent instances, from their heartbeats. */
import { listAgents } from '@hive/bus/admin';
import type { Command } from '../command.js';
import { formatAgo, table } from '../format.js';
import { positionals } from './shared.js';

export const command: Command = {
  async run(ctx) {
    positionals(ctx, []);
    const redis = await ctx.redis();
    const agents = await listAgents(redis, ctx.keys);
    const now = ctx.now();
    if (ctx.json) return void ctx.printJson(agents.map((a) => ({ ...a, lastSeenAgoMs: Math.max(0, now - a.lastSeen) })));
    if (agents.length === 0) {
      ctx.note(`no agents registered under prefix "${ctx.keys.prefix}" at ${ctx.url}`);
      return;
    }
    ctx.print(
      table(
        ['name', 'instance', 'version', 'host', 'pid', 'status', 'last seen', 'up since', 'reads', 'writes'],
        agents.map((a) => [
          a.name,
          a.instance,
          a.version,
          a.host,
          a.pid,
          a.status,
          formatAgo(a.lastSeen, now),
          formatAgo(a.startedAt, now),
          list(a.reads),
          list(a.writes),
        ]),
        { align: ['left', 'left', 'left', 'left', 'right'] },
      ),
    );
  },
};

const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.join(',') : '-');
