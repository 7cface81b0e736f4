/** Short durations as people type them: "10 minutes", "an hour", "half an hour", "1h30", "15". */
import { NUMBER_WORDS, wordsPattern } from '@hive/agent';

const UNIT_MINUTES: Record<string, number> = {
  m: 1, min: 1, mins: 1, minute: 1, minutes: 1,
  h: 60, hr: 60, hrs: 60, hour: 60, hours: 60,
  d: 1440, day: 1440, days: 1440,
};

const WORD_NUMBERS: Readonly<Record<string, number>> = { ...NUMBER_WORDS, a: 1, an: 1, 'a couple of': 2, 'a few': 3 };
const DURATION = new RegExp(`^(\\d{1,4}(?:[.,]\\d+)?|${wordsPattern(Object.keys(WORD_NUMBERS))})\\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)$`);

/** Minutes in a duration phrase, or undefined when it is not one. A bare number means minutes. */
export function parseDurationMinutes(input: string): number | undefined {
  const s = input.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s === '') return undefined;
  if (/^half an? hour$/.test(s)) return 30;
  if (/^an? hour and a half$/.test(s)) return 90;
  if (/^(?:a )?quarter of an hour$/.test(s)) return 15;
  const bare = /^(\d{1,4})$/.exec(s);
  if (bare) return Number(bare[1]);
  // "1h30", "1h 30m", "2 hours 15 minutes"
  const combo = /^(\d{1,3})\s*(?:h|hr|hrs|hours?)\s*(?:and\s+)?(\d{1,2})\s*(?:m|min|mins|minutes?)?$/.exec(s);
  if (combo) return Number(combo[1]) * 60 + Number(combo[2]);
  const m = DURATION.exec(s);
  if (!m) return undefined;
  const n = WORD_NUMBERS[m[1]!] ?? Number(m[1]!.replace(',', '.'));
  const minutes = n * UNIT_MINUTES[m[2]!]!;
  return Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes) : undefined;
}
