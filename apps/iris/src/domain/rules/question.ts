/** question: anything asked that no domain agent claimed; atlas answers (LLM) or says it cannot offline. */
import { match, type Rule } from '../classification.js';

const ASKING =
  /^(?:who|whom|whose|what|what's|whats|when|where|why|how|which|is|are|was|were|can|could|does|do|did|will|would|should|shall|may|might|has|have|explain|tell\s+me|define|describe|translate|calculate|convert|compare|summari[sz]e|recommend|suggest|give\s+me\s+(?:a|an|some)\s+(?:idea|tip|recipe|fact|joke)s?)\b/;

/** A question: ends with "?" or opens like one. */
export const questionRule: Rule = (t) => {
  if (t.endsWith('?')) return match('question.mark', 'question', 0.75, { question: t });
  if (ASKING.test(t) && t.split(' ').length >= 3) return match('question.opening', 'question', 0.6, { question: t });
  return undefined;
};
