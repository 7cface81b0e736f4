/**
 * Finding the "when" in a reminder. iris only cuts the phrase out ("in 2 minutes", "every monday
 * 8am"); hermes turns it into a date with chrono-node, so the words are passed on as said.
 */
import { tidyPhrase } from './text.js';

const DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
// Short day names collide with words ("sun cream", "wed"), so they only count after on/every/next.
const DAY_SHORT = '(?:mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)';
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const COUNT = '(?:\\d+(?:[.,]\\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|forty-five|fifty|few|couple(?:\\s+of)?)';
const UNIT = '(?:seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|weeks?|wks?|months?)';
const PART = '(?:morning|afternoon|evening|night)';
const CLOCK = '(?:\\d{1,2}(?::\\d{2})?\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)|\\d{1,2}:\\d{2}(?:\\s*h)?|noon|midday|midnight)';

const ALTERNATIVES = [
  // recurrence
  `(?:every|each)\\s+(?:other\\s+)?(?:${COUNT}\\s+)?(?:day|morning|afternoon|evening|night|week(?:day|end)?|month|year|hour|${UNIT}|${DAY}|${DAY_SHORT})s?(?:\\s*(?:,|and|&)\\s*(?:${DAY}|${DAY_SHORT}))*`,
  `(?:daily|weekly|monthly|hourly|nightly)`,
  `on\\s+(?:weekdays|weekends|${DAY}s)`,
  // relative
  `in\\s+(?:half\\s+an?\\s+hour|an?\\s+(?:bit|sec|second|moment|minute|hour)|${COUNT}\\s*${UNIT}(?:\\s+and\\s+a\\s+half)?)`,
  `(?:the\\s+)?day\\s+after\\s+tomorrow`,
  `(?:today|tonight|tomorrow|tmrw|tmr|tomorow)(?:\\s+${PART})?`,
  `this\\s+(?:${PART}|weekend)`,
  `next\\s+(?:week|month|weekend|${DAY}|${DAY_SHORT})`,
  `(?:on\\s+)?${DAY}(?:\\s+${PART})?`,
  // "put on sun cream": a short day after "on" only counts when a time or the task follows it.
  `on\\s+${DAY_SHORT}(?=\\s*(?:$|[,.]|at\\b|@|\\d|to\\b|and\\b|&|${PART}))`,
  // dates
  `(?:on\\s+)?(?:the\\s+)?\\d{1,2}(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH}`,
  `(?:on\\s+)?${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?`,
  `(?:on\\s+)?\\d{4}-\\d{2}-\\d{2}`,
  `on\\s+\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?`,
  // clock
  `(?:at|@|by|around)\\s*${CLOCK}`,
  `(?:at|@)\\s*\\d{1,2}(?:\\s*o'clock)?`,
  `at\\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\\s+(?:o'clock|thirty|fifteen|forty-five|am|pm))?(?:\\s+(?:in\\s+the\\s+)?${PART})?`,
  CLOCK,
  `(?:in\\s+the\\s+${PART}|at\\s+night)`,
];

const TIME = new RegExp(`\\b(?:${ALTERNATIVES.join('|')})(?![\\w])`, 'gi');

export interface WhenWhat {
  /** The time phrases, in order, joined: "tomorrow at 9". Undefined when none was said. */
  readonly when: string | undefined;
  /** What is left: the thing to be reminded of. */
  readonly what: string;
  /** True when the phrase repeats ("every", "daily", "on mondays"). */
  readonly recurring: boolean;
}

/** Split a reminder body into its time phrases and the rest. */
export function splitWhenWhat(body: string): WhenWhat {
  const spans: string[] = [];
  const rest = body.replace(TIME, (m) => {
    spans.push(m.trim());
    return ' ';
  });
  const when = spans.length > 0 ? spans.join(' ') : undefined;
  return {
    when,
    what: tidyPhrase(rest),
    recurring: when !== undefined && /^(?:every|each|daily|weekly|monthly|hourly|nightly|on\s+(?:weekdays|weekends|\w+days))\b/.test(when),
  };
}

/** The time phrase a text starts with, if any ("tomorrow at 9 call mom" → "tomorrow at 9"). */
export function leadingWhen(text: string): string | undefined {
  const spans: string[] = [];
  let rest = text;
  for (;;) {
    TIME.lastIndex = 0;
    const m = TIME.exec(rest);
    if (!m || m.index !== 0) break;
    spans.push(m[0].trim());
    rest = rest.slice(m[0].length).replace(/^\s*,?\s*/, '');
  }
  return spans.length > 0 ? spans.join(' ') : undefined;
}

/** True when the phrase names a clock time or a relative delay, i.e. something a reminder can fire at. */
export function isPreciseWhen(when: string): boolean {
  return new RegExp(`${CLOCK}|\\bat\\s*\\d|\\bin\\s+(?:half|an?\\s|${COUNT}\\s*${UNIT})|^(?:every|each|daily|weekly|monthly|hourly|nightly)\\b`, 'i').test(when);
}
