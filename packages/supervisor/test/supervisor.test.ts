import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startRedis } from '@hive/test-redis';
import { ensureRedis, formatLogLine, pingRedis, RedisUnavailableError, Supervisor } from '../src/index.js';

const node = (code: string) => ({ command: process.execPath, args: ['-e', code] });

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d.toString()));
  return { out, text: () => text };
}

describe('Supervisor', () => {
  it('prefixes each process output and restarts a crashed process with growing backoff', async () => {
    const { out, text } = capture();
    const sup = new Supervisor(
      [
        { name: 'steady', ...node('console.log("up"); setInterval(() => {}, 1000)') },
        { name: 'crashy', ...node('console.log("boom"); process.exit(3)') },
      ],
      { out, colour: false, restartBaseMs: 50, restartMaxMs: 1_000 },
    );
    const delays: number[] = [];
    sup.on('restart', (name: string, delay: number) => name === 'crashy' && delays.push(delay));
    sup.start();
    await new Promise<void>((resolve) => {
      const t = setInterval(() => delays.length >= 3 && (clearInterval(t), resolve()), 20);
    });
    await sup.stop();
    expect(delays.slice(0, 3)).toEqual([50, 100, 200]);
    expect(text()).toMatch(/^steady │ up$/m);
    expect(text()).toMatch(/^crashy │ exited \(code 3\); restarting in 50 ms$/m);
    expect(sup.states().every((s) => !s.running)).toBe(true);
  });

  it('stop() SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const { out, text } = capture();
    const sup = new Supervisor([{ name: 'stubborn', ...node('process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)') }], {
      out,
      colour: false,
      graceMs: 300,
    });
    const exits: (string | null)[] = [];
    sup.on('exit', (_n: string, _c: number | null, signal: string | null) => exits.push(signal));
    sup.start();
    await new Promise<void>((resolve) => {
      const t = setInterval(() => text().includes('ready') && (clearInterval(t), resolve()), 20);
    });
    await sup.stop();
    expect(exits).toEqual(['SIGKILL']);
    expect(text()).toContain('did not stop within 300 ms; killing');
  });

  it('stop() says which process did not stop gracefully (its stop failed), not one that ended on the SIGTERM or exited 0', async () => {
    const { out, text } = capture();
    const sup = new Supervisor(
      [
        { name: 'fine', ...node('process.on("SIGTERM", () => process.exit(0)); console.log("up"); setInterval(() => {}, 1000)') },
        { name: 'plain', ...node('console.log("up"); setInterval(() => {}, 1000)') },
        { name: 'failing', ...node('process.on("SIGTERM", () => process.exit(1)); console.log("up"); setInterval(() => {}, 1000)') },
      ],
      { out, colour: false, graceMs: 5_000 },
    );
    const exits: Record<string, string> = {};
    sup.on('exit', (name: string, code: number | null, signal: string | null) => (exits[name] = signal ?? `code ${code}`));
    sup.start();
    await new Promise<void>((resolve) => {
      const t = setInterval(() => (text().match(/│ up$/gm) ?? []).length === 3 && (clearInterval(t), resolve()), 20);
    });
    await sup.stop();
    expect(exits).toEqual({ fine: 'code 0', plain: 'SIGTERM', failing: 'code 1' });
    expect(text()).toMatch(/^failing │ exited \(code 1\) while stopping, not gracefully$/m);
    expect(text()).not.toMatch(/^(fine|plain) +│ exited/m);
  });

  it('formats pino lines and passes other lines through', () => {
    expect(formatLogLine('{"level":30,"time":1,"msg":"hello","corr":"c1"}')).toBe('info  hello  corr=c1');
    expect(formatLogLine('plain text')).toBe('plain text');
  });
});

describe('ensureRedis', () => {
  it('uses REDIS_URL when it answers, and says what to do when it does not', async () => {
    const server = await startRedis();
    try {
      const h = await ensureRedis({ url: server.url, dataDir: server.dir });
      expect(h).toMatchObject({ url: server.url, owned: false });
      await expect(ensureRedis({ url: 'redis://127.0.0.1:1', dataDir: server.dir })).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await server.stop();
    }
  });

  it('starts its own redis-server with AOF when none is configured, and stops it', async () => {
    const { mkdtempSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { freePort } = await import('@hive/test-redis');
    const dir = mkdtempSync(join(tmpdir(), 'hive-start-'));
    const port = await freePort();
    const h = await ensureRedis({ dataDir: dir, port });
    try {
      expect(h.owned).toBe(true);
      expect(await pingRedis(h.url)).toBe(true);
      expect(existsSync(join(dir, 'redis'))).toBe(true);
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await pingRedis(h.url, 300)).toBe(false);
  });
});
