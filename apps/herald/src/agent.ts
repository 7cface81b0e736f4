/**
 * herald, the daily briefing: at the time hermes schedules (schedule.due / briefing.due) and on
 * demand ("briefing"), it asks box, ledger, hermes and pulse (HERALD_SOURCES) for their summary of
 * the chat's day by request/reply, all at once with a timeout each, and sends one message; a source
 * that is not running or does not answer in time is named in it rather than holding it back.
 */
import { defineAgent } from '@hive/agent';
import { heraldConfig } from './config.js';
import { onBriefingDue } from './handlers/briefing-due.js';
import { onIntentClassified } from './handlers/intent-classified.js';

export interface HeraldOptions {
  /** The clock: which day "briefing" on demand is, and the requests' reply-by time. @defaultValue () => new Date() */
  readonly now?: () => Date;
}

/** A herald definition; `herald` below is the one the process runs. */
export function createHerald(options: HeraldOptions = {}) {
  const now = options.now ?? (() => new Date());
  return defineAgent({
    name: 'herald',
    version: '0.1.0',
    description: 'Your daily briefing: food, spending, reminders and habits of the day in one message, every morning or when you ask.',
    skills: [
      {
        name: 'briefing',
        description: "Today's meals, spending, reminders and habits in one message; it names any agent that did not answer",
        examples: ['briefing', 'brief me', "how's my day looking?"],
      },
      { name: 'daily briefing', description: 'The briefing every day at a time you choose (a hermes schedule)', examples: ['every day at 7 briefing'] },
    ],
    config: heraldConfig,
    // Each briefing waits on its sources: several chats' briefings may wait at once (one chat's stay in order).
    concurrency: 8,
    // What iris routes here: the registry carries these, so iris and atlas know who serves what.
    intents: [
      { name: 'briefing', description: "The daily briefing, or a summary of the day, on request", examples: ["briefing", "how's my day looking"] },
    ],
    reads: {
      'schedule.due': { 'briefing.due': (message, ctx) => onBriefingDue(message, ctx, { now }) },
      'intent.classified': { 'intent.classified': (message, ctx) => onIntentClassified(message, ctx, { now }) },
    },
    // agent.requests: the summary requests (bus.request publishes them there).
    writes: ['wa.outbound', 'agent.requests'],
  });
}

/** The herald the process runs. */
export const herald = createHerald();
