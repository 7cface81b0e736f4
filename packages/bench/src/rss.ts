/** RSS of a process holding one subscription: one child process per system (see rss-child.ts). */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RssRow {
  readonly system: string;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
// From source (npm run bench) the child is TypeScript run through tsx; from a build, its .js.
const CHILD = self.endsWith('.ts') ? 'rss-child.ts' : 'rss-child.js';
const MB = 1024 * 1024;

/** Spawn the child for `system` and read its one JSON line; rejects with its stderr on failure. */
export function measureRss(system: string, urls: { redis: string; nats: string; amqp: string }, timeoutMs = 30_000): Promise<RssRow> {
  // From source the child needs tsx and the source condition; from a build, plain node on its .js (and the packages' dist).
  const loader = CHILD.endsWith('.ts') ? ['--conditions=@hive/source', '--import', 'tsx'] : [];
  const args = ['--expose-gc', ...loader, join(here, CHILD), system, urls.redis, urls.nats, urls.amqp];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HIVE_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`RSS child for ${system} failed (exit ${code}): ${err.trim().slice(-500)}`));
      const m = JSON.parse(line) as { rss: number; heapUsed: number };
      resolve({ system, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB });
    });
  });
}
