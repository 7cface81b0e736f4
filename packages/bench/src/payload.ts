/**
 * The message every case sends: a WhatsApp-like inbound message of about 300 bytes of JSON.
 * `seq` numbers it and `t` carries the send time (performance.now() of this process) for the
 * latency cases; both are always present so the size is the same in every case.
 */

export interface BenchPayload {
  readonly chat: string;
  readonly from: string;
  readonly name: string;
  readonly kind: 'text';
  readonly text: string;
  readonly lang: string;
  readonly tags: readonly string[];
  readonly seq: number;
  readonly t: number;
}

const TEXT = 'Had porridge with banana and a flat white for breakfast, then a chicken salad at 1pm; log it all please, thanks';

/** One payload; `t` defaults to 0 (throughput cases), the latency cases pass the send time. */
export function makePayload(seq: number, t = 0): BenchPayload {
  return {
    chat: '491701234567@c.us',
    from: '491701234567@c.us',
    name: 'Kami test sender',
    kind: 'text',
    text: TEXT,
    lang: 'en',
    tags: ['inbound', 'whatsapp', 'simulator'],
    seq,
    t,
  };
}

/** The type name Hive publishes the payload under. */
export const PAYLOAD_TYPE = 'bench.message';

/** Bytes of one payload as JSON, with a typical `seq` and `t`. */
export function payloadBytes(): number {
  return Buffer.byteLength(JSON.stringify(makePayload(123456, 12345.678901)));
}

/** Read `t` back from a parsed payload, or NaN when it is not one of ours. */
export function sentAt(data: unknown): number {
  return typeof data === 'object' && data !== null && typeof (data as { t?: unknown }).t === 'number' ? (data as { t: number }).t : Number.NaN;
}
