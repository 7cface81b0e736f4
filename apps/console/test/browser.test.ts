/**
 * The console in headless Chromium against the whole network (13 agents as processes on a test
 * Redis, started by the e2e harness): the graph shows every agent up; garbage written to a stream
 * shows under dead letters, and retrying and dropping from the page work; a message sent as
 * `hive say` does has every hop in its trace; the chat page gets a reply; and the browser's console
 * stays free of errors throughout. Screenshots go to apps/console/test-artifacts/ (not committed).
 *
 * The harness is imported by path: declaring @hive/e2e as a dependency would close a cycle
 * (e2e → cli → console), since the CLI's `hive console` verb depends on this package.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf, shardStream } from '@hive/bus';
import { getDeadLetter, listDeadLetters } from '@hive/bus/admin';
import { catalogue } from '@hive/contracts';
import { traceConversation } from '@hive/inspect';
import { startNetwork, type Network } from '../../../packages/e2e/src/network.js';
import { createConsole, type ConsoleHandle } from '../src/index.js';
import { capturingLogger } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const USER = '+15555550123';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

let net: Network;
let consoleHandle: ConsoleHandle;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const browserErrors: string[] = [];
const logged = capturingLogger();

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  net = await startNetwork({ env: { SENTINEL_POLL_MS: '1000', HERMES_BRIEFING_AT: '' } });
  consoleHandle = await createConsole({
    redisUrl: net.redis.url,
    prefix: net.keys.prefix,
    port: 0,
    kamiUrl: net.kamiUrl,
    archivistDb: join(net.dataDir, 'archivist', 'history.db'),
    logger: logged.log,
  });
  userDataDir = mkdtempSync(join(tmpdir(), 'hive-console-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1500, height: 1000 } });
  page = context.pages()[0] ?? (await context.newPage());
  // Fail with the locator's name rather than at the test's timeout.
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (m.type() === 'error') browserErrors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => browserErrors.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => {
    // A long poll or the event stream cut short by navigation is not a failure of the page.
    if (!/\/api\/(events|chat\/)/.test(r.url())) browserErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
}, 240_000);

afterAll(async () => {
  await context?.close();
  await consoleHandle?.close();
  await net?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
}, 90_000);

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('the console in a browser', () => {
  it('draws the network: 13 agents, all up, with the streams between them', async () => {
    await page.goto(`${consoleHandle.url}/#/network`);
    await expect.poll(() => page.locator('[data-agent]').count(), { timeout: 20_000 }).toBe(13);
    await expect.poll(() => page.locator('[data-agent][data-health="up"]').count(), { timeout: 30_000 }).toBe(13);
    const names = await page.locator('[data-agent]').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')).sort());
    expect(names).toEqual([...net.agents].sort());
    expect(await page.locator('[data-stream="wa.inbound"]').count()).toBe(1);
    expect(await page.locator('[data-edge="kami>wa.inbound"]').count()).toBe(1);
    expect(await page.locator('[data-edge="intent.classified>box"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('live').textContent()).toBe('live');
    await shot('network');
  });

  it('shows garbage written to a stream under dead letters; retry sends it back to its group, drop deletes it', async () => {
    // Two entries no Hive producer would write, straight into a stream archivist reads.
    const key = net.keys.stream('note.saved');
    await net.driver.call(['XADD', key, '*', 'hello', 'world']);
    await net.driver.call(['XADD', key, '*', 'type', 'note.saved', 'data', '{not json']);

    await page.goto(`${consoleHandle.url}/#/dead-letters`);
    await page.locator('[data-dlq-stream="note.saved"]').click({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-dead-letter]').count(), { timeout: 15_000 }).toBe(2);
    const ids = await page.locator('[data-dead-letter]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-dead-letter')!));
    await shot('dead-letters');

    // Retry the first, from its own page.
    await page.locator(`[data-dead-letter="${ids[0]}"] a`).click();
    await expect(page.getByTestId('payload').textContent()).resolves.toContain('"hello": "world"');
    await shot('dead-letter');
    await page.getByTestId('retry').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Retried 1 dead letter \(back to archivist only\)/);
    // archivist got it again (and only archivist reads this stream), and dead-lettered it again: one retry on record.
    expect(await getDeadLetter(net.driver, net.keys, 'note.saved', ids[0]!)).toBeUndefined();
    await expect.poll(async () => (await listDeadLetters(net.driver, net.keys, 'note.saved')).map((d) => d.retries).sort(), { timeout: 15_000 }).toEqual([0, 1]);

    // Drop the second, from the list.
    await page.goto(`${consoleHandle.url}/#/dead-letters/note.saved`);
    await page.locator(`[data-dead-letter="${ids[1]}"] input[type=checkbox]`).check();
    await page.getByTestId('drop').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Dropped 1 dead letter/);
    expect(await getDeadLetter(net.driver, net.keys, 'note.saved', ids[1]!)).toBeUndefined();
    await expect.poll(() => page.locator('[data-dead-letter]').count(), { timeout: 10_000 }).toBe(1);

    const audit = logged.lines.filter((l) => String(l.action ?? '').startsWith('dlq.')).map((l) => [l.action, l.ids]);
    expect(audit).toEqual([
      ['dlq.retry', [ids[0]]],
      ['dlq.drop', [ids[1]]],
    ]);
  }, 120_000);

  it('traces a message sent as `hive say` sends it through every hop', async () => {
    const sent = await net.send('I had 2 eggs and toast', USER);
    expect(sent.status).toBe('published');
    const replies = await net.replies(sent.chatId, sent.cursor, 1, 20_000);
    expect(replies[0]?.text).toMatch(/2 eggs/);
    // Every hop the bus has for it, as `hive trace` finds them; the page must show each.
    let expected = await traceConversation(net.driver, net.keys, sent.messageId);
    for (let i = 0; i < 40 && !expected.hops.some((h) => h.stream === 'wa.outbound'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      expected = await traceConversation(net.driver, net.keys, sent.messageId);
    }
    const streams = expected.hops.map((h) => h.stream);
    // intent.classified is split by intent: the hop names the shard of "nutrition".
    const shards = catalogue.partitioning('intent.classified')!.shards;
    const classified = shardStream('intent.classified', shardOf('nutrition', shards), shards);
    expect(streams).toEqual(expect.arrayContaining(['wa.inbound', classified, 'nutrition.logged', 'wa.outbound']));

    await page.goto(`${consoleHandle.url}/#/trace/${encodeURIComponent(sent.messageId)}`);
    await expect.poll(() => page.locator('[data-testid="timeline"] li').count(), { timeout: 20_000 }).toBe(expected.hops.length);
    const shown = await page.locator('[data-testid="timeline"] li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-hop-stream'), li.getAttribute('data-hop-src')]));
    expect(shown).toEqual(expected.hops.map((h) => [h.stream, h.src]));
    expect(shown).toEqual(expect.arrayContaining([['wa.inbound', 'kami'], [classified, 'iris'], ['wa.outbound', 'box']]));
    await expect(page.getByTestId('trace-summary').textContent()).resolves.toMatch(new RegExp(`^${expected.hops.length} hops over`));
    await shot('trace');

    // Found by words too, and the result leads to the same trace.
    await page.goto(`${consoleHandle.url}/#/trace`);
    await page.getByTestId('trace-mode').selectOption('text');
    await page.getByTestId('trace-input').fill('eggs and toast');
    await page.getByTestId('trace-go').click();
    await expect.poll(() => page.locator('[data-testid="found"] tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('chats with the network and gets a reply', async () => {
    await page.goto(`${consoleHandle.url}/#/chat`);
    await page.getByTestId('chat-input').fill('help');
    await page.getByTestId('chat-send').click();
    await expect.poll(() => page.locator('.bubble[data-from="me"]').count()).toBe(1);
    await expect.poll(() => page.locator('.bubble[data-from="hive"]').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/box/));
    await shot('chat');
  });

  it('shows the streams and the agents', async () => {
    await page.goto(`${consoleHandle.url}/#/streams`);
    await expect.poll(() => page.locator('[data-stream-row]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    await shot('streams');
    await page.goto(`${consoleHandle.url}/#/streams/wa.inbound`);
    await expect.poll(() => page.locator('[data-testid="entries"] tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.goto(`${consoleHandle.url}/#/agents`);
    await expect.poll(() => page.locator('[data-agent-card]').count()).toBe(13);
    await shot('agents');
  });

  it('left the browser console without errors', () => {
    expect(browserErrors).toEqual([]);
  });
});
