/** Self time out of V8 CPU profiles (the inspector's or `node --cpu-prof`'s), summed by function and by package or file, and printed. */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface Profile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  /** µs on the monotonic clock (the one process.hrtime reads), for `--cpu-prof` profiles. */
  startTime?: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame comes from: a package name, a workspace file, or a Node internal. */
export function origin(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const ws = /\/((?:packages|apps)\/[^?]+)/.exec(url);
  return ws ? ws[1]! : url.replace(/^node:/, 'node:');
}

/** A frame's name as the tables print it: function, origin and line (`route apps/iris/src/route.ts:28`). */
export function frameLabel(cf: CallFrame, o: string = origin(cf.url)): string {
  return `${cf.functionName || '(anonymous)'} ${o}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
}

/**
 * Add each sample's time to its function and its origin; returns the time added, in µs. With a
 * window (µs on the profile's clock), only samples inside it count; `(idle)` never does.
 */
export function addSelfTimes(p: Profile, byFn: Map<string, number>, byOrigin: Map<string, number>, window?: { from: number; to: number }): number {
  const nodes = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  let total = 0;
  let t = p.startTime ?? 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.from || t > window.to)) continue;
    const cf = nodes.get(p.samples[i]!)!;
    // The inspector's own Profiler.stop call shows up as a native "dispatch" frame: not the case's cost.
    if (cf.functionName === 'dispatch' && !cf.url) continue;
    if (window && cf.functionName === '(idle)') continue;
    total += dt;
    const o = origin(cf.url);
    const fn = frameLabel(cf, o);
    byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
    byOrigin.set(o, (byOrigin.get(o) ?? 0) + dt);
  }
  return total;
}

/**
 * Inclusive time of each frame whose function matches: a sample counts once for every matching
 * function on its stack (self plus callees), within the window.
 */
export function inclusiveTimes(p: Profile, match: (fn: string, origin: string) => string | undefined, window?: { from: number; to: number }): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const out = new Map<string, number>();
  let t = p.startTime ?? 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.from || t > window.to)) continue;
    const seen = new Set<string>();
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = frames.get(id)!;
      if (cf.functionName === '(idle)') break;
      const key = match(cf.functionName, origin(cf.url));
      if (key !== undefined && !seen.has(key)) {
        seen.add(key);
        out.set(key, (out.get(key) ?? 0) + dt);
      }
    }
  }
  return out;
}

/** Print the `n` largest of `times` (µs), largest first: each one's share of `total`, its ms, its name. */
export function printTop(times: Map<string, number>, total: number, n: number): void {
  for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

/** Self time summed over profiles, by function and by package or file. */
export class SelfTimes {
  readonly byFn = new Map<string, number>();
  readonly byOrigin = new Map<string, number>();
  /** All the time added, in µs. */
  total = 0;

  /** Add one profile's samples (see `addSelfTimes`). */
  add(p: Profile, window?: { from: number; to: number }): void {
    this.total += addSelfTimes(p, this.byFn, this.byOrigin, window);
  }

  /** Print the `origins` packages or files and the `functions` functions with the most self time. */
  print(origins: number, functions: number): void {
    console.log('\nself time by package / file:');
    printTop(this.byOrigin, this.total, origins);
    console.log('\nself time by function:');
    printTop(this.byFn, this.total, functions);
  }
}
