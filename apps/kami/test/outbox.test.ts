/** The outbox with a recording port: rate limiting per chat, waiting for the port, failures thrown. */
import { silentLogger } from '@hive/bus';
import { describe, expect, it } from 'vitest';
import { Outbox, RateLimitedError } from '../src/outbox.js';
import { NotReadyError, SendTimeoutError, type OutgoingText, type PortState, type WhatsAppPort } from '../src/whatsapp/port.js';

class RecordingPort implements WhatsAppPort {
  readonly kind = 'simulator' as const;
  state: PortState = 'ready';
  readonly sent: OutgoingText[] = [];
  fail: Error | undefined;
  onMessage(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async whenReady(timeoutMs: number): Promise<void> {
    if (this.state !== 'ready') throw new NotReadyError(this.state, timeoutMs);
  }
  async send(m: OutgoingText) {
    if (this.fail) throw this.fail;
    this.sent.push(m);
    return { messageId: `m${this.sent.length}` };
  }
}

function setup(rate = { perMinute: 60, burst: 2, maxWaitMs: 5_000 }) {
  let now = 0;
  const waits: number[] = [];
  const outbox = new Outbox({
    rateLimit: rate,
    readyTimeoutMs: 50,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  const port = new RecordingPort();
  const ctx = { signal: new AbortController().signal, log: silentLogger };
  return { outbox, port, waits, ctx, advance: (ms: number) => (now += ms) };
}

describe('Outbox', () => {
  it('sends a burst at once, then waits for each chat\'s next slot', async () => {
    const { outbox, port, waits, ctx } = setup();
    outbox.attach(port);
    for (const text of ['a', 'b', 'c', 'd']) await outbox.send({ chatId: 'x@c.us', text }, ctx);
    await outbox.send({ chatId: 'y@c.us', text: 'other chat' }, ctx);
    expect(port.sent.map((m) => m.text)).toEqual(['a', 'b', 'c', 'd', 'other chat']);
    expect(waits).toEqual([1_000, 1_000]);
  });

  it('hands a message back to the bus when its slot is too far off', async () => {
    const { outbox, port, ctx } = setup({ perMinute: 1, burst: 1, maxWaitMs: 10_000 });
    outbox.attach(port);
    await outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx);
    await expect(outbox.send({ chatId: 'x@c.us', text: 'b' }, ctx)).rejects.toThrow(RateLimitedError);
    expect(port.sent).toHaveLength(1);
  });

  it('throws what the port throws, and a refused send costs no slot', async () => {
    const { outbox, port, waits, ctx } = setup({ perMinute: 60, burst: 1, maxWaitMs: 5_000 });
    outbox.attach(port);
    port.fail = new Error('chat not found');
    await expect(outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx)).rejects.toThrow('chat not found');
    port.fail = undefined;
    await outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx);
    expect(waits).toEqual([]);
  });

  it('keeps the slot of a send that timed out (it may have gone out)', async () => {
    const { outbox, port, waits, ctx } = setup({ perMinute: 60, burst: 1, maxWaitMs: 5_000 });
    outbox.attach(port);
    port.fail = new SendTimeoutError(30_000);
    await expect(outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx)).rejects.toThrow(SendTimeoutError);
    port.fail = undefined;
    await outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx);
    expect(waits).toEqual([1_000]);
  });

  it('fails with NotReadyError when the port is not ready in time', async () => {
    const { outbox, port, ctx } = setup();
    port.state = 'qr';
    outbox.attach(port);
    await expect(outbox.send({ chatId: 'x@c.us', text: 'a' }, ctx)).rejects.toThrow(NotReadyError);
  });

  it('waits for a port to be attached, briefly', async () => {
    const { outbox, port, ctx } = setup();
    const pending = outbox.send({ chatId: 'x@c.us', text: 'early' }, ctx);
    outbox.attach(port);
    await pending;
    expect(port.sent).toHaveLength(1);
    const lonely = setup().outbox;
    await expect(lonely.send({ chatId: 'x@c.us', text: 'nobody' }, ctx)).rejects.toThrow(NotReadyError);
  });
});
