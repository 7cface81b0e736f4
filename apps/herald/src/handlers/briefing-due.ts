/** schedule.due / briefing.due: hermes's daily timer for one chat; the briefing goes to that chat. */
import type { AgentContext, AgentMessage, Outgoing } from '@hive/agent';
import { askSources } from '../ask-sources.js';
import type { HeraldConfig } from '../config.js';
import { composeBriefing } from '../domain/briefing.js';

export type HeraldWrites = 'wa.outbound' | 'agent.requests';
export type HeraldContext = AgentContext<HeraldConfig, HeraldWrites>;

export interface HandlerDeps {
  readonly now: () => Date;
}

/** Ask the sources for the day hermes named, in its time zone, and send the briefing. */
export async function onBriefingDue(message: AgentMessage<'schedule.due', 'briefing.due'>, ctx: HeraldContext, deps: HandlerDeps): Promise<Outgoing<HeraldWrites>> {
  const { chatId, day, timezone } = message.data;
  const outcomes = await askSources(ctx.bus, { chatId, day, timezone }, { sources: ctx.config.HERALD_SOURCES, timeoutMs: ctx.config.HERALD_TIMEOUT_MS, now: deps.now, log: ctx.log, corr: message.corr });
  return { stream: 'wa.outbound', type: 'wa.send', data: { chatId, text: composeBriefing(day, outcomes) } };
}
