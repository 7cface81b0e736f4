/**
 * help: the menu, greetings, and "help with <topic>". atlas answers it from the live registry.
 * Entity: topic, an intent ("schedule" for "help reminders") or an agent's name ("box" for "help box"),
 * which atlas matches against the live agents' names first (apps/atlas/src/domain/topics.ts).
 */
import { match, type Intent, type Rule } from '../classification.js';

const MENU = /^(?:\/?help|\/?start|\/?menu|menu please|commands|options|features|\?+|h[ae]lp me|what can (?:you|i) (?:do|say|ask)(?: you)?(?: here| for)?|what do you know|what do you do|what are you|who are you|how does (?:this|it) work|how do i use (?:this|you|it)|show me what you can do|what can you help (?:me )?with|hi|hii+|hello|hey|hey there|hiya|yo|hallo|hola|good (?:morning|afternoon|evening)|sup)\??$/;

const TOPICS: ReadonlyArray<[RegExp, Intent]> = [
  [/^(?:reminders?|schedul\w*|alarms?|calendar)$/, 'schedule'],
  [/^(?:expenses?|money|budgets?|spending|costs?|ledger)$/, 'expense'],
  [/^(?:food|nutrition|calories|kcal|meals?|macros|diet|protein)$/, 'nutrition'],
  [/^(?:notes?|journal|diary)$/, 'note'],
  [/^(?:habits?|water|sleep|workouts?|exercise|streaks?|fitness)$/, 'habit'],
  [/^(?:posts?|drafts?|content|writing|tweets?|linkedin)$/, 'content'],
  [/^(?:briefings?|summary)$/, 'briefing'],
];

/** The agents' names (apps/*), as atlas's menu shows them: "help box" is help on that agent. */
const AGENTS = /^(?:adopter|archivist|atlas|box|herald|hermes|iris|kami|ledger|pulse|scribe|sentinel|vox)$/;

const WITH_TOPIC = /^(?:help|how do i use|how do)\s+(?:me\s+)?(?:with\s+|on\s+|for\s+)?(?:the\s+|my\s+)?([a-z]+)\??$/;

/** The help menu, or help on one topic. */
export const helpRule: Rule = (t) => {
  if (MENU.test(t)) return match('help.menu', 'help', 0.95, {});
  const m = WITH_TOPIC.exec(t);
  if (m) {
    const word = m[1] ?? '';
    if (AGENTS.test(word)) return match('help.agent', 'help', 0.9, { topic: word });
    const topic = TOPICS.find(([re]) => re.test(word));
    if (topic) return match('help.topic', 'help', 0.9, { topic: topic[1] });
  }
  return undefined;
};
