/**
 * The deployment files (docker-compose.yml, Dockerfile, infra/) against what they claim:
 *   - docker-compose.yml is what infra/gen-compose.ts makes from the agents in apps/ (stale = fail);
 *   - infra/validate.sh (cloud-init schema, systemd-analyze verify, shellcheck, dclint, Dockerfile
 *     lint) passes, each check run when its tool is installed and reported as skipped otherwise;
 *   - a real redis-server started with infra/redis/redis.conf has AOF everysec, the RDB preamble,
 *     noeviction, loopback only, and the generated ACL file;
 *   - infra/backup.sh backs that Redis's AOF and an agent's SQLite database up (as the backup user),
 *     encrypted with age (no plain byte of either in the backup), rotates, and infra/restore.sh
 *     decrypts both back into empty directories with the private key, refusing a wrong key and a
 *     damaged backup; backup.sh never deletes off-site; infra/alert.sh's ops.alert fits its contract.
 * (No Docker engine here: the image is not built, and compose is checked by dclint's schema only.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDriver, type RedisDriver } from '@hive/bus';
import { catalogue as hiveCatalogue, deriveTopology } from '@hive/contracts';
import { DEFAULT_NODE_FLAGS } from '@hive/supervisor';
import { freePort } from '@hive/test-redis';
import { agentNames, COMPOSE_FILE, renderCompose, ROOT } from '../../../infra/gen-compose.js';
import { aclFile, aclUsers, loadDefinitions, newPassword, passwordVar } from '../src/commands/acl.js';
import { waitUntil } from './helpers.js';

/** True when the bytes are gzip that inflates: plain data, not ciphertext. */
const gunzipOrNothing = (bytes: Buffer): boolean => {
  try {
    gunzipSync(bytes);
    return true;
  } catch {
    return false;
  }
};

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('docker-compose.yml', () => {
  it('is generated from the agents in apps/ (run `node --conditions=@hive/source --import tsx infra/gen-compose.ts` when this fails)', () => {
    expect(readFileSync(COMPOSE_FILE, 'utf8')).toBe(renderCompose(agentNames()));
  });

  it('runs every agent from the one image, as its own ACL user, after Redis is healthy, with its own data volume', () => {
    const compose = readFileSync(COMPOSE_FILE, 'utf8');
    for (const name of agentNames()) {
      const block = compose.slice(compose.indexOf(`\n  ${name}:\n`), compose.indexOf('\n\n', compose.indexOf(`\n  ${name}:\n`) + 1));
      expect(block, name).toContain(`AGENT: "${name}"`);
      expect(block, name).toContain(`REDIS_URL: "redis://${name}:\${${passwordVar(name)}:?`);
      expect(block, name).toContain('HIVE_HTTP_HOST: "0.0.0.0"');
      expect(block, name).toContain('condition: service_healthy');
      expect(block, name).toContain(`- ${name}-data:/data/${name}`);
      expect(block, name).toContain('restart: unless-stopped');
    }
    expect(compose).toContain('./infra/acl/users.acl:/usr/local/etc/redis/users.acl:ro');
    expect(compose).toMatch(/test: \["CMD", "redis-cli", "ping"\]/);
  });

  it('an agent named like the Redis service is refused', () => {
    expect(() => renderCompose(['redis'])).toThrow(/redis/);
  });
});

it('the systemd units and the image start node with the supervisor\'s V8 flags', () => {
  const flags = DEFAULT_NODE_FLAGS.join(' ');
  const starts = [
    ...['hive-network.service', 'hive-agent@.service'].map((unit) => ({ file: `infra/systemd/${unit}`, lines: readFileSync(join(ROOT, 'infra', 'systemd', unit), 'utf8').split('\n').filter((l) => l.startsWith('ExecStart=')) })),
    { file: 'infra/docker-entrypoint.sh', lines: readFileSync(join(ROOT, 'infra', 'docker-entrypoint.sh'), 'utf8').split('\n').filter((l) => /exec node .*dist\//.test(l)) },
  ];
  for (const { file, lines } of starts) {
    expect(lines.length, file).toBeGreaterThan(0);
    for (const line of lines) expect(line, file).toContain(`node ${flags} `);
  }
  // Two of them: the host's and the one agent's start in the image.
  expect(starts[2]!.lines).toHaveLength(2);
});

it('infra/validate.sh: every check whose tool is installed passes', () => {
  const r = spawnSync('bash', [join(ROOT, 'infra', 'validate.sh')], { encoding: 'utf8', timeout: 400_000, env: { ...process.env } });
  // The lines say which checks ran and which were skipped for a missing tool (CI may lack some).
  console.log(`infra/validate.sh:\n${r.stdout}${r.stderr}`);
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^(ok|skip) {2,}cloud-init schema/m);
  expect(r.stdout).not.toMatch(/^FAIL/m);
}, 420_000);

// ---------------------------------------------------------------- Redis with the VPS config

interface ConfRedis {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** redis-server with infra/redis/redis.conf, only port, dir and ACL file overridden (never 6379). */
async function startWithConf(dir: string, aclPath: string, admin: string): Promise<ConfRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    [join(ROOT, 'infra', 'redis', 'redis.conf'), '--port', String(port), '--dir', dir, '--aclfile', aclPath, '--supervised', 'no', '--logfile', join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const probe = createDriver('ioredis', { url: `redis://admin:${admin}@127.0.0.1:${port}`, reconnect: false, connectTimeoutMs: 500 });
  await waitUntil(async () => probe.connect().then(() => true, () => false), 15_000, `redis-server with redis.conf on ${port}`);
  await probe.close();
  return {
    port,
    dir,
    async stop() {
      if (child.exitCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

describe('Redis with infra/redis/redis.conf', () => {
  const passwords = new Map<string, string>();
  let work: string;
  let aclPath: string;
  let redis: ConfRedis;
  let admin: RedisDriver;
  const url = (user: string) => `redis://${user}:${passwords.get(user)}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    const users = aclUsers(deriveTopology(await loadDefinitions()));
    for (const u of users) if (u.kind !== 'default') passwords.set(u.name, newPassword());
    work = mkdtempSync(join(tmpdir(), 'hive-deploy-'));
    aclPath = join(work, 'users.acl');
    writeFileSync(aclPath, aclFile(users, passwords));
    mkdirSync(join(work, 'redis'));
    redis = await startWithConf(join(work, 'redis'), aclPath, passwords.get('admin')!);
    admin = createDriver('ioredis', { url: url('admin') });
    await admin.connect();
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await redis?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('persists with AOF everysec and an RDB preamble, never evicts, listens on loopback, loads the ACL file', async () => {
    const config = async (name: string) => ((await admin.call(['CONFIG', 'GET', name])) as string[])[1];
    expect(await config('appendonly')).toBe('yes');
    expect(await config('appendfsync')).toBe('everysec');
    expect(await config('aof-use-rdb-preamble')).toBe('yes');
    expect(await config('maxmemory-policy')).toBe('noeviction');
    expect(Number(await config('maxmemory'))).toBe(512 * 1024 * 1024);
    expect(await config('protected-mode')).toBe('yes');
    expect(await config('bind')).toBe('127.0.0.1 -::1');
    expect(await config('save')).toBe('');
    expect(await config('aclfile')).toBe(aclPath);
    expect(existsSync(join(redis.dir, 'appendonlydir'))).toBe(true);
  });

  const tools = ['bash', 'redis-cli', 'sqlite3', 'tar', 'gzip', 'sha256sum', 'age', 'age-keygen'];
  const missing = tools.filter((t) => !has(t));
  if (missing.length > 0) console.log(`skipping the backup/restore test: ${missing.join(', ')} not installed`);

  it.skipIf(missing.length > 0)('infra/backup.sh backs up the AOF and the SQLite databases, rotates; infra/restore.sh brings them back', async () => {
    // Data in Redis (as admin) and in an agent's SQLite database.
    await admin.call(['XADD', 'hive:s:{wa.inbound}', '*', 'type', 'wa.message', 'data', '{"text":"backed up"}']);
    await admin.call(['HSET', 'hive:ledger:chat1:budgets', 'food', '300']);
    const data = join(work, 'data');
    mkdirSync(join(data, 'scribe'), { recursive: true });
    const db = join(data, 'scribe', 'notes.db');
    const sql = (file: string, statement: string) => spawnSync('sqlite3', [file, statement], { encoding: 'utf8' });
    expect(sql(db, "PRAGMA journal_mode=WAL; CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes(text) VALUES ('remember the milk');").status).toBe(0);

    const backups = join(work, 'backups');
    // The owner's key pair, made on "their laptop": the server only ever gets the public key.
    const key = join(work, 'hive-backup.key');
    expect(spawnSync('age-keygen', ['-o', key], { encoding: 'utf8' }).status).toBe(0);
    const recipient = /public key: (age1\w+)/.exec(readFileSync(key, 'utf8'))![1]!;
    const env = { ...process.env, REDIS_URL: url('backup'), HIVE_REDIS_DIR: redis.dir, HIVE_DATA_DIR: data, HIVE_BACKUP_DIR: backups, HIVE_BACKUP_KEEP: '1', HIVE_BACKUP_AGE_RECIPIENTS: recipient };
    const backup = (extra: Record<string, string> = {}) => spawnSync('bash', [join(ROOT, 'infra', 'backup.sh')], { encoding: 'utf8', env: { ...env, ...extra }, timeout: 60_000 });
    // Without a recipient nothing is written: a backup is encrypted or not made (and the unit alerts).
    const unencrypted = backup({ HIVE_BACKUP_AGE_RECIPIENTS: '' });
    expect(unencrypted.status).toBe(1);
    expect(unencrypted.stderr).toMatch(/HIVE_BACKUP_AGE_RECIPIENTS is not set/);
    expect(existsSync(backups)).toBe(false);
    const first = backup();
    expect(first.status, first.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 1_100)); // backups are named by the second
    // Written after the first backup: the second must have it.
    await admin.call(['SET', 'hive:hermes:last-fired:chat1', 'stretch']);
    const second = backup();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/removed old backup/);
    const kept = readdirSync(backups);
    expect(kept).toHaveLength(1);
    const dir = join(backups, kept[0]!);
    expect(readFileSync(join(dir, 'SHA256SUMS'), 'utf8')).toMatch(/redis-aof\.tar\.gz\.age[\s\S]*sqlite\/scribe\/notes\.db\.gz\.age/);
    // Only ciphertext: every file is age's, and neither the note nor the stream entry shows in any byte.
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => !existsSync(join(dir, f)) || !statSync(join(dir, f)).isDirectory());
    expect(files.sort()).toEqual(['SHA256SUMS', 'redis-aof.tar.gz.age', join('sqlite', 'scribe', 'notes.db.gz.age')]);
    for (const f of files.filter((f) => f.endsWith('.age'))) {
      const bytes = readFileSync(join(dir, f));
      expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
      expect(gunzipOrNothing(bytes)).toBe(false);
    }

    // Restore into empty directories, and start a plain redis-server on the restored AOF.
    const restoredRedis = join(work, 'restored-redis');
    const restoredData = join(work, 'restored-data');
    const owner = `${process.getuid!()}:${process.getgid!()}`;
    const restoreEnv = { ...process.env, HIVE_REDIS_DIR: restoredRedis, HIVE_DATA_DIR: restoredData, HIVE_REDIS_OWNER: owner, HIVE_DATA_OWNER: owner, HIVE_SYSTEMCTL: 'true', HIVE_BACKUP_AGE_IDENTITY: key };
    // A wrong key is refused before anything is touched.
    const otherKey = join(work, 'other.key');
    spawnSync('age-keygen', ['-o', otherKey]);
    const wrongKey = spawnSync('bash', [join(ROOT, 'infra', 'restore.sh'), dir], { encoding: 'utf8', env: { ...restoreEnv, HIVE_BACKUP_AGE_IDENTITY: otherKey } });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stderr).toMatch(/cannot decrypt redis-aof\.tar\.gz\.age/);
    expect(existsSync(restoredRedis)).toBe(false);
    const restored = spawnSync('bash', [join(ROOT, 'infra', 'restore.sh'), dir], { encoding: 'utf8', env: restoreEnv });
    expect(restored.status, restored.stderr).toBe(0);
    expect(sql(join(restoredData, 'scribe', 'notes.db'), 'SELECT text FROM notes;').stdout.trim()).toBe('remember the milk');
    const again = await startWithConf(restoredRedis, aclPath, passwords.get('admin')!);
    const d = createDriver('ioredis', { url: `redis://admin:${passwords.get('admin')}@127.0.0.1:${again.port}` });
    try {
      await d.connect();
      const entries = (await d.call(['XRANGE', 'hive:s:{wa.inbound}', '-', '+'])) as [string, string[]][];
      expect(entries.map(([, f]) => f[3])).toContain('{"text":"backed up"}');
      expect(await d.call(['HGET', 'hive:ledger:chat1:budgets', 'food'])).toBe('300');
      expect(await d.call(['GET', 'hive:hermes:last-fired:chat1'])).toBe('stretch');
    } finally {
      await d.close();
      await again.stop();
    }

    // A damaged backup is refused before anything is touched.
    const tar = join(dir, 'redis-aof.tar.gz.age');
    const bytes = readFileSync(tar);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(tar, bytes);
    const refused = spawnSync('bash', [join(ROOT, 'infra', 'restore.sh'), dir], { encoding: 'utf8', env: restoreEnv });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/fails its checksums/);
  }, 120_000);

  it('backup.sh copies off-site without --delete and without overwriting', () => {
    const script = readFileSync(join(ROOT, 'infra', 'backup.sh'), 'utf8');
    const rsync = script.split('\n').filter((l) => /^\s*rsync\b/.test(l));
    expect(rsync).toHaveLength(1);
    expect(rsync[0]).toContain('--ignore-existing');
    expect(rsync[0]).not.toMatch(/--delete/);
  });

  it('infra/alert.sh writes an ops.alert its contract accepts, naming the failed unit', () => {
    const r = spawnSync('bash', [join(ROOT, 'infra', 'alert.sh'), 'hive-backup.service'], { encoding: 'utf8', env: { ...process.env, HIVE_ALERT_DRY_RUN: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const payload = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(hiveCatalogue.message('ops.alert', 'ops.alert')!.schema.safeParse(payload).success).toBe(true);
    expect(payload).toMatchObject({ status: 'firing', severity: 'critical', check: 'other', subject: 'hive-backup' });
    expect(payload.summary).toMatch(/^hive-backup\.service failed on .*: see journalctl -u hive-backup\.service$/);
  });
});
