/** The chat page's calls to kami's simulator carry KAMI_SIM_TOKEN when it is set (a simulator beyond loopback wants it). */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleOptionsFromEnv } from '../src/env.js';
import { createConsole, type ConsoleHandle } from '../src/index.js';
import { capturingLogger, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

describe('chat → kami simulator token', () => {
  it('reads KAMI_SIM_TOKEN and sends it as a Bearer header', async () => {
    expect(consoleOptionsFromEnv({ KAMI_SIM_TOKEN: 'sim-token-0123456789' }).kamiToken).toBe('sim-token-0123456789');
    const seen: IncomingHttpHeaders[] = [];
    const fakeKami = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ mode: 'simulator', state: 'ready', owner: '15555550100@c.us' }));
    });
    await new Promise<void>((r) => fakeKami.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => fakeKami.close(() => r())));
    const kamiUrl = `http://127.0.0.1:${(fakeKami.address() as AddressInfo).port}`;
    const c: ConsoleHandle = await createConsole({ driver: redis().driver, prefix: randomPrefix(), port: 0, kamiUrl, kamiToken: 'sim-token-0123456789', logger: capturingLogger().log });
    closers.push(() => c.close());
    const res = await fetch(`${c.url}/api/chat`);
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.authorization).toBe('Bearer sim-token-0123456789');
  });
});
