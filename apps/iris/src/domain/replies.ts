/**
 * What iris says itself. iris answers the messages no agent serves (intent "unknown"), because it is
 * the one agent that knows nobody else will: no other agent replies to "unknown".
 */
import type { Entities } from './classification.js';

/** The examples the fallback reply offers, one per agent that does something. */
export const EXAMPLES = ['I had 2 eggs and toast', 'remind me in 2 minutes to stretch', 'spent 12.50 on lunch', 'note: call the landlord'] as const;

/** The reply to a message classified "unknown", fitted to what it was (thanks, an image, gibberish). */
export function unknownReply(entities: Entities): string {
  switch (entities.smalltalk) {
    case 'thanks':
      return "You're welcome! 🙂";
    case 'ack':
    case 'emoji':
      return '👍';
    case 'bye':
      return 'Bye for now! 👋';
  }
  if (entities.action === 'undo') return 'I\'m not sure what to undo — say e.g. "delete the last expense" or "undo last meal".';
  if (entities.silence === true) return "I couldn't make out any words in that voice note — could you say it again, or type it?";
  if (typeof entities.media === 'string') {
    return `I can't look at ${mediaNoun(entities.media)} yet — tell me in words (or a voice note) what you'd like, or say *help* to see what I can do.`;
  }
  if (entities.empty === true) return 'That message was empty — say *help* to see what I can do.';
  return `I didn't catch that — say *help* to see what I can do. For example: ${EXAMPLES.map((e) => `"${e}"`).join(', ')}.`;
}

function mediaNoun(kind: string): string {
  switch (kind) {
    case 'image':
      return 'images';
    case 'video':
      return 'videos';
    case 'sticker':
      return 'stickers';
    case 'document':
      return 'documents';
    default:
      return 'attachments';
  }
}
