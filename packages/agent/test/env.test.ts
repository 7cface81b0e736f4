import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvConfigError, parseEnv, startAgent } from '../src/index.js';
import { needsConfig } from './fixtures/agents.js';

describe('configuration from the environment', () => {
  it('fills defaults for every shared variable', () => {
    const { hive } = parseEnv('a', {});
    expect(hive).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      HIVE_PREFIX: 'hive:',
      HIVE_DRIVER: 'node-redis',
      HIVE_INSTANCE: '0',
      HIVE_LOG_LEVEL: 'info',
      HIVE_HTTP_PORT: 0,
      HIVE_HTTP_HOST: '127.0.0.1',
      OPENAI_MODEL: 'gpt-4o-mini',
      OPENAI_TIMEOUT_MS: 20_000,
      OPENAI_MAX_RETRIES: 2,
      OPENAI_DEADLINE_MS: 5_000,
      OPENAI_GENERATE_DEADLINE_MS: 30_000,
      OPENAI_BREAKER_FAILURES: 3,
      OPENAI_BREAKER_OPEN_MS: 30_000,
    });
  });

  it('refuses a model deadline below 100 ms or a breaker that opens after 0 failures', () => {
    expect(() => parseEnv('a', { OPENAI_DEADLINE_MS: '50', OPENAI_BREAKER_FAILURES: '0' })).toThrow(
      /OPENAI_DEADLINE_MS: must be a whole number from 100 to 600000 \(got "50"\)\n {2}OPENAI_BREAKER_FAILURES: must be a whole number from 1 to 1000/,
    );
  });

  it('parses given values, treating empty ones as unset', () => {
    const { hive } = parseEnv('a', { HIVE_HTTP_PORT: '8081', OPENAI_API_KEY: '', OPENAI_BASE_URL: 'http://localhost:11434/v1', HIVE_DRIVER: 'node-redis' });
    expect(hive.HIVE_HTTP_PORT).toBe(8081);
    expect(hive.OPENAI_API_KEY).toBeUndefined();
    expect(hive.OPENAI_BASE_URL).toBe('http://localhost:11434/v1');
    expect(hive.HIVE_DRIVER).toBe('node-redis');
  });

  it('names every malformed variable at once and says what is wrong', () => {
    let error: unknown;
    try {
      parseEnv('box', { HIVE_HTTP_PORT: 'eighty', REDIS_URL: 'http://x', HIVE_DRIVER: 'jedis', OPENAI_TIMEOUT_MS: '-5', HIVE_PREFIX: 'hive' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvConfigError);
    const e = error as EnvConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.problems.map((p) => p.variable).sort()).toEqual(['HIVE_DRIVER', 'HIVE_HTTP_PORT', 'HIVE_PREFIX', 'OPENAI_TIMEOUT_MS', 'REDIS_URL']);
    expect(e.message).toContain('invalid configuration for agent "box":');
    expect(e.message).toContain('HIVE_HTTP_PORT: must be a whole number from 0 to 65535 (got "eighty")');
    expect(e.message).toContain('REDIS_URL: must be a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL (got "http://x")');
    expect(e.message).toContain('HIVE_DRIVER: must be "ioredis" or "node-redis" (got "jedis")');
  });

  it("reports the agent's own missing and malformed variables, never echoing a secret", () => {
    const schema = z.object({ BOX_LIMIT: z.coerce.number().int().positive(), BOX_API_TOKEN: z.string().min(20), BOX_NAME: z.string() });
    let error: EnvConfigError | undefined;
    try {
      parseEnv('box', { BOX_LIMIT: 'lots', BOX_API_TOKEN: 'short-secret' }, schema);
    } catch (err) {
      error = err as EnvConfigError;
    }
    expect(error?.problems).toEqual([
      { variable: 'BOX_LIMIT', message: expect.stringMatching(/\(got "lots"\)$/) },
      { variable: 'BOX_API_TOKEN', message: expect.stringMatching(/\(got \[redacted\]\)$/) },
      { variable: 'BOX_NAME', message: 'is required but not set' },
    ]);
    expect(error?.message).not.toContain('short-secret');
  });

  it('redacts the password of a Redis URL in the message', () => {
    expect(() => parseEnv('a', { REDIS_URL: 'redis://user:hunter2@host:6379 x' })).toThrow(/REDIS_URL/);
    try {
      parseEnv('a', { REDIS_URL: 'redis://user:hunter2@host:6379 x' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('startAgent fails with the variable names before touching Redis', async () => {
    await expect(startAgent(needsConfig, { env: { REDIS_URL: 'redis://127.0.0.1:1', NEEDS_LIMIT: '0' } })).rejects.toThrow(
      /NEEDS_LIMIT: .*\(got "0"\)\n\s+NEEDS_TOKEN: is required but not set/,
    );
  });
});
