/**
 * The offline classifier: rules tried in a fixed order, first match wins. The order is the design:
 * explicit commands beat keywords, and each domain's queries come before the generic question rule.
 * The rules the running agents declare for their own intents (declared.ts) are tried after the
 * built-in domain rules and before small talk and questions: a new agent cannot take a message a
 * built-in agent claims, and "what's the weather?" reaches the weather agent, not atlas.
 */
import { match, type Rule, type RuleMatch } from './classification.js';
import { declaredRule, type DeclaredIntent } from './declared.js';
import { briefingRule } from './rules/briefing.js';
import { contentRule } from './rules/content.js';
import { expenseRule } from './rules/expense.js';
import { habitLogRule, habitQueryRule } from './rules/habit.js';
import { helpRule } from './rules/help.js';
import { noteRememberRule, noteRule } from './rules/note.js';
import { nutritionLogRule, nutritionQueryRule } from './rules/nutrition.js';
import { questionRule } from './rules/question.js';
import { scheduleLooseRule, scheduleRule } from './rules/schedule.js';
import { smalltalkRule } from './rules/smalltalk.js';
import { undoRule } from './rules/undo.js';
import { restoreCase, tidyText } from './text.js';

/** Rules in the order they are tried; each line says why it sits where it does. */
export const RULES: ReadonlyArray<readonly [name: string, rule: Rule]> = [
  ['help', helpRule], // "help", "hi": short and exact
  ['briefing', briefingRule], // "briefing": exact
  ['undo', undoRule], // "undo", "delete the last expense": before cancel/delete rules read "last" as a name
  ['note', noteRule], // "note: …" wins over any keyword inside the note; "what did I note about …" before questions
  ['schedule', scheduleRule], // "remind me to drink water" is a reminder, not a habit
  ['content', contentRule], // "draft a post about my 5k run" is content, not a workout
  ['expense', expenseRule], // "spent 12.50 on lunch" is money, not food; "how much did I spend" before questions
  ['habit.query', habitQueryRule], // "how much water today" before the nutrition query's "how much …"
  ['nutrition.query', nutritionQueryRule], // "how much protein today" before questions; goals
  ['habit.log', habitLogRule], // "drank 2 glasses of water" is a habit, not a meal
  ['nutrition.log', nutritionLogRule], // "I had 2 eggs and toast"
  ['note.remember', noteRememberRule], // untimed "remember to …" (a timed one became a reminder above)
  ['schedule.loose', scheduleLooseRule], // "gym at 6pm tomorrow": a precise time nobody else claimed
  ['smalltalk', smalltalkRule], // "thanks": unknown, but with a fitting reply
  ['question', questionRule], // last of all: anything asked that no domain claimed
];

const POLITE = /^(?:(?:hey|hi|hello|ok|okay|yo)\s+(?:iris|hive|bot)\s*[,:!]?\s*|(?:iris|hive)\s*[,:]\s*|(?:please|pls|plz|kindly)\s+|(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?=\S+\s+\S)|i\s+(?:want|need|would\s+like|'d\s+like)\s+(?:you\s+)?to\s+(?=remind|draft|write|note|set|log|track|cancel|list|show|delete|save)|help\s+me\s+(?=draft|write|log|track|set|remember))/;

/** Strip leading courtesy ("please", "can you", "hey iris,") that changes nothing about the intent. */
export function stripCourtesy(text: string): string {
  let t = text;
  for (let m = POLITE.exec(t); m && m[0].length > 0; m = POLITE.exec(t)) t = t.slice(m[0].length);
  return t.replace(/\s+please$/, '').trim();
}

// Entities that carry the owner's own words; the rules see lower case, these get the original case back.
const FREE_TEXT = new Set(['text', 'what', 'topic', 'description', 'foods', 'query', 'question', 'instruction']);

/** Where the declared rules go in RULES: before the first of these. */
const DECLARED_BEFORE = 'smalltalk';

/** RULES with the declared intents' rule in its place. */
export function rulesWith(declared: readonly DeclaredIntent[]): ReadonlyArray<readonly [name: string, rule: Rule]> {
  if (!declared.some((d) => d.offline)) return RULES;
  const at = RULES.findIndex(([name]) => name === DECLARED_BEFORE);
  return [...RULES.slice(0, at), ['declared', declaredRule(declared)], ...RULES.slice(at)];
}

/** Classify one message with the rules (and those of `declared` intents); never throws, "unknown" when nothing matches. */
export function classifyText(text: string, declared: readonly DeclaredIntent[] = []): RuleMatch {
  const cased = tidyText(text);
  const lower = cased.toLowerCase();
  const t = stripCourtesy(lower);
  if (t === '') return text.trim() === '' ? match('empty', 'unknown', 0, { empty: true }) : match('smalltalk.emoji', 'unknown', 0.9, { smalltalk: 'emoji' });
  for (const [, rule] of rulesWith(declared)) {
    const m = rule(t);
    if (!m) continue;
    const entities = { ...m.entities };
    // help's topic is a name (an intent or an agent), not the owner's words: it stays lower case.
    for (const [k, v] of Object.entries(entities)) if ((FREE_TEXT.has(k) || m.rule.startsWith('declared.')) && typeof v === 'string' && m.intent !== 'help') entities[k] = restoreCase(v, lower, cased);
    return { ...m, entities };
  }
  return match('none', 'unknown', 0, {});
}
