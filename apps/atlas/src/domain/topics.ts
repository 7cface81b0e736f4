/**
 * "help reminders": which live agents a topic is about. iris names the topic as an intent
 * ("schedule"); an agent is found by the words in its own description and skills, never by its name
 * in a table here, so whichever agent serves reminders today (or tomorrow) is the one shown.
 */
import { agentHelp, type MenuAgent } from './menu.js';

/** Words that mark an agent's description or skills as serving a topic, by iris's intent names. */
export const TOPIC_WORDS: Readonly<Record<string, RegExp>> = {
  schedule: /\b(?:remind\w*|schedul\w*|recurring|calendar|alarms?|due)\b/gi,
  expense: /\b(?:expenses?|spend\w*|spent|budgets?|money|costs?)\b/gi,
  nutrition: /\b(?:meals?|calori\w*|kcal|nutrition|food|macros?|protein|eat\w*)\b/gi,
  note: /\b(?:notes?|journal\w*|diary)\b/gi,
  habit: /\b(?:habits?|workouts?|water|sleep|streaks?|steps)\b/gi,
  content: /\b(?:posts?|drafts?|content|linkedin|tweets?)\b/gi,
  briefing: /\b(?:briefings?|summar\w*|digest)\b/gi,
  question: /\b(?:questions?|answers?)\b/gi,
};

/** How the owner would name a topic, for "say help …" hints. */
export const TOPIC_NAMES: Readonly<Record<string, string>> = {
  schedule: 'reminders',
  expense: 'expenses',
  nutrition: 'food',
  note: 'notes',
  habit: 'habits',
  content: 'posts',
  briefing: 'briefing',
};

function text(a: MenuAgent): string {
  return [a.description, ...a.skills.flatMap((s) => [s.name, s.description])].join(' \n ');
}

/** How strongly an agent's own words speak of a topic: distinct matching words. */
export function topicScore(agent: MenuAgent, topic: string): number {
  const re = TOPIC_WORDS[topic];
  if (!re) return 0;
  const words = new Set((text(agent).match(re) ?? []).map((w) => w.toLowerCase()));
  return words.size;
}

/** The live agents serving `topic`, the likeliest first; an agent named `topic` alone when there is one. */
export function agentsForTopic(agents: readonly MenuAgent[], topic: string): MenuAgent[] {
  const t = topic.trim().toLowerCase();
  const named = agents.find((a) => a.name.toLowerCase() === t);
  if (named) return [named];
  return agents
    .map((a) => ({ a, score: topicScore(a, t) }))
    .filter((x) => x.score > 0 && x.a.skills.length > 0)
    .sort((x, y) => y.score - x.score || x.a.name.localeCompare(y.a.name))
    .map((x) => x.a);
}

/** The answer to "help <topic>": the agents serving it in full, or a plain "nobody right now". */
export function topicHelp(agents: readonly MenuAgent[], topic: string): string {
  const found = agentsForTopic(agents, topic);
  const label = TOPIC_NAMES[topic] ?? topic;
  if (found.length === 0) {
    return `No running agent handles ${label} right now — it may be stopped or restarting. Say *help* to see what is available.`;
  }
  return found.map(agentHelp).join('\n\n');
}

/** A topic hint for the menu's last line, taken from what the live agents serve. */
export function topicHint(agents: readonly MenuAgent[]): string | undefined {
  for (const topic of Object.keys(TOPIC_NAMES)) {
    if (agents.some((a) => a.skills.length > 0 && topicScore(a, topic) > 0)) return TOPIC_NAMES[topic];
  }
  return undefined;
}
