/**
 * Reminders as records, and everything hermes says about them: confirmations, the numbered list,
 * which one "cancel 2" or "cancel the one about mom" means, and the text that arrives when one fires.
 */
import { type CancelTarget } from './parse-command.js';
import { clockTime, describeRecurrence, nextOccurrence, type Recurrence } from './recurrence.js';
import { addDays, wallClock } from './time-zone.js';

/** What hermes keeps about one reminder (besides the BullMQ job that fires it). */
export interface Reminder {
  readonly id: string;
  readonly chatId: string;
  readonly text: string;
  /** Next time it fires, ISO UTC; for a recurring one, the next occurrence when it was last computed. */
  readonly dueAt: string;
  readonly recurrence?: Recurrence;
  readonly createdAt: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

function sameDay(a: { year: number; month: number; day: number }, b: { year: number; month: number; day: number }): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** When, relative to now, as a person says it: "in 2 minutes (11:02)", "tomorrow at 09:00", "on Mon 17 Mar at 08:00". */
export function describeWhen(at: Date, now: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const today = wallClock(now, timeZone);
  const time = clockTime(w.hour, w.minute);
  const ms = at.getTime() - now.getTime();
  if (ms >= 0 && ms < 60_000) {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return `in ${seconds} second${seconds === 1 ? '' : 's'} (${time})`;
  }
  if (ms >= 0 && ms < 60 * 60_000) {
    const minutes = Math.max(1, Math.round(ms / 60_000));
    return `in ${minutes} minute${minutes === 1 ? '' : 's'} (${time})`;
  }
  if (sameDay(w, today)) return `today at ${time}`;
  if (sameDay(w, addDays(today, 1))) return `tomorrow at ${time}`;
  if (ms > 0 && ms < 6 * 86_400_000) return `on ${DAYS[w.weekday]} at ${time}`;
  const year = w.year === today.year ? '' : ` ${w.year}`;
  return `on ${DAYS[w.weekday]!.slice(0, 3)} ${w.day} ${MONTHS[w.month - 1]}${year} at ${time}`;
}

/** The reply to a new one-off reminder. */
export function confirmOneOff(text: string, dueAt: Date, now: Date, timeZone: string): string {
  return `⏰ OK, I'll remind you ${describeWhen(dueAt, now, timeZone)}: ${text}`;
}

/** The reply to a new recurring reminder. */
export function confirmRecurring(text: string, recurrence: Recurrence, firstDueAt: Date, now: Date, timeZone: string): string {
  return `🔁 OK, ${describeRecurrence(recurrence)}: ${text}. First one ${describeWhen(firstDueAt, now, timeZone)}.`;
}

/** Reminders in the order the list shows and "cancel 2" counts: soonest first, ties by creation. */
export function listOrder(reminders: readonly Reminder[]): Reminder[] {
  return [...reminders].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The numbered list, or a friendly line when there is nothing. */
export function formatList(reminders: readonly Reminder[], now: Date, timeZone: string): string {
  if (reminders.length === 0) return 'You have no reminders. Try "tomorrow at 9 call mom" or "every day at 7 drink water".';
  const lines = listOrder(reminders).map((r, i) => {
    const when = r.recurrence
      ? `${describeRecurrence(r.recurrence)} (next ${describeWhen(new Date(r.dueAt), now, timeZone)})`
      : describeWhen(new Date(r.dueAt), now, timeZone);
    return `${i + 1}. ${r.text} — ${when}`;
  });
  const n = reminders.length;
  return [`Your ${n === 1 ? 'reminder' : `${n} reminders`}:`, ...lines, `Cancel one with "cancel reminder ${Math.min(n, 2)}".`].join('\n');
}

function words(s: string): string[] {
  return s.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}\s]/gu, ' ').split(/\s+/).filter(Boolean);
}

export type Selection = { readonly kind: 'found'; readonly reminders: Reminder[] } | { readonly kind: 'none'; readonly reply: string } | { readonly kind: 'ambiguous'; readonly reply: string };

/** Which reminders a cancel means: by list number, by words of its text, or all of them. */
export function selectReminders(reminders: readonly Reminder[], target: CancelTarget): Selection {
  const ordered = listOrder(reminders);
  if (ordered.length === 0) return { kind: 'none', reply: 'You have no reminders to cancel.' };
  if ('all' in target) return { kind: 'found', reminders: ordered };
  if ('index' in target) {
    const r = ordered[target.index - 1];
    if (!r) {
      return { kind: 'none', reply: `There is no reminder ${target.index}; you have ${ordered.length}. Say "list my reminders" to see them.` };
    }
    return { kind: 'found', reminders: [r] };
  }
  const wanted = words(target.text);
  const exact = ordered.filter((r) => words(r.text).join(' ') === wanted.join(' '));
  const matches = exact.length > 0 ? exact : ordered.filter((r) => {
    const have = new Set(words(r.text));
    return wanted.length > 0 && wanted.every((w) => have.has(w));
  });
  if (matches.length === 0) return { kind: 'none', reply: `I found no reminder about "${target.text}". Say "list my reminders" to see them.` };
  if (matches.length > 1 && exact.length !== matches.length) {
    const options = matches.map((r) => `${ordered.indexOf(r) + 1}. ${r.text}`).join('\n');
    return { kind: 'ambiguous', reply: `More than one reminder matches "${target.text}":\n${options}\nSay "cancel reminder N".` };
  }
  return { kind: 'found', reminders: matches };
}

/** The reply after cancelling. */
export function confirmCancel(cancelled: readonly Reminder[]): string {
  if (cancelled.length === 1) return `🗑️ Cancelled: ${cancelled[0]!.text}${cancelled[0]!.recurrence ? ` (${describeRecurrence(cancelled[0]!.recurrence)})` : ''}`;
  return `🗑️ Cancelled ${cancelled.length} reminders.`;
}

/** What the chat receives when a reminder fires. */
export function dueText(text: string, recurrence: Recurrence | undefined): string {
  const again = recurrence ? ` (${describeRecurrence(recurrence)})` : '';
  return `⏰ Reminder: ${text}${again}\nReply "snooze 10 minutes" to be reminded again.`;
}

/** The reply to a snooze. */
export function confirmSnooze(text: string, dueAt: Date, now: Date, timeZone: string): string {
  return `😴 Snoozed: ${text} — I'll remind you again ${describeWhen(dueAt, now, timeZone)}.`;
}

/** The reply to a snooze when nothing has fired yet. */
export const NOTHING_TO_SNOOZE = 'There is no reminder to snooze yet: snooze works on the last reminder I sent you.';

/**
 * The day's agenda for a briefing: reminders that fire from `now` to the end of that day in
 * `timeZone`, soonest first (a recurring one at its next firing); undefined when there are none.
 */
export function agendaForToday(reminders: readonly Reminder[], now: Date, timeZone: string): string | undefined {
  const today = wallClock(now, timeZone);
  const items: { at: Date; text: string }[] = [];
  for (const r of reminders) {
    const at = r.recurrence ? nextOccurrence(r.recurrence, new Date(now.getTime() - 1), timeZone) : new Date(r.dueAt);
    if (at.getTime() < now.getTime() || !sameDay(wallClock(at, timeZone), today)) continue;
    items.push({ at, text: r.recurrence ? `${r.text} (${describeRecurrence(r.recurrence)})` : r.text });
  }
  if (items.length === 0) return undefined;
  items.sort((a, b) => a.at.getTime() - b.at.getTime());
  return items
    .map((i) => {
      const w = wallClock(i.at, timeZone);
      return `${clockTime(w.hour, w.minute)} ${i.text}`;
    })
    .join('\n');
}
