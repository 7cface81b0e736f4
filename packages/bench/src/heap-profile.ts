/** Allocation out of V8 sampling heap profiles (the inspector's HeapProfiler.stopSampling), summed and printed. */
import { frameLabel, origin, type CallFrame } from './cpu-profile.js';

interface HeapNode {
  callFrame: CallFrame;
  /** Bytes of the samples taken in this frame (each sample stands for its interval's bytes). */
  selfSize: number;
  children: HeapNode[];
}

export interface HeapProfile {
  head: HeapNode;
}

/** Bytes allocated, summed three ways over profiles. */
export class Allocations {
  /** By package or workspace file of the allocating frame. */
  readonly byOrigin = new Map<string, number>();
  /** By allocating function. */
  readonly byFn = new Map<string, number>();
  /**
   * By the nearest workspace function on the stack (the allocating frame or a caller): which of our
   * code a library's allocation was made for; `(none)` when no workspace frame is on the stack.
   */
  readonly byCaller = new Map<string, number>();
  total = 0;

  add(p: HeapProfile): void {
    const walk = (n: HeapNode, caller: string): void => {
      const o = origin(n.callFrame.url);
      const fn = frameLabel(n.callFrame, o);
      const here = /^(packages|apps)\//.test(o) ? fn : caller;
      this.total += n.selfSize;
      for (const [m, k] of [[this.byOrigin, o], [this.byFn, fn], [this.byCaller, here]] as const) m.set(k, (m.get(k) ?? 0) + n.selfSize);
      for (const c of n.children) walk(c, here);
    };
    walk(p.head, '(none)');
  }

  /** Print the largest of each, as KB per `unit` (a message, a second) over `units`. */
  print(units: number, unit: string, n: number): void {
    const kb = (v: number) => `${(v / units / 1024).toFixed(1).padStart(7)} KB/${unit}`;
    const top = (title: string, m: Map<string, number>) => {
      console.log(`\n${title}:`);
      for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${kb(v)}  ${k}`);
    };
    console.log(`\nallocated: ${kb(this.total)} in all`);
    top('by package / file', this.byOrigin);
    top('by function', this.byFn);
    top('by the nearest workspace function on the stack', this.byCaller);
  }
}
