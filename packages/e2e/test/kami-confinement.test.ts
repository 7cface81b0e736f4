/**
 * kami confined, end to end: kami alone as `npm start --processes` runs it (its own process under the
 * supervisor, on a test Redis), sent `wa.send`s through `hive publish`, and the refusals read back
 * with `hive dlq list`: a media path outside kami's media dir and a chat kami may not talk to are
 * both dead-lettered at once with their reason, and nothing reaches WhatsApp (the simulator).
 * One agent, one mode: a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@hive/cli';
import { startNetwork, type Network } from '../src/network.js';

const ALLOWED = '+15555550177';
const STRANGER_CHAT = '33612345678@c.us';
const OWNER_CHAT = '15555550100@c.us';

describe('kami confinement, end to end', () => {
  let net: Network;

  beforeAll(async () => {
    net = await startNetwork({ mode: 'processes', only: ['kami'], env: { WHATSAPP_ALLOWED: ALLOWED } });
  }, 120_000);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  async function hive(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      stdout: { write: (s: string) => void (out += s) },
      stderr: { write: (s: string) => void (err += s) },
      env: { REDIS_URL: net.redis.url, HIVE_PREFIX: net.keys.prefix },
    });
    return { code, out, err };
  }

  it('a media path outside the media dir and a send to a stranger are refused and dead-lettered with their reason', async () => {
    const sends = [
      { chatId: OWNER_CHAT, text: 'your file', media: { kind: 'document', mime: 'text/plain', path: '/etc/passwd' } },
      { chatId: STRANGER_CHAT, text: 'hello stranger' },
    ];
    for (const data of sends) {
      const r = await hive(['publish', 'wa.outbound', 'wa.send', JSON.stringify(data), '--src', 'box']);
      expect(r.code, r.err).toBe(0);
    }
    let letters: Array<{ reason: string; error: string; group: string }> = [];
    const deadline = Date.now() + 30_000;
    while (letters.length < 2 && Date.now() < deadline) {
      const r = await hive(['dlq', 'list', 'wa.outbound', '--json']);
      letters = r.code === 0 && r.out.trim() !== '' ? (JSON.parse(r.out) as typeof letters) : [];
      if (letters.length < 2) await new Promise((res) => setTimeout(res, 250));
    }
    expect(letters).toHaveLength(2);
    expect(letters.every((l) => l.group === 'kami' && l.reason === 'UNRECOVERABLE')).toBe(true);
    const errors = letters.map((l) => l.error).sort();
    expect(errors[0]).toMatch(/^SendRefusedError chat_not_allowed: chat 33612345678@c\.us is not the owner, not on the allow-list/);
    expect(errors[1]).toMatch(/^SendRefusedError media_path_outside: media path "\/etc\/passwd" resolves to \/etc\/passwd, outside kami's media dirs/);
    // Nothing went out to either chat.
    expect(await net.replies(OWNER_CHAT, 0, 1, 500)).toEqual([]);
    expect(await net.replies(STRANGER_CHAT, 0, 1, 500)).toEqual([]);
  }, 90_000);
});
