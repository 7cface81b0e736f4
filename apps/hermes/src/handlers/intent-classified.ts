/**
 * intent.classified with intent "schedule": create, list, cancel or snooze reminders, and answer
 * the chat. Every id derives from the input message id, so a redelivered message schedules nothing
 * twice and replies with the same words.
 */
import type { AgentContext, ClassifiedMessage, Outgoing } from '@hive/agent';
import { chatReply, derivedId } from '@hive/agent';
import { z } from 'zod';
import type { HermesConfig } from '../config.js';
import { parseReminderCommand, type ReminderCommand } from '../domain/parse-command.js';
import { nextOccurrence, repeatRule } from '../domain/recurrence.js';
import { confirmCancel, confirmOneOff, confirmRecurring, confirmSnooze, formatList, NOTHING_TO_SNOOZE, selectReminders, type Reminder } from '../domain/reminders.js';
import type { ReminderStore } from '../reminder-store.js';
import type { Timers } from '../timers.js';

export type HermesWrites = 'schedule.due' | 'wa.outbound';
export type HermesContext = AgentContext<HermesConfig, HermesWrites>;

/** What the handler needs beyond the runtime's context; ready once the agent's `start` has run. */
export interface HermesServices {
  readonly timers: Timers;
  readonly store: ReminderStore;
}

export interface HandlerDeps {
  readonly services: () => Promise<HermesServices>;
  readonly now: () => Date;
}

/** The reminder id for the message that created it: stable across redeliveries. */
export function reminderIdFor(messageId: string): string {
  return derivedId('rem_', [messageId], 22);
}

/** "every day at 7 briefing": the daily briefing rather than a text reminder. */
const BRIEFING = /^(?:(?:my|the|a|daily|morning|day'?s)\s+)*briefing$/i;

/** The LLM's reading of a message the rules could not place: a time phrase and a task, in English. */
export const llmReminderSchema = z.object({
  when: z.string().describe('the time, rewritten in plain English, e.g. "tomorrow at 09:00", "in 20 minutes", "every Monday at 08:00"; empty if none'),
  what: z.string().describe('what to be reminded of, e.g. "call mom"; empty if none'),
});
export const LLM_EXTRACTION = 'reminder';
const LLM_INSTRUCTIONS =
  'The user wants a reminder. Find when (rewrite any language or vague phrasing as plain English that a date parser understands) and what to be reminded of.';

async function understand(text: string, entities: Readonly<Record<string, unknown>>, ctx: HermesContext, now: Date): Promise<ReminderCommand> {
  const parseCtx = { now, timeZone: ctx.config.HIVE_TZ };
  const cmd = parseReminderCommand(text, parseCtx);
  if (cmd.kind !== 'rejected' || (cmd.reason !== 'no-time' && cmd.reason !== 'no-text')) return cmd;
  // iris may have split the message into a time phrase and a task (its model reads more languages).
  const { when, what } = entities;
  if (typeof when === 'string' && typeof what === 'string' && when.trim() !== '' && what.trim() !== '') {
    const fromIris = parseReminderCommand(`${when} ${what}`, parseCtx);
    if (fromIris.kind === 'create' || fromIris.kind === 'create-recurring') return fromIris;
  }
  // The rules own the clock arithmetic; the model only rephrases what they could not read.
  if (ctx.llm.kind === 'offline') return cmd;
  try {
    const { data } = await ctx.llm.extract(text, llmReminderSchema, { name: LLM_EXTRACTION, instructions: LLM_INSTRUCTIONS });
    if (data.when.trim() === '' || data.what.trim() === '') return cmd;
    const again = parseReminderCommand(`${data.when} ${data.what}`, parseCtx);
    return again.kind === 'create' || again.kind === 'create-recurring' ? again : cmd;
  } catch (err) {
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'LLM could not read the reminder; answering from the rules');
    return cmd;
  }
}

/** Handle one classified message; only intent "schedule" is hermes's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: HermesContext, deps: HandlerDeps): Promise<Outgoing<HermesWrites> | undefined> {
  const d = message.data;
  if (d.intent !== 'schedule') return undefined;
  const now = deps.now();
  const tz = ctx.config.HIVE_TZ;
  const reply = (text: string) => chatReply(d, text);
  const cmd = await understand(d.text, d.entities, ctx, now);
  if (cmd.kind === 'rejected') return reply(cmd.reply);

  const { timers, store } = await deps.services();
  const id = reminderIdFor(message.id);
  const job = (text: string, extra: Partial<Reminder> = {}) => ({
    chatId: d.chatId,
    reminderId: id,
    text,
    kind: BRIEFING.test(text) ? ('briefing' as const) : ('reminder' as const),
    timeZone: tz,
    corr: message.corr,
    ...(extra.recurrence ? { recurrence: extra.recurrence } : {}),
  });

  switch (cmd.kind) {
    case 'create': {
      // Already scheduled: this is a redelivery; answer again, schedule nothing.
      if (!(await timers.exists(id))) {
        await store.save({ id, chatId: d.chatId, text: cmd.text, dueAt: cmd.dueAt.toISOString(), createdAt: now.toISOString() });
        await timers.scheduleOnce(job(cmd.text), cmd.dueAt);
      }
      ctx.log.info({ reminderId: id, dueAt: cmd.dueAt.toISOString() }, 'reminder scheduled');
      return reply(confirmOneOff(cmd.text, cmd.dueAt, now, tz));
    }
    case 'create-recurring': {
      if (!(await timers.exists(id))) {
        await store.save({ id, chatId: d.chatId, text: cmd.text, dueAt: cmd.firstDueAt.toISOString(), recurrence: cmd.recurrence, createdAt: now.toISOString() });
        await timers.scheduleRecurring(job(cmd.text, { recurrence: cmd.recurrence }), repeatRule(cmd.recurrence, tz), cmd.firstDueAt);
      }
      ctx.log.info({ reminderId: id, recurrence: cmd.recurrence }, 'recurring reminder scheduled');
      return reply(confirmRecurring(cmd.text, cmd.recurrence, cmd.firstDueAt, now, tz));
    }
    case 'list':
      return reply(formatList(await current(store, d.chatId, now, tz), now, tz));
    case 'cancel': {
      const selection = selectReminders(await current(store, d.chatId, now, tz), cmd.target);
      if (selection.kind !== 'found') return reply(selection.reply);
      for (const r of selection.reminders) await timers.cancel(r.id);
      await store.remove(d.chatId, selection.reminders.map((r) => r.id));
      return reply(confirmCancel(selection.reminders));
    }
    case 'snooze': {
      const last = await store.lastFired(d.chatId);
      if (!last) return reply(NOTHING_TO_SNOOZE);
      const dueAt = new Date(now.getTime() + cmd.minutes * 60_000);
      if (!(await timers.exists(id))) {
        await store.save({ id, chatId: d.chatId, text: last.text, dueAt: dueAt.toISOString(), createdAt: now.toISOString() });
        await timers.scheduleOnce(job(last.text), dueAt);
      }
      return reply(confirmSnooze(last.text, dueAt, now, tz));
    }
  }
}

/** The chat's reminders with recurring ones' next time brought up to now. */
async function current(store: ReminderStore, chatId: string, now: Date, tz: string): Promise<Reminder[]> {
  return (await store.list(chatId)).map((r) => (r.recurrence ? { ...r, dueAt: nextOccurrence(r.recurrence, now, tz).toISOString() } : r));
}
