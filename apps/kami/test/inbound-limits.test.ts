/** Per-sender limits on what kami passes on (length, rate), with a clear reply; on a real Redis through the simulator. */
import { EnvConfigError, parseEnv } from '@hive/agent';
import { describe, expect, it } from 'vitest';
import { kamiConfigSchema } from '../src/config.js';
import { FRIEND, OWNER, kamiTestFile, startSimKami, type SimKami } from './helpers.js';

let kami: SimKami | undefined;
const file = kamiTestFile(async () => {
  await kami?.stop();
  kami = undefined;
});

async function post(body: unknown): Promise<any> {
  const res = await fetch(`${kami!.sim.url}/messages`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return ((await res.json()) as { outcome: any }).outcome;
}

describe('inbound limits', () => {
  it('a sender past the burst is refused and told once per pause; others are not affected', async () => {
    kami = await startSimKami(file.redis, { env: { KAMI_INBOUND_BURST: '2', KAMI_INBOUND_PER_MINUTE: '1' } });
    const outcomes = [];
    for (let i = 1; i <= 4; i++) outcomes.push(await post({ text: `meal ${i}`, from: OWNER }));
    expect(outcomes.map((o) => o.status)).toEqual(['published', 'published', 'ignored', 'ignored']);
    expect(outcomes[2].reason).toMatch(/^rate_limited: more than 2 messages at once or 1 a minute from 491701234567@c.us \(KAMI_INBOUND_BURST, KAMI_INBOUND_PER_MINUTE\); next one taken in \d+ ms$/);
    // Told once (for the first refused message), not once per message.
    const told = kami.sim.sent(OWNER);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toMatch(/^⏳ You're sending messages faster than I take them, so I didn't pass that one on\. Please wait \d+ seconds? and send it again\.$/);
    expect(told[0]!.replyTo).toBe(outcomes[2].messageId);
    expect((await post({ text: 'hi', from: FRIEND })).status).toBe('published');
    const inbound = await kami.t.messages('wa.inbound');
    expect(inbound.map((m) => (m.data as { text: string }).text)).toEqual(['meal 1', 'meal 2', 'hi']);
  });

  it('a text over KAMI_INBOUND_MAX_CHARS is refused with a reply saying how long and the limit', async () => {
    kami = await startSimKami(file.redis, { env: { KAMI_INBOUND_MAX_CHARS: '20' } });
    const o = await post({ text: 'x'.repeat(21), from: OWNER });
    expect(o).toMatchObject({ status: 'ignored', reason: 'text_too_long: 21 characters, the limit is 20 (KAMI_INBOUND_MAX_CHARS)' });
    expect(kami.sim.sent(OWNER).map((m) => m.text)).toEqual(["✂️ That message is 21 characters; I take up to 20, so I didn't pass it on. Could you split it or shorten it?"]);
    expect((await post({ text: 'x'.repeat(20), from: OWNER })).status).toBe('published');
  });

  it('bad limit values are named', () => {
    let err: unknown;
    try {
      parseEnv('kami', { KAMI_INBOUND_MAX_CHARS: '0', KAMI_INBOUND_PER_MINUTE: 'lots', KAMI_INBOUND_BURST: '-1' }, kamiConfigSchema);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvConfigError);
    expect((err as EnvConfigError).problems.map((p) => p.variable).sort()).toEqual(['KAMI_INBOUND_BURST', 'KAMI_INBOUND_MAX_CHARS', 'KAMI_INBOUND_PER_MINUTE']);
  });
});
