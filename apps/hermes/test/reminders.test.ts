import { describe, expect, it } from 'vitest';
import { agendaForToday, confirmCancel, confirmOneOff, confirmRecurring, describeWhen, dueText, formatList, selectReminders, type Reminder } from '../src/domain/reminders.js';

const tz = 'Europe/Berlin';
// Friday 14 March 2025, 11:00 in Berlin.
const now = new Date('2025-03-14T10:00:00.000Z');

const reminder = (id: string, text: string, dueAt: string, extra: Partial<Reminder> = {}): Reminder => ({
  id, chatId: 'c1@c.us', text, dueAt, createdAt: '2025-03-14T09:00:00.000Z', ...extra,
});

const mom = reminder('r1', 'call mom', '2025-03-15T08:00:00.000Z');
const pills = reminder('r2', 'take the pills', '2025-03-14T17:30:00.000Z');
const weigh = reminder('r3', 'weigh in', '2025-03-17T07:00:00.000Z', { recurrence: { kind: 'weekly', weekdays: [1], hour: 8, minute: 0 } });
const dad = reminder('r4', 'call dad', '2025-03-20T08:00:00.000Z');

describe('describeWhen', () => {
  it.each([
    ['2025-03-14T10:02:00.000Z', 'in 2 minutes (11:02)'],
    ['2025-03-14T10:01:00.000Z', 'in 1 minute (11:01)'],
    ['2025-03-14T10:00:30.000Z', 'in 30 seconds (11:00)'],
    ['2025-03-14T17:30:00.000Z', 'today at 18:30'],
    ['2025-03-15T08:00:00.000Z', 'tomorrow at 09:00'],
    ['2025-03-17T07:00:00.000Z', 'on Monday at 08:00'],
    ['2025-04-03T07:00:00.000Z', 'on Thu 3 Apr at 09:00'],
    ['2026-01-05T08:00:00.000Z', 'on Mon 5 Jan 2026 at 09:00'],
  ])('%s -> %s', (at, words) => {
    expect(describeWhen(new Date(at), now, tz)).toBe(words);
  });
});

describe('replies', () => {
  it('confirms a one-off and a recurring reminder', () => {
    expect(confirmOneOff('call mom', new Date('2025-03-15T08:00:00.000Z'), now, tz)).toBe("⏰ OK, I'll remind you tomorrow at 09:00: call mom");
    expect(confirmRecurring('weigh in', weigh.recurrence!, new Date(weigh.dueAt), now, tz)).toBe('🔁 OK, every Monday at 08:00: weigh in. First one on Monday at 08:00.');
  });

  it('lists soonest first, numbered', () => {
    expect(formatList([dad, weigh, mom, pills], now, tz)).toBe(
      [
        'Your 4 reminders:',
        '1. take the pills — today at 18:30',
        '2. call mom — tomorrow at 09:00',
        '3. weigh in — every Monday at 08:00 (next on Monday at 08:00)',
        '4. call dad — on Thursday at 09:00',
        'Cancel one with "cancel reminder 2".',
      ].join('\n'),
    );
    expect(formatList([], now, tz)).toContain('You have no reminders');
  });

  it('says what fired, and how to snooze', () => {
    expect(dueText('call mom', undefined)).toBe('⏰ Reminder: call mom\nReply "snooze 10 minutes" to be reminded again.');
    expect(dueText('weigh in', weigh.recurrence)).toContain('(every Monday at 08:00)');
  });

  it('confirms a cancel', () => {
    expect(confirmCancel([weigh])).toBe('🗑️ Cancelled: weigh in (every Monday at 08:00)');
    expect(confirmCancel([mom, dad])).toBe('🗑️ Cancelled 2 reminders.');
  });
});

describe('selectReminders', () => {
  const all = [dad, weigh, mom, pills];
  it.each([
    [{ index: 1 }, ['r2']],
    [{ index: 4 }, ['r4']],
    [{ text: 'call mom' }, ['r1']],
    [{ text: 'Mom' }, ['r1']],
    [{ text: 'pills' }, ['r2']],
    [{ all: true as const }, ['r2', 'r1', 'r3', 'r4']],
  ])('%o', (target, ids) => {
    const s = selectReminders(all, target);
    expect(s.kind === 'found' && s.reminders.map((r) => r.id)).toEqual(ids);
  });

  it('says when a number is out of range, nothing matches, or several do', () => {
    expect(selectReminders(all, { index: 9 })).toMatchObject({ kind: 'none', reply: expect.stringContaining('There is no reminder 9; you have 4') });
    expect(selectReminders(all, { text: 'dentist' })).toMatchObject({ kind: 'none', reply: expect.stringContaining('no reminder about "dentist"') });
    expect(selectReminders(all, { text: 'call' })).toMatchObject({ kind: 'ambiguous', reply: expect.stringContaining('2. call mom\n4. call dad') });
    expect(selectReminders([], { index: 1 })).toMatchObject({ kind: 'none', reply: 'You have no reminders to cancel.' });
  });
});

describe('agendaForToday', () => {
  it('lists what fires from now to midnight, recurring ones included, soonest first', () => {
    const daily = reminder('r5', 'drink water', '2025-03-14T06:00:00.000Z', { recurrence: { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 20, minute: 0 } });
    const friday = reminder('r6', 'gym', '2025-03-14T06:00:00.000Z', { recurrence: { kind: 'weekly', weekdays: [5], hour: 7, minute: 0 } });
    // 07:00 has passed (it is 11:00), so Friday's gym is next week: not today.
    expect(agendaForToday([dad, mom, pills, daily, friday, weigh], now, tz)).toBe('18:30 take the pills\n20:00 drink water (every day at 20:00)');
    expect(agendaForToday([mom, dad], now, tz)).toBeUndefined();
  });
});
