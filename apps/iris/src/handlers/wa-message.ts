/** wa.inbound / wa.message: typed messages (and captions). Voice notes are vox's; their transcript arrives on voice.transcribed. */
import type { AgentMessage } from '@hive/agent';
import { match } from '../domain/classification.js';
import { route, type IrisContext } from '../route.js';

/** Classify a typed message; skip voice notes and audio (vox transcribes them). */
export async function onWaMessage(message: AgentMessage<'wa.inbound', 'wa.message'>, ctx: IrisContext) {
  const m = message.data;
  if (m.media && (m.media.kind === 'voice' || m.media.kind === 'audio')) {
    ctx.log.debug({ kind: m.media.kind }, 'voice note: left to vox');
    return undefined;
  }
  const said = { chatId: m.chatId, from: m.from, messageId: m.messageId, via: 'text' as const, text: m.text, sentAt: m.sentAt };
  // An image or document without a caption has nothing to classify; say so rather than stay silent.
  if (m.media && m.text.trim() === '') return route(said, ctx, match('media', 'unknown', 1, { media: m.media.kind }));
  return route(said, ctx);
}
