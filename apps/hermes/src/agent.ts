/**
 * hermes, the scheduler: reminders in natural language ("tomorrow at 9 call mom", "every Monday
 * 8am weigh in") as BullMQ delayed jobs and job schedulers on the bus's Redis. When one fires, it
 * publishes schedule.due (herald's briefing listens there) and tells the chat on wa.outbound.
 */
import { defineAgent, derivedId, setupValue } from '@hive/agent';
import { hermesConfig, type HermesConfig } from './config.js';
import { nextOccurrence, repeatRule, type Recurrence } from './domain/recurrence.js';
import { fire } from './firing.js';
import { LLM_EXTRACTION, onIntentClassified, type HermesServices } from './handlers/intent-classified.js';
import { onSummaryRequest } from './handlers/summary-request.js';
import { createReminderStore } from './reminder-store.js';
import { startTimers, type BullMqBounds } from './timers.js';

export interface HermesOptions {
  /** The clock handlers read "now" from. @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** How much of BullMQ's bookkeeping is kept (the soak scales the ages with its days). @defaultValue BULLMQ_BOUNDS */
  readonly bullBounds?: BullMqBounds;
  /** How long a firing's message ids are remembered (its publish marks' bound; the soak scales it). @defaultValue the bus's, 24 h */
  readonly publishWindowMs?: number;
}

/** A hermes definition with its own timers; `hermes` below is the one the process runs. */
export function createHermes(options: HermesOptions = {}) {
  const now = options.now ?? (() => new Date());
  const ready = setupValue<HermesServices>('hermes timers');
  const services = async () => ready.get();

  return defineAgent({
    name: 'hermes',
    version: '0.1.0',
    description: 'Reminders and recurring events in plain words; tells you when they are due.',
    skills: [
      {
        name: 'remind',
        description: 'Sets a reminder from plain words, one-off or recurring, in your time zone',
        examples: ['tomorrow at 9 call mom', 'remind me in 2 minutes to stretch', 'remind me at 18:30 to take the pills', 'every Monday 8am weigh in', 'every day at 7 drink water'],
      },
      { name: 'list reminders', description: 'Lists your reminders, soonest first, numbered', examples: ['list my reminders'] },
      { name: 'cancel', description: 'Cancels a reminder by its number or its words', examples: ['cancel reminder 2', 'cancel the reminder to call mom'] },
      { name: 'snooze', description: 'Reminds you again of the last reminder', examples: ['snooze 10 minutes', 'snooze for an hour'] },
    ],
    config: hermesConfig,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'schedule', description: 'Reminders and recurring events: create, list, cancel, snooze', examples: ['remind me in 2 minutes to stretch', 'every Monday 8am weigh in', 'list my reminders'] },
    ],
    reads: {
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { services, now }) },
      'agent.requests': { 'summary.request': (message, ctx) => onSummaryRequest(message, ctx, { services, now }) },
    },
    writes: ['schedule.due', 'wa.outbound'],
    // Offline the rules already had their say; the port still needs an extractor to exist.
    offlineLlm: { extract: { [LLM_EXTRACTION]: () => ({ when: '', what: '' }) } },
    async start(ctx) {
      const timers = await startTimers({
        url: ctx.bus.driver.options.url,
        keys: ctx.bus.keys,
        concurrency: ctx.config.HERMES_CONCURRENCY,
        connectionName: `hive:hermes-bullmq@${ctx.instance}`,
        onError: (err) => ctx.log.warn({ err: err.message }, 'BullMQ error'),
        ...(options.bullBounds ? { bounds: options.bullBounds } : {}),
        onDue: async (firing) => {
          await fire(firing, { publish: ctx.publish, store: ready.get().store, now, ...(options.publishWindowMs !== undefined ? { publishWindowMs: options.publishWindowMs } : {}) });
          ctx.log.info({ reminderId: firing.data.reminderId, kind: firing.data.kind, dueAt: firing.dueAt.toISOString() }, 'reminder fired');
        },
      });
      const store = createReminderStore(timers.redis, ctx.bus.keys);
      await scheduleBriefings(ctx.config, { timers, store }, now());
      ready.set({ timers, store });
      return async () => {
        ready.take();
        await timers.close();
      };
    },
  });
}

/** Keep one daily briefing.due per configured chat at HERMES_BRIEFING_AT (upserted on every start). */
async function scheduleBriefings(config: HermesConfig, { timers, store }: HermesServices, now: Date): Promise<void> {
  const at = config.HERMES_BRIEFING_AT;
  if (!at) return;
  const recurrence: Recurrence = { kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], hour: at.hour, minute: at.minute };
  for (const chatId of config.HERMES_BRIEFING_CHATS) {
    const id = derivedId('brief_', [chatId], 20);
    const first = nextOccurrence(recurrence, now, config.HIVE_TZ);
    await store.save({ id, chatId, text: 'daily briefing', dueAt: first.toISOString(), recurrence, createdAt: now.toISOString() });
    await timers.scheduleRecurring({ chatId, reminderId: id, text: 'daily briefing', kind: 'briefing', timeZone: config.HIVE_TZ, recurrence }, repeatRule(recurrence, config.HIVE_TZ), first);
  }
}

/** The hermes the process runs. */
export const hermes = createHermes();
