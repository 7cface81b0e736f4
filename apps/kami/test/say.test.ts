/**
 * `hive say` against kami's real simulator started in this process, with a stand-in agent answering
 * on the bus: through the real `hive` executable (a child process) for the main paths, and through
 * the CLI's `runCli` in this process for the rest (same code, without a process start each).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Subscription } from '@hive/bus';
import { freePort } from '@hive/test-redis';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../packages/cli/src/main.js';
import { OWNER, STRANGER, kamiTestFile, startSimKami, type SimKami } from './helpers.js';

const HIVE_BIN = fileURLToPath(new URL('../../../packages/cli/bin/hive.mjs', import.meta.url));

let kami: SimKami | undefined;
let echo: Subscription | undefined;
const file = kamiTestFile(async () => {
  await echo?.stop();
  echo = undefined;
  await kami?.stop();
  kami = undefined;
});

function hive(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HIVE_BIN, ...args], { env: { ...process.env, ...env, HIVE_DEBUG: '', HIVE_CLI_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `hive <args>` run in this process. */
async function hiveHere(args: string[], env: Record<string, string> = {}, io: { signal?: AbortSignal; onOut?: (s: string) => void } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const write = (s: string) => {
    stdout += s;
    io.onOut?.(stdout);
  };
  const code = await runCli(args, { stdout: { write }, stderr: { write: (s: string) => (stderr += s) }, env, ...(io.signal ? { signal: io.signal } : {}) });
  return { code, stdout, stderr };
}

/** An agent stand-in: answers each wa.inbound message with `replies(text)`, each after its delay. */
function answer(k: SimKami, replies: (text: string) => { text: string; afterMs: number }[]): void {
  echo = k.t.bus.subscribe<{ chatId: string; text: string; messageId: string }>({
    stream: 'wa.inbound',
    group: 'echo',
    startAt: 'all',
    blockMs: 50,
    handler: async (m) => {
      for (const r of replies(m.data.text)) {
        await new Promise((res) => setTimeout(res, r.afterMs));
        await k.t.bus.publish('wa.outbound', 'wa.send', { chatId: m.data.chatId, text: r.text, replyTo: m.data.messageId });
      }
    },
  });
}

describe('hive say', () => {
  it('sends the text as the owner and prints each reply as it arrives', async () => {
    kami = await startSimKami(file.redis);
    answer(kami, (text) => [
      { text: `Logged: ${text}`, afterMs: 0 },
      { text: 'Today: 390 / 2000 kcal', afterMs: 400 },
    ]);
    const r = await hive(['say', 'I had 2 eggs and toast'], { KAMI_URL: kami.sim.url });
    expect(r.stderr).toContain('→ 15555550100@c.us: sent');
    expect(r.stdout).toBe('Logged: I had 2 eggs and toast\nToday: 390 / 2000 kcal\n');
    expect(r.code).toBe(0);
    const [inbound] = await kami.t.messages('wa.inbound');
    expect(inbound!.data).toMatchObject({ chatId: '15555550100@c.us', text: 'I had 2 eggs and toast' });
  });

  it('speaks as --from, and prints JSON lines with --json', async () => {
    kami = await startSimKami(file.redis);
    answer(kami, () => [{ text: 'hi Ana', afterMs: 0 }]);
    const r = await hiveHere(['say', 'hello', 'there', '--from', '+49 170 1234567', '--json', '--quiet', '500ms', '--kami', kami.sim.url]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].sent).toMatchObject({ status: 'published', chatId: OWNER });
    expect(lines[1].reply).toMatchObject({ chatId: OWNER, text: 'hi Ana', replyTo: lines[0].sent.messageId });
    expect(lines).toHaveLength(2);
    expect((await kami.t.messages('wa.inbound'))[0]!.data.text).toBe('hello there');
  });

  it('--follow keeps printing replies, however late, until interrupted (exit 0)', async () => {
    kami = await startSimKami(file.redis);
    answer(kami, () => [
      { text: 'Reminder set for 09:00', afterMs: 0 },
      { text: '⏰ call mom', afterMs: 2_500 },
    ]);
    const stop = new AbortController();
    const r = await hiveHere(['say', 'remind me at 9 to call mom', '--follow', '--timeout', '1s', '--quiet', '1s'], { KAMI_URL: kami.sim.url }, {
      signal: stop.signal,
      onOut: (out) => {
        if (out.includes('call mom\n')) stop.abort();
      },
    });
    expect(r.stdout).toBe('Reminder set for 09:00\n⏰ call mom\n');
    expect(r.code).toBe(0);
  });

  it('says so and exits 1 when kami ignores a stranger', async () => {
    kami = await startSimKami(file.redis, { env: { WHATSAPP_ALLOWED: OWNER } });
    const r = await hiveHere(['say', 'let me in', '--from', STRANGER], { KAMI_URL: kami.sim.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kami ignored the message: ${STRANGER} is not on its allow-list`);
    expect(await kami.t.messages('wa.inbound')).toHaveLength(0);
  });

  it('exits 1 when no reply comes within --timeout', async () => {
    kami = await startSimKami(file.redis);
    const r = await hiveHere(['say', 'anyone?', '--timeout', '1s'], { KAMI_URL: kami.sim.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no reply within 1s');
  });

  it('exits 2 for a sender kami cannot read, with kami\'s reason', async () => {
    kami = await startSimKami(file.redis);
    const r = await hiveHere(['say', 'hi', '--from', 'bob'], { KAMI_URL: kami.sim.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kami refused the message: "bob" is not a phone number');
  });

  it('exits 3 with a clear message when kami\'s simulator is not reachable', async () => {
    const port = await freePort();
    const r = await hive(['say', 'hello'], { KAMI_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot reach kami's WhatsApp simulator at http://127.0.0.1:${port} (connection refused)`);
    expect(r.stderr).toContain('npm start');
    expect(r.stdout).toBe('');
  });
});
