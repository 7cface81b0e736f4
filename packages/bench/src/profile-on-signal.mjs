// Preloaded (NODE_OPTIONS=--import) into a process whose CPU the network profile wants: the first
// SIGUSR2 starts V8's sampling profiler, the second stops it and writes the profile to
// $HIVE_PROFILE_DIR/<pid>-<n>.cpuprofile. Plain JavaScript so that it loads before any loader.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.HIVE_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.HIVE_PROFILE_INTERVAL_US ?? 250) });
  let running = false;
  let n = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.start');
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) process.stderr.write(`profile-on-signal: ${err.message}\n`);
      else writeFileSync(join(dir, `${process.pid}-${++n}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
