/** Run test/fixtures/consumer.ts in a child process and follow what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  /** Resolves when a printed line satisfies `pred`. */
  waitFor(pred: (line: string) => boolean, timeoutMs: number, what: string): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const FIXTURE = fileURLToPath(new URL('./fixtures/consumer.ts', import.meta.url));

export function startConsumerChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buf = '';
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d.toString()));
  proc.stdout!.on('data', (d) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    lines,
    exited,
    waitFor(pred, timeoutMs, what) {
      const hit = lines.find(pred);
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`child: timed out waiting for ${what}; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before ${what}; stderr: ${stderr.slice(-2000)}`)));
      });
    },
  };
}

/**
 * Wait until the child has finished some entries and started at least 20 (a batch is in its
 * handlers), SIGKILL it there, and say how many it had started and finished.
 */
export async function killMidBatch(child: Child): Promise<{ started: number; finished: number }> {
  const count = (prefix: string) => child.lines.filter((l) => l.startsWith(prefix)).length;
  await child.waitFor((l) => l.startsWith('done '), 20_000, 'first completions');
  await child.waitFor((l) => l.startsWith('start ') && count('start ') >= 20, 20_000, 'more starts');
  child.proc.kill('SIGKILL');
  await child.exited;
  return { started: count('start '), finished: count('done ') };
}
