/**
 * schedule: reminders for hermes. Entities: action (create | list | cancel | snooze), when (the time
 * phrase as said), what, recurring, reminderId, duration (snooze), day (list).
 */
import { match, type Rule } from '../classification.js';
import { isPreciseWhen, leadingWhen, splitWhenWhat } from '../time-phrases.js';

const CREATE =
  /^(?:remind\s+me|remind\s+us|reminder|set\s+(?:me\s+)?(?:a\s+)?reminder|add\s+(?:a\s+)?reminder|new\s+reminder|create\s+(?:a\s+)?reminder|remind|don'?t\s+let\s+me\s+forget|ping\s+me|nudge\s+me|alert\s+me)\b\s*(?:(?:to|that|about|of|for)\b|:|-)?\s*(.*)$/;
const ALARM = /^(?:wake\s+me(?:\s+up)?|set\s+(?:an?\s+)?alarm(?:\s+for)?|alarm)\b\s*(.*)$/;
const FORGET = /^don'?t\s+(?:let\s+me\s+)?forget\s+(?:to\s+)?(.+)$/;
const REMEMBER = /^remember\s+to\s+(.+)$/;

const LIST =
  /^(?:(?:list|show|see|view|get|check)\s+(?:me\s+)?)?(?:all\s+)?(?:of\s+)?(?:my\s+)?(?:upcoming\s+|active\s+|pending\s+|scheduled\s+)?(?:reminders|alarms|schedule|agenda)(?:\s+(?:for\s+)?(today|tomorrow|this week))?\??$|^what\s+(?:reminders|alarms)\s+do\s+i\s+have(?:\s+(today|tomorrow|this week))?\??$|^what(?:'s| is| do i have)\s+(?:on\s+)?(?:my\s+)?(?:schedule|agenda|calendar|reminders?)(?:\s+(?:for\s+)?(today|tomorrow|this week))?\??$|^when\s+is\s+my\s+next\s+reminder\??$|^(?:do\s+i\s+have\s+)?any\s+reminders(?:\s+(today|tomorrow|this week))?\??$|^what(?:'s| is)\s+(?:on|planned)\s+(?:for\s+)?(today|tomorrow)\??$/;

const CANCEL =
  /^(?:cancel|delete|remove|stop|clear|drop|forget|kill)\s+(?:the\s+|my\s+|that\s+)?(?:(all)\s+(?:(?:of\s+)?my\s+)?)?(?:(?:reminder|alarm)s?\s*(?:#|no\.?\s*|number\s*)?(\d+)?|(.+?)\s+reminder)$/;

const REPORT = /^\s*(?:summary|report|review|recap|stats|statistics|digest|briefing|brief|rundown|overview)\??$/;
const SNOOZE = /^snooze\b(?:\s+(?:(?:the\s+)?reminder\s*)?#?(\d+)(?![\d.,]*\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b))?(?:\s+(?:it\s+)?(?:for|by)?\s*(.+))?$/;

/** Reminders: create (by command or when the message starts with a precise time), list, cancel, snooze. */
export const scheduleRule: Rule = (t) => {
  let m = LIST.exec(t);
  if (m) return match('schedule.list', 'schedule', 0.95, { action: 'list', day: m.slice(1).find((g) => g !== undefined) });

  m = CANCEL.exec(t);
  if (m) {
    const [, all, id, what] = m;
    return match('schedule.cancel', 'schedule', 0.95, {
      action: 'cancel',
      reminderId: id === undefined ? undefined : Number(id),
      all: all === undefined ? undefined : true,
      what,
    });
  }

  m = SNOOZE.exec(t);
  if (m) return match('schedule.snooze', 'schedule', 0.95, { action: 'snooze', reminderId: m[1] === undefined ? undefined : Number(m[1]), duration: m[2] });

  m = CREATE.exec(t);
  if (m) return create('schedule.create', 0.95, m[1] ?? '');

  m = ALARM.exec(t);
  if (m) {
    const r = create('schedule.alarm', 0.9, m[1] ?? '');
    return { ...r, entities: { ...r.entities, what: r.entities.what ?? 'wake up' } };
  }

  // "don't forget to X" and "remember to X" are reminders only with a time; otherwise scribe keeps them as notes.
  m = FORGET.exec(t) ?? REMEMBER.exec(t);
  if (m) {
    const split = splitWhenWhat(m[1] ?? '');
    if (split.when !== undefined) return create('schedule.remember', 0.85, m[1] ?? '');
  }

  // "tomorrow at 9 call mom", "every monday 8am weigh in": a leading time that can fire, then the task.
  const lead = leadingWhen(t);
  // "weekly summary", "daily briefing" name a report, not a task to be reminded of.
  if (lead !== undefined && isPreciseWhen(lead) && t.length > lead.length + 2 && !REPORT.test(t.slice(lead.length))) return create('schedule.timed', 0.8, t);
  return undefined;
};

function create(rule: string, confidence: number, body: string) {
  const { when, what, recurring } = splitWhenWhat(body);
  return match(rule, 'schedule', confidence, { action: 'create', when, what, recurring: recurring || undefined });
}

/**
 * Late in the order: a message that names a precise time and something else ("gym at 6pm
 * tomorrow", "meeting at 3pm with Anna") and that no other agent claimed is most likely a reminder.
 */
export const scheduleLooseRule: Rule = (t) => {
  if (t.endsWith('?')) return undefined;
  const { when, what, recurring } = splitWhenWhat(t);
  if (when === undefined || !isPreciseWhen(when) || what === '' || what.split(' ').length > 12) return undefined;
  return match('schedule.loose', 'schedule', 0.6, { action: 'create', when, what, recurring: recurring || undefined });
};
