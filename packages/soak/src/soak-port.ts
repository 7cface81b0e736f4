/**
 * kami's WhatsApp port for the soak: no HTTP and no browser, the load generator hands messages
 * straight to kami's ingress (the same listener a real port calls: allow-list, blob store, spool,
 * idempotent publish), and what kami sends back is counted per message it answers.
 */
import type { MessageListener, OutgoingText, PortState, SentMessage, WhatsAppPort } from '../../../apps/kami/src/whatsapp/port.js';
import type { IncomingMessage, IngressOutcome } from '../../../apps/kami/src/whatsapp/port.js';

export interface SoakPort extends WhatsAppPort {
  /** Hand a received message to kami; resolves with what kami did. */
  receive(message: IncomingMessage): Promise<IngressOutcome>;
  /** Replies per WhatsApp message id they quote. */
  readonly repliesTo: Map<string, number>;
  /** Messages sent that quote nothing (reminders firing, alerts). */
  readonly unquoted: { count: number };
}

/** A port that is ready at once and records every send. */
export function createSoakPort(): SoakPort {
  let listener: MessageListener | undefined;
  let state: PortState = 'stopped';
  let seq = 0;
  const repliesTo = new Map<string, number>();
  const unquoted = { count: 0 };
  return {
    kind: 'simulator',
    get state() {
      return state;
    },
    repliesTo,
    unquoted,
    onMessage(l) {
      listener = l;
    },
    async start() {
      state = 'ready';
    },
    async send(m: OutgoingText): Promise<SentMessage> {
      if (m.replyTo) repliesTo.set(m.replyTo, (repliesTo.get(m.replyTo) ?? 0) + 1);
      else unquoted.count++;
      return { messageId: `true_${m.chatId}_SOAK${++seq}` };
    },
    async whenReady() {
      if (state !== 'ready') throw new Error('the soak port is not started');
    },
    async stop() {
      state = 'stopped';
    },
    async receive(message) {
      if (!listener) throw new Error('kami has not attached its ingress yet');
      return listener(message);
    },
  };
}
