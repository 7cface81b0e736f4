/**
 * Hermes's timers: real BullMQ on the bus's Redis. A one-off reminder is a delayed job whose id is
 * the reminder id; a recurring one is a job scheduler with the same id. Both live in Redis, so they
 * survive a restart of hermes, and of Redis with AOF. The worker calls `onDue` for each firing; a
 * firing that throws is retried by BullMQ, and one whose worker died is picked up again as stalled,
 * so `onDue` must be idempotent (hermes publishes with ids derived from the job id).
 */
import type { Keys } from '@hive/agent';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Recurrence, RepeatRule } from './domain/recurrence.js';

/** The BullMQ queue that holds every reminder. */
export const QUEUE_NAME = 'reminders';

/** What a reminder job carries. */
export interface ReminderJobData {
  readonly chatId: string;
  readonly reminderId: string;
  readonly text: string;
  /** "briefing" fires briefing.due for herald instead of a reminder text. */
  readonly kind: 'reminder' | 'briefing';
  readonly recurrence?: Recurrence;
  readonly timeZone: string;
  /** Correlation id of the conversation that created it, so the firing can be traced back. */
  readonly corr?: string;
}

/** One firing: the job's data, when it was due, and a stable id for this occurrence. */
export interface Firing {
  readonly data: ReminderJobData;
  readonly dueAt: Date;
  /** Unique per occurrence and stable across retries: the BullMQ job id. */
  readonly occurrenceId: string;
}

export interface TimersOptions {
  /** redis:// URL of the bus's Redis. */
  readonly url: string;
  /** The bus's key builder; BullMQ's keys go under hermes's own state (bullPrefix). */
  readonly keys: Keys;
  readonly onDue: (firing: Firing) => Promise<void>;
  /** Reminders fired at once. @defaultValue 4 */
  readonly concurrency?: number;
  /** Name shown by CLIENT LIST. */
  readonly connectionName?: string;
  readonly onError?: (err: Error) => void;
  /** @defaultValue BULLMQ_BOUNDS */
  readonly bounds?: BullMqBounds;
}

/** How much of BullMQ's bookkeeping is kept (KeepJobs: a job goes when it breaks either limit). */
export interface BullMqBounds {
  readonly completed: { readonly age: number; readonly count: number };
  readonly failed: { readonly age: number; readonly count: number };
  readonly eventsMaxLen: number;
}

export interface Timers {
  /** The ioredis connection BullMQ uses; hermes's records share it. */
  readonly redis: Redis;
  /** Fire once at `dueAt`. Adding an id that exists (even completed, for a day) does nothing. */
  scheduleOnce(data: ReminderJobData, dueAt: Date): Promise<void>;
  /** Fire by `rule`; `firstDueAt` anchors interval rules. Upserting an existing id replaces it. */
  scheduleRecurring(data: ReminderJobData, rule: RepeatRule, firstDueAt: Date): Promise<void>;
  /** True when a one-off job or a scheduler with this id exists (in any state). */
  exists(reminderId: string): Promise<boolean>;
  /** Remove a one-off job or a recurring scheduler; true when something was removed. */
  cancel(reminderId: string): Promise<boolean>;
  /** Stop taking jobs, let running ones finish, close the connections. */
  close(): Promise<void>;
}

/**
 * BullMQ's prefix: "hive:data:{hermes}:bull", inside hermes's own state, so its ACL's dataPattern covers
 * the queue. BullMQ appends ":<queue>:<key>", so every key it makes is "hive:data:{hermes}:bull:reminders:…".
 */
export function bullPrefix(keys: Keys): string {
  return keys.data('hermes', 'bull');
}

/** How long finished jobs are kept, so a redelivered "create" cannot add a fired reminder again. */
const KEEP_COMPLETED_S = 24 * 3600;

/**
 * BullMQ's keys, bounded (STORAGE.md): a finished job is kept a day, and at most 5,000 of them
 * (whichever is fewer: at about 1 KB each, 5 MB at most); a failed one a week, at most 1,000; the
 * queue's events stream about 1,000 entries (BullMQ's default is 10,000, which nothing here reads).
 * Waiting and delayed jobs and job schedulers are the owner's reminders: data, one per reminder.
 */
export const BULLMQ_BOUNDS: BullMqBounds = { completed: { age: KEEP_COMPLETED_S, count: 5_000 }, failed: { age: 7 * KEEP_COMPLETED_S, count: 1_000 }, eventsMaxLen: 1_000 };

function jobOptions(bounds: BullMqBounds) {
  return { attempts: 10, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: bounds.completed, removeOnFail: bounds.failed } as const;
}

/** Connect BullMQ to Redis and start the worker. */
export async function startTimers(opts: TimersOptions): Promise<Timers> {
  // BullMQ's blocking commands must never give up: maxRetriesPerRequest null, as its docs require.
  const redis = new Redis(opts.url, { maxRetriesPerRequest: null, connectionName: opts.connectionName ?? 'hermes:bullmq', lazyConnect: true });
  redis.on('error', (err: Error) => opts.onError?.(err));
  await redis.connect();
  const prefix = bullPrefix(opts.keys);
  const bounds = opts.bounds ?? BULLMQ_BOUNDS;
  const JOB_OPTIONS = jobOptions(bounds);
  const queue = new Queue<ReminderJobData>(QUEUE_NAME, { connection: redis, prefix, streams: { events: { maxLen: bounds.eventsMaxLen } } });
  queue.on('error', (err: Error) => opts.onError?.(err));

  const worker = new Worker<ReminderJobData>(
    QUEUE_NAME,
    async (job: Job<ReminderJobData>) => {
      // A scheduler's job carries its slot in prevMillis; a delayed job is due at timestamp + delay.
      const prevMillis = (job.opts as { prevMillis?: number }).prevMillis;
      const dueAt = new Date(prevMillis ?? job.timestamp + (job.delay ?? 0));
      await opts.onDue({ data: job.data, dueAt, occurrenceId: job.id ?? `${job.data.reminderId}:${dueAt.getTime()}` });
    },
    { connection: redis, prefix, concurrency: opts.concurrency ?? 4 },
  );
  worker.on('error', (err: Error) => opts.onError?.(err));
  // A failed firing is retried with backoff; say so, with the reminder it was.
  worker.on('failed', (job: Job<ReminderJobData> | undefined, err: Error) =>
    opts.onError?.(new Error(`firing ${job?.id ?? '?'} (reminder ${job?.data.reminderId ?? '?'}, attempt ${job?.attemptsMade ?? '?'}) failed: ${err.message}`)),
  );
  await worker.waitUntilReady();

  return {
    redis,
    async scheduleOnce(data, dueAt) {
      const delay = Math.max(0, dueAt.getTime() - Date.now());
      await queue.add('reminder', data, { ...JOB_OPTIONS, jobId: data.reminderId, delay });
    },
    async scheduleRecurring(data, rule, firstDueAt) {
      const repeat = 'every' in rule ? { every: rule.every, startDate: firstDueAt } : { pattern: rule.pattern, tz: rule.tz };
      await queue.upsertJobScheduler(data.reminderId, repeat, { name: 'reminder', data, opts: JOB_OPTIONS });
    },
    async exists(reminderId) {
      if (await queue.getJob(reminderId)) return true;
      return (await queue.getJobScheduler(reminderId)) !== undefined;
    },
    async cancel(reminderId) {
      const scheduler = await queue.removeJobScheduler(reminderId);
      const job = await queue.getJob(reminderId);
      // An active (firing right now) job is locked; its reminder record is gone, so it fires this once.
      const removed = job ? await job.remove().then(() => true, () => false) : false;
      return scheduler || removed;
    },
    async close() {
      await worker.close();
      await queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
