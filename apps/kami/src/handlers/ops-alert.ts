/** ops.alert: forward sentinel's alerts (and their resolutions) to the owner's chat. */
import type { AgentContext, AgentMessage } from '@hive/agent';
import type { KamiConfig, KamiEnv } from '../config.js';
import { alertText } from '../domain/alert.js';
import type { Outbox } from '../outbox.js';

/** The handler: sends the alert to the owner; with no owner configured, logs it instead (no one to tell). */
export function handleOpsAlert(kami: (env: KamiEnv) => { outbox: Outbox; config: KamiConfig }) {
  return async (message: AgentMessage<'ops.alert', 'ops.alert'>, ctx: AgentContext<KamiEnv, 'wa.inbound'>): Promise<void> => {
    const alert = message.data;
    const { outbox, config } = kami(ctx.config);
    const chatId = config.ownerChatId;
    const fields = { alertId: alert.alertId, status: alert.status, severity: alert.severity, subject: alert.subject };
    if (!chatId) {
      ctx.log.warn({ ...fields, summary: alert.summary }, 'ops alert not forwarded: WHATSAPP_OWNER is not set');
      return;
    }
    try {
      const sent = await outbox.send({ chatId, text: alertText(alert) }, { signal: ctx.signal, log: ctx.log });
      ctx.log.info({ ...fields, chatId, messageId: sent.messageId }, 'ops alert sent to the owner');
    } catch (err) {
      ctx.log.warn({ ...fields, delivery: ctx.deliveryCount, err: err instanceof Error ? err.message : String(err) }, 'ops alert send failed; the bus will retry it');
      throw err;
    }
  };
}
