/**
 * intent.classified with intent "help" or "question". Help is read from the registry at the moment
 * it is asked, so it lists exactly the agents alive then; a question goes to the model when one is
 * configured. Every other intent belongs to the agent declaring it (iris answers "unknown" itself);
 * when no running agent declares it (its agent is stopped, or not part of this network), atlas
 * answers with the fallback, once: the message is handled, not retried until someone turns up.
 */
import { type AgentContext, chatReply, type ClassifiedMessage, listAgents, type Outgoing } from '@hive/agent';
import type { AtlasConfig } from '../config.js';
import { emptyQuestionAnswer, offlineAnswer, questionOf, systemPrompt, unavailableAnswer } from '../domain/answers.js';
import { helpMenu, menuAgents, servedIntents, unservedReply, type AgentEntry } from '../domain/menu.js';
import { servedIntentsOf } from '../served.js';
import { topicHelp, topicHint } from '../domain/topics.js';

export type AtlasWrites = 'wa.outbound';
export type AtlasContext = AgentContext<AtlasConfig, AtlasWrites>;

export interface HandlerDeps {
  readonly now: () => Date;
  /** When atlas started (ms); before `graceMs` has passed, an unserved intent waits for the registry to fill. */
  readonly startedAt?: () => number;
  /** @defaultValue FALLBACK_GRACE_MS */
  readonly graceMs?: number;
}

/**
 * The agents of a network starting together heartbeat within a few seconds of one another: an
 * intent looks unserved in atlas's first moments only because its agent has not written its record
 * yet, so atlas waits this long after its own start before it answers for a missing agent.
 */
export const FALLBACK_GRACE_MS = 6_000;

/** The live registry, read afresh on every call: whoever's heartbeat has expired is not in it. */
function liveAgents(ctx: AtlasContext): Promise<readonly AgentEntry[]> {
  return listAgents(ctx.bus.driver, ctx.bus.keys);
}

/**
 * True when a running agent serves `intent` (src/served.ts): "served" may come from a reading older
 * than SERVED_TTL_MS while the next is read in the background; "not served", which makes atlas answer
 * with the fallback, is always read afresh.
 */
function isServed(ctx: AtlasContext, intent: string): Promise<boolean> {
  return servedIntentsOf(ctx.bus, ctx.log).isServed(intent);
}

/** Handle one classified message; only "help" and "question" are atlas's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: AtlasContext, deps: HandlerDeps): Promise<Outgoing<AtlasWrites> | undefined> {
  const d = message.data;
  const reply = (text: string) => chatReply(d, text);
  if (d.intent === 'unknown') return undefined;
  if (d.intent !== 'help' && d.intent !== 'question') {
    if (await isServed(ctx, d.intent)) return undefined;
    const waitMs = (deps.graceMs ?? FALLBACK_GRACE_MS) - (Date.now() - (deps.startedAt?.() ?? 0));
    if (waitMs > 0) {
      await new Promise((r) => setTimeout(r, waitMs));
      if (servedIntents(await liveAgents(ctx)).has(d.intent)) return undefined;
    }
    ctx.log.info({ intent: d.intent }, 'no running agent serves this intent: the fallback answers');
    return reply(unservedReply(d.intent, menuAgents(await liveAgents(ctx))));
  }
  const agents = menuAgents(await liveAgents(ctx));

  if (d.intent === 'help') {
    const topic = typeof d.entities.topic === 'string' && d.entities.topic.trim() !== '' ? d.entities.topic.trim() : undefined;
    ctx.log.info({ topic, agents: agents.map((a) => a.name) }, 'help from the live registry');
    return reply(topic ? topicHelp(agents, topic) : helpMenu(agents, topicHint(agents)));
  }

  const question = questionOf(d.text, d.entities);
  if (question === '') return reply(emptyQuestionAnswer());
  if (ctx.llm.kind === 'offline') return reply(offlineAnswer());
  const today = deps.now().toISOString().slice(0, 10);
  // A failed call comes back from the port's offline fallback with this text and source "rules".
  const { text, source } = await ctx.llm.complete(question, {
    system: systemPrompt(agents, today),
    maxTokens: ctx.config.ATLAS_MAX_TOKENS,
    fallback: unavailableAnswer(),
  });
  ctx.log.info({ source, chars: text.length }, 'question answered');
  const answer = text.trim();
  return reply(answer === '' ? unavailableAnswer() : answer.slice(0, 60_000));
}
