/** Everything scribe says back, as WhatsApp text (*bold* marks the matched words in a quote). */
import { shortDate } from '@hive/agent';
import type { ListPeriod, NoteKind } from './parse-command.js';
import { preview } from './note-text.js';

/** What a note says and when it was written, stored or about to be. */
export interface NoteContent {
  readonly noteId: string;
  readonly kind: NoteKind;
  readonly title?: string;
  readonly text: string;
  readonly tags: readonly string[];
  readonly savedAt: string;
  /** The calendar day it was written, in the owner's zone. */
  readonly day: string;
}

/** A stored note as scribe shows it. `number` is the chat's own, stable number for it ("note 3"). */
export interface Note extends NoteContent {
  readonly number: number;
}

/** One search result: the note and a quote of it with the matched words in *bold*. */
export interface SearchHit {
  readonly note: Note;
  readonly snippet: string;
}

const LABEL: Record<NoteKind, string> = { note: 'note', journal: 'journal entry' };

/** The confirmation for a saved note or journal entry. */
export function savedReply(note: Note): string {
  const icon = note.kind === 'journal' ? '📓' : '📝';
  const tags = note.tags.length > 0 ? ` Tags: ${note.tags.map((t) => `#${t}`).join(' ')}.` : '';
  return `${icon} Saved ${LABEL[note.kind]} #${note.number}: “${preview(note.text, 120)}”.${tags}`;
}

/** Ranked search results, each quoted: "1. (Mar 14) …call the *landlord*… — #3". */
export function searchReply(query: string, hits: readonly SearchHit[], today: string, loose = false): string {
  if (hits.length === 0) return `🔎 No notes match “${query}”. Try other words, or say *list notes* to see the latest.`;
  const one = hits.length === 1;
  const verb = loose ? (one ? 'shares some words with' : 'share some words with') : one ? 'matches' : 'match';
  const head = `🔎 ${one ? '1 note' : `${hits.length} notes`} ${verb} “${query}”:`;
  const lines = hits.map((h, i) => `${i + 1}. (${shortDate(h.note.day, today)}) ${oneLine(h.snippet)} — #${h.note.number}${h.note.kind === 'journal' ? ' 📓' : ''}`);
  return [head, ...lines].join('\n');
}

const PERIOD_LABEL: Record<ListPeriod, string> = { today: 'today', yesterday: 'yesterday', week: 'this week' };

/** The latest notes, newest first, with their numbers. */
export function listReply(notes: readonly Note[], today: string, options: { kind?: NoteKind; period?: ListPeriod; total: number; hasAny: boolean }): string {
  const what = options.kind === 'journal' ? 'journal entries' : 'notes';
  const when = options.period ? ` from ${PERIOD_LABEL[options.period]}` : '';
  if (notes.length === 0) {
    if (!options.hasAny) return options.kind === 'journal' ? 'Your journal is empty. Write in it with *journal: long walk, felt good*.' : 'You have no notes yet. Save one with *note: call the landlord about the heater*.';
    return `No ${what}${when}.`;
  }
  const head = notes.length < options.total ? `🗒️ Your latest ${notes.length} ${what}${when} (of ${options.total}):` : `🗒️ Your ${what}${when}:`;
  const lines = notes.map((n) => `#${n.number} (${shortDate(n.day, today)})${n.kind === 'journal' ? ' 📓' : ''} ${preview(n.text, 80)}`);
  return [head, ...lines, 'Say *show note N* to read one in full, *delete note N* to remove it.'].join('\n');
}

/** How much of a note one reply shows; WhatsApp messages (and wa.send) have a size limit. */
export const SHOW_MAX_CHARS = 4000;

/** One note in full (a very long one up to SHOW_MAX_CHARS, saying how much is left). */
export function showReply(note: Note, today: string): string {
  const tags = note.tags.length > 0 ? `\n${note.tags.map((t) => `#${t}`).join(' ')}` : '';
  const text = note.text.length > SHOW_MAX_CHARS ? `${note.text.slice(0, SHOW_MAX_CHARS)}… (${note.text.length - SHOW_MAX_CHARS} more characters)` : note.text;
  return `${note.kind === 'journal' ? '📓' : '📝'} ${LABEL[note.kind][0]!.toUpperCase()}${LABEL[note.kind].slice(1)} #${note.number} (${shortDate(note.day, today)}):\n${text}${tags}`;
}

/** The confirmation for a deleted note. */
export function deletedReply(note: Note): string {
  return `🗑️ Deleted ${LABEL[note.kind]} #${note.number}: “${preview(note.text, 80)}”.`;
}

/** Nothing to take back. */
export const NOTHING_TO_DELETE = 'You have no notes, so there is nothing to undo.';

/** No note has that number in this chat. */
export function noSuchNoteReply(number: number): string {
  return `There is no note #${number}. Say *list notes* to see their numbers.`;
}

/** What scribe can do, for a message it could not read. */
export const UNCLEAR_REPLY = [
  'I keep notes and a journal. Try:',
  '• *note: call the landlord about the heater*',
  '• *journal: long walk, felt good*',
  '• *what did I note about the landlord*',
  '• *list notes* · *show note 3* · *delete note 3* · *undo*',
].join('\n');

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
