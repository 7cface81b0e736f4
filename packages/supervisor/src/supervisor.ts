/**
 * A small process supervisor: the network's processes (one host with every agent, or one per
 * agent), logs prefixed with the agent that wrote them and coloured, a crashed process restarted
 * with exponential backoff (reset after it stayed up a while), and a clean shutdown that sends
 * SIGTERM to all and SIGKILLs whatever outlives the grace period.
 *
 * Each child runs in a process group of its own, so a Ctrl-C in the terminal (SIGINT to the
 * foreground group) reaches only the top process, which then stops the children once, with
 * SIGTERM: no child sees two signals. Each child also has an IPC channel to the supervisor; when
 * that closes because the supervisor died (even by SIGKILL), the child stops itself
 * (@hive/agent's process-lifecycle.ts) instead of living on orphaned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { formatLogLine } from './log-format.js';

export interface ProcessSpec {
  /** Name shown in the log prefix, e.g. "box". */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface SupervisorOptions {
  /** Where prefixed output goes. @defaultValue process.stdout */
  out?: NodeJS.WritableStream;
  /** Colour the prefixes. @defaultValue out is a TTY */
  colour?: boolean;
  /** First restart delay; doubles per consecutive crash. @defaultValue 500 */
  restartBaseMs?: number;
  /** Longest restart delay. @defaultValue 15000 */
  restartMaxMs?: number;
  /** A process up this long has its crash count reset. @defaultValue 30000 */
  stableAfterMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. @defaultValue 15000 */
  graceMs?: number;
  /** Print pino JSON lines as readable text. @defaultValue true */
  pretty?: boolean;
  /** Names that may appear as a line's `agent` (a host's agents): the prefix column is sized and coloured for them too. */
  labels?: readonly string[];
}

export interface ProcessState {
  readonly name: string;
  readonly pid: number | undefined;
  readonly restarts: number;
  readonly running: boolean;
}

const COLOURS = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96, 31, 90];

interface Managed {
  spec: ProcessSpec;
  child: ChildProcess | undefined;
  restarts: number;
  crashes: number;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  colour: number;
}

/** Events: 'start' (name, pid), 'exit' (name, code, signal), 'restart' (name, delayMs), 'line' (name, text). */
export class Supervisor extends EventEmitter {
  private readonly procs = new Map<string, Managed>();
  private stopping = false;
  private readonly width: number;
  private readonly labelColours = new Map<string, number>();

  constructor(
    specs: readonly ProcessSpec[],
    private readonly opts: SupervisorOptions = {},
  ) {
    super();
    const labels = opts.labels ?? [];
    this.width = Math.max(4, ...specs.map((s) => s.name.length), ...labels.map((l) => l.length));
    labels.forEach((l, i) => this.labelColours.set(l, COLOURS[i % COLOURS.length]!));
    specs.forEach((spec, i) => {
      if (this.procs.has(spec.name)) throw new Error(`two processes are named "${spec.name}"`);
      this.procs.set(spec.name, { spec, child: undefined, restarts: 0, crashes: 0, startedAt: 0, timer: undefined, colour: COLOURS[(labels.length + i) % COLOURS.length]! });
    });
  }

  /** Start every process. */
  start(): void {
    for (const m of this.procs.values()) this.launch(m);
  }

  /** The state of each process. */
  states(): ProcessState[] {
    return [...this.procs.values()].map((m) => ({
      name: m.spec.name,
      pid: m.child?.pid,
      restarts: m.restarts,
      running: !!m.child && m.child.exitCode === null && m.child.signalCode === null,
    }));
  }

  /** Send a signal to one process (tests use SIGKILL to prove restarts lose nothing). */
  kill(name: string, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.procs.get(name)?.child?.kill(signal);
  }

  /** SIGTERM all, wait up to graceMs, SIGKILL the rest (with whatever they started). */
  async stop(): Promise<void> {
    this.stopping = true;
    const waits: Promise<void>[] = [];
    for (const m of this.procs.values()) {
      if (m.timer) clearTimeout(m.timer);
      const c = m.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) continue;
      waits.push(
        new Promise<void>((resolve) => {
          let killed = false;
          const kill = setTimeout(() => {
            this.print(m, `did not stop within ${this.opts.graceMs ?? 15_000} ms; killing`);
            killed = true;
            killGroup(c);
          }, this.opts.graceMs ?? 15_000);
          c.once('exit', (code, signal) => {
            clearTimeout(kill);
            // A graceful stop exits 0; a stop that failed or overran exits 1 (runUntilStopped), and is
            // said. Dying of the SIGTERM itself is not: that is a process still loading, before it
            // has handlers (and before it has started anything: an agent installs them before it starts).
            if (!killed && code !== 0 && signal !== 'SIGTERM') this.print(m, `exited (${signal ?? `code ${code}`}) while stopping, not gracefully`);
            resolve();
          });
          c.kill('SIGTERM');
        }),
      );
    }
    await Promise.all(waits);
  }

  private launch(m: Managed): void {
    if (this.stopping) return;
    const child = spawn(m.spec.command, m.spec.args, {
      cwd: m.spec.cwd,
      env: { ...process.env, ...m.spec.env, FORCE_COLOR: '0' },
      // Its own process group (the terminal's Ctrl-C is ours to pass on) and a channel whose end tells it we are gone.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Not for messages: only its closing matters (to the child). It must not keep this process alive.
    child.channel?.unref();
    m.child = child;
    m.startedAt = Date.now();
    this.emit('start', m.spec.name, child.pid);
    const pipe = (stream: NodeJS.ReadableStream | null) => {
      let buf = '';
      stream?.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim() === '') continue;
          this.emit('line', m.spec.name, line);
          const agent = this.opts.pretty === false ? undefined : lineAgent(line);
          this.print(m, this.opts.pretty === false ? line : formatLogLine(line), agent);
        }
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on('error', (err) => this.print(m, `cannot start: ${err.message}`));
    child.on('exit', (code, signal) => {
      this.emit('exit', m.spec.name, code, signal);
      if (this.stopping) return;
      const upFor = Date.now() - m.startedAt;
      m.crashes = upFor >= (this.opts.stableAfterMs ?? 30_000) ? 1 : m.crashes + 1;
      const delay = Math.min(this.opts.restartMaxMs ?? 15_000, (this.opts.restartBaseMs ?? 500) * 2 ** (m.crashes - 1));
      this.print(m, `exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      m.restarts++;
      this.emit('restart', m.spec.name, delay);
      m.timer = setTimeout(() => this.launch(m), delay);
    });
  }

  /** One line, prefixed with the agent that wrote it (a host's line says which) or else the process's name. */
  private print(m: Managed, text: string, agent?: string): void {
    const out = this.opts.out ?? process.stdout;
    const colour = this.opts.colour ?? (out as NodeJS.WriteStream).isTTY === true;
    const label = agent ?? m.spec.name;
    const name = label.padEnd(this.width);
    const prefix = colour ? `\x1b[${this.labelColours.get(label) ?? m.colour}m${name}\x1b[0m │` : `${name} │`;
    out.write(`${prefix} ${text}\n`);
  }
}

/** The `agent` field of a pino JSON line, if it has one. */
function lineAgent(line: string): string | undefined {
  if (!line.startsWith('{') || !line.includes('"agent":')) return undefined;
  try {
    const agent = (JSON.parse(line) as { agent?: unknown }).agent;
    return typeof agent === 'string' ? agent : undefined;
  } catch {
    return undefined;
  }
}

/** SIGKILL a child and everything in its process group (it leads one: spawned detached). */
function killGroup(c: ChildProcess): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
  } catch {
    c.kill('SIGKILL');
  }
}
