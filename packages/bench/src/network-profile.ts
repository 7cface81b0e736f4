/**
 * Where the network's time goes: the whole network in one process (the host, as `npm start` runs
 * it), profiled by V8's sampling profiler while user messages go through kami's simulator at a
 * steady rate. The host preloads profile-on-signal.mjs (`node --cpu-prof` is refused in
 * NODE_OPTIONS); SIGUSR2 starts and stops it around the measured messages, so start-up, warm-up
 * and shutdown are left out.
 *
 *   node --conditions=@hive/source --import tsx src/network-profile.ts [rate=20] [seconds=30] [outDir]
 *
 * Prints the run's latency, CPU per message, and self time by package / file and by function,
 * then inclusive time by workspace file; the .cpuprofile stays in outDir for Chrome DevTools.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from '@hive/e2e/network';
import { inclusiveTimes, printTop, SelfTimes, type Profile } from './cpu-profile.js';
import { measureRate, NETWORK_APPENDFSYNC, UNTHROTTLED } from './network.js';

const PRELOAD = fileURLToPath(new URL('./profile-on-signal.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [rateArg = '20', secondsArg = '30', outArg] = process.argv.slice(2);
  const rate = Number(rateArg);
  const messages = Math.round(rate * Number(secondsArg));
  const outDir = outArg ?? mkdtempSync(join(tmpdir(), 'hive-network-profile-'));
  mkdirSync(outDir, { recursive: true });
  const net = await startNetwork({ mode: 'host', env: { ...UNTHROTTLED, NODE_OPTIONS: `--import=${PRELOAD}`, HIVE_PROFILE_DIR: outDir }, appendfsync: NETWORK_APPENDFSYNC });
  const host = net.pids()[0]!;
  let seconds = 0;
  try {
    await measureRate(net, 10, 30);
    const began = performance.now();
    process.kill(host, 'SIGUSR2');
    const r = await measureRate(net, rate, messages);
    process.kill(host, 'SIGUSR2');
    seconds = (performance.now() - began) / 1000;
    await sleep(2_000);
    console.log(`${rate} msg/s × ${messages}: p50 ${r.p50} ms, p99 ${r.p99} ms, mean ${r.mean.toFixed(1)} ms; answered ${r.sent - r.unanswered}/${r.sent}; load ${r.load.join(' → ')}`);
    for (const [h, v] of Object.entries(r.hops)) console.log(`  ${h.padEnd(32)} p50 ${v.p50} ms, p99 ${v.p99} ms, mean ${v.mean.toFixed(1)} ms`);
  } finally {
    await net.stop();
  }
  const files = readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${outDir}: did the host get both SIGUSR2?`);
  const selfTimes = new SelfTimes();
  const inclusive = new Map<string, number>();
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as Profile;
    selfTimes.add(p, { from: 0, to: Number.POSITIVE_INFINITY });
    const files = inclusiveTimes(p, (_fn, o) => (/^(packages|apps)\//.test(o) ? o : undefined));
    for (const [k, v] of files) inclusive.set(k, (inclusive.get(k) ?? 0) + v);
  }
  const { total } = selfTimes;
  console.log(`\nCPU (non-idle samples) of the host while the messages ran: ${(total / 1000).toFixed(0)} ms over ${seconds.toFixed(1)} s, ${(total / messages / 1000).toFixed(2)} ms per message`);
  selfTimes.print(25, 40);
  console.log('\ninclusive time by workspace file (a sample counts once per file on its stack):');
  printTop(inclusive, total, 40);
  console.log(`\nprofiles: ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
