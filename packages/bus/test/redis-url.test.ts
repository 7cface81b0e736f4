/** Where Redis is, from one URL: one server, a cluster, a Sentinel-managed master; and what a bad URL says. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createDriver, DRIVER_KINDS } from '../src/index.js';
import { commandKey } from '../src/drivers/command-key.js';
import { parseRedisUrl, redactUrl, redisUrlUser } from '../src/drivers/url.js';

describe('parseRedisUrl', () => {
  it('reads a cluster\'s nodes and a Sentinel group\'s sentinels, master name and credentials', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379', tls: false });
    expect(parseRedisUrl('redis+cluster://h1:7000,h2:7001')).toEqual({ kind: 'cluster', nodes: [{ host: 'h1', port: 7000 }, { host: 'h2', port: 7001 }], tls: false });
    expect(parseRedisUrl('rediss+sentinel://box:s%40cret@h1:26379,h2/mymaster/2')).toEqual({
      kind: 'sentinel', sentinels: [{ host: 'h1', port: 26379 }, { host: 'h2', port: 6379 }], name: 'mymaster', db: 2, username: 'box', password: 's@cret', tls: true,
    });
    expect(parseRedisUrl('redis+cluster://[::1]:7000').kind).toBe('cluster');
  });

  it('says what is wrong with a bad URL, never showing its password', () => {
    const bad: [string, RegExp][] = [
      ['http://x', /must start with redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or redis\+sentinel:\/\//],
      ['redis+cluster://', /names no host/],
      ['redis+cluster://h1:99999', /"h1:99999" is not host:port/],
      ['redis+cluster://h1:7000/3', /a cluster has only database 0/],
      ['redis+sentinel://u:hunter2@h1:26379', /names no master/],
      ['redis+sentinel://h1:26379/mymaster/x', /only a database number may follow/],
      ['redis+mesh://h1', /must start with/],
    ];
    for (const [url, why] of bad) {
      const err = (() => {
        try {
          parseRedisUrl(url);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, url).toBeInstanceOf(ConfigError);
      expect((err as Error).message, url).toMatch(why);
      expect((err as Error).message).not.toContain('hunter2');
    }
    for (const kind of DRIVER_KINDS) expect(() => createDriver(kind, { url: 'redis+sentinel://h1:26379' })).toThrow(/names no master/);
    expect(redactUrl('redis+sentinel://u:hunter2@h1/m')).toBe('redis+sentinel://u:***@h1/m');
  });
});

describe('commandKey', () => {
  it('routes each command the bus sends by the key it touches, and server commands by none', () => {
    expect(commandKey(['XADD', 'hive:s:{a}', '*', 'f', 'v'])).toBe('hive:s:{a}');
    expect(commandKey(['XREADGROUP', 'GROUP', 'streams', 'c', 'COUNT', 1, 'STREAMS', 'hive:s:{a}', '>'])).toBe('hive:s:{a}');
    expect(commandKey(['XREAD', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'k1', 'k2', '$', '$'])).toBe('k1');
    expect(commandKey(['EVALSHA', 'abc', 2, 'k1', 'k2', 'arg'])).toBe('k1');
    expect(commandKey(['EVAL', 'return 1', 0])).toBeUndefined();
    expect(commandKey(['XINFO', 'GROUPS', 'hive:s:{a}'])).toBe('hive:s:{a}');
    expect(commandKey(['XGROUP', 'CREATE', 'hive:s:{a}', 'g', '$', 'MKSTREAM'])).toBe('hive:s:{a}');
    for (const c of ['PING', 'INFO', 'SCAN', 'WAIT', 'CLIENT']) expect(commandKey([c, '0'])).toBeUndefined();
  });
});

describe('redisUrlUser', () => {
  it('names the ACL user of a URL, "" for the default user', () => {
    expect(redisUrlUser('redis://box:pw@h:6379')).toBe('box');
    expect(redisUrlUser('redis+sentinel://box:pw@h1,h2/m')).toBe('box');
    expect(redisUrlUser('redis://:pw@h:6379')).toBe('');
    expect(redisUrlUser('redis://h:6379')).toBe('');
  });
});
