/**
 * A value an agent's `start` makes (a store, a database, a client) and its handlers use. The runtime
 * runs `start` before any subscription reads and stops the subscriptions before the cleanup runs, so
 * a handler always finds the value set: `get()` failing means a broken order, and says which value.
 *
 *   const notes = setupValue<NoteStore>('scribe notes database');
 *   start(ctx) { return notes.open(openNoteStore(ctx.config.dbPath)); }
 *   reads: { … (message, ctx) => onNote(message, ctx, { store: notes.get }) }
 */
import { AgentNotStartedError } from './errors.js';

export interface SetupValue<T> {
  /** Called by `start`. */
  set(value: T): void;
  /**
   * Called by `start` for a store opened there: sets it, and returns the cleanup for `start` to
   * return, which takes the value back and closes it if it has a `close()`.
   */
  open(value: T): () => Promise<void>;
  /** The value; throws AgentNotStartedError before `start` has set it or after `take()`. */
  readonly get: () => T;
  /** Removes and returns the value (for the cleanup), so that nothing uses it once closed. */
  take(): T | undefined;
}

export function setupValue<T>(what: string): SetupValue<T> {
  let value: { v: T } | undefined;
  const take = () => {
    const v = value?.v;
    value = undefined;
    return v;
  };
  return {
    set(v) {
      value = { v };
    },
    open(v) {
      value = { v };
      return async () => {
        const closable = take() as { close?: () => unknown } | undefined;
        if (typeof closable?.close === 'function') await closable.close();
      };
    },
    get: () => {
      if (!value) throw new AgentNotStartedError(what);
      return value.v;
    },
    take,
  };
}

/** What the handlers of an agent that keeps its own store are handed: the clock, and the store its `start` opened. */
export interface StoreDeps<S> {
  readonly now: () => Date;
  /** The store (a SetupValue's `get`). */
  readonly store: () => S;
}
