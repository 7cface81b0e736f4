/**
 * One message at a time through the network (one process, as `npm start` runs it), each sent a set
 * time after the previous one's reply: the latency as a function of how long the machine idled
 * before the message, and what Redis saw of the last one (MONITOR: every command, µs, by client).
 *
 *   node --conditions=@hive/source --import tsx src/network-timeline.ts [gapsMs=5,20,100,500] [messages=40] [agents]
 *
 * `agents` (comma-separated) starts only those (e.g. kami,iris,ledger: the expense's path) and then
 * sends only the expense. Prints, per gap: p50, p90 and min (ms) from the POST to the client seeing
 * the reply, and a PING round trip to the same Redis at that gap (raw socket, as the bench's); then
 * the timeline of one more message after the last gap, relative to kami's publish (MONITOR on for
 * that message only: it slows Redis and wakes this process on every command).
 */
import { Redis } from 'ioredis';
import { startNetwork } from '@hive/e2e/network';
import { askForReply, clientNames, userNumber as from, NETWORK_APPENDFSYNC, NETWORK_TEXTS, pinger, sendInTurn, UNTHROTTLED } from './network.js';
import { percentile, summarize } from './stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [gapsArg = '5,20,100,500', countArg = '40', agentsArg] = process.argv.slice(2);
  const gaps = gapsArg.split(',').map(Number);
  const count = Number(countArg);
  const only = agentsArg?.split(',').filter(Boolean);
  const texts = only ? ['spent 12.50 on lunch'] : NETWORK_TEXTS;
  const net = await startNetwork({ mode: 'host', env: UNTHROTTLED, appendfsync: NETWORK_APPENDFSYNC, ...(only ? { only } : {}) });
  const admin = new Redis(net.redis.url);
  // monitor() opens a connection of its own: both are closed at the end, or they reconnect forever.
  const watcher = new Redis(net.redis.url, { lazyConnect: true });
  let monitor: Awaited<ReturnType<Redis['monitor']>> | undefined;
  const ping = await pinger(net.redis.url);
  try {
    await sendInTurn(net, texts, 20);
    const names = clientNames(String(await admin.client('LIST')));
    for (const gap of gaps) {
      const latency: number[] = [];
      const pings: number[] = [];
      for (let k = 0; k < count; k++) {
        await sleep(gap);
        pings.push(await ping.rtt());
        await sleep(gap);
        const sent = performance.now();
        if ((await askForReply(net, texts[k % texts.length]!, from(k))).reply) latency.push(performance.now() - sent);
      }
      const sorted = [...latency].sort((a, b) => a - b);
      console.log(`gap ${gap} ms: p50 ${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)}, min ${percentile(sorted, 0).toFixed(1)} over ${latency.length}/${count}; PING p50 ${summarize(pings).p50.toFixed(0)} µs`);
    }
    // MONITOR slows Redis and wakes this process on every command: on for one message only.
    const seen: { at: number; who: string; args: string[] }[] = [];
    monitor = await watcher.monitor();
    monitor.on('monitor', (time: string, args: string[], source: string) => seen.push({ at: Number(time) * 1_000, who: names.get(source) ?? source, args }));
    await sleep(gaps.at(-1) ?? 500);
    const firstRow = seen.length;
    const postAt = Date.now();
    const { reply } = await askForReply(net, texts[0]!, from(0));
    const answeredIn = Date.now() - postAt;
    await sleep(100);
    const rows = seen.slice(firstRow);
    const base = rows.find((x) => x.who.includes('kami'))?.at ?? postAt;
    console.log(`\none more message, MONITOR on (${reply ? `answered in ${answeredIn} ms` : 'not answered'}), what Redis saw (ms from kami's publish; the POST was at ${(postAt - base).toFixed(1)}):`);
    for (const x of rows) console.log(`${(x.at - base).toFixed(2).padStart(8)}  ${x.who.padEnd(16)} ${x.args.slice(0, 5).map((a) => a.slice(0, 48)).join(' ')}`);
  } finally {
    monitor?.disconnect();
    watcher.disconnect();
    admin.disconnect();
    ping.close();
    await net.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
