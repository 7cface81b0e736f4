/**
 * One poller for every watcher: snapshots are built on a timer shared by all SSE clients (so ten
 * open tabs cost Redis what one does), every `pollMs` while someone watches and every `idlePollMs`
 * while nobody does. A failed poll (Redis away) is pushed as an error and retried on the next tick.
 */
import { errorMessage, type Logger } from '@hive/agent';
import type { NetworkView, Snapshot } from './network-view.js';

export type FeedEvent = { kind: 'snapshot'; snapshot: Snapshot } | { kind: 'error'; error: string; at: number };

export class LiveFeed {
  private latest: FeedEvent | undefined;
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<FeedEvent> | undefined;
  private closed = false;
  private failing = false;

  constructor(
    private readonly view: NetworkView,
    private readonly opts: { pollMs: number; idlePollMs: number; log: Logger },
  ) {}

  /** Start polling (the first snapshot at once). */
  start(): void {
    this.schedule(0);
  }

  /** Get every event from now on (and the latest one at once); returns the unsubscribe. */
  subscribe(listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    // Someone started watching: don't make them wait out an idle interval.
    if (this.listeners.size === 1) this.schedule(0);
    return () => this.listeners.delete(listener);
  }

  /** The latest snapshot if it is fresh, else a new one. */
  async current(): Promise<FeedEvent> {
    if (this.latest?.kind === 'snapshot' && Date.now() - this.latest.snapshot.at < this.opts.pollMs) return this.latest;
    return this.poll();
  }

  get watchers(): number {
    return this.listeners.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule(this.listeners.size > 0 ? this.opts.pollMs : this.opts.idlePollMs));
    }, delayMs);
    this.timer.unref();
  }

  private poll(): Promise<FeedEvent> {
    this.polling ??= this.view
      .snapshot()
      .then((snapshot): FeedEvent => {
        if (this.failing) this.opts.log.info({}, 'console: Redis answers again');
        this.failing = false;
        return { kind: 'snapshot', snapshot };
      })
      .catch((err: unknown): FeedEvent => {
        if (!this.failing) this.opts.log.warn({ err: errorMessage(err) }, 'console: reading the network failed; retrying');
        this.failing = true;
        return { kind: 'error', error: `cannot read the network from Redis: ${errorMessage(err)}`, at: Date.now() };
      })
      .then((event) => {
        this.latest = event;
        for (const l of this.listeners) l(event);
        return event;
      })
      .finally(() => (this.polling = undefined));
    return this.polling;
  }
}
