/**
 * The soak: the 13 agents with their real handlers, through `days` simulated days of the seed's
 * load, every retention window scaled so that a day lasts `dayMs` real ms. On the way it samples
 * Redis's memory (four times a simulated day), memory per key family and the pending entries of
 * every group read back (every day); at the end it accounts for every bus message in every group.
 *
 * Time compression, honestly: the windows shrink with the day, so what Redis holds at a moment is
 * what it would hold at the real day's volume divided by `volumeScale` (the soak sends fewer
 * messages per day than the seed: a 2-core machine cannot push 50k bus messages through 13 agents
 * in a few seconds). Memory that scales with the number of messages (streams, marks, publish ids,
 * finished jobs) is extrapolated to the real volume linearly; memory that does not (the empty
 * network, groups, registry) is taken as measured. See SOAK.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, type Bus } from '@hive/bus';
import { startRedis, type RedisServer } from '@hive/test-redis';
import type { IncomingMessage } from '../../../apps/kami/src/whatsapp/port.js';
import { nextMessage, type Kind } from './load.js';
import { prng } from './prng.js';
import { archiveSize, blobStoreSize, families, familyItems, pendingReadback, streamCounts, usedMemory, type FamilySnapshot } from './measure.js';
import { dataPaths, DAY_MS, startSoakNetwork } from './network.js';
import { createSoakPort } from './soak-port.js';

export interface SoakOptions {
  /** Simulated days. @defaultValue 90 */
  readonly days: number;
  /** User messages (WhatsApp messages to kami) per simulated day. */
  readonly userMessagesPerDay: number;
  /** Real ms per simulated day. */
  readonly dayMs: number;
  /** Chats writing (the owner and others on the allow-list). @defaultValue 20 */
  readonly chats: number;
  /** @defaultValue 1 */
  readonly seed: number;
  /** The seed's bus messages a day, to extrapolate to. @defaultValue 50000 */
  readonly realBusMessagesPerDay: number;
  /** A line of progress (stderr). */
  readonly progress: (line: string) => void;
  /** Keep the data dir and log (for a look afterwards). @defaultValue false */
  readonly keep?: boolean;
}

export interface DayRow {
  readonly day: number;
  /** Real seconds since the load started. */
  readonly atS: number;
  readonly usedMemory: number;
  readonly byClass: Record<string, number>;
  /** Entries in all streams now. */
  readonly streamEntries: number;
  readonly keys: number;
  readonly pendingChecked: number;
  readonly pendingMissing: number;
  readonly blobs: { blobs: number; bytes: number };
  readonly archive: { rows: number; bytes: number; dbBytes: number };
  /** How late the load generator ran, at most, during the day (the machine not keeping up). */
  readonly behindMs: number;
}

export interface SoakResult {
  readonly json: Record<string, unknown>;
  readonly rows: readonly DayRow[];
  readonly samples: readonly { simDay: number; used: number }[];
  readonly end: FamilySnapshot;
  /** Items per family at the end of the load (entries, members, keys). */
  readonly endItems: ReadonlyMap<string, number>;
  readonly logFile: string;
  readonly topWarnings: readonly [string, number][];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (b: number) => Math.round((b / (1024 * 1024)) * 100) / 100;
const BUS_CLASSES = ['streams', 'handled marks', 'publish ids', 'dead letters', 'redrive', 'reply streams', 'hermes (BullMQ)', 'registry', 'other'];
/** The classes whose memory grows with the number of messages (the rest is per agent or per group: fixed). */
const PER_MESSAGE_CLASSES = ['streams', 'handled marks', 'publish ids', 'dead letters', 'hermes (BullMQ)'];

/** Run the soak; see the file comment. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'hive-soak-'));
  const logFile = join(dataDir, 'soak.log');
  const paths = dataPaths(dataDir);
  // As infra/redis/redis.conf runs it: AOF every second, noeviction.
  const redis: RedisServer = await startRedis({ aof: true, appendfsync: 'everysec', args: ['--maxmemory', '512mb', '--maxmemory-policy', 'noeviction'] });
  const prefix = 'hive:';
  const port = createSoakPort();
  let bus: Bus | undefined;
  let net: Awaited<ReturnType<typeof startSoakNetwork>> | undefined;
  try {
    bus = await createBus({ url: redis.url, prefix, source: 'soak', reconnect: false });
    net = await startSoakNetwork({ redisUrl: redis.url, prefix, dataDir, dayMs: o.dayMs, port, logFile });
    await sleep(1_000);
    const start = await usedMemory(bus.driver);
    const startFamilies = await families(bus);
    o.progress(`soak: 13 agents up; used_memory ${mb(start.used)} MB; ${o.days} days × ${o.userMessagesPerDay} user messages, a day = ${o.dayMs} ms (retention scale ${net.scale.toExponential(3)})`);

    // Four samples a simulated day, on a timer of their own.
    const samples: { simDay: number; used: number }[] = [{ simDay: -1, used: start.used }];
    const loadStart = Date.now();
    let peak = start.used;
    const sampler = setInterval(() => {
      void usedMemory(bus!.driver).then(
        (m) => {
          samples.push({ simDay: (Date.now() - loadStart) / o.dayMs - 1, used: m.used });
          peak = Math.max(peak, m.used);
        },
        () => undefined,
      );
    }, Math.max(50, Math.round(o.dayMs / 4)));

    const r = prng(o.seed);
    const simStart = Math.floor((Date.now() - (o.days + 1) * DAY_MS) / DAY_MS) * DAY_MS;
    const sent: { id: string; kind: Kind }[] = [];
    const outcomes: Record<string, number> = {};
    const rows: DayRow[] = [];
    let seq = 0;
    // Day 0 warms the process up (JIT, connection pools, SQLite's cache) and fills every window once;
    // day 1 is the first day measured. Day 0's messages count like any others.
    for (let day = 0; day <= o.days; day++) {
      let behindMs = 0;
      const dayStart = loadStart + day * o.dayMs;
      for (let i = 0; i < o.userMessagesPerDay; i++) {
        const due = dayStart + ((i + 0.5) / o.userMessagesPerDay) * o.dayMs;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        else behindMs = Math.max(behindMs, Math.round(-wait));
        const m = nextMessage(r, o.chats);
        const chatId = `4917000${String(m.chat).padStart(5, '0')}@c.us`;
        const messageId = `false_${chatId}_SOAK${(++seq).toString(16).toUpperCase().padStart(16, '0')}`;
        const audio = m.audio;
        const incoming: IncomingMessage = {
          messageId,
          chatId,
          from: chatId,
          text: audio ? '' : m.text,
          type: audio ? 'ptt' : 'chat',
          sentAt: new Date(simStart + day * DAY_MS + ((i + 0.5) / o.userMessagesPerDay) * DAY_MS),
          fromMe: false,
          hasMedia: audio !== undefined,
          seconds: audio ? Math.round(audio.length / 2_000) : undefined,
          downloadMedia: async () => (audio ? { mime: 'audio/ogg; codecs=opus', data: audio } : undefined),
        };
        const outcome = await port.receive(incoming);
        outcomes[outcome.status] = (outcomes[outcome.status] ?? 0) + 1;
        sent.push({ id: messageId, kind: m.kind });
      }
      // The end of a simulated day: the checks and the snapshot (outside the day's pacing: the next day starts on time).
      const [mem, fam, pend, blobs] = await Promise.all([usedMemory(bus.driver), families(bus), pendingReadback(bus.driver, bus.keys), blobStoreSize(paths.blobs)]);
      const counts = await streamCounts(bus.driver, bus.keys);
      const row: DayRow = {
        day,
        atS: Math.round((Date.now() - loadStart) / 100) / 10,
        usedMemory: mem.used,
        byClass: fam.byClass,
        streamEntries: counts.reduce((n, c) => n + c.length, 0),
        keys: fam.keys,
        pendingChecked: pend.checked,
        pendingMissing: pend.missing,
        blobs,
        archive: archiveSize(paths.archive),
        behindMs,
      };
      rows.push(row);
      peak = Math.max(peak, mem.used);
      if (day <= 1 || day % 10 === 0 || day === o.days) {
        o.progress(
          `day ${day}: used_memory ${mb(mem.used)} MB, ${row.streamEntries} stream entries, ${fam.keys} keys, ${row.archive.rows} archived, ${blobs.blobs} blobs; the load ran up to ${behindMs} ms late`,
        );
      }
    }
    const endOfLoad = rows[rows.length - 1]!;
    const day1 = rows.find((x) => x.day === 1)!;
    const endFamilies = await families(bus);
    const endItems = await familyItems(bus.driver, bus.keys);

    // Drain: every group has read and acked everything, the reminders due within the run have fired.
    const drainDeadline = Date.now() + 180_000;
    for (;;) {
      const counts = await streamCounts(bus.driver, bus.keys);
      const busy = counts.some((c) => c.groups.some((g) => (g.lag ?? 1) > 0 || g.pending > 0));
      const bull = Number(await bus.driver.call(['ZCARD', `${bus.keys.data('hermes', 'bull')}:reminders:delayed`]));
      if ((!busy && bull === 0) || Date.now() > drainDeadline) break;
      await sleep(500);
    }
    await sleep(Math.max(1_000, o.dayMs / 4)); // last replies through kami
    clearInterval(sampler);
    const afterDrain = await usedMemory(bus.driver);

    // Accounting: every entry ever added to a stream reached a final outcome in every group.
    const counts = await streamCounts(bus.driver, bus.keys);
    let busMessages = 0;
    let handled = 0;
    let duplicates = 0;
    let deadLettered = 0;
    let lost = 0;
    const perGroupLost: string[] = [];
    for (const c of counts) {
      busMessages += c.added;
      for (const g of c.groups) {
        const oc = net.counters.outcomes.get(`${c.stream} ${g.name}`) ?? { acked: 0, skipped: 0, duplicate: 0, dead_lettered: 0, retried: 0 };
        const final = oc.acked + oc.skipped + oc.duplicate + oc.dead_lettered;
        handled += oc.acked + oc.skipped + oc.duplicate;
        duplicates += oc.duplicate;
        deadLettered += oc.dead_lettered;
        if (final < c.added) {
          lost += c.added - final;
          perGroupLost.push(`${c.stream}/${g.name}: ${c.added - final}`);
        }
      }
    }
    const finalReadback = await pendingReadback(bus.driver, bus.keys);
    // Read back directly: a group's pending entry missing from its stream. (The lost count above also
    // catches any un-acked entry trimmed: such an entry never reaches a final outcome in its group.)
    const unackedTrimmed = rows.reduce((n, x) => n + x.pendingMissing, 0) + finalReadback.missing;
    const answered = sent.filter((s) => (port.repliesTo.get(s.id) ?? 0) > 0).length;
    const unanswered: Record<string, number> = {};
    for (const s of sent) if (!port.repliesTo.get(s.id)) unanswered[s.kind] = (unanswered[s.kind] ?? 0) + 1;
    const archive = archiveSize(paths.archive);

    const busOf = (row: { byClass: Record<string, number> }) => BUS_CLASSES.reduce((n, c) => n + (row.byClass[c] ?? 0), 0);
    const userOf = (row: { byClass: Record<string, number> }) => row.byClass["agents' own state"] ?? 0;
    const busMessagesPerDay = busMessages / (o.days + 1);
    const volumeScale = o.realBusMessagesPerDay / busMessagesPerDay;
    // Real steady state: the idle network as measured, the fixed classes as they ended, and what grows
    // with the number of messages (above its idle size) scaled up to the real volume.
    const steadyByClass: Record<string, number> = {};
    for (const c of BUS_CLASSES) {
      const idle = startFamilies.byClass[c] ?? 0;
      const end = endFamilies.byClass[c] ?? 0;
      steadyByClass[c] = PER_MESSAGE_CLASSES.includes(c) ? idle + Math.max(0, end - idle) * volumeScale : end;
    }
    const idleOther = start.used - busOf(startFamilies) - userOf(startFamilies);
    const steadyBus = idleOther + Object.values(steadyByClass).reduce((n, x) => n + x, 0);
    const userPerDay = (userOf(endOfLoad) - userOf(day1)) / Math.max(1, o.days - 1);
    const measured = rows.filter((x) => x.day >= 1);
    const json = {
      soak: 'hive',
      days: o.days,
      dayMs: o.dayMs,
      retentionScale: Number(net.scale.toExponential(4)),
      userMessagesPerDay: o.userMessagesPerDay,
      busMessagesPerDay: Math.round(busMessagesPerDay),
      volumeScale: Math.round(volumeScale * 10) / 10,
      warmUpDays: 1,
      sent: sent.length,
      kamiOutcomes: outcomes,
      answered,
      unanswered,
      busMessages,
      handled,
      duplicates,
      deadLettered,
      lost,
      // archivist stores each (stream, id) once and reads every stream from its start: one row per entry ever added.
      archiveRowsEqualEntriesAdded: archive.rows === busMessages,
      unackedTrimmed,
      pendingReadBack: rows.reduce((n, x) => n + x.pendingChecked, 0) + finalReadback.checked,
      trimmedByJanitor: net.counters.janitorTrimmed,
      janitorPasses: net.counters.janitorPasses,
      heldBackPasses: net.counters.heldBack,
      usedMemoryMB: { start: mb(start.used), day1: mb(day1.usedMemory), peak: mb(peak), end: mb(endOfLoad.usedMemory), afterDrain: mb(afterDrain.used) },
      endOverDay1: Math.round((endOfLoad.usedMemory / day1.usedMemory) * 1000) / 1000,
      busMemoryMB: { day1: mb(busOf(day1)), end: mb(busOf(endFamilies)) },
      busEndOverDay1: Math.round((busOf(endFamilies) / Math.max(1, busOf(day1))) * 1000) / 1000,
      userDataMB: { day1: mb(userOf(day1)), end: mb(userOf(endOfLoad)), perSimDay: mb(userPerDay) },
      // The blob store at the end of the load (it empties once the run stops referencing media).
      blobStore: { blobs: endOfLoad.blobs.blobs, MB: mb(endOfLoad.blobs.bytes), MBperSimDay: mb(endOfLoad.blobs.bytes / 7) },
      archive: {
        rows: archive.rows,
        MB: mb(archive.bytes),
        // From the database's pages between day 1 and the end: what one more message costs on disk.
        bytesPerRow: Math.round((archive.dbBytes - day1.archive.dbBytes) / Math.max(1, archive.rows - day1.archive.rows)),
      },
      maxBehindMs: Math.max(...measured.map((x) => x.behindMs)),
      daysBehindOver1s: measured.filter((x) => x.behindMs > 1_000).length,
      busReportedTrimmedWhilePending: net.counters.trimmedWhilePending,
      steadyStateMBAt50kPerDay: Math.round(mb(steadyBus) * 10) / 10,
      steadyStateByClassMB: Object.fromEntries(Object.entries(steadyByClass).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round(mb(v) * 10) / 10])),
      userDataMBPerDayAt50k: Math.round(mb(userPerDay * volumeScale) * 100) / 100,
      warnings: net.counters.warnings,
      errors: net.counters.errors,
      durationS: Math.round((Date.now() - started) / 1000),
      ...(perGroupLost.length > 0 ? { lostIn: perGroupLost.slice(0, 20) } : {}),
    };
    // User data per item: each agent's own keys at the end, over the facts it recorded (box keeps meals BOX_RETENTION_DAYS, 90 real days: all of the run's).
    const added = (stream: string) => counts.find((c) => c.stream === stream)?.added ?? 0;
    const familyBytes = (agent: string) => endFamilies.families.find((f) => f.family === bus!.keys.dataPattern(agent))?.bytes ?? 0;
    const perItem = (agent: string, stream: string) => (added(stream) > 0 ? Math.round(familyBytes(agent) / added(stream)) : null);
    Object.assign(json, {
      userDataBytesPerItem: {
        boxPerMeal: perItem('box', 'nutrition.logged'),
        ledgerPerExpense: perItem('ledger', 'expense.recorded'),
        pulsePerHabitEntry: perItem('pulse', 'habit.logged'),
        adopterPerDraft: perItem('adopter', 'content.drafted'),
      },
    });
    const topWarnings = [...net.counters.messages].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return { json, rows, samples, end: endFamilies, endItems, logFile, topWarnings };
  } finally {
    await net?.stop().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await redis.stop();
    if (!o.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}
