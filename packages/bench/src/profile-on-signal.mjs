// Preloaded (NODE_OPTIONS=--import) into a process whose CPU or allocation the network profile
// wants: the first SIGUSR2 starts V8's sampling profiler, the second stops it and writes the
// profile to $HIVE_PROFILE_DIR/<pid>-<n>.cpuprofile. With HIVE_PROFILE_HEAP=1 it samples
// allocation instead (every HIVE_PROFILE_HEAP_BYTES, 512 by default, the objects a scavenge or a
// mark-compact collected included: what was allocated, not what stayed) into <pid>-<n>.heapprofile.
// Plain JavaScript so that it loads before any loader.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.HIVE_PROFILE_DIR;
if (dir) {
  const heap = process.env.HIVE_PROFILE_HEAP === '1';
  const session = new Session();
  session.connect();
  if (!heap) {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: Number(process.env.HIVE_PROFILE_INTERVAL_US ?? 250) });
  }
  const start = heap
    ? () => session.post('HeapProfiler.startSampling', { samplingInterval: Number(process.env.HIVE_PROFILE_HEAP_BYTES ?? 512), includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
    : () => session.post('Profiler.start');
  const [stop, ext] = heap ? ['HeapProfiler.stopSampling', 'heapprofile'] : ['Profiler.stop', 'cpuprofile'];
  let running = false;
  let n = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      start();
      return;
    }
    running = false;
    session.post(stop, (err, result) => {
      if (err) process.stderr.write(`profile-on-signal: ${err.message}\n`);
      else writeFileSync(join(dir, `${process.pid}-${++n}.${ext}`), JSON.stringify(result.profile));
    });
  });
}
