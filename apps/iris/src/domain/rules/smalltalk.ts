/**
 * Small talk no agent serves ("thanks", "ok"): intent unknown, with a `smalltalk` entity so that the
 * reply iris sends fits ("You're welcome!") instead of "I didn't catch that".
 */
import { match, type Rule } from '../classification.js';

const KINDS: ReadonlyArray<[RegExp, string]> = [
  [/^(?:thanks?(?:\s+(?:you|a\s+lot|so\s+much|again))*|thank\s+you(?:\s+(?:so|very)\s+much)?|thx|ty|tysm|cheers|much\s+appreciated|merci|danke|gracias)(?:\s+(?:iris|hive|bot))?$/, 'thanks'],
  [/^(?:ok|okay|k|kk|cool|nice|great|perfect|awesome|got\s+it|alright|sounds\s+good|noted|sure|yes|yep|yeah|no|nope|lol|haha+|hmm+|wow|good|fine|👍)$/, 'ack'],
  [/^(?:bye|goodbye|good\s*night|gn|see\s+you|see\s+ya|later|cya)$/, 'bye'],
];

/** Thanks, acknowledgements and goodbyes. */
export const smalltalkRule: Rule = (t) => {
  const kind = KINDS.find(([re]) => re.test(t))?.[1];
  return kind === undefined ? undefined : match(`smalltalk.${kind}`, 'unknown', 0.9, { smalltalk: kind });
};
