/** The process tree the signal tests and the footprint benchmark read from /proc. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { processTree } from '../src/proc.js';

it('a zombie (exited, never reaped) is not part of the tree: it is gone, whatever adopted it', async () => {
  // sh backgrounds a `true` and then becomes `sleep`, which never waits for it: the `true` exits and stays a zombie.
  const sh = spawn('sh', ['-c', 'true & exec sleep 30'], { stdio: 'ignore' });
  try {
    const pid = sh.pid!;
    // Wait until the child exists and has exited (state Z) under the sleep.
    let zombie: number | undefined;
    for (let i = 0; i < 100 && zombie === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      zombie = children.find((c) => /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${c}/stat`, 'utf8')));
    }
    expect(zombie, 'a zombie child under the sleep').toBeDefined();
    expect(processTree(pid)).toEqual([pid]);
    expect(processTree(zombie!)).toEqual([]);
  } finally {
    sh.kill('SIGKILL');
  }
});

it('the tree holds a live child under its parent', async () => {
  const sh = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
  try {
    let tree: number[] = [];
    for (let i = 0; i < 100 && tree.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      tree = processTree(sh.pid!);
    }
    expect(tree[0]).toBe(sh.pid);
    expect(tree).toHaveLength(2);
  } finally {
    for (const p of processTree(sh.pid!).reverse()) process.kill(p, 'SIGKILL');
  }
});
