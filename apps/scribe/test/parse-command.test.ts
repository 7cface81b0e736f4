/** Reading scribe's commands from iris's entities, and from the words where iris gave none. */
import { describe, expect, it } from 'vitest';
import { parseNoteCommand, type NoteCommand } from '../src/domain/parse-command.js';

describe('parseNoteCommand with iris entities', () => {
  const cases: Array<[string, Record<string, string | number | boolean>, NoteCommand]> = [
    ['note: call the landlord about the heater', { action: 'save', kind: 'note', text: 'call the landlord about the heater' }, { action: 'save', kind: 'note', text: 'call the landlord about the heater' }],
    ['journal: long walk, felt good', { action: 'save', kind: 'journal', text: 'long walk, felt good' }, { action: 'save', kind: 'journal', text: 'long walk, felt good' }],
    ['what did I note about the landlord', { action: 'search', query: 'landlord' }, { action: 'search', query: 'landlord' }],
    ['find notes about heater', { action: 'search', query: 'heater' }, { action: 'search', query: 'heater' }],
    ['list notes', { action: 'list', kind: 'note' }, { action: 'list', limit: 5 }],
    ['my journal', { action: 'list', kind: 'journal' }, { action: 'list', kind: 'journal', limit: 5 }],
    ['show my last 3 notes', { action: 'list', kind: 'note', limit: 3 }, { action: 'list', limit: 3 }],
    ['list 50 notes', { action: 'list', kind: 'note', limit: 50 }, { action: 'list', limit: 20 }],
    ['notes from this week', { action: 'list', kind: 'note', day: 'this week' }, { action: 'list', limit: 5, period: 'week' }],
    ['journal today', { action: 'list', kind: 'journal', day: 'today' }, { action: 'list', kind: 'journal', limit: 5, period: 'today' }],
    // A model that saw the action but not the text: the text comes from the words.
    ['note: buy stamps', { action: 'save' }, { action: 'save', kind: 'note', text: 'buy stamps' }],
    ['jot down: pick up the parcel', { action: 'save' }, { action: 'save', kind: 'note', text: 'pick up the parcel' }],
    ['dear diary, what a day', { action: 'save' }, { action: 'save', kind: 'journal', text: 'what a day' }],
    // A future iris (or a model) may say delete/show with a number.
    ['bin the third one', { action: 'delete', number: 3 }, { action: 'delete', number: 3 }],
    ['open that one', { action: 'show', noteNumber: '#4' }, { action: 'show', number: 4 }],
    ['remove it', { action: 'delete' }, { action: 'unclear' }],
    // iris's undo: named, or a bare "undo" routed to the agent last written to.
    ['delete my last note', { action: 'undo', last: true }, { action: 'delete-last' }],
    ['undo', { action: 'undo', last: true }, { action: 'delete-last' }],
    ['delete note 3', { action: 'delete', number: 3 }, { action: 'delete', number: 3 }],
    ['show note 2', { action: 'show', number: 2 }, { action: 'show', number: 2 }],
    ['', { action: 'search' }, { action: 'unclear' }],
  ];
  it.each(cases)('%j %j', (text, entities, expected) => {
    expect(parseNoteCommand(text, entities)).toEqual(expected);
  });
});

describe('parseNoteCommand from the words alone', () => {
  const cases: Array<[string, NoteCommand]> = [
    ['delete note 3', { action: 'delete', number: 3 }],
    ['Delete note #12', { action: 'delete', number: 12 }],
    ['remove note number 2', { action: 'delete', number: 2 }],
    ['forget entry 7.', { action: 'delete', number: 7 }],
    ['show note 3', { action: 'show', number: 3 }],
    ['read me note no. 4', { action: 'show', number: 4 }],
    ['open journal entry 5?', { action: 'show', number: 5 }],
    ['note: call the landlord', { action: 'save', kind: 'note', text: 'call the landlord' }],
    ['Journal - rainy Sunday, read all day', { action: 'save', kind: 'journal', text: 'rainy Sunday, read all day' }],
    ['what did I note about the heater?', { action: 'search', query: 'the heater' }],
    ['search notes for passport', { action: 'search', query: 'passport' }],
    ['notes about the landlord', { action: 'search', query: 'the landlord' }],
    ['recent notes', { action: 'list', limit: 5 }],
    ['show 10 journal entries', { action: 'list', kind: 'journal', limit: 10 }],
    ['notes yesterday', { action: 'list', limit: 5, period: 'yesterday' }],
    ['delete the last journal entry', { action: 'delete-last' }],
    ['hmm', { action: 'unclear' }],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parseNoteCommand(text)).toEqual(expected);
  });

  it('reads "delete note 3" as a deletion even when the entities say save', () => {
    // The rules of iris may one day grab "delete note 3" as a note to save; deleting is what was meant.
    expect(parseNoteCommand('delete note 3', { action: 'save', text: '3' })).toEqual({ action: 'delete', number: 3 });
  });

  it('ignores a non-numeric or non-positive number entity', () => {
    expect(parseNoteCommand('x', { action: 'delete', number: 0 })).toEqual({ action: 'unclear' });
    expect(parseNoteCommand('x', { action: 'show', noteId: 'note_abc' })).toEqual({ action: 'unclear' });
  });
});
