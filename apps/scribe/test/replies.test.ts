/** scribe's replies: what the owner reads. */
import { describe, expect, it } from 'vitest';
import { listReply, savedReply, searchReply, SHOW_MAX_CHARS, showReply, type Note } from '../src/domain/replies.js';

const note = (number: number, text: string, extra: Partial<Note> = {}): Note => ({ number, noteId: `note_${number}`, kind: 'note', text, tags: [], savedAt: '2025-03-14T09:00:00.000Z', day: '2025-03-14', ...extra });

describe('replies', () => {
  it('confirms a journal entry with its icon and tags', () => {
    expect(savedReply(note(4, 'long walk, felt good #walk', { kind: 'journal', tags: ['walk'] }))).toBe('📓 Saved journal entry #4: “long walk, felt good #walk”. Tags: #walk.');
  });

  it('says when a list shows only the latest of more', () => {
    const text = listReply([note(9, 'nine'), note(8, 'eight')], '2025-03-14', { total: 9, hasAny: true });
    expect(text.split('\n')[0]).toBe('🗒️ Your latest 2 notes (of 9):');
  });

  it('says when a search fell back to some of the words', () => {
    const text = searchReply('kettle heater', [{ note: note(1, 'buy a new kettle'), snippet: 'buy a new *kettle*' }], '2025-03-14', true);
    expect(text).toBe('🔎 1 note shares some words with “kettle heater”:\n1. (Mar 14) buy a new *kettle* — #1');
  });

  it('shows at most SHOW_MAX_CHARS of a very long note', () => {
    const text = showReply(note(1, 'x'.repeat(SHOW_MAX_CHARS + 50)), '2025-03-14');
    expect(text.endsWith('… (50 more characters)')).toBe(true);
    expect(text.length).toBeLessThan(SHOW_MAX_CHARS + 100);
  });

  it('shows a note in full with its tags, in another year with the year', () => {
    expect(showReply(note(2, 'line one\nline two', { tags: ['a', 'b'], day: '2024-02-29' }), '2025-03-14')).toBe('📝 Note #2 (Feb 29, 2024):\nline one\nline two\n#a #b');
  });
});
