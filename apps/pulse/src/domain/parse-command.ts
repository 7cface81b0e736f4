/**
 * What the owner asks of pulse, from iris's entities (action, kind, activity, ml, hours, distanceKm,
 * durationMin, steps, reps, quality, target, unit, period) and, where those are missing, from the
 * words. iris sends "how was my week" as a question and "weekly summary" as a reminder today, so
 * pulse reads summaries from the words too when they reach it.
 */
import { entityText, NUMBER_WORDS, wordsPattern, type Entities } from '@hive/agent';
import { HABIT_KINDS, type GoalKey, type HabitKind, type HabitLog } from './habits.js';

export type SummaryScope = 'week' | 'today' | 'streaks';

export type PulseCommand =
  | { readonly action: 'log'; readonly log: HabitLog }
  | { readonly action: 'summary'; readonly scope: SummaryScope; readonly kind?: HabitKind }
  | { readonly action: 'goal'; readonly goal: GoalKey; readonly value: number }
  | { readonly action: 'undo' }
  | { readonly action: 'unclear'; readonly hint?: HabitKind };


const WORD_NUMBERS: Readonly<Record<string, number>> = { ...NUMBER_WORDS, a: 1, an: 1, another: 1, half: 0.5 };
const NUM = `(\\d+(?:[.,]\\d+)?|${wordsPattern(Object.keys(WORD_NUMBERS))})`;

function toNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const w = WORD_NUMBERS[s.toLowerCase()];
  if (w !== undefined) return w;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

const ML_PER: Record<string, number> = { glass: 250, cup: 240, mug: 300, bottle: 500, can: 330, pint: 473, l: 1000, ml: 1, oz: 30 };

/** Millilitres for a quantity in a unit people say ("2 glasses", "1.5 l", "500 ml"). */
export function toMl(quantity: number, unit: string | undefined): number {
  const said = (unit ?? 'glass').toLowerCase();
  const u = said === 'glasses' ? 'glass' : said.replace(/s$/, '');
  const key = /^(?:l|lt|ltr|liter|litre)$/.test(u) ? 'l' : /^(?:ml|millilit(?:er|re))$/.test(u) ? 'ml' : u;
  return Math.round(quantity * (ML_PER[key] ?? 250));
}

const str = (e: Entities, key: string): string | undefined => entityText(e, key)?.toLowerCase();

function num(e: Entities, key: string): number | undefined {
  const v = e[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? toNumber(v.trim()) : undefined;
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function kindOf(v: string | undefined): HabitKind | undefined {
  if (v === undefined) return undefined;
  if ((HABIT_KINDS as readonly string[]).includes(v)) return v as HabitKind;
  if (/^(?:workouts?|runs?|exercise|gym|training)$/.test(v)) return 'workout';
  if (/^steps?$/.test(v)) return 'steps';
  if (/^(?:meditat\w*)$/.test(v)) return 'meditation';
  return undefined;
}

const QUALITY: Record<string, 'good' | 'ok' | 'bad'> = { good: 'good', well: 'good', great: 'good', ok: 'ok', okay: 'ok', fine: 'ok', bad: 'bad', badly: 'bad', poorly: 'bad', terrible: 'bad', awful: 'bad' };

const round2 = (n: number) => Math.round(n * 100) / 100;

const UNDO = /^(?:undo|oops|scratch that|(?:undo|delete|remove|cancel|drop)\s+(?:the\s+|my\s+|that\s+)?last\s+(?:workout|run|walk|water|sleep|habit|exercise|entry|one))$/;

/** Read one command from a classified message; "unclear" when nothing fits (the reply explains). */
export function parsePulseCommand(text: string, entities: Entities = {}): PulseCommand {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '');
  const action = str(entities, 'action');
  if (action === 'undo' || action === 'delete' || UNDO.test(t)) return { action: 'undo' };
  if (action === 'goal') return goalFromEntities(entities) ?? goalFromWords(t) ?? { action: 'unclear' };
  if (action === 'summary') return summaryFromEntities(entities, t);
  if (action === 'log') return logFromEntities(entities, t) ?? logFromWords(t) ?? { action: 'unclear', ...hintOf(entities) };
  return goalFromWords(t) ?? summaryFromWords(t) ?? logFromWords(t) ?? { action: 'unclear', ...hintOf(entities) };
}

function hintOf(e: Entities): { hint?: HabitKind } {
  const k = kindOf(str(e, 'kind'));
  return k ? { hint: k } : {};
}

function summaryFromEntities(e: Entities, t: string): PulseCommand {
  const kind = kindOf(str(e, 'kind'));
  const period = str(e, 'period');
  const words = summaryFromWords(t);
  const scope: SummaryScope = period === 'today' ? 'today' : period === 'week' || period === 'month' ? 'week' : words?.action === 'summary' ? words.scope : 'week';
  return { action: 'summary', scope, ...(kind ? { kind } : {}) };
}

const SUMMARY_WEEK = /\b(?:how\s+(?:was|is|has\s+been)\s+my\s+week|my\s+week|weekly\s+(?:summary|report|review|stats)|week(?:ly)?\s+in\s+review|this\s+week|last\s+7\s+days|past\s+week)\b/;
const SUMMARY_TODAY = /\b(?:today|so\s+far|how\s+am\s+i\s+doing)\b/;
const SUMMARY_ANY = /\b(?:summary|stats|report|progress|streaks?|habits?|how\s+much|how\s+many|how\s+(?:did|have)\s+i)\b/;

function summaryFromWords(t: string): PulseCommand | undefined {
  if (/\bstreaks?\b/.test(t)) return { action: 'summary', scope: 'streaks' };
  const week = SUMMARY_WEEK.test(t);
  if (!week && !SUMMARY_ANY.test(t) && !/\?$/.test(t)) return undefined;
  const kind = /\bwater\b/.test(t) ? 'water' : /\bsle(?:ep|pt)\b/.test(t) ? 'sleep' : /\bsteps?\b/.test(t) ? 'steps' : /\bmeditat/.test(t) ? 'meditation' : /\b(?:workouts?|runs?|exercise|gym|trained)\b/.test(t) ? 'workout' : undefined;
  const scope: SummaryScope = week ? 'week' : SUMMARY_TODAY.test(t) ? 'today' : kind === 'water' || kind === 'steps' ? 'today' : 'week';
  return { action: 'summary', scope, ...(kind ? { kind } : {}) };
}

function goalFromEntities(e: Entities): PulseCommand | undefined {
  const kind = kindOf(str(e, 'kind'));
  const target = num(e, 'target') ?? num(e, 'quantity');
  if (kind === undefined || target === undefined || target <= 0) return undefined;
  return goalFor(kind, target, str(e, 'unit'));
}

const GOAL_WORDS = new RegExp(`\\b(water|sleep|steps?|workouts?|runs?|meditation)\\s+(?:goal|target)\\s*(?:to|is|of|at|=|:)?\\s*${NUM}\\s*([a-z]+)?`);
const GOAL_WORDS_AFTER = new RegExp(`\\b(?:goal|target)\\s*(?:to|is|of|:)?\\s*${NUM}\\s*(l|liters?|litres?|ml|glass(?:es)?|h|hours?|hrs?|steps|min(?:utes?)?|workouts?)\\b`);

function goalFromWords(t: string): PulseCommand | undefined {
  const m = GOAL_WORDS.exec(t);
  if (m) {
    const kind = kindOf(m[1]);
    const value = toNumber(m[2]);
    return kind && value !== undefined && value > 0 ? goalFor(kind, value, m[3]) : undefined;
  }
  const a = GOAL_WORDS_AFTER.exec(t);
  if (a) {
    const value = toNumber(a[1]);
    const unit = a[2] ?? '';
    const kind: HabitKind = /^(?:l|lit|ml|glass)/.test(unit) ? 'water' : /^(?:h|hour|hr)/.test(unit) ? 'sleep' : /^steps/.test(unit) ? 'steps' : /^min/.test(unit) ? 'meditation' : 'workout';
    return value !== undefined && value > 0 ? goalFor(kind, value, unit) : undefined;
  }
  return undefined;
}

/** A goal in pulse's units: water in ml ("2.5" alone means litres), sleep in hours, meditation in minutes. */
function goalFor(kind: HabitKind, value: number, unit: string | undefined): PulseCommand | undefined {
  const u = unit?.toLowerCase();
  switch (kind) {
    case 'water':
      return { action: 'goal', goal: 'waterMl', value: u === undefined ? (value <= 10 ? Math.round(value * 1000) : Math.round(value)) : toMl(value, u) };
    case 'sleep':
      return { action: 'goal', goal: 'sleepHours', value: u !== undefined && /^min/.test(u) ? round2(value / 60) : value };
    case 'steps':
      return { action: 'goal', goal: 'steps', value: u === 'k' ? value * 1000 : Math.round(value) };
    case 'meditation':
      return { action: 'goal', goal: 'meditationMin', value: u !== undefined && /^h/.test(u) ? value * 60 : Math.round(value) };
    case 'workout':
      return { action: 'goal', goal: 'workoutsPerWeek', value: Math.round(value) };
  }
}

function logFromEntities(e: Entities, t: string): PulseCommand | undefined {
  const kind = kindOf(str(e, 'kind'));
  if (kind === undefined) return undefined;
  const quality = QUALITY[str(e, 'quality') ?? ''];
  const durationMin = num(e, 'durationMin');
  switch (kind) {
    case 'water': {
      const ml = num(e, 'ml') ?? (num(e, 'quantity') !== undefined ? toMl(num(e, 'quantity')!, str(e, 'unit')) : undefined);
      return ml !== undefined && ml > 0 ? log({ kind, ml: Math.round(ml) }) : logFromWords(t);
    }
    case 'sleep': {
      const hours = num(e, 'hours') ?? (str(e, 'unit')?.startsWith('h') ? num(e, 'quantity') : undefined);
      if (hours !== undefined && hours > 0 && hours <= 24) return log({ kind, hours: round2(hours), ...(quality ? { quality } : {}) });
      return quality ? log({ kind, quality }) : logFromWords(t);
    }
    case 'steps': {
      const steps = num(e, 'steps') ?? num(e, 'quantity');
      return steps !== undefined && steps > 0 ? log({ kind, steps: Math.round(steps) }) : logFromWords(t);
    }
    case 'meditation':
      return log({ kind, ...(durationMin !== undefined ? { durationMin: Math.round(durationMin) } : {}) });
    case 'workout': {
      const activity = str(e, 'activity') ?? 'workout';
      const distanceKm = num(e, 'distanceKm');
      const reps = num(e, 'reps');
      return log({
        kind,
        activity,
        ...(distanceKm !== undefined ? { distanceKm: round2(distanceKm) } : {}),
        ...(durationMin !== undefined ? { durationMin: Math.round(durationMin) } : {}),
        ...(reps !== undefined ? { reps: Math.round(reps) } : {}),
      });
    }
  }
}

function log(l: HabitLog): PulseCommand {
  return { action: 'log', log: l };
}

const WATER_UNIT = '(glass(?:es)?|cups?|mugs?|bottles?|cans?|pints?|l|ltrs?|liters?|litres?|ml|oz)';
const WATER_BEFORE = new RegExp(`${NUM}\\s*${WATER_UNIT}\\s+(?:of\\s+)?(?:\\w+\\s+)?water\\b`);
const WATER_AFTER = new RegExp(`\\bwater\\s*[:\\-]?\\s*${NUM}\\s*${WATER_UNIT}?(?:\\s|$)`);
const WATER_BARE = /^(?:i\s+)?(?:drank|had|drink)\s+(?:some\s+)?water$/;
const SLEEP = /\b(?:slept|sleep|sleeping)\b[^\d]*?(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)(?:\s*(?:and\s+)?(\d{1,2})\s*(?:m|mins?|minutes?))?|\b(\d+(?:[.,]\d+)?)\s*(?:h|hrs?|hours?)(?:\s*(\d{1,2})\s*(?:m|mins?|minutes?))?\s+(?:of\s+)?sleep\b/;
const SLEEP_QUALITY = /\bslept\s+(?:really\s+|very\s+|so\s+)?(well|badly|bad|great|good|ok|okay|fine|poorly|terribly|awful)\b/;
const STEPS = /\b(\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?k?)\s*steps\b/;
const REPS = /\b(\d+)\s*(push-?\s?ups|sit-?\s?ups|squats|pull-?\s?ups|chin-?\s?ups|burpees|lunges|crunches|dips)\b/;
const DISTANCE = /\b(\d+(?:[.,]\d+)?)\s*(k|km|kms|kilometers?|kilometres?|mi|miles?)(?![a-z])/;
// Every distance, to take them out before reading a duration; global, used only by replace.
const DISTANCES = new RegExp(DISTANCE.source, 'g');
const DURATION = /\b(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|m|mins?|minutes?)(?![a-z])/;
const ACTIVITIES: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:ran|run|running|jog(?:ged|ging)?)\b/, 'run'],
  [/\b(?:walk(?:ed|ing)?)\b/, 'walk'],
  [/\b(?:cycl(?:ed|ing)|bik(?:ed|ing)|bike\s+ride|rode)\b/, 'cycle'],
  [/\b(?:swam|swim(?:ming)?)\b/, 'swim'],
  [/\b(?:hik(?:ed|ing)|hike)\b/, 'hike'],
  [/\byoga\b/, 'yoga'],
  [/\bpilates\b/, 'pilates'],
  [/\b(?:gym|lift(?:ed|ing)|weights|strength|leg\s+day|crossfit)\b/, 'strength'],
  [/\b(?:stretch(?:ed|ing)?)\b/, 'stretch'],
  [/\b(?:work(?:ed)?\s*out|workout|exercised?|trained|training|hiit|cardio)\b/, 'workout'],
];

/** The common ways of saying a habit, for messages iris passed on without usable entities. */
function logFromWords(t: string): PulseCommand | undefined {
  const wb = WATER_BEFORE.exec(t);
  if (wb) return log({ kind: 'water', ml: toMl(toNumber(wb[1]) ?? 1, wb[2]) });
  const wa = WATER_AFTER.exec(t);
  if (wa) {
    const n = toNumber(wa[1]) ?? 1;
    return log({ kind: 'water', ml: wa[2] ? toMl(n, wa[2]) : n >= 50 ? Math.round(n) : toMl(n, 'glass') });
  }
  if (WATER_BARE.test(t)) return log({ kind: 'water', ml: toMl(1, 'glass') });
  const s = SLEEP.exec(t);
  if (s) {
    const hours = (toNumber(s[1] ?? s[3]) ?? 0) + Number(s[2] ?? s[4] ?? 0) / 60;
    const q = SLEEP_QUALITY.exec(t)?.[1];
    if (hours > 0 && hours <= 24) return log({ kind: 'sleep', hours: round2(hours), ...(q && QUALITY[q] ? { quality: QUALITY[q] } : {}) });
  }
  const q = SLEEP_QUALITY.exec(t)?.[1];
  if (q && QUALITY[q]) return log({ kind: 'sleep', quality: QUALITY[q] });
  const st = STEPS.exec(t);
  if (st) {
    const raw = (st[1] ?? '').replace(/,(?=\d{3})/g, '');
    const n = raw.endsWith('k') ? Number(raw.slice(0, -1).replace(',', '.')) * 1000 : Number(raw.replace(',', '.'));
    if (n > 0) return log({ kind: 'steps', steps: Math.round(n) });
  }
  const duration = durationOf(t);
  if (/\bmeditat/.test(t)) return log({ kind: 'meditation', ...(duration !== undefined ? { durationMin: duration } : {}) });
  const reps = REPS.exec(t);
  if (reps) return log({ kind: 'workout', activity: (reps[2] ?? '').replace(/[\s-]/g, ''), reps: Number(reps[1]) });
  const activity = ACTIVITIES.find(([re]) => re.test(t))?.[1];
  if (activity === undefined) return undefined;
  const d = DISTANCE.exec(t);
  const distanceKm = d ? round2(Number((d[1] ?? '').replace(',', '.')) * (/^mi/.test(d[2] ?? '') ? 1.609 : 1)) : undefined;
  return log({ kind: 'workout', activity, ...(distanceKm !== undefined ? { distanceKm } : {}), ...(duration !== undefined ? { durationMin: duration } : {}) });
}

function durationOf(t: string): number | undefined {
  if (/\bhalf\s+an?\s+hour\b/.test(t)) return 30;
  if (/\b(?:an?|one)\s+hour\b/.test(t)) return 60;
  const m = DURATION.exec(t.replace(DISTANCES, ' '));
  if (!m) return undefined;
  const n = Number((m[1] ?? '').replace(',', '.'));
  return Math.round(/^h/.test(m[2] ?? '') ? n * 60 : n);
}

