/** `hive agents`: the live registry of agent instances, from their heartbeats, with the state of the models they call. */
import { modelStatuses, type AgentModelStatus } from '@hive/agent';
import { listAgents } from '@hive/bus/admin';
import type { Command } from '../command.js';
import { formatDuration, formatAgo, table } from '../format.js';
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
        ['name', 'instance', 'version', 'host', 'pid', 'status', 'last seen', 'up since', 'model', 'reads', 'writes'],
        agents.map((a) => [
          a.name,
          a.instance,
          a.version,
          a.host,
          a.pid,
          a.status,
          formatAgo(a.lastSeen, now),
          formatAgo(a.startedAt, now),
          models(modelStatuses(a), now),
          list(a.reads),
          list(a.writes),
        ]),
        { align: ['left', 'left', 'left', 'left', 'right'] },
      ),
    );
  },
};

const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? xs.join(',') : '-');

/**
 * Each endpoint's model and breaker state: "gpt-4o-mini ok", or "gpt-4o-mini down 2m 5s (HTTP 500)"
 * while its circuit is open ("probing" while half-open); "-" for an agent on rules only.
 */
function models(ms: readonly AgentModelStatus[] | undefined, now: number): string {
  if (!ms || ms.length === 0) return '-';
  return ms
    .map((m) => {
      const name = m.endpoint.slice(0, m.endpoint.lastIndexOf('@')) || m.endpoint;
      if (m.state === 'closed') return `${name} ok`;
      const down = m.unavailableSince !== undefined ? ` ${formatDuration(Math.max(0, now - m.unavailableSince))}` : '';
      return `${name} ${m.state === 'open' ? 'down' : 'probing'}${down}${m.lastError ? ` (${m.lastError})` : ''}`;
    })
    .join('; ');
}
