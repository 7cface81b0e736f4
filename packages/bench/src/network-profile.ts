/**
 * Where the network's time goes: the whole network in one process (the host, as `npm start` runs
 * it), profiled by V8's sampling profiler while user messages go through kami's simulator at a
 * steady rate. The host preloads profile-on-signal.mjs (`node --cpu-prof` is refused in
 * NODE_OPTIONS); SIGUSR2 starts and stops it around the measured messages, so start-up, warm-up
 * and shutdown are left out.
 *
 *   node --conditions=@hive/source --import tsx src/network-profile.ts [rate=20] [seconds=30] [outDir] [cpu|heap]
 *
 * Prints the run's latency, CPU per message, and self time by package / file and by function,
 * then inclusive time by workspace file; the .cpuprofile stays in outDir for Chrome DevTools.
 * `heap` samples allocation instead (young objects a scavenge collected included: what each message
 * costs the garbage collector), by package / file, by function and by the nearest workspace
 * function on the stack, in KB per message. Rate 0 sends nothing: the host at rest for `seconds`
 * (after the same warm-up), per second.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from '@hive/e2e/network';
import { inclusiveTimes, printTop, SelfTimes, type Profile } from './cpu-profile.js';
import { Allocations, type HeapProfile } from './heap-profile.js';
import { measureRate, NETWORK_APPENDFSYNC, UNTHROTTLED } from './network.js';

const PRELOAD = fileURLToPath(new URL('./profile-on-signal.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const [rateArg = '20', secondsArg = '30', outArg, kind = 'cpu'] = process.argv.slice(2);
  if (kind !== 'cpu' && kind !== 'heap') throw new Error(`the fourth argument is cpu or heap, not "${kind}"`);
  const rate = Number(rateArg);
  const messages = Math.round(rate * Number(secondsArg));
  const outDir = outArg ?? mkdtempSync(join(tmpdir(), 'hive-network-profile-'));
  mkdirSync(outDir, { recursive: true });
  const profileEnv = { NODE_OPTIONS: `--import=${PRELOAD}`, HIVE_PROFILE_DIR: outDir, ...(kind === 'heap' ? { HIVE_PROFILE_HEAP: '1' } : {}) };
  const net = await startNetwork({ mode: 'host', env: { ...UNTHROTTLED, ...profileEnv }, appendfsync: NETWORK_APPENDFSYNC });
  const host = net.pids()[0]!;
  let seconds = 0;
  try {
    await measureRate(net, 10, 30);
    const began = performance.now();
    process.kill(host, 'SIGUSR2');
    const r = rate > 0 ? await measureRate(net, rate, messages) : await sleep(Number(secondsArg) * 1000).then(() => undefined);
    process.kill(host, 'SIGUSR2');
    seconds = (performance.now() - began) / 1000;
    await sleep(2_000);
    if (r) {
      console.log(`${rate} msg/s × ${messages}: p50 ${r.p50} ms, p99 ${r.p99} ms, mean ${r.mean.toFixed(1)} ms; answered ${r.sent - r.unanswered}/${r.sent}; load ${r.load.join(' → ')}`);
      for (const [h, v] of Object.entries(r.hops)) console.log(`  ${h.padEnd(32)} p50 ${v.p50} ms, p99 ${v.p99} ms, mean ${v.mean.toFixed(1)} ms`);
    } else console.log(`no messages: the host at rest for ${seconds.toFixed(1)} s`);
  } finally {
    await net.stop();
  }
  const files = readdirSync(outDir).filter((f) => f.endsWith(`.${kind}profile`));
  if (files.length === 0) throw new Error(`no .${kind}profile in ${outDir}: did the host get both SIGUSR2?`);
  const [units, unit] = rate > 0 ? [messages, 'message'] : [seconds, 's'];
  if (kind === 'heap') {
    const allocations = new Allocations();
    for (const f of files) allocations.add(JSON.parse(readFileSync(join(outDir, f), 'utf8')) as HeapProfile);
    allocations.print(units, unit, 30);
    console.log(`\nprofiles: ${outDir}`);
    return;
  }
  const selfTimes = new SelfTimes();
  const inclusive = new Map<string, number>();
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as Profile;
    selfTimes.add(p, { from: 0, to: Number.POSITIVE_INFINITY });
    const files = inclusiveTimes(p, (_fn, o) => (/^(packages|apps)\//.test(o) ? o : undefined));
    for (const [k, v] of files) inclusive.set(k, (inclusive.get(k) ?? 0) + v);
  }
  const { total } = selfTimes;
  console.log(`\nCPU (non-idle samples) of the host while the messages ran: ${(total / 1000).toFixed(0)} ms over ${seconds.toFixed(1)} s, ${(total / units / 1000).toFixed(2)} ms per ${unit}`);
  selfTimes.print(25, 40);
  console.log('\ninclusive time by workspace file (a sample counts once per file on its stack):');
  printTop(inclusive, total, 40);
  console.log(`\nprofiles: ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
