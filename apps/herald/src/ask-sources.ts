/**
 * Asking the sources: one summary.request per agent on agent.requests, all at once, each with its
 * own timeout, so the slowest source bounds the briefing and a silent one costs exactly the
 * timeout. Agents absent from the registry are not asked (their heartbeat has expired or they
 * stopped cleanly): the briefing goes out without waiting for them.
 */
import { type Bus, errorMessage, listAgents, type Logger, TimeoutError } from '@hive/agent';
import { agentRequests } from '@hive/contracts';
import type { SourceOutcome } from './domain/briefing.js';

/** What one briefing is about. */
export interface BriefingSubject {
  readonly chatId: string;
  readonly day: string;
  readonly timezone: string;
}

export interface AskOptions {
  readonly sources: readonly string[];
  readonly timeoutMs: number;
  readonly now: () => Date;
  readonly log: Logger;
  /** Correlation id of the conversation the briefing belongs to. */
  readonly corr?: string;
}

const replySchema = agentRequests.messages['summary.reply'].schema;

/** The names of the agents alive in the registry, or undefined when the registry cannot be read (then everyone is asked). */
async function liveNames(bus: Bus, log: Logger): Promise<Set<string> | undefined> {
  try {
    return new Set((await listAgents(bus.driver, bus.keys)).filter((a) => a.status !== 'stopping').map((a) => a.name));
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'could not read the registry; asking every source');
    return undefined;
  }
}

/** Ask one agent and say what came of it; never throws. */
async function askOne(bus: Bus, agent: string, subject: BriefingSubject, o: AskOptions): Promise<SourceOutcome> {
  const replyBy = new Date(o.now().getTime() + o.timeoutMs).toISOString();
  try {
    const m = await bus.request(
      'agent.requests',
      'summary.request',
      { to: agent, chatId: subject.chatId, day: subject.day, timezone: subject.timezone, replyBy },
      { from: agent, timeoutMs: o.timeoutMs, ...(o.corr ? { corr: o.corr } : {}) },
    );
    const parsed = m.type === 'summary.reply' ? replySchema.safeParse(m.data) : undefined;
    if (!parsed?.success) {
      o.log.warn({ agent, type: m.type }, 'a source answered with something that is not a summary.reply');
      return { agent, status: 'failed', reason: 'its answer was unreadable' };
    }
    return { agent, status: 'answered', text: parsed.data.text };
  } catch (err) {
    if (err instanceof TimeoutError) return { agent, status: 'timeout' };
    o.log.warn({ agent, err: errorMessage(err) }, 'asking a source failed');
    return { agent, status: 'failed', reason: 'the request could not be sent' };
  }
}

/** Every source's outcome, in the order of `sources`. */
export async function askSources(bus: Bus, subject: BriefingSubject, o: AskOptions): Promise<SourceOutcome[]> {
  const live = await liveNames(bus, o.log);
  const outcomes = await Promise.all(
    o.sources.map((agent): Promise<SourceOutcome> | SourceOutcome =>
      live && !live.has(agent) ? { agent, status: 'not-running' } : askOne(bus, agent, subject, o),
    ),
  );
  o.log.info({ chatId: subject.chatId, day: subject.day, outcomes: Object.fromEntries(outcomes.map((x) => [x.agent, x.status])) }, 'sources asked');
  return outcomes;
}
