/**
 * Dead letters: by stream, filtered by group and reason, a page at a time; one with its payload and
 * error; retry (back to the failing group only, through the bus) and drop. A change is a POST that
 * passed the CSRF and read-only checks, and writes one log line saying who did what to which ids.
 */
import { envelopeFields, HiveError } from '@hive/agent';
import {
  compareEntryIds,
  type DeadLetter,
  deadLetterKeys,
  deadLetterStreams,
  dropDeadLetters,
  getDeadLetter,
  parseDeadLetter,
  retryDeadLetters,
  type StreamEntry,
  xrange,
  xrevrange,
} from '@hive/bus/admin';
import { checkedEntryId, checkedName, pageSize, RequestError, type ConsoleApp, type RouteContext } from './context.js';

export const DEFAULT_DEAD_LETTER_PAGE = 50;
export const MAX_DEAD_LETTER_PAGE = 500;
/** The group and reason counts (on a list's first page) are taken over at most this many of the newest dead letters. */
export const FACET_WINDOW = 1_000;
/** A filtered page reads at most this many entries looking for matches, then hands back a cursor. */
const FILTER_SCAN = 5_000;
/** Most ids one retry or drop takes. */
export const MAX_IDS_PER_ACTION = 1_000;

/** A dead letter in a list: the failure, and what the message was, without its payload. */
function summary(d: DeadLetter) {
  return {
    id: d.id,
    at: d.at,
    entryId: d.entryId,
    group: d.group,
    consumer: d.consumer,
    reason: d.reason,
    error: d.error,
    deliveryCount: d.deliveryCount,
    retries: d.retries,
    type: d.message?.type ?? null,
    messageId: d.message?.id ?? null,
    corr: d.message?.corr ?? null,
  };
}

/** Oldest first from `start`: the first `count` entries of all `keys` together (each group's dead letters is its own stream). */
async function mergedRange(ctx: RouteContext, keys: readonly string[], start: string, count: number): Promise<StreamEntry[]> {
  const pages = await Promise.all(keys.map((k) => xrange(ctx.redis, k, start, '+', count)));
  return pages.flat().sort((a, b) => compareEntryIds(a.id, b.id)).slice(0, count);
}

/** Newest first: the last `count` entries of all `keys` together. */
async function mergedNewest(ctx: RouteContext, keys: readonly string[], count: number): Promise<StreamEntry[]> {
  const pages = await Promise.all(keys.map((k) => xrevrange(ctx.redis, k, '+', '-', count)));
  return pages.flat().sort((a, b) => compareEntryIds(b.id, a.id)).slice(0, count);
}

/** An id two groups hold, asked for without the group: 409, naming the groups. */
async function oneGroup<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof HiveError && err.code === 'DEAD_LETTER_AMBIGUOUS') throw new RequestError(409, `${err.message} (pass "group")`);
    throw err;
  }
}

/** Register the dead-letter routes. */
export function deadLetterRoutes(app: ConsoleApp, ctx: RouteContext): void {
  app.get('/api/dead-letters', async (c) => c.json({ streams: await deadLetterStreams(ctx.redis, ctx.keys) }));

  // Oldest first (the order they failed in); `after` (exclusive) pages on.
  app.get('/api/dead-letters/:stream', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const count = pageSize(c.req.query('count'), DEFAULT_DEAD_LETTER_PAGE, MAX_DEAD_LETTER_PAGE);
    const after = c.req.query('after');
    const group = c.req.query('group') || undefined;
    const reason = c.req.query('reason') || undefined;
    const keys = await deadLetterKeys(ctx.redis, ctx.keys, stream);
    let total = 0;
    for (const k of keys) total += Number(await ctx.redis.call(['XLEN', k]));

    const items: DeadLetter[] = [];
    let start = after === undefined ? '-' : `(${checkedEntryId('after', after)}`;
    let scanned = 0;
    let next: string | null = null;
    for (;;) {
      const batch = Math.min(FILTER_SCAN - scanned, group || reason ? 500 : count + 1);
      const page = await mergedRange(ctx, keys, start, batch);
      scanned += page.length;
      for (const e of page) {
        const d = parseDeadLetter(e);
        if ((group && d.group !== group) || (reason && d.reason !== reason)) continue;
        if (items.length === count) {
          next = items.at(-1)!.id;
          break;
        }
        items.push(d);
      }
      if (next !== null || page.length < batch) break;
      start = `(${page.at(-1)!.id}`;
      // A sparse filter: stop reading and let the page ask for more from here.
      if (scanned >= FILTER_SCAN) {
        next = page.at(-1)!.id;
        break;
      }
    }

    const facets = { groups: {} as Record<string, number>, reasons: {} as Record<string, number>, window: 0 };
    for (const e of after === undefined ? await mergedNewest(ctx, keys, FACET_WINDOW) : []) {
      const d = parseDeadLetter(e);
      facets.groups[d.group] = (facets.groups[d.group] ?? 0) + 1;
      facets.reasons[d.reason] = (facets.reasons[d.reason] ?? 0) + 1;
      facets.window++;
    }
    return c.json({ stream, total, items: items.map(summary), next, facets });
  });

  app.get('/api/dead-letters/:stream/:id', async (c) => {
    const stream = checkedName('stream', c.req.param('stream'));
    const id = checkedEntryId('dead-letter id', c.req.param('id'));
    const group = c.req.query('group') ? checkedName('group', c.req.query('group')!) : undefined;
    const d = await oneGroup(() => getDeadLetter(ctx.redis, ctx.keys, stream, id, group));
    if (!d) throw new RequestError(404, `no dead letter ${id} for stream "${stream}" (retried or dropped already?)`);
    return c.json({ ...summary(d), stream, field: d.field ?? null, history: d.history, message: d.message ?? null, decodeError: d.decodeError ?? null, original: envelopeFields(d.original) });
  });

  for (const action of ['retry', 'drop'] as const) {
    app.post(`/api/dead-letters/:stream/${action}`, async (c) => {
      const stream = checkedName('stream', c.req.param('stream'));
      const body = (await c.req.json().catch(() => undefined)) as { ids?: unknown; group?: unknown } | undefined;
      const group = typeof body?.group === 'string' ? checkedName('group', body.group) : undefined;
      const ids = body?.ids;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === 'string')) {
        throw new RequestError(400, `the body must be {"ids": ["<dead-letter id>", …], "group"?: "<group>"} (1 to ${MAX_IDS_PER_ACTION} ids)`);
      }
      if (ids.length > MAX_IDS_PER_ACTION) throw new RequestError(400, `at most ${MAX_IDS_PER_ACTION} ids at once (got ${ids.length})`);
      for (const id of ids as string[]) checkedEntryId('dead-letter id', id);
      const outcomes = await oneGroup(() =>
        action === 'retry' ? retryDeadLetters(ctx.redis, ctx.keys, stream, ids as string[], group) : dropDeadLetters(ctx.redis, ctx.keys, stream, ids as string[], group),
      );
      const who = c.get('who');
      ctx.log.info(
        { action: `dlq.${action}`, stream, ids, outcomes: outcomes.map((o) => `${o.id}:${o.status}`), by: who },
        `console: ${who.ip} (${who.auth}) ${action === 'retry' ? 'retried' : 'dropped'} ${outcomes.filter((o) => o.status !== 'missing').length} of ${ids.length} dead letters of ${stream}`,
      );
      return c.json({ stream, action, outcomes });
    });
  }
}
