/**
 * archivist, the network's durable history: its own consumer group on every stream of the
 * catalogue, from the start of each stream (so it backfills), every message stored once in SQLite.
 * Searched and exported with `hive history`. It publishes nothing.
 */
import { defineAgent, type Message, type Reads, setupValue, type StreamOptions } from '@hive/agent';
import { catalogue as hiveCatalogue, type Catalogue, type StreamName } from '@hive/contracts';
import { archivistConfig, type ArchivistConfig } from './config.js';
import { archivedStreams } from './domain/streams.js';
import { onAnyMessage } from './handlers/any-message.js';
import { openHistoryStore, type HistoryStore, type PruneResult } from './history-store.js';

/**
 * Deliveries before a message archivist cannot store is dead-lettered. Higher than the bus's
 * default: what fails here is the disk (full, read-only), which an operator can fix, and with the
 * bus's backoff (up to 60 s) ten tries span several minutes.
 */
export const ARCHIVIST_MAX_DELIVERIES = 10;

/**
 * How long archivist lets what it read wait before storing it (the bus's `lingerMs`). Nobody waits
 * on the archive, and in the one process of `npm start` its reads, inserts and acks (four deliveries
 * per user message) would otherwise run in the middle of the message's own hops; waiting moves them
 * after, and stores several messages per read, insert transaction and ack.
 */
export const ARCHIVIST_LINGER_MS = 100;

export interface ArchivistOptions {
  /** @defaultValue the Hive catalogue */
  readonly catalogue?: Pick<Catalogue, 'entries'>;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** Called after each prune of the archive (the soak records it). */
  readonly onPrune?: (result: PruneResult) => void;
}

/** An archivist definition with its own database handle; `archivist` below is the one the process runs. */
export function createArchivist(options: ArchivistOptions = {}) {
  const now = options.now ?? Date.now;
  const streams = archivedStreams(options.catalogue ?? hiveCatalogue);
  const history = setupValue<HistoryStore>('archivist history database');

  const handlerFor = (stream: string) => async (message: Message, ctx: Parameters<typeof onAnyMessage>[2]) => {
    await onAnyMessage(stream, message, ctx, { store: history.get, now });
  };
  const reads = Object.fromEntries(
    streams.map(({ stream, types }) => {
      const handle = handlerFor(stream);
      return [stream, Object.fromEntries(types.map((type) => [type, handle]))];
    }),
  ) as Reads<ArchivistConfig, never>;
  // History, not triggers: every group starts at the beginning of its stream, whatever the contract says for newcomers.
  // Nobody waits on the archive: what it reads is stored ARCHIVIST_LINGER_MS later, with what came meanwhile.
  const perStream: StreamOptions = { startAt: 'all', maxDeliveries: ARCHIVIST_MAX_DELIVERIES, lingerMs: ARCHIVIST_LINGER_MS };
  const streamOptions = Object.fromEntries(streams.map(({ stream }) => [stream, perStream])) as { [S in StreamName]?: StreamOptions };

  return defineAgent({
    name: 'archivist',
    version: '0.1.0',
    description: 'Keeps the durable history of every message on the bus, searchable by text, chat, type and time.',
    skills: [
      {
        name: 'search history',
        description: 'Everything said and done, kept for good; searched from a terminal with `hive history`',
        examples: ['hive history --text dentist', 'hive history --chat +491701234567 --since 2d', 'hive history --type expense.recorded --json', 'hive history --export history.jsonl'],
      },
    ],
    config: archivistConfig,
    reads,
    writes: [],
    streamOptions,
    // Order does not matter to an archive (rows keep their stream's entry id and time): overlap
    // the Redis reads. The (stream, id) key is the dedup (a redelivery inserts nothing); the bus's
    // idempotency stays for its handled marks, kept 10 minutes, which are what lets sentinel tell
    // archivist's own acks from another reader's (apps/sentinel, acked_by_other: a group that never
    // marks is not checked). Marks only: the check before the handler (a ZMSCORE per read, four
    // entries per user message) would repeat what the key already does.
    concurrency: 8,
    orderingKey: false,
    idempotent: { ttlMs: 10 * 60_000, check: false },
    start(ctx) {
      const db = openHistoryStore(ctx.config.dbPath);
      history.set(db);
      ctx.log.info({ db: db.path, streams: streams.map((s) => s.stream), archived: db.count(), retention: ctx.config.retention }, 'history database open');
      // The archive's own bound: older than the age limit, or over the size limit, goes.
      let pruning: Promise<void> | undefined;
      const prune = () =>
        (pruning ??= db
          .prune({ ...ctx.config.retention, now: now() })
          .then((r) => {
            options.onPrune?.(r);
            if (r.byAge + r.bySize > 0) ctx.log.info({ ...r }, 'archive pruned to its retention');
          })
          .catch((err: unknown) => ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'pruning the archive failed; trying again next time'))
          .finally(() => (pruning = undefined)));
      const timer = setInterval(prune, ctx.config.pruneMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await pruning;
        history.take();
        db.close();
      };
    },
  });
}

/** The archivist the process runs. */
export const archivist = createArchivist();
