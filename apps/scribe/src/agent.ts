/**
 * scribe, notes and journal: saves what the owner asks it to keep, and finds it again by its words
 * (SQLite FTS5, ranked by bm25, quoted with the matching words in bold). One database file per
 * deployment, under HIVE_DATA_DIR.
 */
import { defineAgent, setupValue } from '@hive/agent';
import { scribeConfig } from './config.js';
import { onIntentClassified } from './handlers/intent-classified.js';
import { openNoteStore, type NoteStore } from './note-store.js';

export interface ScribeOptions {
  /** The clock "today" and "this week" are read from. @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A scribe definition with its own database handle; `scribe` below is the one the process runs. */
export function createScribe(options: ScribeOptions = {}) {
  const now = options.now ?? (() => new Date());
  const notes = setupValue<NoteStore>('scribe notes database');

  return defineAgent({
    name: 'scribe',
    version: '0.1.0',
    description: 'Keeps your notes and journal and finds them again by their words.',
    skills: [
      { name: 'note', description: 'Saves a note; #tags in it are kept as tags', examples: ['note: call the landlord about the heater', 'note to self: renew passport #admin'] },
      { name: 'journal', description: 'Writes a dated journal entry', examples: ['journal: long walk, felt good'] },
      { name: 'search notes', description: 'Finds notes by their words, best match first, quoted', examples: ['what did I note about the landlord', 'find notes about heater'] },
      { name: 'list notes', description: 'Lists your latest notes or journal entries, numbered', examples: ['list notes', 'my journal', 'notes from this week'] },
      { name: 'show or delete a note', description: 'Shows a note in full, or deletes it, by its number; undo deletes the newest', examples: ['show note 3', 'delete note 3', 'delete my last note', 'undo'] },
    ],
    config: scribeConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'note', description: 'Saving and searching notes and journal entries', examples: ['note: call the landlord', 'what did I note about the landlord'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { store: notes.get, now }) },
    },
    writes: ['note.saved', 'wa.outbound'],
    start(ctx) {
      const close = notes.open(openNoteStore(ctx.config.dbPath));
      ctx.log.info({ db: ctx.config.dbPath }, 'notes database open');
      return close;
    },
  });
}

/** The scribe the process runs. */
export const scribe = createScribe();
