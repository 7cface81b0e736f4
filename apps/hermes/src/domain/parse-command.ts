/**
 * What a scheduling message asks for: a one-off or recurring reminder, the list, a cancel, a snooze.
 * Pure: the reference instant and the time zone come in, so every phrasing is a table-driven test.
 * chrono-node finds the time; hermes decides the zone, the defaults and what the reminder says.
 */
import { NUMBER_WORDS, wordsPattern } from '@hive/agent';
import * as chrono from 'chrono-node';
import { parseDurationMinutes } from './durations.js';
import { nextOccurrence, type Recurrence } from './recurrence.js';
import { addDays, instantAt, offsetMinutes, wallClock } from './time-zone.js';

export interface ParseContext {
  /** The reference instant: "tomorrow" and "in 2 minutes" count from here. */
  readonly now: Date;
  /** IANA zone the owner lives in; wall-clock times are read in it. */
  readonly timeZone: string;
}

export type CancelTarget = { readonly index: number } | { readonly text: string } | { readonly all: true };

export type RejectReason = 'empty' | 'no-time' | 'no-text' | 'in-the-past' | 'too-far' | 'too-frequent' | 'no-target' | 'bad-duration';

export type ReminderCommand =
  | { readonly kind: 'create'; readonly text: string; readonly dueAt: Date; readonly when: string }
  | { readonly kind: 'create-recurring'; readonly text: string; readonly recurrence: Recurrence; readonly firstDueAt: Date }
  | { readonly kind: 'list' }
  | { readonly kind: 'cancel'; readonly target: CancelTarget }
  | { readonly kind: 'snooze'; readonly minutes: number }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly reply: string };

/** Snoozing with no duration ("snooze") waits this long. */
export const DEFAULT_SNOOZE_MINUTES = 10;
/** A date without a time of day ("tomorrow call mom") fires at this hour. */
export const DEFAULT_HOUR = 9;
/** Reminders further out than this are refused: almost always a misparse. */
export const MAX_AHEAD_DAYS = 2 * 366;
/** The shortest interval a recurring reminder may have. */
export const MIN_INTERVAL_MINUTES = 5;
const MAX_SNOOZE_MINUTES = 7 * 1440;

const EXAMPLES = '"tomorrow at 9 call mom", "in 20 minutes check the oven", "every Monday 8am weigh in"';

function reject(reason: RejectReason, reply: string): ReminderCommand {
  return { kind: 'rejected', reason, reply };
}

// chrono reads "the 20th" only with a month; reminders often leave the month out.
const dateParser = chrono.casual.clone();
dateParser.parsers.push({
  pattern: () => /(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)/i,
  extract: (context, match) => {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return null;
    // The adjusted date shows the reference zone's wall clock through the local getters.
    const ref = context.reference.getDateWithAdjustedTimezone();
    let year = ref.getFullYear();
    let month = ref.getMonth() + 1;
    if (day < ref.getDate()) {
      month += 1;
      if (month === 13) {
        month = 1;
        year += 1;
      }
    }
    return { day, month, year };
  },
});

const LEADING_VERB =
  /^(?:(?:hey|hi|ok|okay|please|pls|hermes)[,!]?\s+)*(?:(?:can|could|would|will) you\s+)?(?:please\s+)?(?:(?:remind|ping|tell|nudge|alert|text|message)\s+(?:me|us)\b|set\s+(?:me\s+)?(?:up\s+)?(?:a|an)\s+(?:reminder|alarm)\b|(?:add|create|new|make)\s+(?:a\s+)?reminder\b|reminder\b|remember\b|don'?t let me forget\b)[,:]?\s*/i;
const LEADING_LINK = /^(?:[,:;\-–]\s*)?(?:to|that|about|of|for|i need to|i have to|i should)\b\s*/i;
// Only words that cannot end a task: "weigh in" and "turn the heating on" must survive.
const DANGLING = /\s+(?:at|starting|every)\s*$/i;

/** The reminder's own words, with the command and time phrases taken out: "call mom". */
export function reminderText(raw: string): string {
  let s = raw.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.replace(LEADING_VERB, '').replace(LEADING_LINK, '');
    s = s.replace(DANGLING, '').replace(/^[\s,.:;\-–!]+|[\s,.;:\-–!?]+$/g, '');
    if (s === before) break;
  }
  return s;
}

/** The text with [start, end) cut out; an "at" or "on" chrono left outside its match ("at noon", "on March 20") goes too. */
function cut(text: string, start: number, end: number): string {
  const ownPreposition = /^(?:at|on|in|by)\b/i.test(text.slice(start, end));
  const head = ownPreposition ? text.slice(0, start) : text.slice(0, start).replace(/\b(?:at|on)\s*$/i, '');
  return `${head} ${text.slice(end)}`.replace(/\s+/g, ' ').trim();
}

/** Parse one scheduling message. Never throws: anything unusable becomes `rejected` with a reply. */
export function parseReminderCommand(input: string, ctx: ParseContext): ReminderCommand {
  const text = input.replace(/\s+/g, ' ').trim().replace(/[.!]+$/, '');
  if (text === '') return reject('empty', `Tell me what to remind you of and when, e.g. ${EXAMPLES}.`);
  return parseList(text) ?? parseCancel(text) ?? parseSnooze(text) ?? parseRecurring(text, ctx) ?? parseOneOff(text, ctx);
}

function parseList(text: string): ReminderCommand | undefined {
  const list =
    /^(?:(?:please\s+)?(?:list|show|see|view|get|check)(?:\s+me)?(?:\s+all)?(?:\s+(?:of\s+)?(?:my|the))?\s+(?:reminders?|schedules?|alarms?)|(?:my\s+)?(?:reminders|schedule)|what(?:'s|\s+is|\s+are)(?:\s+on)?\s+my\s+(?:reminders|schedule)|what\s+reminders\s+do\s+i\s+have|(?:do\s+i\s+have\s+)?any\s+reminders)\??$/i;
  return list.test(text) ? { kind: 'list' } : undefined;
}

function parseCancel(text: string): ReminderCommand | undefined {
  const m = /^(?:please\s+)?(?:cancel|delete|remove|stop|drop|clear|forget|unschedule)\b\s*(.*)$/i.exec(text);
  if (!m) return undefined;
  const rest = m[1]!.trim().replace(/\?$/, '');
  if (/^(?:all|every|everything)(?:\s+(?:of\s+)?(?:my|the))?(?:\s+reminders?)?$/i.test(rest)) return { kind: 'cancel', target: { all: true } };
  const index = /^(?:(?:the|my)\s+)?(?:reminder\s*)?(?:#|no\.?\s*|number\s+)?(\d{1,3})$/i.exec(rest);
  if (index) return { kind: 'cancel', target: { index: Number(index[1]) } };
  const about = rest
    .replace(/^(?:(?:the|my|that)\s+)?(?:reminders?|alarm)?\s*(?:(?:to|about|for|of|that)\b\s*)?/i, '')
    .replace(/^["'“]|["'”]$/g, '')
    .trim();
  if (about === '' || /^(?:the\s+)?(?:reminders?|it|that|this)$/i.test(about)) {
    return reject('no-target', 'Which reminder? Say "cancel reminder 2" (numbers are in "list my reminders") or "cancel the reminder to call mom".');
  }
  return { kind: 'cancel', target: { text: about } };
}

function parseSnooze(text: string): ReminderCommand | undefined {
  const m = /^(?:please\s+)?snooze\b(?:\s+(?:it|that|this|the\s+(?:last\s+)?reminder))?(?:\s+(?:for|by))?\s*(.*)$/i.exec(text);
  if (!m) return undefined;
  const phrase = m[1]!.trim();
  if (phrase === '') return { kind: 'snooze', minutes: DEFAULT_SNOOZE_MINUTES };
  const minutes = parseDurationMinutes(phrase);
  if (minutes === undefined) return reject('bad-duration', `I couldn't read "${phrase}" as a duration. Try "snooze 10 minutes" or "snooze 1 hour".`);
  if (minutes > MAX_SNOOZE_MINUTES) return reject('bad-duration', 'I can snooze for up to a week. For later than that, set a new reminder.');
  return { kind: 'snooze', minutes };
}

// ---------------------------------------------------------------------------------------------
// Recurring: "every Monday 8am weigh in", "every day at 7 drink water", "every 2 hours stretch".

const DAY_WORDS: Record<string, number> = {
  sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, weds: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6,
};
const DAY = '(?:sun(?:day)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?)';
// Plurals without "every" only as full names: "thus" and "sats" are words, "thursdays" is a rule.
const FULL_DAY = '(?:sun|mon|tues|wednes|thurs|fri|satur)day';

/** Default time of day per phrasing when a recurrence names no clock time. */
const PART_OF_DAY: Record<string, number> = { morning: 8, afternoon: 15, evening: 19, night: 21 };
// "every 15 minutes", "every other hour", "every two hours".
const EVERY_WORDS: Readonly<Record<string, number>> = { ...NUMBER_WORDS, other: 2 };
const EVERY_N = new RegExp(`\\bevery\\s+(?:(\\d{1,4}|${wordsPattern(Object.keys(EVERY_WORDS))})\\s+)?(minutes?|mins?|hours?|hrs?)\\b`, 'i');

// "every Monday", "every mon, wed and fri", "on Mondays and Thursdays"
const DAY_LIST = `${DAY}s?(?:\\s*(?:,|and|&|\\+)\\s*(?:and\\s+)?${DAY}s?)*`;
const WEEKDAYS = new RegExp(`\\b(?:every|each)\\s+(${DAY_LIST})\\b|\\b(?:on\\s+)?(${FULL_DAY}s(?:\\s*(?:,|and|&)\\s*(?:and\\s+)?${FULL_DAY}s)*)\\b`, 'i');
// Global, used only by String.prototype.match, which starts from lastIndex 0.
const DAY_NAME = new RegExp(DAY, 'gi');

interface RecurrenceMatch {
  readonly index: number;
  readonly length: number;
  /** Without a time of day yet, except intervals. */
  readonly build: (hour: number, minute: number) => Recurrence;
  readonly needsTime: boolean;
  readonly defaultHour: number;
}

function findRecurrence(text: string, ctx: ParseContext): RecurrenceMatch | undefined {
  const at = (m: RegExpExecArray) => ({ index: m.index, length: m[0].length });
  let m: RegExpExecArray | null;

  m = EVERY_N.exec(text);
  if (m) {
    const n = m[1] === undefined ? 1 : EVERY_WORDS[m[1].toLowerCase()] ?? Number(m[1]);
    const everyMinutes = /^h/i.test(m[2]!) ? n * 60 : n;
    return { ...at(m), build: () => ({ kind: 'interval', everyMinutes }), needsTime: false, defaultHour: 0 };
  }
  m = /\b(?:every|each)\s+(morning|afternoon|evening|night)\b|\b(?:every\s*day|each\s+day|daily|every\s+single\s+day)\b/i.exec(text);
  if (m) {
    const part = m[1]?.toLowerCase();
    return { ...at(m), build: (hour, minute) => ({ kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour, minute }), needsTime: true, defaultHour: part ? PART_OF_DAY[part]! : DEFAULT_HOUR };
  }
  m = /\b(?:every|each|on)\s+(?:week\s*day|work\s*day|business\s+day)s?\b|\bweekdays\b/i.exec(text);
  if (m) return { ...at(m), build: (hour, minute) => ({ kind: 'weekly', weekdays: [1, 2, 3, 4, 5], hour, minute }), needsTime: true, defaultHour: DEFAULT_HOUR };
  m = /\b(?:every|each|on)\s+weekends?(?:\s+days?)?\b|\bweekends\b/i.exec(text);
  if (m) return { ...at(m), build: (hour, minute) => ({ kind: 'weekly', weekdays: [0, 6], hour, minute }), needsTime: true, defaultHour: 10 };
  // "every Monday", "every mon, wed and fri", "on Mondays and Thursdays" (WEEKDAYS)
  m = WEEKDAYS.exec(text);
  if (m) {
    const names = (m[1] ?? m[2]!).toLowerCase().match(DAY_NAME) ?? [];
    const weekdays = [...new Set(names.map((n) => DAY_WORDS[n.toLowerCase()]!))];
    return { ...at(m), build: (hour, minute) => ({ kind: 'weekly', weekdays, hour, minute }), needsTime: true, defaultHour: DEFAULT_HOUR };
  }
  // "every month on the 1st", "monthly on the 15th", "on the 1st of every month", "every 1st of the month"
  m = /\b(?:every|each)\s+month\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b|\bmonthly\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(?:every|each|the)\s+month\b|\b(?:every|each)\s+(\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+the\s+month)?|\b(?:every|each)\s+month\b|\bmonthly\b/i.exec(text);
  if (m) {
    const given = m[1] ?? m[2] ?? m[3] ?? m[4];
    const dayOfMonth = given === undefined ? wallClock(ctx.now, ctx.timeZone).day : Number(given);
    return { ...at(m), build: (hour, minute) => ({ kind: 'monthly', dayOfMonth, hour, minute }), needsTime: true, defaultHour: DEFAULT_HOUR };
  }
  m = /\b(?:every|each)\s+week\b|\bweekly\b/i.exec(text);
  if (m) {
    const weekday = wallClock(ctx.now, ctx.timeZone).weekday;
    return { ...at(m), build: (hour, minute) => ({ kind: 'weekly', weekdays: [weekday], hour, minute }), needsTime: true, defaultHour: DEFAULT_HOUR };
  }
  return undefined;
}

function reference(ctx: ParseContext): chrono.ParsingReference {
  return { instant: ctx.now, timezone: offsetMinutes(ctx.now, ctx.timeZone) };
}

function parseRecurring(text: string, ctx: ParseContext): ReminderCommand | undefined {
  const found = findRecurrence(text, ctx);
  if (!found) return undefined;
  let rest = cut(text, found.index, found.index + found.length);
  let hour = found.defaultHour;
  let minute = 0;
  if (found.needsTime) {
    const time = dateParser.parse(rest, reference(ctx)).find((r) => r.start.isCertain('hour'));
    if (time) {
      hour = time.start.get('hour') ?? hour;
      minute = time.start.get('minute') ?? 0;
      rest = cut(rest, time.index, time.index + time.text.length);
    }
  }
  const recurrence = found.build(hour, minute);
  if (recurrence.kind === 'interval' && recurrence.everyMinutes < MIN_INTERVAL_MINUTES) {
    return reject('too-frequent', `That is too often; the shortest repeat I do is every ${MIN_INTERVAL_MINUTES} minutes.`);
  }
  if (recurrence.kind === 'monthly' && (recurrence.dayOfMonth < 1 || recurrence.dayOfMonth > 31)) {
    return reject('no-time', `There is no day ${recurrence.dayOfMonth} in a month. Try "every month on the 1st at 9 pay rent".`);
  }
  const what = reminderText(rest);
  if (what === '') return reject('no-text', `What should I remind you of? Say it after the time, e.g. "every day at 7 drink water".`);
  return { kind: 'create-recurring', text: what, recurrence, firstDueAt: nextOccurrence(recurrence, ctx.now, ctx.timeZone) };
}

// ---------------------------------------------------------------------------------------------
// One-off: "tomorrow at 9 call mom", "in 2 minutes to stretch", "remind me at 18:30 to take the pills".

const PART_OF_DAY_TAG = /casualReference\/(?:morning|afternoon|evening|night|tonight|noon|midnight)/;
/** chrono's "morning" is 06:00 and "tonight" 22:00; people mean these. */
const CASUAL_HOUR: Record<string, number> = { morning: 8, afternoon: 15, evening: 19, night: 21, tonight: 21 };

function casualHour(tags: Set<string>): number | undefined {
  for (const t of tags) {
    const m = /^casualReference\/(\w+)$/.exec(t);
    if (m && CASUAL_HOUR[m[1]!] !== undefined) return CASUAL_HOUR[m[1]!];
  }
  return undefined;
}

function parseOneOff(text: string, ctx: ParseContext): ReminderCommand {
  const results = dateParser.parse(text, reference(ctx), { forwardDate: true });
  const found = results[0];
  if (!found) {
    return reject('no-time', `I couldn't find a time in that. Tell me when, e.g. ${EXAMPLES}.`);
  }
  const start = found.start;
  const tags = start.tags();
  let dueAt: Date;
  if (tags.has('result/relativeDateAndTime')) {
    // "in 2 minutes": an elapsed duration, right across a DST change too.
    dueAt = start.date();
  } else {
    const hasTime = start.isCertain('hour') || [...tags].some((t) => PART_OF_DAY_TAG.test(t));
    const year = start.get('year')!;
    const month = start.get('month')!;
    const day = start.get('day')!;
    const date = { year, month, day };
    const vague = start.isCertain('hour') ? undefined : casualHour(tags);
    if (vague !== undefined) {
      // Our hour for "this evening", unless it has passed and chrono's still lies ahead.
      const ours = instantAt({ ...date, hour: vague, minute: 0 }, ctx.timeZone);
      const chronos = instantAt({ ...date, hour: start.get('hour')!, minute: start.get('minute') ?? 0 }, ctx.timeZone);
      dueAt = ours > ctx.now || chronos <= ctx.now ? ours : chronos;
    } else if (hasTime) {
      dueAt = instantAt({ ...date, hour: start.get('hour')!, minute: start.get('minute') ?? 0, second: start.get('second') ?? 0 }, ctx.timeZone);
    } else {
      dueAt = instantAt({ ...date, hour: DEFAULT_HOUR, minute: 0 }, ctx.timeZone);
      // "on friday pay" said on a Friday after 9: chrono reads today, the owner means next week.
      if (dueAt <= ctx.now && start.isCertain('weekday') && !tags.has('casualReference/today')) {
        dueAt = instantAt({ ...addDays(date, 7), hour: DEFAULT_HOUR, minute: 0 }, ctx.timeZone);
      }
    }
  }
  if (dueAt.getTime() <= ctx.now.getTime()) {
    return reject('in-the-past', `"${found.text}" has already passed. Give me a time in the future, e.g. "tomorrow at 9" or "in 10 minutes".`);
  }
  if (dueAt.getTime() - ctx.now.getTime() > MAX_AHEAD_DAYS * 86_400_000) {
    return reject('too-far', 'That is more than two years away; I only keep reminders for up to two years.');
  }
  const what = reminderText(cut(text, found.index, found.index + found.text.length));
  if (what === '') return reject('no-text', `What should I remind you of? e.g. "${found.text} call mom".`);
  return { kind: 'create', text: what, dueAt, when: found.text };
}
