/** intent.classified with intent "briefing": the briefing on demand, for today in the owner's zone. */
import type { ClassifiedMessage, Outgoing } from '@hive/agent';
import { chatReply } from '@hive/agent';
import { askSources } from '../ask-sources.js';
import { composeBriefing } from '../domain/briefing.js';
import { dayIn } from '../domain/day.js';
import type { HandlerDeps, HeraldContext, HeraldWrites } from './briefing-due.js';

/** Handle one classified message; only intent "briefing" is herald's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: HeraldContext, deps: HandlerDeps): Promise<Outgoing<HeraldWrites> | undefined> {
  const d = message.data;
  if (d.intent !== 'briefing') return undefined;
  const timezone = ctx.config.HIVE_TZ;
  const day = dayIn(deps.now(), timezone);
  const outcomes = await askSources(ctx.bus, { chatId: d.chatId, day, timezone }, { sources: ctx.config.HERALD_SOURCES, timeoutMs: ctx.config.HERALD_TIMEOUT_MS, now: deps.now, log: ctx.log, corr: message.corr });
  return chatReply(d, composeBriefing(day, outcomes));
}
