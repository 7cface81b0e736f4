/**
 * undo: "undo", "oops", "delete the last expense". With a noun, iris knows whose it is; a bare
 * "undo" comes out as intent "unknown" with action "undo", and the router sends it to the agent
 * the chat last wrote to (see src/route.ts).
 */
import { match, type Intent, type Rule } from '../classification.js';

const NOUNS: ReadonlyArray<readonly [RegExp, Intent]> = [
  [/^(?:expense|purchase|payment|spend(?:ing)?|transaction)$/, 'expense'],
  [/^(?:meal|food|breakfast|lunch|dinner|snack)$/, 'nutrition'],
  [/^(?:workout|run|walk|water|sleep|habit|exercise)$/, 'habit'],
  [/^(?:note|journal\s+entry)$/, 'note'],
  [/^(?:reminder|alarm)$/, 'schedule'],
  [/^(?:draft|post)$/, 'content'],
];

const WITH_NOUN = /^(?:undo|delete|remove|cancel|scrap|drop|erase)\s+(?:the\s+|my\s+|that\s+)?last\s+([a-z]+(?:\s+entry)?)$/;
const BARE = /^(?:undo|undo\s+(?:that|it|the\s+last\s+one|last\s+(?:one|entry))|oops|whoops|scratch\s+that|(?:delete|remove|cancel|drop)\s+(?:that|it|the\s+last\s+one|last\s+(?:one|entry))|that\s+was\s+(?:wrong|a\s+mistake)|my\s+bad|never\s*mind(?:\s+that)?)$/;

/** Undo the last thing logged, for a named agent or for whichever the chat last wrote to. */
export const undoRule: Rule = (t) => {
  const m = WITH_NOUN.exec(t);
  if (m) {
    const intent = NOUNS.find(([re]) => re.test(m[1] ?? ''))?.[1];
    if (intent) return match('undo.named', intent, 0.95, undoEntities(intent));
  }
  if (BARE.test(t)) return match('undo.last', 'unknown', 0.95, { action: 'undo' });
  return undefined;
};

/** How each agent says "remove the last one": hermes cancels, adopter deletes, the loggers undo. */
export function undoEntities(intent: Intent): { action: string; last: true } {
  return { action: intent === 'schedule' ? 'cancel' : intent === 'content' ? 'delete' : 'undo', last: true };
}
