/** voice.transcribed: a voice note as text, classified like a typed message. */
import type { AgentMessage } from '@hive/agent';
import { match } from '../domain/classification.js';
import { route, type IrisContext } from '../route.js';

/** Classify a transcript (via "voice"). */
export async function onVoiceTranscribed(message: AgentMessage<'voice.transcribed', 'voice.transcribed'>, ctx: IrisContext) {
  const v = message.data;
  const said = { chatId: v.chatId, from: v.from, messageId: v.messageId, via: 'voice' as const, text: v.text, sentAt: v.sentAt };
  if (v.text.trim() === '') return route(said, ctx, match('silence', 'unknown', 1, { silence: true }));
  return route(said, ctx);
}
