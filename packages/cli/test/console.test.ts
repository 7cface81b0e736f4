/** `hive console`: serves the console against the CLI's Redis until interrupted; refuses a public bind without a token. */
import { describe, expect, it } from 'vitest';
import { hive, randomPrefix, useRedis } from './helpers.js';

const redis = useRedis();

describe('console', () => {
  it('serves the console on the port asked for, with the CLI\'s prefix, until Ctrl-C (exit 0)', async () => {
    const prefix = randomPrefix();
    const stop = new AbortController();
    let resolveUrl!: (url: string) => void;
    const url = new Promise<string>((r) => (resolveUrl = r));
    const run = hive(['console', '--port', '0', '--read-only'], {
      url: redis().url,
      prefix,
      env: { KAMI_URL: 'http://127.0.0.1:9' },
      signal: stop.signal,
      onStdout: (s) => {
        const m = /Hive console: (http:\/\/\S+)/.exec(s);
        if (m) resolveUrl(m[1]!);
      },
    });
    const base = await url;
    const session = (await (await fetch(`${base}/api/session`)).json()) as { readOnly: boolean; prefix: string };
    expect(session).toMatchObject({ readOnly: true, prefix });
    expect((await fetch(`${base}/`)).headers.get('content-type')).toContain('text/html');
    stop.abort();
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(read-only)');
    await expect(fetch(`${base}/api/session`)).rejects.toThrow();
  });

  it('refuses to listen beyond the loopback interface without HIVE_CONSOLE_TOKEN (usage error, exit 2)', async () => {
    const r = await hive(['console', '--host', '0.0.0.0', '--port', '0'], { url: redis().url, env: { HIVE_CONSOLE_TOKEN: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/without a token: set HIVE_CONSOLE_TOKEN/);
  });
});
