/**
 * Interleaved comparison of a few systems on one throughput case, in CPU per message: on a busy
 * machine msg/s swings by 2-3x run to run while CPU per message moves far less, and its minimum
 * over many interleaved runs is the steadiest figure there is. Used to decide whether a change to
 * the bus's hot path helps (see BENCHMARKS.md).
 *
 *   node --conditions=@hive/source --import tsx src/compare.ts consume-c64 raw-ioredis-envelope,hive-ioredis [rounds=8] [messages=10000]
 */
import { startRedis } from '@hive/test-redis';
import { median } from './stats.js';
import { measured } from './systems/common.js';
import { systemFactories } from './systems/factories.js';
import type { BenchSystem, SystemId, Timed } from './systems/types.js';

async function main(): Promise<void> {
  const [caseId = 'consume-c64', list = 'raw-ioredis-envelope,hive-ioredis', roundsArg = '8', nArg = '10000'] = process.argv.slice(2);
  const n = Number(nArg);
  const cases: Record<string, (s: BenchSystem) => Promise<Timed>> = {
    'publish-one': (s) => s.publishOne(n),
    'publish-batch': (s) => s.publishBatched(n, 100),
    'consume-c1': (s) => s.consume(n, 1, 120_000),
    'consume-c64': (s) => s.consume(n, 64, 120_000),
  };
  const run = cases[caseId];
  if (!run) throw new Error(`case must be one of ${Object.keys(cases).join(', ')}`);
  const server = await startRedis({ aof: true, appendfsync: 'everysec' });
  const makers = new Map(systemFactories({ redis: server.url, nats: false, amqp: false }));
  const systems: BenchSystem[] = [];
  for (const id of list.split(',')) {
    const make = makers.get(id as SystemId);
    if (!make) throw new Error(`system must be one of ${[...makers.keys()].join(', ')}`);
    systems.push(await make());
  }
  let cpu = process.cpuUsage();
  measured.start = () => void (cpu = process.cpuUsage());
  measured.stop = () => void (cpu = process.cpuUsage(cpu));
  const results = new Map(systems.map((s) => [s.id, { cpu: [] as number[], rate: [] as number[] }]));
  for (let r = 0; r < Number(roundsArg); r++) {
    for (const s of r % 2 === 0 ? systems : [...systems].reverse()) {
      const t = await run(s);
      const e = results.get(s.id)!;
      e.cpu.push((cpu.user + cpu.system) / t.count);
      e.rate.push((t.count / t.ms) * 1000);
    }
  }
  for (const s of systems) await s.close();
  await server.stop();
  console.log(`${caseId}, ${roundsArg} interleaved rounds of ${n.toLocaleString('en-US')} messages`);
  for (const [id, e] of results) {
    console.log(
      `${id.padEnd(22)} client CPU µs/msg min ${Math.min(...e.cpu).toFixed(1).padStart(6)}  median ${median(e.cpu).toFixed(1).padStart(6)}   msg/s max ${Math.round(Math.max(...e.rate)).toLocaleString('en-US').padStart(8)}  median ${Math.round(median(e.rate)).toLocaleString('en-US').padStart(8)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
