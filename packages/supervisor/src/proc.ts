/**
 * Processes and their memory, from /proc (Linux): the tree under a PID (what a network left behind,
 * for the signal tests; what it holds, for the footprint benchmark) and each process's resident set. RSS counts the pages a process shares with others (the node binary) once per process, which
 * is what `ps` and the targets use; PSS splits shared pages between their users, so the
 * PSS column adds up to what the processes really take together.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessMemory {
  readonly pid: number;
  readonly ppid: number;
  /** The executable's name, e.g. "node", "esbuild", "redis-server". */
  readonly name: string;
  /** The command line, shortened. */
  readonly command: string;
  readonly rssKiB: number;
  readonly pssKiB: number;
  /** CPU time used since it started (user + system), in ms. */
  readonly cpuMs: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited meanwhile
  }
}

/**
 * The parent of a live process, or undefined when it is gone. A zombie (state Z: exited, not yet
 * reaped) counts as gone: an orphan that exited waits for whatever adopted it to reap it, and in a
 * container whose PID 1 never reaps, that is forever.
 */
function ppidOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === 'Z' || state === 'X' ? undefined : Number(ppid);
}

/** Every live PID on the machine. */
export function allPids(): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** `root` and all its descendants that are alive now (zombies are not). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = ppidOf(pid);
    if (ppid !== undefined) (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(pid);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  if (ppidOf(root) !== undefined) walk(root);
  return out;
}

/** A process's whole command line, arguments joined by spaces; '' when it is gone. */
export function commandLineOf(pid: number): string {
  return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
}

/** RSS and PSS of one process, or undefined when it is gone. */
export function memoryOf(pid: number): ProcessMemory | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const field = (re: RegExp) => Number(re.exec(status)?.[1] ?? 0);
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? '';
  // /proc/<pid>/stat fields 14 and 15 (utime, stime) in clock ticks: 100 a second on Linux.
  const stat = (read(`/proc/${pid}/stat`) ?? '').split(')').pop()!.trim().split(' ');
  const cmdline = commandLineOf(pid);
  return {
    pid,
    ppid: field(/^PPid:\s+(\d+)/m),
    name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?',
    command: cmdline.length > 120 ? `${cmdline.slice(0, 117)}...` : cmdline,
    rssKiB: field(/^VmRSS:\s+(\d+) kB/m),
    pssKiB: Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0),
    cpuMs: (Number(stat[11] ?? 0) + Number(stat[12] ?? 0)) * 10,
  };
}

/** The memory of each process in the list that is still alive. */
export function memoryOfAll(pids: readonly number[]): ProcessMemory[] {
  return pids.map(memoryOf).filter((m): m is ProcessMemory => m !== undefined);
}
