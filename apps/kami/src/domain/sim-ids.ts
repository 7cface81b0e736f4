/**
 * Ids the simulator hands out, shaped like whatsapp-web.js ones so that nothing downstream can tell
 * a simulated message from a real one: "false_<chat>_3EB0<16 hex>" for a received message (fromMe
 * false; WhatsApp Web's own ids start with 3EB0), "true_<chat>_…" for one kami sent.
 */

/** A WhatsApp-style message id; `hex16` supplies the random part (16 hex digits). */
export function simulatedMessageId(chatId: string, fromMe: boolean, hex16: string): string {
  if (!/^[0-9A-Fa-f]{16}$/.test(hex16)) throw new RangeError('hex16 must be 16 hex digits');
  return `${fromMe ? 'true' : 'false'}_${chatId}_3EB0${hex16.toUpperCase()}`;
}
