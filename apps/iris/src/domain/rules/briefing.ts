/** briefing: the day's summary on demand; herald asks box, ledger, hermes and pulse for theirs. */
import { match, type Rule } from '../classification.js';

const BRIEFING =
  /^(?:(?:my|the|daily|morning|evening|today'?s)\s+)*(?:briefing|brief|rundown|digest)(?:\s+(?:please|now|for today))?\??$|^(?:give|send|show)\s+me\s+(?:my\s+|the\s+|a\s+)?(?:daily\s+|morning\s+)?(?:briefing|brief|rundown|summary of (?:my|the) day)\??$|^brief me\??$|^(?:daily|day)\s+summary\??$|^summari[sz]e (?:my|the) day\??$|^how(?:'s| is) my day(?: looking)?\??$|^what(?:'s| is) my day (?:like|looking like)\??$/;

/** A request for the briefing. */
export const briefingRule: Rule = (t) => (BRIEFING.test(t) ? match('briefing', 'briefing', 0.95, {}) : undefined);
