/**
 * The whole network, end to end, in each of `npm start`'s modes: every agent in one process (the
 * host) and one process per agent, under the supervisor on a test Redis, driven through kami's
 * WhatsApp simulator. HIVE_E2E_MODES picks the modes, HIVE_E2E_FROM=dist runs the compiled code.
 *
 * 1. A scripted conversation touching every agent, asserting each reply's content.
 * 2. box killed with SIGKILL while messages for it are queued (in host mode: the host process, with
 *    every agent in it): the supervisor restarts it and every message is answered exactly once,
 *    nothing lost.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntry } from '@hive/bus';
import { listAgents, listDeadLetters, xinfoGroups, xrange } from '@hive/bus/admin';
import { runCli } from '@hive/cli';
import { modesFromEnv, startNetwork, type Network, type SentMessage } from '../src/network.js';

const USER = '+15555550123'; // not the owner: sentinel's alerts go to the owner's chat, not this one
const OWNER_CHAT = '15555550100@c.us'; // kami's simulator owner when WHATSAPP_OWNER is unset

describe.each(modesFromEnv())('the network, mode %s', (mode) => {
  let net: Network;

  beforeAll(async () => {
    net = await startNetwork({ mode, env: { SENTINEL_POLL_MS: '1000', HERMES_BRIEFING_AT: '', HIVE_LOG_LEVEL: 'info' } });
  }, 120_000);

  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  function tailLog(): string {
    try {
      return readFileSync(net.logFile, 'utf8').split('\n').slice(-80).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Say something as USER and wait for the replies that match, in any order, within the timeout. */
  async function say(text: string, expected: RegExp[], opts: { timeoutMs?: number; from?: string } = {}): Promise<SentMessage[]> {
    const sent = await net.send(text, opts.from ?? USER);
    expect(sent.status, `kami accepted "${text}"`).toBe('published');
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    let got: SentMessage[] = [];
    while (Date.now() < deadline && !expected.every((re) => got.some((m) => re.test(m.text)))) {
      got = await net.replies(sent.chatId, sent.cursor, got.length + 1, Math.min(5_000, deadline - Date.now()));
    }
    const missing = expected.filter((re) => !got.some((m) => re.test(m.text)));
    if (missing.length > 0) {
      throw new Error(`"${text}": no reply matching ${missing.join(', ')}; got ${JSON.stringify(got.map((m) => m.text))}\n--- network log ---\n${tailLog()}`);
    }
    return got;
  }

  it('runs all 13 agents, each registered with what it reads and writes', async () => {
    expect(net.agents).toHaveLength(13);
    const live = await listAgents(net.driver, net.keys);
    expect(new Set(live.map((a) => a.name))).toEqual(new Set(net.agents));
    expect(live.find((a) => a.name === 'box')).toMatchObject({ reads: expect.arrayContaining(['intent.classified']), writes: expect.arrayContaining(['wa.outbound']) });
  });

  it('holds a 25-message conversation touching every agent', async () => {
    // atlas: help lists every live agent, read from the registry
    const help = await say('help', [/box/]);
    for (const agent of ['box', 'hermes', 'ledger', 'scribe', 'pulse', 'adopter', 'herald', 'vox']) expect(help[0]!.text).toContain(agent);

    // box (nutrition) via iris
    await say('I had 2 eggs and toast', [/2 eggs \(155 kcal, 12\.6 g protein\), toast \(80 kcal\)/]);
    await say('150 g chicken breast for lunch', [/150 g chicken breast \(248 kcal, 46\.5 g protein\)/]);
    await say('how much protein today', [/Protein today: 61\.4 g \(from 2 meals, 483 kcal\)/]);
    await say('set my goal to 2200 kcal', [/goal set to 2,200 kcal/i]);

    // ledger (expenses)
    await say('spent 12.50 on lunch', [/12\.50 EUR — lunch \(food\)/]);
    await say('€30 groceries', [/30\.00 EUR — groceries/]);
    await say('budget food 300', [/Budget set: food 300\.00 EUR a month/]);
    await say('how much did I spend this week', [/You spent 42\.50 EUR this week/]);

    // hermes (reminders): one fires within seconds, through BullMQ, back to the chat
    await say('remind me in 3 seconds to drink water', [/I'll remind you in 3 seconds.*drink water/, /Reminder: drink water/], { timeoutMs: 30_000 });
    await say('every Monday 8am weigh in', [/every Monday at 08:00: weigh in/]);
    await say('tomorrow at 9 call mom', [/call mom/]);
    await say('list my reminders', [/weigh in/]);
    await say('cancel reminder 2', [/cancel|removed|deleted/i]);

    // scribe (notes, full-text search in SQLite)
    await say('note: call the landlord about the heater', [/Saved note #1/]);
    await say('what did I note about the landlord', [/call the \*landlord\* about the heater/]);

    // pulse (habits)
    await say('drank 2 glasses of water', [/\+500 ml water/]);
    await say('ran 5k', [/Logged run: 5 km/]);
    await say('slept 7h', [/Logged 7 h of sleep/]);

    // adopter (content drafts)
    await say('draft a post about why small teams should use Redis Streams', [/Draft #1 for LinkedIn/]);
    await say('list my drafts', [/#1 LinkedIn/]);

    // herald (briefing by request/reply to box, ledger, hermes and pulse)
    const briefing = await say('briefing', [/briefing/i], { timeoutMs: 30_000 });
    expect(briefing[0]!.text).toMatch(/483 \/ 2,200 kcal/);
    expect(briefing[0]!.text).toMatch(/42\.50 EUR/);
    expect(briefing[0]!.text).toMatch(/run: 5 km/);
    expect(briefing[0]!.text).not.toMatch(/didn't answer/);

    // atlas (questions: offline it says so) and iris (what nobody serves)
    await say("what's the capital of France?", [/can't answer general questions offline/]);
    await say('asdkjh qwe', [/say \*help\*/]);

    // vox: a real voice note; offline it explains that transcription needs a model
    const voice = readFileSync(fileURLToPath(new URL('../../../apps/vox/test/fixtures/remind-dentist.ogg', import.meta.url)));
    const res = await fetch(`${net.kamiUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: USER, text: '', media: { mime: 'audio/ogg; codecs=opus', base64: voice.toString('base64'), seconds: 2 } }),
    });
    const posted = (await res.json()) as { chatId: string; cursor: number; outcome: { status: string } };
    expect(posted.outcome.status).toBe('published');
    const voiceReplies = await net.replies(posted.chatId, posted.cursor, 1, 20_000);
    expect(voiceReplies[0]?.text).toMatch(/transcri/i);

    // archivist: every message of the conversation is in its SQLite history, searchable by text
    await new Promise((r) => setTimeout(r, 1_500));
    let out = '';
    const code = await runCli(['history', '--text', 'landlord', '--json', '--db', `${net.dataDir}/archivist/history.db`], {
      stdout: { write: (s: string) => void (out += s) },
      stderr: { write: () => undefined },
      env: {},
    });
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { stream: string; type: string }[];
    expect(rows.map((r) => r.stream)).toEqual(expect.arrayContaining(['wa.inbound', 'intent.classified', 'note.saved', 'wa.outbound']));

    // sentinel: a foreign, malformed entry is dead-lettered by its readers; sentinel tells the owner
    const ownerCursor = await net.replies(OWNER_CHAT, 0, 0, 0).then((m) => m.at(-1)?.seq ?? 0);
    await net.driver.call(['XADD', net.keys.stream('wa.inbound'), '*', 'type', 'wa.message', 'v', '2', 'data', 'not json']);
    const alerts = await net.replies(OWNER_CHAT, ownerCursor, 1, 30_000);
    expect(alerts.map((a) => a.text).join('\n')).toMatch(/dead.letter/i);
  }, 400_000);

  it('box killed with SIGKILL while messages for it are queued: restarted, every message answered exactly once', async () => {
    const from = '+15555550177';
    const apples = 8;
    const first = await net.send('1 apple', from);
    const sends = [first];
    for (let i = 1; i < apples; i++) sends.push(await net.send('1 apple', from));
    const killed = net.pidOf('box');
    net.kill('box');
    const sentIds = new Set(sends.map((s) => s.messageId));
    // box's replies as published (the stream outlives every process): one message id per input.
    const boxReplies = async () => {
      const byId = new Map<string, { replyTo?: string; text: string }>();
      for (const e of await xrange(net.driver, net.keys.stream('wa.outbound'), '-', '+')) {
        const d = decodeEntry(e.fields!);
        const data = d.ok ? (d.message.data as { replyTo?: string; text: string }) : undefined;
        if (d.ok && d.message.src === 'box' && data?.replyTo && sentIds.has(data.replyTo)) byId.set(d.message.id, data);
      }
      return [...byId.values()];
    };
    const deadline = Date.now() + 90_000;
    while ((await boxReplies()).length < apples && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 3_000)); // anything extra would arrive now
    const logged = (await boxReplies()).filter((m) => /Logged.*apple/i.test(m.text));
    console.log(`[${mode}] killed pid ${killed}; restarts: ${net.restarts('box')}; box replies: ${logged.length}/${apples}`);
    expect(net.restarts('box')).toBeGreaterThanOrEqual(1);
    expect(net.pidOf('box')).not.toBe(killed);
    expect(logged).toHaveLength(apples);
    // Each reply answers a different message, and the running total counts every apple once.
    expect(new Set(logged.map((m) => m.replyTo))).toEqual(sentIds);
    // Running totals are k, 2k, … 8k: no apple counted twice, none missing.
    const totals = logged.map((m) => Number(/today ([\d,]+) \//.exec(m.text)?.[1]?.replace(',', ''))).sort((a, b) => a - b);
    const k = totals[0]!;
    expect(totals).toEqual(Array.from({ length: apples }, (_, i) => k * (i + 1)));
    // On the bus: no dead letters, and kami has delivered everything box wrote (nothing pending).
    expect(await listDeadLetters(net.driver, net.keys, 'intent.classified')).toEqual([]);
    await expect.poll(async () => (await xinfoGroups(net.driver, net.keys.stream('wa.outbound'))).find((g) => g.name === 'kami')?.pending, { timeout: 30_000 }).toBe(0);
    if (mode === 'processes') {
      // kami lived on: the phone shows each reply once (in host mode kami's simulator died with the host, and its memory with it).
      const all = await net.drain(first.chatId, first.cursor, 500);
      const shown = all.filter((m) => /Logged.*apple/i.test(m.text));
      expect(shown).toHaveLength(apples);
      expect(new Set(shown.map((m) => m.replyTo))).toEqual(sentIds);
    }
  }, 180_000);
});
