/**
 * The chaos run: the network as `npm start -- --processes` runs it, a seeded stream of user
 * messages through kami's simulator, a seeded schedule of faults injected one after another while
 * the messages flow, then a drain and the checks, message by message:
 *   - every message answered exactly once (one reply quoting it);
 *   - every effect applied exactly once: each expense's unique amount once in ledger (and ledger's
 *     total equal to the sum sent), each meal once in box, each note once in scribe and found by its
 *     word, each reminder fired once, each briefing naming every source (answered, or missing);
 *   - every dead letter has a reason; no group has anything pending or unread at the end;
 *   - per fault class: the messages in flight when it hit, lost, duplicated, and the time until all
 *     of them were answered. Losses under AOF `everysec` (which Redis allows: up to a second of
 *     acknowledged writes) are counted apart and named; every other class must lose nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hive/test-redis';
import { boxMealSources, deadLetters, groupStates, ledgerAmounts, scribeNotes, type DeadLetterSummary, type GroupState } from './checks.js';
import { FAULT_DESCRIPTIONS, faultSchedule, inject, type FaultClass, type FaultRecord } from './faults.js';
import { sendUntilTaken, watchChats, type Seen } from './kami.js';
import { chatOf, plan, type PlannedMessage } from './load.js';
import { AGENTS, startChaosNetwork, type ChaosNetwork } from './network.js';

export interface ChaosOptions {
  readonly seed: number;
  /** User messages sent while the faults run. */
  readonly messages: number;
  /** User messages a second. */
  readonly rate: number;
  readonly chats: number;
  readonly classes: readonly FaultClass[];
  /** How many times the schedule goes through every class. */
  readonly rounds: number;
  /** Redis's fsync policy for the run (the everysec class switches to everysec for its kill either way). */
  readonly aof: 'always' | 'everysec';
  /** Size of the SQLite agents' file system (tmpfs), MiB. */
  readonly sqliteFsMiB: number;
  /** Longest wait for the network to answer everything after the load. */
  readonly drainMs: number;
  readonly progress: (line: string) => void;
  readonly keep?: boolean;
}

/** One line of the per-class table. */
export interface ClassRow {
  readonly cls: FaultClass;
  readonly injected: number;
  readonly inFlight: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Longest time from a fault of this class until every message it caught in flight was answered, s. */
  readonly maxRecoverS: number | null;
  /** Longest time from a fault until the network was whole again (every agent registered, kami answering), s. */
  readonly maxUpS: number | null;
}

export interface ChaosResult {
  readonly json: Record<string, unknown>;
  readonly table: readonly ClassRow[];
  readonly faults: readonly FaultRecord[];
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly logFile: string;
}

interface Tracked {
  readonly m: PlannedMessage;
  takenAt?: number;
  status?: string;
  attempts?: number;
  failed?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What stops the run's network when the run is interrupted (Ctrl-C): set while a network runs. */
let stopCurrent: (() => Promise<void>) | undefined;

/** Stop the network of the run in progress, if any (for a SIGINT/SIGTERM handler). */
export async function interruptChaos(): Promise<void> {
  await stopCurrent?.();
}
const s1 = (ms: number) => Math.round(ms / 100) / 10;

/** Mount a size-limited tmpfs at `dir` (root only); false when that is not possible here. */
function mountTmpfs(dir: string, mib: number): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What a briefing lacks: true when it names every source, answered or missing (herald's own lines). */
function briefingIsPartial(text: string): boolean {
  return /⏳|💤|⚠️/.test(text);
}

/** Run the chaos; see the file comment. */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-chaos-'));
  const sqliteDir = join(dataDir, 'sqlite');
  mkdirSync(sqliteDir);
  const classes = o.aof === 'everysec' ? o.classes.filter((c) => c !== 'redis-kill-always') : o.classes;
  const diskFullPossible = classes.includes('disk-full') && mountTmpfs(sqliteDir, o.sqliteFsMiB);
  const logFile = join(dataDir, 'network.log');
  const simPort = await freePort();
  const kamiUrl = `http://127.0.0.1:${simPort}`;
  const messages = plan(o.seed, o.messages, o.chats);
  const chatIds = Array.from({ length: o.chats }, (_, i) => chatOf(i));
  const schedule = faultSchedule(o.seed, classes, o.rounds);
  let net: ChaosNetwork | undefined;
  let kamiPid: number | undefined;
  const pidTimer = setInterval(() => {
    kamiPid = net?.agentPids().get('kami') ?? kamiPid;
  }, 300);
  const watch = watchChats(kamiUrl, chatIds, () => kamiPid);
  try {
    o.progress(`chaos: seed ${o.seed}, ${o.messages} messages at ${o.rate}/s over ${o.chats} chats, AOF ${o.aof}; ${schedule.length} faults (${classes.join(', ')}); SQLite file system: ${diskFullPossible ? `tmpfs of ${o.sqliteFsMiB} MiB` : 'not size-limited'}`);
    net = await startChaosNetwork({ dataDir, sqliteDir, simPort, logFile, appendfsync: o.aof });
    const n = net;
    stopCurrent = async () => {
      await watch.stop();
      await n.stop();
      if (diskFullPossible) execFileSync('umount', ['-l', sqliteDir], { stdio: 'ignore' });
      if (!o.keep) rmSync(dataDir, { recursive: true, force: true });
    };
    await n.waitUntilUp(240_000);
    o.progress(`chaos: ${AGENTS.length} agents up (processes) in ${s1(Date.now() - started)} s; log ${logFile}`);

    // The load: each message at its time, sent until kami takes it (resent under its id after a fault).
    const tracked: Tracked[] = messages.map((m) => ({ m }));
    const loadStart = Date.now();
    const loadMs = (o.messages / o.rate) * 1_000;
    const sends: Promise<void>[] = [];
    const load = (async () => {
      for (const t of tracked) {
        const due = loadStart + (t.m.n / o.rate) * 1_000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        sends.push(
          sendUntilTaken(kamiUrl, t.m, 180_000).then(
            (r) => {
              t.takenAt = Date.now();
              t.status = r.status;
              t.attempts = r.attempts;
            },
            (err: Error) => void (t.failed = err.message),
          ),
        );
        if ((t.m.n + 1) % 500 === 0) {
          const answered = tracked.filter((x) => watch.repliesTo(x.m.id).length > 0).length;
          o.progress(`chaos: ${t.m.n + 1} sent, ${answered} answered, ${s1(Date.now() - loadStart)} s`);
        }
      }
      await Promise.all(sends);
    })();

    // The faults: spread over the load, one at a time, each after the network is whole again.
    const faults: FaultRecord[] = [];
    const faultErrors: string[] = [];
    const faultRun = (async () => {
      for (let i = 0; i < schedule.length; i++) {
        const at = loadStart + ((i + 1) / (schedule.length + 1)) * loadMs;
        const wait = at - Date.now();
        if (wait > 0) await sleep(wait);
        const f = schedule[i]!;
        o.progress(`chaos: fault ${i + 1}/${schedule.length}: ${f.cls}${f.agents ? ` (${f.agents.join(', ')})` : ''}`);
        const startedAt = Date.now();
        const rec = await inject(n, f, { sqliteDir, diskFullPossible }).catch((err: Error): FaultRecord => {
          faultErrors.push(`fault ${i + 1} (${f.cls}) failed: ${err.message}`);
          return { ...f, startedAt, endedAt: Date.now(), detail: `failed: ${err.message}` };
        });
        faults.push(rec);
        try {
          await n.waitUntilUp(300_000);
          rec.upAt = Date.now();
          o.progress(`chaos:   ${rec.detail}; whole again after ${s1(rec.upAt - rec.startedAt)} s`);
        } catch (err) {
          faultErrors.push(`after fault ${i + 1} (${f.cls}): ${(err as Error).message}`);
          o.progress(`chaos:   ${rec.detail}; NOT whole again: ${(err as Error).message}`);
        }
      }
    })();
    await Promise.all([load, faultRun]);
    const loadEnd = Date.now();
    o.progress(`chaos: load and faults done in ${s1(loadEnd - loadStart)} s; draining`);

    // Drain: every message answered, every reminder fired, every group empty.
    const reminders = tracked.filter((t) => t.m.kind === 'reminder');
    const firesOf = (m: PlannedMessage): Seen[] => watch.seen.filter((s) => s.chatId === m.chatId && s.text.includes(`Reminder: stretch ${m.token}`));
    const delayedKey = `${n.keys.data('hermes', 'bull')}:reminders:delayed`;
    let groups: GroupState[] = [];
    const drainDeadline = Date.now() + o.drainMs;
    for (;;) {
      const unanswered = tracked.filter((t) => !t.failed && watch.repliesTo(t.m.id).length === 0).length;
      const unfired = reminders.filter((t) => firesOf(t.m).length === 0).length;
      groups = await groupStates(n.driver, n.keys).catch(() => groups);
      const busy = groups.filter((g) => g.pending > 0 || g.unread > 0).length;
      const delayed = Number(await n.driver.call(['ZCARD', delayedKey]).catch(() => 1));
      if (unanswered === 0 && unfired === 0 && busy === 0 && delayed === 0) break;
      if (Date.now() > drainDeadline) {
        o.progress(`chaos: drain gave up after ${s1(o.drainMs)} s: ${unanswered} unanswered, ${unfired} reminders not fired, ${busy} groups busy, ${delayed} delayed jobs`);
        break;
      }
      await sleep(1_000);
    }
    // Stragglers: a second reply or a second firing would come within seconds.
    await sleep(5_000);
    const drainedAt = Date.now();

    // The last briefings, with the network quiet: each must name every source as answered.
    const finals: PlannedMessage[] = chatIds.map((chatId, i) => ({ n: o.messages + i, id: `false_${chatId}_CHAOSFINAL${o.seed.toString(16).toUpperCase()}X${i}`, chatId, kind: 'briefing', text: 'briefing' }));
    await Promise.all(finals.map((m) => sendUntilTaken(kamiUrl, m, 60_000).catch(() => undefined)));
    const finalDeadline = Date.now() + 60_000;
    while (finals.some((m) => watch.repliesTo(m.id).length === 0) && Date.now() < finalDeadline) await sleep(250);
    await sleep(1_000);

    // The checks.
    groups = await groupStates(n.driver, n.keys);
    const dl: DeadLetterSummary = await deadLetters(n.driver, n.keys);
    const amounts = await ledgerAmounts(n.driver, n.keys, chatIds);
    const meals = await boxMealSources(n.driver, n.keys);
    const notes = scribeNotes(join(sqliteDir, 'scribe', 'notes.db'), tracked.filter((t) => t.m.kind === 'note').map((t) => ({ chatId: t.m.chatId, token: t.m.token! })));
    const amountCount = new Map<number, number>();
    for (const list of amounts.values()) for (const c of list) amountCount.set(c, (amountCount.get(c) ?? 0) + 1);

    interface Verdict {
      t: Tracked;
      replies: number;
      firstReplyAt?: number;
      effect: 'ok' | 'lost' | 'duplicated' | 'none';
    }
    const verdicts: Verdict[] = tracked.map((t) => {
      const replies = watch.repliesTo(t.m.id).filter((s) => !(t.m.kind === 'reminder' && s.text.includes('Reminder: stretch')));
      const v: Verdict = { t, replies: replies.length, ...(replies[0] ? { firstReplyAt: replies[0].at } : {}), effect: 'none' };
      const once = (count: number) => (count === 1 ? 'ok' : count === 0 ? 'lost' : 'duplicated');
      if (t.m.kind === 'expense') v.effect = once(amountCount.get(t.m.cents!) ?? 0);
      if (t.m.kind === 'meal') v.effect = once(meals.get(t.m.id) ?? 0);
      if (t.m.kind === 'note') {
        const x = notes.get(t.m.token!)!;
        v.effect = x.stored === 1 && !x.found ? 'lost' : once(x.stored);
      }
      if (t.m.kind === 'reminder') v.effect = once(firesOf(t.m).length);
      return v;
    });
    const isLost = (v: Verdict) => v.t.failed !== undefined || v.replies === 0 || v.effect === 'lost';
    const isDup = (v: Verdict) => v.replies > 1 || v.effect === 'duplicated';

    // Each message is charged to the first fault that hit it while it was in flight (taken, not yet answered).
    const chargedTo = new Map<Verdict, FaultRecord>();
    for (const v of verdicts) {
      const from = v.t.takenAt ?? loadStart + (v.t.m.n / o.rate) * 1_000;
      const to = v.firstReplyAt ?? drainedAt;
      const f = faults.find((x) => x.startedAt <= to && (x.upAt ?? x.endedAt) >= from);
      if (f) chargedTo.set(v, f);
    }
    const table: ClassRow[] = classes.map((cls) => {
      const of = faults.filter((f) => f.cls === cls);
      const hit = verdicts.filter((v) => chargedTo.get(v)?.cls === cls);
      const recover = of.map((f) => {
        const answered = hit.filter((v) => chargedTo.get(v) === f && v.firstReplyAt !== undefined).map((v) => v.firstReplyAt! - f.startedAt);
        return answered.length > 0 ? Math.max(...answered) : 0;
      });
      const up = of.map((f) => (f.upAt ?? f.endedAt) - f.startedAt);
      return {
        cls,
        injected: of.length,
        inFlight: hit.length,
        lost: hit.filter(isLost).length,
        duplicated: hit.filter(isDup).length,
        maxRecoverS: recover.length > 0 ? s1(Math.max(...recover)) : null,
        maxUpS: up.length > 0 ? s1(Math.max(...up)) : null,
      };
    });
    const allowed = (v: Verdict) => chargedTo.get(v)?.cls === 'redis-kill-everysec' || (o.aof === 'everysec' && chargedTo.get(v)?.cls.startsWith('redis-kill'));
    const lost = verdicts.filter((v) => isLost(v) && !allowed(v));
    const duplicated = verdicts.filter((v) => isDup(v) && !allowed(v));
    const lostEverysec = verdicts.filter((v) => isLost(v) && allowed(v));
    const duplicatedEverysec = verdicts.filter((v) => isDup(v) && allowed(v));

    const byKind = (kind: PlannedMessage['kind']) => verdicts.filter((v) => v.t.m.kind === kind);
    const effectFigures = (kind: PlannedMessage['kind']) => {
      const vs = byKind(kind);
      return { sent: vs.length, once: vs.filter((v) => v.effect === 'ok').length, lost: vs.filter((v) => v.effect === 'lost').length, duplicated: vs.filter((v) => v.effect === 'duplicated').length };
    };
    const sentCents = (chatId: string) => tracked.filter((t) => t.m.kind === 'expense' && t.m.chatId === chatId).reduce((s, t) => s + t.m.cents!, 0);
    const ledgerTotalsMatch = chatIds.every((c) => (amounts.get(c) ?? []).reduce((s, x) => s + x, 0) === sentCents(c));
    const planned = new Set(tracked.filter((t) => t.m.kind === 'expense').map((t) => t.m.cents!));
    const unexpectedExpenses = [...amountCount.keys()].filter((c) => !planned.has(c)).length;
    const briefings = byKind('briefing');
    const finalReplies = finals.map((m) => watch.repliesTo(m.id));
    const finalComplete = finalReplies.filter((r) => r.length === 1 && !briefingIsPartial(r[0]!.text)).length;
    const pendingAtEnd = groups.reduce((s, g) => s + g.pending, 0);
    const unreadAtEnd = groups.reduce((s, g) => s + g.unread, 0);
    // Redis 7.0's own lag counter, for the record (it can stay behind after a Redis restart; see checks.ts).
    const redisReportedLagAtEnd = groups.reduce((s, g) => s + (g.lag ?? 0), 0);
    const answeredOnce = verdicts.filter((v) => v.replies === 1).length;
    // What the agents' buses said (their warnings reach the log): nothing is trimmed in a run this short
    // (retention is a day and the janitor never trims what a group has not acked), so any report is false.
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const busReportedTrimmedWhilePending = (log.match(/pending entries were trimmed before they were handled/g) ?? []).length;

    const problems: string[] = [...faultErrors];
    if (lost.length > 0) problems.push(`${lost.length} messages lost (no answer or no effect) outside AOF everysec: first ${lost.slice(0, 5).map((v) => `#${v.t.m.n} ${v.t.m.kind}${v.t.failed ? ' (not taken)' : ''}`).join(', ')}`);
    if (duplicated.length > 0) problems.push(`${duplicated.length} messages with a doubled answer or effect outside AOF everysec: first ${duplicated.slice(0, 5).map((v) => `#${v.t.m.n} ${v.t.m.kind}`).join(', ')}`);
    if (!ledgerTotalsMatch) problems.push("ledger's totals differ from the sums sent");
    if (unexpectedExpenses > 0) problems.push(`${unexpectedExpenses} expenses in ledger that no message said`);
    if (dl.withoutReason > 0) problems.push(`${dl.withoutReason} dead letters without a reason`);
    if (pendingAtEnd > 0 || unreadAtEnd > 0) problems.push(`at the end ${pendingAtEnd} entries pending and ${unreadAtEnd} unread in their groups`);
    if (finalComplete < finals.length) problems.push(`${finals.length - finalComplete} of ${finals.length} final briefings did not list every source as answered`);
    if (busReportedTrimmedWhilePending > 0) problems.push(`the bus reported pending entries trimmed ${busReportedTrimmedWhilePending} times, and nothing was trimmed`);
    if (faults.length < schedule.length) problems.push(`only ${faults.length} of ${schedule.length} faults ran`);

    const json: Record<string, unknown> = {
      chaos: 'hive',
      seed: o.seed,
      messages: o.messages,
      rate: o.rate,
      chats: o.chats,
      aof: o.aof,
      mode: 'processes',
      faultsInjected: faults.length,
      sent: tracked.filter((t) => t.takenAt !== undefined).length,
      notTaken: tracked.filter((t) => t.failed).length,
      resentAfterFault: tracked.filter((t) => (t.attempts ?? 1) > 1).length,
      queuedBySpool: tracked.filter((t) => t.status === 'queued').length,
      answeredOnce,
      unanswered: verdicts.filter((v) => v.replies === 0).length,
      answeredTwiceOrMore: verdicts.filter((v) => v.replies > 1).length,
      effects: {
        expenses: { ...effectFigures('expense'), ledgerTotalsMatch, unexpected: unexpectedExpenses },
        meals: effectFigures('meal'),
        notes: { ...effectFigures('note'), foundBySearch: [...notes.values()].filter((x) => x.found).length },
        reminders: effectFigures('reminder'),
        briefings: { sent: briefings.length, answeredOnce: briefings.filter((v) => v.replies === 1).length, partial: briefings.filter((v) => watch.repliesTo(v.t.m.id).some((s) => briefingIsPartial(s.text))).length, finalComplete: `${finalComplete}/${finals.length}` },
        habits: { sent: byKind('habit').length, answeredOnce: byKind('habit').filter((v) => v.replies === 1).length },
      },
      lost: lost.length,
      duplicated: duplicated.length,
      everysec: { lost: lostEverysec.length, duplicated: duplicatedEverysec.length, note: 'AOF everysec may lose up to a second of acknowledged writes on SIGKILL; counted apart' },
      deadLetters: dl,
      pendingAtEnd,
      unreadAtEnd,
      redisReportedLagAtEnd,
      busReportedTrimmedWhilePending,
      faultClasses: table,
      ...(classes.includes('disk-full') && !diskFullPossible ? { diskFull: 'not run: mounting a size-limited tmpfs needs root' } : {}),
      loadS: s1(loadEnd - loadStart),
      durationS: s1(Date.now() - started),
      ok: problems.length === 0,
      ...(problems.length > 0 ? { problems } : {}),
    };
    return { json, table, faults, ok: problems.length === 0, problems, logFile };
  } finally {
    stopCurrent = undefined;
    clearInterval(pidTimer);
    await watch.stop();
    await net?.stop().catch((err: Error) => o.progress(`chaos: stopping the network: ${err.message}`));
    if (diskFullPossible) {
      try {
        execFileSync('umount', ['-l', sqliteDir], { stdio: 'ignore' });
      } catch {
        o.progress(`chaos: could not unmount ${sqliteDir}`);
      }
    }
    if (!o.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

export { FAULT_DESCRIPTIONS };
