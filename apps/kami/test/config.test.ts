import { join, resolve } from 'node:path';
import { EnvConfigError, parseEnv } from '@hive/agent';
import { describe, expect, it } from 'vitest';
import { kamiConfigSchema, resolveConfig, SIM_DEFAULT_OWNER } from '../src/config.js';

const parse = (env: Record<string, string>) => resolveConfig(parseEnv('kami', env, kamiConfigSchema).config);

describe('kami configuration', () => {
  it('defaults to the simulator on 127.0.0.1:7777, open to everyone, with a fictional owner', () => {
    const c = parse({});
    expect(c).toMatchObject({
      mode: 'simulator',
      allowList: { kind: 'everyone' },
      ownerChatId: SIM_DEFAULT_OWNER,
      simulator: { host: '127.0.0.1', port: 7777 },
      rateLimit: { perMinute: 20, burst: 5, maxWaitMs: 15_000 },
      chromiumPath: '/usr/bin/chromium',
      dataDir: join(resolve('.data'), 'kami'),
    });
  });

  it('on WhatsApp, answers the owner only unless told otherwise', () => {
    const c = parse({ WHATSAPP_ENABLED: '1', WHATSAPP_OWNER: '+49 170 1234567', HIVE_DATA_DIR: '/srv/hive', CHROMIUM_PATH: '/usr/bin/chromium-browser' });
    expect(c).toMatchObject({ mode: 'whatsapp', ownerChatId: '491701234567@c.us', dataDir: '/srv/hive/kami', chromiumPath: '/usr/bin/chromium-browser' });
    expect(c.allowList).toEqual({ kind: 'only', chatIds: new Set(['491701234567@c.us']) });
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      parse({ WHATSAPP_ENABLED: 'maybe', KAMI_SIM_PORT: 'http', KAMI_RATE_BURST: '0', WHATSAPP_OWNER: 'me' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvConfigError);
    expect((err as EnvConfigError).problems.map((p) => p.variable).sort()).toEqual(['KAMI_RATE_BURST', 'KAMI_SIM_PORT', 'WHATSAPP_ENABLED', 'WHATSAPP_OWNER']);
  });

  it('refuses WhatsApp with nobody to answer, naming WHATSAPP_OWNER', () => {
    expect(() => parse({ WHATSAPP_ENABLED: '1' })).toThrow(/WHATSAPP_OWNER: is required but not set/);
  });

  it('names a bad allow-list entry', () => {
    expect(() => parse({ WHATSAPP_ENABLED: '1', WHATSAPP_OWNER: '491701234567', WHATSAPP_ALLOWED: '447700900123,bob' })).toThrow(/WHATSAPP_ALLOWED: "bob" is not a phone number/);
  });
});
