/**
 * note: notes and journal entries for scribe. Entities: action (save | search | list | show |
 * delete | edit), text (to save), kind (note | journal), query (to search), number (show, delete, edit),
 * instruction (edit: the new words), limit, day.
 *
 * scribe cannot edit a note: "edit note 2: …" still goes to scribe (it answers with what it can do),
 * with the new words as `instruction`, never as `text`, which scribe would save as a new note.
 */
import { match, type Rule } from '../classification.js';

const SAVE_PREFIX =
  /^(?:note\s+to\s+self|note|notes|memo|jot(?:\s+(?:this\s+)?down)?|write\s+(?:this\s+)?down|save\s+(?:a\s+|this\s+)?note|add\s+(?:a\s+)?note|take\s+(?:a\s+)?note|new\s+note|make\s+(?:a\s+)?note(?:\s+of)?)\s*(?::|-|that\b|\s)\s*(\S.*)$/;
const JOURNAL_PREFIX = /^(?:journal(?:\s+entry)?|diary|dear\s+diary|today'?s\s+journal|log\s+(?:a\s+)?journal(?:\s+entry)?)\s*(?::|-|,|\s)\s*(\S.*)$/;
const REMEMBER = /^(?:remember\s+that|remember:|don'?t\s+forget\s+that|fyi:?|remember)\s+(?!to\b)(.+)$/;
// Without a time, "remember to buy milk" is a to-do to keep, not a reminder to fire.
const REMEMBER_TO = /^(?:remember\s+to|don'?t\s+(?:let\s+me\s+)?forget\s+(?:to\s+)?)\s*(.+)$/;

const SEARCH = [
  /^(?:what|anything|did)\s+(?:did|have|do)?\s*i\s+(?:(?:ever\s+)?(?:note|noted|write|written|wrote|save|saved|jot|jotted|journal(?:ed|led)?)(?:\s+down)?)\s+(?:anything\s+|something\s+)?(?:about|on|regarding|re|for|concerning)\s+(.+?)\??$/,
  /^(?:find|search|look\s*up|look\s+for|grep|show|get|list)\s+(?:(?:in|through)\s+)?(?:my\s+|the\s+|all\s+)?(?:notes?|journal(?:\s+entries)?)\s+(?:about|on|for|with|mentioning|containing|regarding)\s+(.+?)\??$/,
  /^(?:search|find)\s+(?:my\s+)?notes?\s*(?::|for)?\s*(.+?)\??$/,
  /^(?:notes?|journal)\s+(?:about|on|mentioning|regarding)\s+(.+?)\??$/,
  /^(?:do\s+i\s+have\s+(?:a\s+|any\s+)?notes?\s+(?:about|on)|where\s+did\s+i\s+note)\s+(.+?)\??$/,
];

const NUMBERED = /^(show|open|read|view|see|get|display|delete|remove|erase|forget|drop|trash|discard)\s+(?:me\s+)?(?:the\s+|my\s+)?(note|entry|journal\s+entry|memo)\s*(?:#|no\.?\s*|number\s*)?(\d+)\??$/;

const EDIT = /^(?:edit|change|update|rewrite|revise|amend|correct|fix)\s+(?:the\s+|my\s+)?(note|entry|journal\s+entry|memo)\s*(?:#|no\.?\s*|number\s*)?(\d+)(?:\s*[:,-]?\s*(.+))?$/;

const LIST = /^(?:(?:list|show|see|view|read|get)\s+(?:me\s+)?)?(?:all\s+)?(?:my\s+)?(?:recent\s+|latest\s+|last\s+)?(?:(\d+)\s+)?(notes|journal(?:\s+entries)?|journal)(?:\s+(?:from\s+)?(today|yesterday|this week))?\??$/;

/**
 * Searching and listing notes, then an explicit "note:" / "journal:" prefix, which beats every keyword
 * in the note's own text. Search first, or "notes about the landlord" would be saved as a note.
 */
export const noteRule: Rule = (t) => {
  const numbered = NUMBERED.exec(t);
  if (numbered) {
    const action = /^(?:show|open|read|view|see|get|display)$/.test(numbered[1] ?? '') ? 'show' : 'delete';
    return match(`note.${action}`, 'note', 0.95, { action, number: Number(numbered[3]), kind: numbered[2]?.startsWith('journal') ? 'journal' : undefined });
  }
  const edit = EDIT.exec(t);
  if (edit) return match('note.edit', 'note', 0.95, { action: 'edit', number: Number(edit[2]), kind: edit[1]?.startsWith('journal') ? 'journal' : undefined, instruction: edit[3] });
  const query = noteQueryRule(t);
  if (query) return query;
  let m = JOURNAL_PREFIX.exec(t);
  if (m) return match('note.journal', 'note', 0.95, { action: 'save', kind: 'journal', text: m[1] });
  m = SAVE_PREFIX.exec(t);
  if (m) return match('note.save', 'note', 0.95, { action: 'save', kind: 'note', text: m[1] });
  return undefined;
};

/** Searching and listing notes. */
const noteQueryRule: Rule = (t) => {
  for (const re of SEARCH) {
    const m = re.exec(t);
    if (m) return match('note.search', 'note', 0.9, { action: 'search', query: (m[1] ?? '').replace(/^(?:the|my)\s+/, '') });
  }
  const l = LIST.exec(t);
  if (l) return match('note.list', 'note', 0.9, { action: 'list', kind: l[2]?.startsWith('journal') ? 'journal' : 'note', limit: l[1] === undefined ? undefined : Number(l[1]), day: l[3] });
  return undefined;
};

/** "remember that …" and an untimed "remember to …": things to keep, late in the order so timed ones become reminders. */
export const noteRememberRule: Rule = (t) => {
  const m = REMEMBER.exec(t) ?? REMEMBER_TO.exec(t);
  return m ? match('note.remember', 'note', 0.8, { action: 'save', kind: 'note', text: m[1] }) : undefined;
};
