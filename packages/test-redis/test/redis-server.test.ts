import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, randomPrefix, startRedis } from '../src/index.js';

/** Send one inline command and read one reply line (enough for these checks; no client library). */
function send(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    let buf = '';
    sock.on('error', reject);
    sock.on('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      const end = buf.startsWith('$') && !buf.startsWith('$-1') ? buf.indexOf('\r\n', buf.indexOf('\r\n') + 2) : buf.indexOf('\r\n');
      if (end >= 0) {
        sock.destroy();
        resolve(buf.slice(0, end));
      }
    });
  });
}

describe('startRedis', () => {
  it('runs a real redis-server on a free loopback port and stops it by PID', async () => {
    const s = await startRedis();
    expect(s.url).toBe(`redis://127.0.0.1:${s.port}`);
    expect(s.pid).toBeGreaterThan(0);
    expect(await send(s.port, 'PING')).toBe('+PONG');
    await s.stop();
    expect(s.pid).toBeUndefined();
    await expect(send(s.port, 'PING')).rejects.toThrow();
  });

  it('kill9 + restart on the same port and dir keeps what AOF (appendfsync always) wrote', async () => {
    const s = await startRedis({ aof: true, appendfsync: 'always' });
    try {
      expect(await send(s.port, 'SET k v1')).toBe('+OK');
      const pid = s.pid;
      await s.kill9();
      await expect(send(s.port, 'PING')).rejects.toThrow();
      await s.restart();
      expect(s.pid).not.toBe(pid);
      expect(await send(s.port, 'GET k')).toBe('$2\r\nv1');
    } finally {
      await s.stop();
    }
  });

  it('without AOF a restart starts empty', async () => {
    const s = await startRedis({ aof: false });
    try {
      await send(s.port, 'SET k v1');
      await s.restart();
      expect(await send(s.port, 'GET k')).toBe('$-1');
    } finally {
      await s.stop();
    }
  });

  it('gives distinct prefixes and free ports', async () => {
    expect(randomPrefix()).not.toBe(randomPrefix());
    expect(randomPrefix('x')).toMatch(/^x[0-9a-f]{8}:$/);
    expect(await freePort()).toBeGreaterThan(0);
  });
});
