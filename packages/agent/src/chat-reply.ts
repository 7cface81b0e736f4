/** What an agent that serves intents is handed, and how it answers the chat. */
import type { AgentMessage, Outgoing } from './define-agent.js';

/** An intent.classified message: one chat message and the intent iris gave it. */
export type ClassifiedMessage = AgentMessage<'intent.classified', 'intent.classified'>;

/** The answer on wa.outbound to the chat a classified message came from, as a reply to its WhatsApp message. */
export function chatReply(about: Pick<ClassifiedMessage['data'], 'chatId' | 'sourceMessageId'>, text: string): Outgoing<'wa.outbound'> {
  return { stream: 'wa.outbound', type: 'wa.send', data: { chatId: about.chatId, text, replyTo: about.sourceMessageId } };
}
