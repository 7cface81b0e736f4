/**
 * Who may use the console: loopback only without a token (and only under loopback host names), a
 * token for anything else, CSRF on every POST, and nothing changes in read-only mode.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createConsole, ConsoleError, type ConsoleHandle } from '../src/index.js';
import { capturingLogger, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();
const consoles: ConsoleHandle[] = [];
afterAll(async () => {
  await Promise.all(consoles.map((c) => c.close()));
});

const TOKEN = 'a-token-of-at-least-sixteen-characters';

async function start(opts: Parameters<typeof createConsole>[0] = {}): Promise<ConsoleHandle> {
  const c = await createConsole({ driver: redis().driver, prefix: randomPrefix(), port: 0, kamiUrl: null, logger: capturingLogger().log, ...opts });
  consoles.push(c);
  return c;
}

/** A GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const csrfOf = async (base: string, init: RequestInit = {}) => ((await (await fetch(`${base}/api/session`, init)).json()) as { csrfToken: string }).csrfToken;

describe('binding', () => {
  it('listens on 127.0.0.1 by default', async () => {
    const c = await start();
    expect(c.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses any other bind without a token, saying what to set', async () => {
    await expect(createConsole({ driver: redis().driver, host: '0.0.0.0', port: 0 })).rejects.toThrow(ConsoleError);
    await expect(createConsole({ driver: redis().driver, host: '0.0.0.0', port: 0 })).rejects.toThrow(/without a token: set HIVE_CONSOLE_TOKEN/);
  });

  it('refuses a short token', async () => {
    await expect(createConsole({ driver: redis().driver, token: 'short', port: 0 })).rejects.toThrow(/use at least 16/);
  });

  it('says when the port is taken', async () => {
    const c = await start();
    await expect(createConsole({ driver: redis().driver, port: c.port })).rejects.toMatchObject({ code: 'CONSOLE_PORT_IN_USE' });
  });

  it('without a token, answers only to loopback host names (no DNS rebinding)', async () => {
    const c = await start();
    const port = c.port;
    expect((await fetch(`${c.url}/api/session`)).status).toBe(200);
    expect((await fetch(`http://localhost:${port}/api/session`)).status).toBe(200);
    expect(await getWithHost(`${c.url}/api/session`, `attacker.example:${port}`)).toBe(421);
    expect(await getWithHost(`${c.url}/`, `attacker.example:${port}`)).toBe(421);
  });
});

describe('token', () => {
  it('is required for every page and API call, by bearer or by the cookie /?token= sets', async () => {
    const c = await start({ host: '0.0.0.0', token: TOKEN });
    const base = `http://127.0.0.1:${c.port}`;
    expect((await fetch(`${base}/api/session`)).status).toBe(401);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/api/session`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${base}/api/session`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);

    const login = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${base}/api/session`, { headers: { cookie: session } })).status).toBe(200);
    // Behind a token, any Host is fine (it is meant to be reached by name).
    expect(await getWithHost(`${base}/api/session`, 'console.example.org', { cookie: session })).toBe(200);
  });
});

describe('changes', () => {
  it('need the CSRF token and a same-origin request', async () => {
    const c = await start();
    const csrf = await csrfOf(c.url);
    const post = (headers: Record<string, string>) =>
      fetch(`${c.url}/api/dead-letters/orders/drop`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ids: ['1-0'] }) });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'guess' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf, origin: 'http://attacker.example' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const ok = await post({ 'x-csrf-token': csrf, origin: c.url, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ outcomes: [{ id: '1-0', status: 'missing' }] });
  });

  it('are all refused by a read-only console, CSRF token or not', async () => {
    const c = await start({ readOnly: true });
    const csrf = await csrfOf(c.url);
    expect(await (await fetch(`${c.url}/api/session`)).json()).toMatchObject({ readOnly: true });
    for (const path of ['/api/dead-letters/orders/retry', '/api/dead-letters/orders/drop', '/api/chat']) {
      const r = await fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ ids: ['1-0'], text: 'hi' }) });
      expect(r.status, path).toBe(403);
      expect(((await r.json()) as { error: string }).error).toMatch(/read-only/);
    }
  });

  it('come with headers that keep the page to its own scripts and out of frames', async () => {
    const c = await start();
    const r = await fetch(`${c.url}/`);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });
});
