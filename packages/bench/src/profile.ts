/**
 * Profile one throughput case of one system: the CPU profile covers only the measured part of
 * each run (not the prefill), so what it shows is what the figure costs.
 *
 *   node --conditions=@hive/source --import tsx src/profile.ts consume-c64 hive-ioredis [runs=3] [outDir]
 *
 * Prints msg/s per run and the functions and packages with the most self time, summed over the
 * profiled runs (one unprofiled warm-up run first); writes each run's .cpuprofile to outDir
 * (default: a temp dir) for Chrome DevTools.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '@hive/test-redis';
import { FULL } from './sizes.js';
import { measured } from './systems/common.js';
import { systemFactories } from './systems/factories.js';
import type { BenchSystem, SystemId, Timed } from './systems/types.js';
import { SelfTimes, type Profile } from './cpu-profile.js';

const CASES: Record<string, (s: BenchSystem) => Promise<Timed>> = {
  'publish-one': (s) => s.publishOne(FULL.publishOne),
  'publish-batch': (s) => s.publishBatched(FULL.publishBatched, FULL.batchSize),
  'consume-c1': (s) => s.consume(FULL.consume, 1, 60_000),
  'consume-c64': (s) => s.consume(FULL.consume, s.highConcurrency, 60_000),
};

async function main(): Promise<void> {
  const [caseId = 'consume-c64', systemId = 'hive-ioredis', runsArg = '3', outArg] = process.argv.slice(2);
  const run = CASES[caseId];
  if (!run) throw new Error(`case must be one of ${Object.keys(CASES).join(', ')}`);
  const outDir = outArg ?? mkdtempSync(join(tmpdir(), 'hive-profile-'));
  mkdirSync(outDir, { recursive: true });
  const server = await startRedis({ aof: true, appendfsync: 'everysec' });
  const makers = new Map(systemFactories({ redis: server.url, nats: false, amqp: false }));
  const make = makers.get(systemId as SystemId);
  if (!make) throw new Error(`system must be one of ${[...makers.keys()].join(', ')}`);
  const system = await make();

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  const selfTimes = new SelfTimes();
  const runs = Number(runsArg);
  for (let i = 0; i <= runs; i++) {
    const profiled = i > 0;
    let profile: Profile | undefined;
    let cpu = process.cpuUsage();
    measured.start = async () => {
      if (profiled) await session.post('Profiler.start');
      cpu = process.cpuUsage();
    };
    measured.stop = async () => {
      cpu = process.cpuUsage(cpu);
      if (profiled) ({ profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile });
    };
    const t = await run(system);
    const cpuPerMsg = (cpu.user + cpu.system) / t.count;
    console.log(`${profiled ? `run ${i}` : 'warm-up'}: ${Math.round((t.count / t.ms) * 1000).toLocaleString('en-US')} msg/s, ${cpuPerMsg.toFixed(1)} µs CPU per message in this process`);
    if (profile) {
      writeFileSync(join(outDir, `${caseId}-${systemId}-${i}.cpuprofile`), JSON.stringify(profile));
      selfTimes.add(profile);
    }
  }
  await system.close();
  await server.stop();

  console.log(`\nself time over ${runs} profiled runs: ${(selfTimes.total / 1000).toFixed(0)} ms`);
  selfTimes.print(15, 30);
  console.log(`\nprofiles: ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
