/** No secret in a log line: a real pino logger writing to a stream, fed every shape a secret comes in. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRedactingLogger, sanitizeText, sanitizeUrl } from '../src/redacting-logger.js';

const REDIS_PASSWORD = 'hunter2-redis-Pa55';
const API_KEY = 'sk-live-0123456789abcdef';
const BASE_PASSWORD = 'llm-basic-auth-pw';
const QUERY_KEY = 'azure-query-key-777';
const SECRETS = [REDIS_PASSWORD, API_KEY, BASE_PASSWORD, QUERY_KEY, 'console-token-abcdef0123', 'sim-token-9876543210'];

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('sanitizeUrl', () => {
  it('hides the password, query values and fragment; keeps scheme, user, host and path', () => {
    expect(sanitizeUrl(`redis://kami:${REDIS_PASSWORD}@10.0.0.2:6379/0`)).toBe('redis://kami:***@10.0.0.2:6379/0');
    expect(sanitizeUrl(`https://bob:${BASE_PASSWORD}@llm.example/v1?api-key=${QUERY_KEY}&x=1#frag`)).toBe('https://bob:***@llm.example/v1?api-key=***&x=***#***');
    expect(sanitizeUrl('http://127.0.0.1:7780')).toBe('http://127.0.0.1:7780');
    expect(sanitizeUrl(`rediss://:${REDIS_PASSWORD}@[::1]:6380`)).toBe('rediss://:***@[::1]:6380');
    expect(sanitizeUrl('not a url')).toBe('not a url');
  });

  it('finds URLs inside text', () => {
    expect(sanitizeText(`cannot connect to redis://kami:${REDIS_PASSWORD}@db:6379 (ECONNREFUSED)`)).toBe('cannot connect to redis://kami:***@db:6379 (ECONNREFUSED)');
  });
});

describe('createRedactingLogger', () => {
  it('writes no secret, whatever field, depth, error or message text it is in', () => {
    const { lines, stream } = capture();
    const log = createRedactingLogger({ agent: 'vox' }, 'debug', stream);
    log.info({ REDIS_URL: `redis://vox:${REDIS_PASSWORD}@127.0.0.1:6379`, OPENAI_BASE_URL: `https://bob:${BASE_PASSWORD}@llm.example/v1?api-key=${QUERY_KEY}` }, 'config');
    log.info({ baseURL: `https://llm.example/v1?key=${QUERY_KEY}`, model: 'whisper-1' }, 'transcribing voice notes');
    log.warn({ apiKey: API_KEY, nested: { deeper: { OPENAI_API_KEY: API_KEY, password: REDIS_PASSWORD } } }, 'keys');
    log.error({ err: new Error(`connect failed: redis://vox:${REDIS_PASSWORD}@db:6379`) }, 'redis down');
    log.info({ headers: { authorization: 'Bearer console-token-abcdef0123' }, list: [`redis://a:${REDIS_PASSWORD}@h`] }, 'request');
    log.child({ component: 'console' }).info({ token: 'sim-token-9876543210', tokenSet: true }, `listening at https://x:${BASE_PASSWORD}@host/?token=sim-token-9876543210`);
    log.info({ url: 'http://127.0.0.1:7777', address: 'http://127.0.0.1:7780' }, 'plain URLs stay readable');
    expect(lines).toHaveLength(7);
    const all = lines.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed[0]!.REDIS_URL).toBe('redis://vox:***@127.0.0.1:6379');
    expect(parsed[0]!.OPENAI_BASE_URL).toBe('https://bob:***@llm.example/v1?api-key=***');
    expect(parsed[1]!.baseURL).toBe('https://llm.example/v1?key=***');
    expect(parsed[2]!.apiKey).toBe('[redacted]');
    expect(parsed[2]!.nested.deeper).toEqual({ OPENAI_API_KEY: '[redacted]', password: '[redacted]' });
    expect(parsed[3]!.err.message).toBe('connect failed: redis://vox:***@db:6379');
    expect(parsed[4]!.headers.authorization).toBe('[redacted]');
    expect(parsed[5]).toMatchObject({ component: 'console', token: '[redacted]', tokenSet: true, msg: 'listening at https://x:***@host/?token=***' });
    expect(parsed[6]).toMatchObject({ url: 'http://127.0.0.1:7777', address: 'http://127.0.0.1:7780', agent: 'vox' });
  });

  it('writes no secret from a child logger\'s bindings, a class instance or a URL object', () => {
    const { lines, stream } = capture();
    const log = createRedactingLogger({ agent: 'kami' }, 'debug', stream);
    class Settings {
      readonly host = 'db';
      readonly password = REDIS_PASSWORD;
      readonly inner = { apiKey: API_KEY };
    }
    log.child({ redisUrl: `redis://kami:${REDIS_PASSWORD}@db:6379`, token: 'sim-token-9876543210', part: 'ingress' }).info('child');
    log.child({ nested: { authorization: 'Bearer console-token-abcdef0123' } }).child({ corr: 'c1' }).warn('grandchild');
    log.info({ settings: new Settings() }, 'instance');
    log.info({ target: new URL(`https://bob:${BASE_PASSWORD}@llm.example/v1?api-key=${QUERY_KEY}`), at: new Date(0) }, 'url object');
    expect(lines).toHaveLength(4);
    const all = lines.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed[0]).toMatchObject({ agent: 'kami', redisUrl: 'redis://kami:***@db:6379', token: '[redacted]', part: 'ingress', msg: 'child' });
    expect(parsed[1]).toMatchObject({ nested: { authorization: '[redacted]' }, corr: 'c1' });
    expect(parsed[2]!.settings).toEqual({ host: 'db', password: '[redacted]', inner: { apiKey: '[redacted]' } });
    expect(parsed[3]).toMatchObject({ target: 'https://bob:***@llm.example/v1?api-key=***', at: '1970-01-01T00:00:00.000Z' });
  });
});
