/**
 * What the owner asks of scribe, from iris's entities (action, text, kind, query, limit, day) and,
 * where iris gave none, from the words themselves. iris has no rule for "delete note 3" or "show
 * note 3", so those are read from the text first.
 */
import { entityNumber, entityText, type Entities } from '@hive/agent';

export type NoteKind = 'note' | 'journal';
export type ListPeriod = 'today' | 'yesterday' | 'week';

export type NoteCommand =
  | { readonly action: 'save'; readonly kind: NoteKind; readonly text: string }
  | { readonly action: 'search'; readonly query: string }
  | { readonly action: 'list'; readonly kind?: NoteKind; readonly limit: number; readonly period?: ListPeriod }
  | { readonly action: 'show'; readonly number: number }
  | { readonly action: 'delete'; readonly number: number }
  /** "undo", "delete my last note": the newest note goes. */
  | { readonly action: 'delete-last' }
  | { readonly action: 'unclear' };


/** How many notes a list shows unless asked for a number. */
export const DEFAULT_LIST_LIMIT = 5;
/** The most a list shows, however many are asked for. */
export const MAX_LIST_LIMIT = 20;

const NOTE_WORD = '(?:note|entry|journal\\s+entry|memo)';
const DELETE = new RegExp(`^(?:please\\s+)?(?:delete|remove|erase|forget|drop|trash|discard)\\s+(?:the\\s+|my\\s+)?${NOTE_WORD}\\s*(?:#|no\\.?\\s*|number\\s*)?(\\d+)\\s*[.!]?$`, 'i');
const SHOW = new RegExp(`^(?:please\\s+)?(?:show|open|read|view|see|get|display)\\s+(?:me\\s+)?(?:the\\s+|my\\s+)?${NOTE_WORD}\\s*(?:#|no\\.?\\s*|number\\s*)?(\\d+)\\s*[.?!]?$`, 'i');
const DELETE_LAST = /^(?:undo|oops|(?:delete|remove|erase|drop|scrap|undo)\s+(?:the\s+|my\s+|that\s+)?last\s+(?:note|journal\s+entry|entry))[.!]?$/i;
const SAVE_PREFIX = /^(?:note\s+to\s+self|notes?|memo|jot(?:\s+(?:this\s+)?down)?|write\s+(?:this\s+)?down|(?:save|add|take|make|new)\s+(?:a\s+|this\s+)?note(?:\s+of)?)\s*(?::|-|that\b)?\s*(\S[\s\S]*)$/i;
const JOURNAL_PREFIX = /^(?:journal(?:\s+entry)?|diary|dear\s+diary)\s*(?::|-|,)?\s*(\S[\s\S]*)$/i;
const SEARCH = /^(?:(?:notes?|journal)\s+(?:about|on|mentioning|regarding)|(?:what|anything)\s+(?:did|have)\s+i\s+(?:note|noted|write|written|wrote|save|saved|jot|jotted)(?:\s+down)?\s+(?:about|on|regarding)|(?:find|search|look\s*up|look\s+for)\s+(?:in\s+)?(?:my\s+)?(?:notes?|journal)?\s*(?:about|on|for|with|mentioning)?)\s*(.+?)\??$/i;
const LIST = /^(?:(?:list|show|see|view|read|get)\s+(?:me\s+)?)?(?:all\s+)?(?:my\s+)?(?:recent\s+|latest\s+|last\s+)?(?:(\d+)\s+)?(notes|journal(?:\s+entries)?)(?:\s+(?:from\s+)?(today|yesterday|this\s+week))?\??$/i;

function kindOf(v: string | undefined): NoteKind | undefined {
  return v === 'journal' ? 'journal' : v === 'note' ? 'note' : undefined;
}

function periodOf(v: string | undefined): ListPeriod | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (s === 'today') return 'today';
  if (s === 'yesterday') return 'yesterday';
  if (/week/.test(s)) return 'week';
  return undefined;
}

function listLimit(n: number | undefined): number {
  return Math.min(MAX_LIST_LIMIT, n ?? DEFAULT_LIST_LIMIT);
}

/** The note text the owner meant to save: the entity, else the message without its "note:" prefix. */
function textToSave(text: string, entities: Entities): { kind: NoteKind; text: string } | undefined {
  const kind = kindOf(entityText(entities, 'kind'));
  const given = entityText(entities, 'text');
  if (given) return { kind: kind ?? 'note', text: given };
  const j = JOURNAL_PREFIX.exec(text.trim());
  if (j?.[1]) return { kind: 'journal', text: j[1].trim() };
  const n = SAVE_PREFIX.exec(text.trim());
  if (n?.[1]) return { kind: kind ?? 'note', text: n[1].trim() };
  return undefined;
}

/** Read one command from a classified message; "unclear" when nothing fits (the reply explains). */
export function parseNoteCommand(text: string, entities: Entities = {}): NoteCommand {
  const said = text.trim();
  // Numbered commands first: no iris rule produces them, and "delete note 3" must never be saved as a note.
  const del = DELETE.exec(said);
  if (del) return { action: 'delete', number: Number(del[1]) };
  const show = SHOW.exec(said);
  if (show) return { action: 'show', number: Number(show[1]) };

  const action = entityText(entities, 'action');
  const number = entityNumber(entities, 'number') ?? entityNumber(entities, 'noteNumber') ?? entityNumber(entities, 'noteId');
  if (action === 'undo' || DELETE_LAST.test(said) || ((action === 'delete' || action === 'remove') && number === undefined && entities.last === true)) return { action: 'delete-last' };
  switch (action) {
    case 'delete':
    case 'remove':
      return number === undefined ? { action: 'unclear' } : { action: 'delete', number };
    case 'show':
      return number === undefined ? { action: 'unclear' } : { action: 'show', number };
    case 'save': {
      const save = textToSave(said, entities);
      return save ? { action: 'save', ...save } : { action: 'unclear' };
    }
    case 'search': {
      const query = entityText(entities, 'query') ?? SEARCH.exec(said)?.[1]?.trim();
      return query ? { action: 'search', query } : { action: 'unclear' };
    }
    case 'list': {
      const kind = kindOf(entityText(entities, 'kind'));
      const period = periodOf(entityText(entities, 'day') ?? entityText(entities, 'period'));
      return { action: 'list', ...(kind === 'journal' ? { kind } : {}), limit: listLimit(entityNumber(entities, 'limit')), ...(period ? { period } : {}) };
    }
    default:
      return fromWords(said, entities);
  }
}

/** No usable action entity (a model that left it out): the same commands, read from the words. */
function fromWords(said: string, entities: Entities): NoteCommand {
  const list = LIST.exec(said);
  if (list) {
    const period = periodOf(list[3]);
    return {
      action: 'list',
      ...(list[2]?.toLowerCase().startsWith('journal') ? { kind: 'journal' as const } : {}),
      limit: listLimit(list[1] === undefined ? undefined : Number(list[1])),
      ...(period ? { period } : {}),
    };
  }
  const search = SEARCH.exec(said);
  if (search?.[1]) return { action: 'search', query: search[1].trim() };
  const query = entityText(entities, 'query');
  if (query) return { action: 'search', query };
  const save = textToSave(said, entities);
  if (save) return { action: 'save', ...save };
  return { action: 'unclear' };
}
