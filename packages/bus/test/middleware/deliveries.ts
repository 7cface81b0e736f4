/** Deliveries for testing one step alone: a real Delivery over a pending list that records what it is asked. */
import { Delivery, type DeliverySource, type PendingList } from '../../src/delivery.js';
import { encodeData, encodeFields, type Message } from '../../src/envelope.js';
import { memoryLogger, type LogLine } from '../helpers.js';

export interface PendingCalls {
  released: string[];
  renewed: string[];
}

export interface TestDelivery {
  readonly d: Delivery;
  readonly calls: PendingCalls;
  readonly lines: LogLine[];
  /** Make the subscription "closed" (shutdown gave up on its handlers). */
  close(): void;
}

/** A well-formed envelope's fields. */
export function envelopeFields(type: string, data: unknown, extra: Partial<Record<'id' | 'corr' | 'traceparent' | 'v', string>> = {}): string[] {
  return encodeFields({
    type,
    v: Number(extra.v ?? 1),
    id: extra.id ?? '01JTESTMESSAGE0000000000001',
    src: 'test',
    ts: 1_700_000_000_000,
    corr: extra.corr ?? 'corr-1',
    cause: '',
    traceparent: extra.traceparent,
    data: encodeData(data),
  });
}

/** A message as decode would produce it. */
export function message(type: string, data: unknown = {}, extra: Partial<Message> = {}): Message {
  return { type, v: 1, id: '01JTESTMESSAGE0000000000001', src: 'test', ts: 1_700_000_000_000, corr: 'corr-1', cause: '', data, ...extra };
}

/** A delivery of `fields` (entry `entryId`, delivered `deliveryCount` times) on stream `s`, group `g`. */
export function delivery(fields: string[] | null, opts: { entryId?: string; deliveryCount?: number; key?: string } = {}): TestDelivery {
  const calls: PendingCalls = { released: [], renewed: [] };
  const pending: PendingList = {
    deliveryCount: async () => opts.deliveryCount,
    releaseForRetry: async (id) => void calls.released.push(id),
    renewLeases: async (ids) => {
      calls.renewed.push(...ids);
      return [];
    },
  };
  const lines: LogLine[] = [];
  let closed = false;
  const source: DeliverySource = {
    stream: 's',
    group: 'g',
    consumer: 'c',
    log: memoryLogger(lines),
    get closed() {
      return closed;
    },
  };
  const d = new Delivery(opts.key ?? 'hive:s:{s}', { id: opts.entryId ?? '1-0', fields }, opts.deliveryCount, pending, source);
  return { d, calls, lines, close: () => void (closed = true) };
}
