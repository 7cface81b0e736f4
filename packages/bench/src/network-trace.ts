/**
 * What the one process does between a message's Redis round trips, from its own sockets: every
 * reply it reads, every write it makes (with how long the write call took) and every GC, for a few
 * messages sent a set time apart (one process, as `npm start` runs it). The host preloads
 * trace-on-signal.mjs; SIGUSR2 turns the trace on and off around the traced messages.
 *
 *   node --conditions=@hive/source --import tsx src/network-trace.ts [gapMs=500] [messages=3] [agents]
 *
 * `agents` (comma-separated) starts only those (kami,iris,ledger: the expense's path) and sends
 * only the expense. Each message prints from kami's publish (the simulator's POST
 * parsed out of sight before it) for 25 ms: ms, R(ead) / W(rite) / GC, the Redis connection's name (or
 * http: for the simulator's), bytes, the write call's µs, and the command or reply's first bytes.
 * A span between a read and the next event is the event loop working on what that read brought.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startNetwork } from '@hive/e2e/network';
import { clientNames, userNumber as from, NETWORK_APPENDFSYNC, NETWORK_TEXTS, sendInTurn, UNTHROTTLED } from './network.js';

type TraceEvent = [at: number, kind: 'R' | 'W' | 'GC', end: string, bytes: number, head: string, callMs?: number];

const PRELOAD = fileURLToPath(new URL('./trace-on-signal.mjs', import.meta.url));
const WINDOW_MS = 25;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [gapArg = '500', countArg = '3', agentsArg] = process.argv.slice(2);
  const only = agentsArg?.split(',').filter(Boolean);
  const texts = only ? ['spent 12.50 on lunch'] : NETWORK_TEXTS;
  const out = join(tmpdir(), `hive-trace-${process.pid}.json`);
  const net = await startNetwork({ mode: 'host', env: { ...UNTHROTTLED, NODE_OPTIONS: `--import=${PRELOAD}`, HIVE_TRACE_OUT: out }, appendfsync: NETWORK_APPENDFSYNC, ...(only ? { only } : {}) });
  const host = net.pids()[0]!;
  const admin = new Redis(net.redis.url);
  try {
    await sendInTurn(net, texts, 40);
    // Each Redis connection by its local port: its client name (hive:<agent>:read, hive:<agent>@<host>).
    const names = new Map([...clientNames(String(await admin.client('LIST')))].map(([addr, name]) => [addr.slice(addr.lastIndexOf(':') + 1), name]));
    const redisPort = new URL(net.redis.url).port;
    const label = (end: string) => {
      const [local, remote] = end.split('>');
      return remote === redisPort ? (names.get(local!) ?? `redis:${local}`) : `http:${local}>${remote}`;
    };
    process.kill(host, 'SIGUSR2');
    const latencies: number[] = [];
    for (let k = 0; k < Number(countArg); k++) {
      await sleep(Number(gapArg));
      const sent = performance.now();
      const r = await net.send(texts[k % texts.length]!, from(k));
      await net.replies(r.chatId, r.cursor, 1, 5_000);
      latencies.push(performance.now() - sent);
    }
    process.kill(host, 'SIGUSR2');
    let events: TraceEvent[] = [];
    for (let i = 0; i < 50 && events.length === 0; i++) {
      await sleep(100);
      events = (() => { try { return JSON.parse(readFileSync(out, 'utf8')) as TraceEvent[]; } catch { return []; } })();
    }
    // A message starts with kami's publish-once script: an EVALSHA on its publish-once key (`pubid:`).
    const starts = events.filter((e) => e[1] === 'W' && e[4].includes('EVALSHA') && e[4].includes(':pubid:')).map((e) => e[0]);
    starts.forEach((t0, i) => {
      console.log(`\nmessage ${i + 1}: answered in ${latencies[i]?.toFixed(1) ?? '?'} ms (from the client's POST)`);
      let writeMs = 0;
      let writes = 0;
      for (const [at, kind, end, bytes, head, callMs] of events) {
        if (at < t0 || at > t0 + WINDOW_MS) continue;
        if (kind === 'W') {
          writes++;
          writeMs += callMs ?? 0;
        }
        const call = callMs === undefined ? '' : `${(callMs * 1000).toFixed(0)} µs`;
        console.log(`${(at - t0).toFixed(3).padStart(8)}  ${kind.padEnd(2)} ${(kind === 'GC' ? `kind ${end}` : label(end)).padEnd(26)} ${String(bytes).padStart(5)} ${call.padStart(7)}  ${head.slice(0, 64)}`);
      }
      console.log(`  ${writes} writes in ${WINDOW_MS} ms, ${writeMs.toFixed(2)} ms inside write calls`);
    });
  } finally {
    admin.disconnect();
    await net.stop();
    rmSync(out, { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
