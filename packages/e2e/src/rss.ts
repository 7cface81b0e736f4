/**
 * Memory of the running network: starts every agent as `npm start` does (on a test Redis), sends a
 * few messages so each has done some work, then reads each process's resident set size from /proc.
 * `pnpm --filter @hive/e2e rss` — the figures go into BENCHMARKS.md.
 */
import { readFileSync } from 'node:fs';
import { startNetwork } from './network.js';

function rssKiB(pid: number | undefined): number {
  if (!pid) return 0;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const net = await startNetwork();
try {
  for (const text of ['I had 2 eggs and toast', 'spent 12.50 on lunch', 'remind me tomorrow at 9 to call mom', 'note: buy milk', 'ran 5k', 'briefing', 'help']) {
    const s = await net.send(text, '+15555550199');
    await net.replies(s.chatId, s.cursor, 1, 20_000);
  }
  await new Promise((r) => setTimeout(r, 5_000));
  const rows = net.supervisor.states().map((s) => ({ agent: s.name, rssMiB: rssKiB(s.pid) / 1024 }));
  const redisRss = rssKiB(net.redis.pid) / 1024;
  const total = rows.reduce((n, r) => n + r.rssMiB, 0);
  console.log('| process | RSS (MiB) |\n|---|---:|');
  for (const r of rows) console.log(`| ${r.agent} | ${r.rssMiB.toFixed(1)} |`);
  console.log(`| **all ${rows.length} agents** | **${total.toFixed(1)}** |`);
  console.log(`| redis-server | ${redisRss.toFixed(1)} |`);
} finally {
  await net.stop();
}
