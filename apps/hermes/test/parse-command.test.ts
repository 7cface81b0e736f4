import { describe, expect, it } from 'vitest';
import { parseReminderCommand, reminderText, type ReminderCommand } from '../src/domain/parse-command.js';

// Friday 14 March 2025, 11:00 in Berlin (UTC+1, before the switch to summer time on 30 March).
const now = new Date('2025-03-14T10:00:00.000Z');
const berlin = { now, timeZone: 'Europe/Berlin' };

type Row = [input: string, text: string, dueAtUtc: string];

const oneOffs: Row[] = [
  ['tomorrow at 9 call mom', 'call mom', '2025-03-15T08:00:00.000Z'],
  ['in 2 minutes to stretch', 'stretch', '2025-03-14T10:02:00.000Z'],
  ['remind me at 18:30 to take the pills', 'take the pills', '2025-03-14T17:30:00.000Z'],
  ['remind me in 2 minutes to stretch', 'stretch', '2025-03-14T10:02:00.000Z'],
  ['remind me to call mom tomorrow at 9', 'call mom', '2025-03-15T08:00:00.000Z'],
  ['Remind me tomorrow at 9 to call mom.', 'call mom', '2025-03-15T08:00:00.000Z'],
  ['in 20 minutes check the oven', 'check the oven', '2025-03-14T10:20:00.000Z'],
  ['in an hour take out the laundry', 'take out the laundry', '2025-03-14T11:00:00.000Z'],
  ['in half an hour tea', 'tea', '2025-03-14T10:30:00.000Z'],
  ['in 2 hours 30 minutes leave for the airport', 'leave for the airport', '2025-03-14T12:30:00.000Z'],
  ['at 9:15pm take meds', 'take meds', '2025-03-14T20:15:00.000Z'],
  ['remind me 7 pm water the plants', 'water the plants', '2025-03-14T18:00:00.000Z'],
  // 9:00 has passed today, so "at 9" is tomorrow's.
  ['at 9 call the bank', 'call the bank', '2025-03-15T08:00:00.000Z'],
  ['at noon lunch with Ann', 'lunch with Ann', '2025-03-14T11:00:00.000Z'],
  ['8am tomorrow gym', 'gym', '2025-03-15T07:00:00.000Z'],
  ['next friday 5pm dentist', 'dentist', '2025-03-21T16:00:00.000Z'],
  ['on March 20 at 14:00 team meeting', 'team meeting', '2025-03-20T13:00:00.000Z'],
  ['on the 20th at noon pay rent', 'pay rent', '2025-03-20T11:00:00.000Z'],
  // The 3rd has passed this month: next month's, and by then Berlin is on summer time (UTC+2).
  ['on the 3rd at 9 renew the parking permit', 'renew the parking permit', '2025-04-03T07:00:00.000Z'],
  // A date alone fires at 09:00.
  ['remind me in 3 days to pay the bill', 'pay the bill', '2025-03-17T08:00:00.000Z'],
  ['next week call the bank', 'call the bank', '2025-03-21T08:00:00.000Z'],
  // "friday" said on a Friday after 09:00 means next Friday.
  ['on friday pay the cleaner', 'pay the cleaner', '2025-03-21T08:00:00.000Z'],
  ['tomorrow morning water the plants', 'water the plants', '2025-03-15T07:00:00.000Z'],
  ['hey hermes, remind me tomorrow morning to water the plants', 'water the plants', '2025-03-15T07:00:00.000Z'],
  ['this evening walk the dog', 'walk the dog', '2025-03-14T18:00:00.000Z'],
  ['remind me that the bins go out tonight', 'the bins go out', '2025-03-14T20:00:00.000Z'],
  ['turn the heating on at 6pm', 'turn the heating on', '2025-03-14T17:00:00.000Z'],
  ['weigh in tomorrow at 7', 'weigh in', '2025-03-15T06:00:00.000Z'],
  ['set a reminder for tomorrow at 10: send the invoice', 'send the invoice', '2025-03-15T09:00:00.000Z'],
  ["don't let me forget to buy milk at 17:45", 'buy milk', '2025-03-14T16:45:00.000Z'],
];

describe('one-off reminders (Berlin, Fri 14 Mar 2025 11:00)', () => {
  it.each(oneOffs)('%s', (input, text, dueAt) => {
    const cmd = parseReminderCommand(input, berlin);
    expect(cmd).toMatchObject({ kind: 'create', text });
    expect(cmd.kind === 'create' && cmd.dueAt.toISOString()).toBe(dueAt);
  });
});

type RecurringRow = [input: string, text: string, recurrence: object, firstDueUtc: string];

const recurring: RecurringRow[] = [
  ['every Monday 8am weigh in', 'weigh in', { kind: 'weekly', weekdays: [1], hour: 8, minute: 0 }, '2025-03-17T07:00:00.000Z'],
  ['every day at 7 drink water', 'drink water', { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 7, minute: 0 }, '2025-03-15T06:00:00.000Z'],
  ['weigh in every monday at 8', 'weigh in', { kind: 'weekly', weekdays: [1], hour: 8, minute: 0 }, '2025-03-17T07:00:00.000Z'],
  ['remind me every weekday at 8:30 to join the standup', 'join the standup', { kind: 'weekly', weekdays: [1, 2, 3, 4, 5], hour: 8, minute: 30 }, '2025-03-17T07:30:00.000Z'],
  ['mondays and thursdays at 18:00 gym', 'gym', { kind: 'weekly', weekdays: [1, 4], hour: 18, minute: 0 }, '2025-03-17T17:00:00.000Z'],
  ['every mon, wed and fri at 7pm run', 'run', { kind: 'weekly', weekdays: [1, 3, 5], hour: 19, minute: 0 }, '2025-03-14T18:00:00.000Z'],
  ['daily at 22:00 take the pills', 'take the pills', { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 22, minute: 0 }, '2025-03-14T21:00:00.000Z'],
  ['every morning meditate', 'meditate', { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: 8, minute: 0 }, '2025-03-15T07:00:00.000Z'],
  ['every weekend at 10 call grandma', 'call grandma', { kind: 'weekly', weekdays: [0, 6], hour: 10, minute: 0 }, '2025-03-15T09:00:00.000Z'],
  ['every month on the 1st pay rent', 'pay rent', { kind: 'monthly', dayOfMonth: 1, hour: 9, minute: 0 }, '2025-04-01T07:00:00.000Z'],
  ['on the 15th of every month at 12 check the budget', 'check the budget', { kind: 'monthly', dayOfMonth: 15, hour: 12, minute: 0 }, '2025-03-15T11:00:00.000Z'],
  ['every 30 minutes stretch', 'stretch', { kind: 'interval', everyMinutes: 30 }, '2025-03-14T10:30:00.000Z'],
  ['every hour drink a glass of water', 'drink a glass of water', { kind: 'interval', everyMinutes: 60 }, '2025-03-14T11:00:00.000Z'],
  ['every 2 hours look away from the screen', 'look away from the screen', { kind: 'interval', everyMinutes: 120 }, '2025-03-14T11:00:00.000Z'],
];

describe('recurring reminders', () => {
  it.each(recurring)('%s', (input, text, recurrence, firstDueAt) => {
    const cmd = parseReminderCommand(input, berlin);
    expect(cmd).toMatchObject({ kind: 'create-recurring', text, recurrence });
    expect(cmd.kind === 'create-recurring' && cmd.firstDueAt.toISOString()).toBe(firstDueAt);
  });
});

const commands: [string, ReminderCommand][] = [
  ['list my reminders', { kind: 'list' }],
  ['show reminders', { kind: 'list' }],
  ['reminders', { kind: 'list' }],
  ['What are my reminders?', { kind: 'list' }],
  ['cancel reminder 2', { kind: 'cancel', target: { index: 2 } }],
  ['delete #3', { kind: 'cancel', target: { index: 3 } }],
  ['cancel the reminder to call mom', { kind: 'cancel', target: { text: 'call mom' } }],
  ['remove reminder about the dentist', { kind: 'cancel', target: { text: 'the dentist' } }],
  ['cancel all reminders', { kind: 'cancel', target: { all: true } }],
  ['snooze 10 minutes', { kind: 'snooze', minutes: 10 }],
  ['snooze', { kind: 'snooze', minutes: 10 }],
  ['snooze for an hour', { kind: 'snooze', minutes: 60 }],
  ['snooze it 1h30', { kind: 'snooze', minutes: 90 }],
  ['snooze 15', { kind: 'snooze', minutes: 15 }],
];

describe('list, cancel and snooze', () => {
  it.each(commands)('%s', (input, expected) => {
    expect(parseReminderCommand(input, berlin)).toEqual(expected);
  });
});

type RejectRow = [input: string, reason: string, replyIncludes: string];

const rejects: RejectRow[] = [
  ['remind me to call mom', 'no-time', "I couldn't find a time in that"],
  ['call the plumber', 'no-time', "I couldn't find a time in that"],
  ['', 'empty', 'Tell me what to remind you of and when'],
  ['tomorrow at 9', 'no-text', 'What should I remind you of?'],
  ['remind me in 10 minutes', 'no-text', 'What should I remind you of?'],
  ['today at 8 am gym', 'in-the-past', 'has already passed'],
  ['yesterday at 5pm buy milk', 'in-the-past', 'has already passed'],
  ['on March 1 2030 at 9 renew passport', 'too-far', 'more than two years away'],
  ['every 2 minutes check the mail', 'too-frequent', 'every 5 minutes'],
  ['every day at 7', 'no-text', 'What should I remind you of?'],
  ['cancel', 'no-target', 'Which reminder?'],
  ['cancel the reminder', 'no-target', 'Which reminder?'],
  ['snooze until the cows come home', 'bad-duration', 'as a duration'],
  ['snooze 30 days', 'bad-duration', 'up to a week'],
];

describe('rejected with a helpful reply', () => {
  it.each(rejects)('%s', (input, reason, reply) => {
    const cmd = parseReminderCommand(input, berlin);
    expect(cmd).toMatchObject({ kind: 'rejected', reason });
    expect(cmd.kind === 'rejected' && cmd.reply).toContain(reply);
  });
});

describe('time zones', () => {
  it('reads the same words in the configured zone', () => {
    const utc = parseReminderCommand('tomorrow at 9 call mom', { now, timeZone: 'UTC' });
    const ny = parseReminderCommand('tomorrow at 9 call mom', { now, timeZone: 'America/New_York' });
    expect(utc.kind === 'create' && utc.dueAt.toISOString()).toBe('2025-03-15T09:00:00.000Z');
    // New York is on summer time (UTC-4) since 9 March.
    expect(ny.kind === 'create' && ny.dueAt.toISOString()).toBe('2025-03-15T13:00:00.000Z');
  });

  it('uses the offset of the day the reminder falls on, across a DST change', () => {
    // Saturday 29 March 2025 12:00 in Berlin (UTC+1); Sunday is already UTC+2.
    const sat = { now: new Date('2025-03-29T11:00:00.000Z'), timeZone: 'Europe/Berlin' };
    const cmd = parseReminderCommand('tomorrow at 9 call mom', sat);
    expect(cmd.kind === 'create' && cmd.dueAt.toISOString()).toBe('2025-03-30T07:00:00.000Z');
  });

  it('counts "in 2 hours" as elapsed time across a DST change', () => {
    // Sunday 30 March 2025 01:30 in Berlin; at 02:00 the clocks jump to 03:00.
    const night = { now: new Date('2025-03-30T00:30:00.000Z'), timeZone: 'Europe/Berlin' };
    const cmd = parseReminderCommand('in 2 hours feed the cat', night);
    expect(cmd.kind === 'create' && cmd.dueAt.toISOString()).toBe('2025-03-30T02:30:00.000Z');
  });

  it('reads "today" in the configured zone, not in UTC', () => {
    // 23:30 UTC on the 14th is already 08:30 on the 15th in Tokyo.
    const late = { now: new Date('2025-03-14T23:30:00.000Z'), timeZone: 'Asia/Tokyo' };
    const cmd = parseReminderCommand('today at 9 take out the trash', late);
    expect(cmd.kind === 'create' && cmd.dueAt.toISOString()).toBe('2025-03-15T00:00:00.000Z');
  });
});

describe('reminderText', () => {
  it.each([
    ['remind me to call mom', 'call mom'],
    ['please remind me that the bins go out', 'the bins go out'],
    ['reminder: buy milk', 'buy milk'],
    ['weigh in', 'weigh in'],
    ['remember to stretch!', 'stretch'],
  ])('%s -> %s', (input, expected) => {
    expect(reminderText(input)).toBe(expected);
  });
});
