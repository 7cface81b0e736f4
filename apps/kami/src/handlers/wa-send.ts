/** wa.outbound `wa.send`: send a reply (or a reminder, a briefing) to its chat, if kami may (outbound-guard.ts). */
import type { AgentContext, AgentMessage } from '@hive/agent';
import type { KamiEnv } from '../config.js';
import { SendRefusedError, type OutboundGuard } from '../outbound-guard.js';
import type { Outbox } from '../outbox.js';

/**
 * The handler: returns once WhatsApp took the message; throws (so the bus retries) when it did
 * not, and throws a SendRefusedError (dead-lettered at once, with its reason) when kami will not
 * send it: a chat it may not talk to, media outside its media dirs.
 */
export function handleWaSend(kami: (env: KamiEnv) => { outbox: Outbox; guard: OutboundGuard }) {
  return async (message: AgentMessage<'wa.outbound', 'wa.send'>, ctx: AgentContext<KamiEnv, 'wa.inbound'>): Promise<void> => {
    const { chatId, text, replyTo, media } = message.data;
    const { outbox, guard } = kami(ctx.config);
    try {
      const checked = await guard.check({ chatId, text, replyTo, media }, ctx.log);
      const sent = await outbox.send(checked, { signal: ctx.signal, log: ctx.log });
      ctx.log.info({ chatId, messageId: sent.messageId, delivery: ctx.deliveryCount }, 'sent to WhatsApp');
    } catch (err) {
      if (err instanceof SendRefusedError) {
        ctx.log.warn({ chatId, src: message.src, refusal: err.refusal, err: err.message }, 'send refused; dead-lettered with the reason');
      } else {
        ctx.log.warn({ chatId, delivery: ctx.deliveryCount, err: err instanceof Error ? err.message : String(err) }, 'send failed; the bus will retry it');
      }
      throw err;
    }
  };
}
