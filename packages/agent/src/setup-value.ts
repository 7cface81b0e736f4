/**
 * A value an agent's `start` makes (a store, a database, a client) and its handlers use. The runtime
 * runs `start` before any subscription reads and stops the subscriptions before the cleanup runs, so
 * a handler always finds the value set: `get()` failing means a broken order, and says which value.
 *
 *   const notes = setupValue<NoteStore>('scribe notes database');
 *   start(ctx) { notes.set(openNoteStore(ctx.config.dbPath)); return () => notes.take()?.close(); }
 *   reads: { … (message, ctx) => onNote(message, ctx, { store: notes.get }) }
 */
import { AgentNotStartedError } from './errors.js';

export interface SetupValue<T> {
  /** Called by `start`. */
  set(value: T): void;
  /** The value; throws AgentNotStartedError before `start` has set it or after `take()`. */
  readonly get: () => T;
  /** Removes and returns the value (for the cleanup), so that nothing uses it once closed. */
  take(): T | undefined;
}

export function setupValue<T>(what: string): SetupValue<T> {
  let value: { v: T } | undefined;
  return {
    set(v) {
      value = { v };
    },
    get: () => {
      if (!value) throw new AgentNotStartedError(what);
      return value.v;
    },
    take() {
      const v = value?.v;
      value = undefined;
      return v;
    },
  };
}

/** What the handlers of an agent that keeps its own store are handed: the clock, and the store its `start` opened. */
export interface StoreDeps<S> {
  readonly now: () => Date;
  /** The store (a SetupValue's `get`). */
  readonly store: () => S;
}
