/** wa.outbound `wa.send`: send a reply (or a reminder, a briefing) to its chat. */
import type { AgentContext, AgentMessage } from '@hive/agent';
import type { KamiEnv } from '../config.js';
import type { Outbox } from '../outbox.js';

/** The handler: returns once WhatsApp took the message; throws (so the bus retries) when it did not. */
export function handleWaSend(kami: (env: KamiEnv) => { outbox: Outbox }) {
  return async (message: AgentMessage<'wa.outbound', 'wa.send'>, ctx: AgentContext<KamiEnv, 'wa.inbound'>): Promise<void> => {
    const { chatId, text, replyTo, media } = message.data;
    try {
      const sent = await kami(ctx.config).outbox.send({ chatId, text, replyTo, media }, { signal: ctx.signal, log: ctx.log });
      ctx.log.info({ chatId, messageId: sent.messageId, delivery: ctx.deliveryCount }, 'sent to WhatsApp');
    } catch (err) {
      ctx.log.warn({ chatId, delivery: ctx.deliveryCount, err: err instanceof Error ? err.message : String(err) }, 'send failed; the bus will retry it');
      throw err;
    }
  };
}
