/** The console's HTTP surface: the page, its assets, the JSON API and the live feed, behind the guard. */
import { ConfigError, errorMessage, type Logger } from '@hive/agent';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ClientBundle } from './client-bundle.js';
import { chatRoutes } from './chat-proxy.js';
import { RequestError, type RouteContext } from './context.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { prometheusRoutes } from './prometheus-targets.js';
import type { FeedEvent, LiveFeed } from './live-feed.js';
import type { ConsoleEnv, Guard } from './security.js';
import { streamRoutes } from './stream-routes.js';
import { traceRoutes } from './trace-routes.js';

export interface AppParts {
  ctx: RouteContext;
  guard: Guard;
  feed: LiveFeed;
  bundle: ClientBundle;
  /** What /api/session tells the page about this console. */
  session: Record<string, unknown>;
  log: Logger;
  /** Open SSE streams register their closer here, so close() can end them. */
  streams: Set<() => void>;
}

/** Build the Hono app. */
export function createApp(parts: AppParts): Hono<ConsoleEnv> {
  const { ctx, guard, feed, bundle, log } = parts;
  const app = new Hono<ConsoleEnv>();
  for (const m of guard.middleware) app.use('*', m);

  app.onError((err, c) => {
    if (err instanceof RequestError) return c.json({ error: err.message }, err.status);
    if (err instanceof ConfigError) return c.json({ error: err.message }, 400);
    log.error({ err: errorMessage(err), path: c.req.path }, 'console: request failed');
    return c.json({ error: `the console could not answer: ${errorMessage(err)}` }, 500);
  });
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: `no such API: ${c.req.method} ${c.req.path}` }, 404) : c.text('not found', 404)));

  const asset = (c: Context<ConsoleEnv>, body: string, type: string) => {
    if (c.req.header('if-none-match') === bundle.etag) return c.body(null, 304);
    c.header('etag', bundle.etag);
    c.header('cache-control', 'no-cache');
    c.header('content-type', type);
    return c.body(body);
  };
  app.get('/', (c) => asset(c, bundle.html, 'text/html; charset=utf-8'));
  app.get('/assets/app.js', (c) => asset(c, bundle.js, 'text/javascript; charset=utf-8'));
  app.get('/assets/app.css', (c) => asset(c, bundle.css, 'text/css; charset=utf-8'));

  app.get('/api/session', (c) => c.json({ ...parts.session, csrfToken: guard.csrfToken }));
  app.get('/api/snapshot', async (c) => {
    const e = await feed.current();
    if (e.kind === 'error') throw new RequestError(503, e.error);
    return c.json(e.snapshot);
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      // One write at a time: a slow client gets the events in order, not interleaved.
      let chain = Promise.resolve();
      const send = (e: FeedEvent) => {
        chain = chain
          .then(() => stream.writeSSE({ event: e.kind === 'snapshot' ? 'snapshot' : 'failure', data: JSON.stringify(e.kind === 'snapshot' ? e.snapshot : { error: e.error, at: e.at }) }))
          .catch(() => end());
      };
      const unsubscribe = feed.subscribe(send);
      const close = () => end();
      parts.streams.add(close);
      stream.onAbort(close);
      await ended;
      unsubscribe();
      parts.streams.delete(close);
    }),
  );

  streamRoutes(app, ctx);
  deadLetterRoutes(app, ctx);
  traceRoutes(app, ctx);
  chatRoutes(app, ctx);
  prometheusRoutes(app, ctx);
  return app;
}
