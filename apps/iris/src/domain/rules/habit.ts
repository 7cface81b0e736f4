/**
 * habit: water, sleep, workouts and other habits for pulse. Entities: action (log | summary | goal),
 * kind (water | sleep | workout | meditation | steps), activity (run | walk | cycle | swim | hike |
 * yoga | pilates | strength | sport | stretch | workout | <exercise>), quantity + unit as said, ml
 * (water), hours (sleep), quality (sleep), distanceKm, durationMin, steps, reps, target (goal).
 */
import { match, type Rule } from '../classification.js';
import { NUMBER_SOURCE, parseNumber } from '../numbers.js';

const NUM = NUMBER_SOURCE;
const ML_PER: Record<string, number> = { glass: 250, cup: 240, mug: 300, bottle: 500, l: 1000, liter: 1000, litre: 1000, ml: 1, oz: 30, sip: 20, can: 330, pint: 473 };
const WATER_UNIT = '(glass(?:es)?|cups?|mugs?|bottles?|cans?|pints?|l|ltrs?|lt|liters?|litres?|ml|oz|sips?)';

const WATER = new RegExp(
  `^(?:i\\s+)?(?:just\\s+)?(?:drank|drink|had|drinking|have\\s+had|'ve\\s+had|finished|log(?:ged)?|add(?:ed)?)?\\s*(?:(${NUM}|a|an|another)\\s*)?(?:${WATER_UNIT}\\s+)?(?:of\\s+)?(?:sparkling\\s+|still\\s+|cold\\s+|tap\\s+|hot\\s+)?water(?:\\s*[:\\-]?\\s*(${NUM})\\s*${WATER_UNIT}?)?(?:\\s+(?:today|so\\s+far|this\\s+morning|just\\s+now))?$`,
);
const WATER_COMPACT = new RegExp(`^(?:i\\s+)?(?:drank|had)?\\s*(${NUM})\\s*${WATER_UNIT}\\s+(?:of\\s+)?water$`);

const SLEEP_HOURS = [
  new RegExp(`^(?:i\\s+)?(?:only\\s+|just\\s+)?(?:slept|sleep|got|had)\\s+(?:for\\s+)?(?:about\\s+|around\\s+|like\\s+|~)?(${NUM})\\s*(?:h|hrs?|hours?)(?:\\s*(?:and\\s+)?(\\d{1,2})\\s*(?:m|mins?|minutes?)?)?(?:\\s+(?:of\\s+)?sleep)?(.*)$`),
  new RegExp(`^(?:sleep|slept)\\s*[:\\-]?\\s*(${NUM})\\s*(?:h|hrs?|hours?)(?:\\s*(\\d{1,2})\\s*(?:m|mins?|minutes?)?)?(.*)$`),
  new RegExp(`^(${NUM})\\s*(?:h|hrs?|hours?)(?:\\s*(\\d{1,2})\\s*(?:m|mins?|minutes?)?)?\\s+(?:of\\s+)?sleep(.*)$`),
];
const SLEEP_QUALITY = /^(?:i\s+)?slept\s+(?:really\s+|very\s+|super\s+|so\s+)?(badly|bad|well|good|great|terribly|terrible|poorly|ok|okay|fine|like\s+a\s+baby|awful)\b/;
const QUALITY: Record<string, string> = { badly: 'bad', bad: 'bad', terribly: 'bad', terrible: 'bad', poorly: 'bad', awful: 'bad', well: 'good', good: 'good', great: 'good', 'like a baby': 'good', ok: 'ok', okay: 'ok', fine: 'ok' };

const ACTIVITIES: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:ran|run|runs|running|jogged|jog|jogging)\b/, 'run'],
  [/\b(?:walked|walk|walking)\b/, 'walk'],
  [/\b(?:cycled|cycling|biked|biking|bike\s+ride|rode\s+(?:my\s+)?bike|spin(?:ning)?\s+class)\b/, 'cycle'],
  [/\b(?:swam|swim|swimming)\b/, 'swim'],
  [/\b(?:hiked|hike|hiking)\b/, 'hike'],
  [/\byoga\b/, 'yoga'],
  [/\bpilates\b/, 'pilates'],
  [/\b(?:gym|lifted|lifting|weights|weightlifting|strength(?:\s+training)?|leg\s+day|push\s+day|pull\s+day|crossfit)\b/, 'strength'],
  [/\b(?:played\s+(?:tennis|football|soccer|basketball|padel|squash|badminton|golf|volleyball|hockey)|climbed|climbing|bouldering|boxing|rowed|rowing|skied|skiing|danced|dancing)\b/, 'sport'],
  [/\b(?:stretched|stretching)\b/, 'stretch'],
  [/\b(?:workout|work\s*out|worked\s+out|exercised|exercise|trained|training|hiit|cardio)\b/, 'workout'],
];
const PAST = /\b(?:ran|jogged|walked|cycled|biked|rode|swam|hiked|lifted|trained|worked\s+out|exercised|stretched|played|climbed|rowed|danced|skied|did|went|done|finished|completed|meditated|hit\s+the\s+gym)\b/;
const REPS = /\b(\d+)\s*(push-?\s?ups|sit-?\s?ups|squats|pull-?\s?ups|chin-?\s?ups|burpees|lunges|crunches|dips|jumping\s+jacks)\b/;
const STEPS = /\b(\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?k?)\s*steps\b/;
const DISTANCE = /\b(\d+(?:[.,]\d+)?)\s*(k|km|kms|kilometers?|kilometres?|mi|miles?|m|meters?|metres?)(?![a-z])/;
const DURATION = /\b(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|m|mins?|minutes?)(?:\s*(\d{1,2})\s*(?:m|mins?|minutes?)?)?(?![a-z])/;
const SPORT_NAME = /\bplayed\s+(\w+)/;
const MEDITATION = /\b(?:meditated|meditation|meditate)\b/;
const NOUN_ONLY = /^(?:(?:morning|evening|quick|long|easy|hard)\s+)?(?:gym|workout|leg\s+day|push\s+day|pull\s+day|yoga|pilates|hiit|cardio|run|swim|hike|bike\s+ride|walk)(?:\s+(?:session|class))?(?:\s+(?:today|done|this\s+morning|tonight|✓|completed|finished))*$/;

const HOW_AM_I_DOING = /^how\s+am\s+i\s+doing(?:\s+(?:today|so\s+far|this\s+week|with\s+my\s+(?:habits|goals)))?\??$/;
const SUMMARY: ReadonlyArray<[RegExp, string | undefined]> = [
  [/\bstreaks?\b/, undefined],
  // pulse reads "how am i doing" as today's habits against their goals (SUMMARY_TODAY in its parser).
  [HOW_AM_I_DOING, undefined],
  [/^how\s+(?:was|is|has\s+been|did)\s+my\s+week(?:\s+(?:go|been))?\??$|^(?:my\s+)?week\s+in\s+review\??$/, undefined],
  [/^(?:show\s+(?:me\s+)?)?(?:my\s+)?(?:habits?|habit\s+(?:summary|stats|report)|weekly\s+(?:summary|report|stats)|week\s+(?:summary|in\s+review)|stats|progress)(?:\s+(?:this\s+week|today|for\s+the\s+week|so\s+far))?\??$/, undefined],
  [/^how\s+(?:much|many)\s+(?:glasses\s+of\s+)?water\b/, 'water'],
  [/^how\s+(?:much|many\s+hours)\s+(?:did\s+i\s+)?sle(?:ep|pt)\b|^how\s+(?:did|have)\s+i\s+(?:been\s+)?(?:slept|sleep|sleeping)\b|^(?:my\s+)?sleep\s+(?:this\s+week|last\s+night|stats|summary)\??$/, 'sleep'],
  [/^how\s+many\s+(?:steps)\b|^(?:my\s+)?steps\s+(?:today|this\s+week)\??$/, 'steps'],
  [/^how\s+(?:many\s+(?:workouts|runs|times\s+did\s+i\s+(?:work\s*out|run|go\s+to\s+the\s+gym|exercise))|often\s+did\s+i\s+(?:work\s*out|run|exercise|go\s+to\s+the\s+gym))\b|^(?:my\s+)?(?:workouts|runs|exercise)\s+(?:this\s+week|this\s+month|today)\??$/, 'workout'],
  [/^(?:my\s+)?water\s+(?:today|this\s+week|so\s+far)\??$/, 'water'],
];

const GOAL = new RegExp(`^(?:set\\s+)?(?:my\\s+|a\\s+)?(?:daily\\s+|weekly\\s+)?(water|steps?|sleep|workouts?|runs?|meditation)\\s+(?:goal|target)\\s*(?:to\\s+|is\\s+|of\\s+|at\\s+|=\\s*|:\\s*)?(${NUM})\\s*([a-z]+)?`);

/** Habit summaries and goals: before nutrition queries so "how much water today" reaches pulse. */
export const habitQueryRule: Rule = (t) => {
  const g = GOAL.exec(t);
  if (g) {
    const kind = kindOf(g[1] ?? '');
    return match('habit.goal', 'habit', 0.9, { action: 'goal', kind, target: parseNumber(g[2] ?? ''), unit: g[3] });
  }
  for (const [re, kind] of SUMMARY) {
    if (re.test(t)) {
      const period = /\bweek/.test(t) ? 'week' : /\bmonth/.test(t) ? 'month' : /\btoday\b/.test(t) || re === HOW_AM_I_DOING ? 'today' : undefined;
      return match('habit.summary', 'habit', 0.85, { action: 'summary', kind, period });
    }
  }
  return undefined;
};

/** Logging a habit: water, sleep, a workout, steps, reps, meditation. */
export const habitLogRule: Rule = (t) => {
  if (/\?$/.test(t) || /^(?:i\s+)?(?:want|need|should|will|going|plan|have)\s+to\b/.test(t)) return undefined;
  return water(t) ?? sleep(t) ?? workout(t);
};

function water(t: string) {
  const m = WATER.exec(t) ?? WATER_COMPACT.exec(t);
  if (!m) return undefined;
  const count = m[1] === undefined ? undefined : m[1] === 'another' ? 1 : parseNumber(m[1]);
  const unitBefore = m[2];
  const countAfter = m[3] === undefined ? undefined : parseNumber(m[3]);
  const unitAfter = m[4];
  const quantity = countAfter ?? count ?? 1;
  const unit = baseUnit(unitAfter ?? unitBefore ?? 'glass');
  return match('habit.water', 'habit', 0.9, { action: 'log', kind: 'water', quantity, unit, ml: Math.round(quantity * (ML_PER[unit] ?? 250)) });
}

// "slept from 23:30 to 6:45", "slept 11pm-7am": a bedtime and a wake-up time with nothing else.
const SLEPT_FROM_TO = /^(?:i\s+)?slept\s+(?:from\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:to|till|til|until|-)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/;
const BED_WAKE = /\b(?:went\s+to\s+(?:bed|sleep)|fell\s+asleep|slept|bed)\s+(?:at\s+|around\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b.*?\b(?:woke(?:\s+up)?|got\s+up|up)\s+(?:at\s+|around\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/;

/** Hours between a bedtime and a wake-up time said on a 12- or 24-hour clock. */
function hoursBetween(bedH: number, bedM: number, bedAmPm: string | undefined, wakeH: number, wakeM: number, wakeAmPm: string | undefined): number {
  // Without am/pm, a bedtime from 6 to 12 is evening and a wake-up time is morning.
  const bed = ((bedAmPm === 'am' ? bedH % 12 : bedAmPm === 'pm' ? (bedH % 12) + 12 : bedH >= 6 && bedH <= 12 ? (bedH % 12) + 12 : bedH) * 60 + bedM) % 1440;
  const wake = ((wakeAmPm === 'pm' ? (wakeH % 12) + 12 : wakeH % 24) * 60 + wakeM) % 1440;
  const minutes = (wake - bed + 1440) % 1440;
  return Math.round((minutes / 60) * 100) / 100;
}

function sleep(t: string) {
  const bw = SLEPT_FROM_TO.exec(t) ?? BED_WAKE.exec(t);
  if (bw) {
    const hours = hoursBetween(Number(bw[1]), Number(bw[2] ?? 0), bw[3], Number(bw[4]), Number(bw[5] ?? 0), bw[6]);
    if (hours > 0 && hours <= 16) return match('habit.sleep', 'habit', 0.85, { action: 'log', kind: 'sleep', hours });
  }
  for (const re of SLEEP_HOURS) {
    const m = re.exec(t);
    if (!m) continue;
    const hours = (parseNumber(m[1] ?? '') ?? 0) + (m[2] === undefined ? 0 : Number(m[2]) / 60);
    if (hours <= 0 || hours > 24) continue;
    if (/^(?:i\s+)?(?:got|had)\b/.test(t) && !/sleep/.test(t)) continue;
    const q = SLEEP_QUALITY.exec(t) ?? /\b(badly|bad|well|great|terribly|poorly|awful)\b/.exec(m[3] ?? '');
    return match('habit.sleep', 'habit', 0.9, { action: 'log', kind: 'sleep', hours: Math.round(hours * 100) / 100, quality: q ? QUALITY[q[1] ?? ''] : undefined });
  }
  const q = SLEEP_QUALITY.exec(t);
  if (q) return match('habit.sleep', 'habit', 0.85, { action: 'log', kind: 'sleep', quality: QUALITY[q[1]?.replace(/\s+/g, ' ') ?? ''] });
  return undefined;
}

function workout(t: string) {
  const reps = REPS.exec(t);
  if (reps) {
    const exercise = (reps[2] ?? '').replace(/[\s-]/g, '');
    return match('habit.reps', 'habit', 0.9, { action: 'log', kind: 'workout', activity: exercise, reps: Number(reps[1]) });
  }
  const steps = STEPS.exec(t);
  if (steps) {
    const raw = (steps[1] ?? '').replace(/,(?=\d{3})/g, '');
    const n = raw.endsWith('k') ? Number(raw.slice(0, -1).replace(',', '.')) * 1000 : Number(raw.replace(',', '.'));
    return match('habit.steps', 'habit', 0.9, { action: 'log', kind: 'steps', steps: Math.round(n) });
  }
  if (MEDITATION.test(t)) {
    const d = duration(t);
    if (PAST.test(t) || d !== undefined || /^(?:meditation|meditate)\b/.test(t)) return match('habit.meditation', 'habit', 0.85, { action: 'log', kind: 'meditation', durationMin: d });
  }
  let activity = ACTIVITIES.find(([re]) => re.test(t))?.[1];
  if (activity === undefined) return undefined;
  // A sport is more use to pulse by name ("tennis") than as "sport".
  if (activity === 'sport') activity = SPORT_NAME.exec(t)?.[1] ?? (/climb|boulder/.test(t) ? 'climbing' : /box/.test(t) ? 'boxing' : /row/.test(t) ? 'rowing' : /ski/.test(t) ? 'skiing' : 'dancing');
  const distanceKm = distance(t, activity);
  const durationMin = duration(t);
  if (!(PAST.test(t) || NOUN_ONLY.test(t) || distanceKm !== undefined || durationMin !== undefined)) return undefined;
  return match('habit.workout', 'habit', 0.9, { action: 'log', kind: 'workout', activity, distanceKm, durationMin });
}

function distance(t: string, activity: string): number | undefined {
  const m = DISTANCE.exec(t);
  if (!m) return undefined;
  const n = Number((m[1] ?? '').replace(',', '.'));
  const unit = m[2] ?? '';
  if (/^m(?:eters?|etres?)$/.test(unit)) return n / 1000;
  // A bare "m" after a run is minutes far more often than metres; only a swim of 25 m or more reads as distance.
  if (unit === 'm') return activity === 'swim' && n >= 25 ? n / 1000 : undefined;
  if (/^mi/.test(unit)) return Math.round(n * 1.609 * 100) / 100;
  return n;
}

function duration(t: string): number | undefined {
  if (/\bhalf\s+an?\s+hour\b/.test(t)) return 30;
  if (/\b(?:an?|one)\s+hour\s+and\s+a\s+half\b/.test(t)) return 90;
  if (/\b(?:an?|one)\s+hour\b/.test(t)) return 60;
  const m = DURATION.exec(t.replace(DISTANCE_KM_ONLY, ' '));
  if (!m) return undefined;
  const n = Number((m[1] ?? '').replace(',', '.'));
  const unit = m[2] ?? '';
  const extra = m[3] === undefined ? 0 : Number(m[3]);
  if (/^h/.test(unit)) return Math.round(n * 60 + extra);
  if (unit === 'm' && n >= 25 && /\b(?:swam|swim|swimming)\b/.test(t)) return undefined;
  return Math.round(n);
}
const DISTANCE_KM_ONLY = /\b\d+(?:[.,]\d+)?\s*(?:k|km|kms|kilometers?|kilometres?|mi|miles?)(?![a-z])/g;

function kindOf(word: string): string {
  if (/^steps?$/.test(word)) return 'steps';
  if (/^(?:workouts?|runs?)$/.test(word)) return 'workout';
  return word;
}

function baseUnit(unit: string): string {
  if (/^glass/.test(unit)) return 'glass';
  if (/^(?:l|ltrs?|lt|lit)/.test(unit)) return 'l';
  return unit.replace(/s$/, '');
}
