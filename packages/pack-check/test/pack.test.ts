/**
 * The published packages as a user gets them: @hive/bus, @hive/contracts and @hive/agent are built,
 * packed (pnpm pack: workspace:* becomes the version, publishConfig applies, as on publish), checked
 * with publint and are-the-types-wrong, and installed with npm, with the Redis clients, zod and
 * TypeScript from the registry, into a project in the OS temp dir, outside the workspace. There each
 * README's quick start runs against a real Redis, as JavaScript and as TypeScript (type-checked with
 * moduleResolution node16 and bundler, the node16 build run), and so do the missing-peer errors.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickStart } from '../src/quick-start.js';
import { cleanEnv, run, runOk } from '../src/run.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HERE = fileURLToPath(new URL('../', import.meta.url));

interface Published {
  readonly name: string;
  /** Its folder under packages/, and the quick start's file name. */
  readonly dir: string;
  /** What its README's quick start prints on stdout (among the log lines), in order. */
  readonly prints: readonly string[];
}

const PUBLISHED: readonly Published[] = [
  {
    name: '@hive/bus',
    dir: 'bus',
    prints: ['mailer: order.placed {"orderId":"A-1","total":12.5}', 'dead letter: order.cancelled from group mailer (UNRECOVERABLE: the mailer does not handle cancellations)'],
  },
  {
    name: '@hive/contracts',
    dir: 'contracts',
    prints: ['refused on publish: SCHEMA_INVALID', 'mailer: order.placed v1 {"orderId":"A-1","total":12.5}', 'dead letter: order.placed from legacy (SCHEMA_INVALID)'],
  },
  { name: '@hive/agent', dir: 'agent', prints: ['answer to 491701234567@c.us: 5 characters'] },
];

const manifest = (dir: string): Record<string, any> => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const busManifest = manifest(join(ROOT, 'packages/bus'));
const ownManifest = manifest(HERE);
/** What the outside project installs from the registry besides the tarballs: the workspace's own pins. */
const REGISTRY_DEPS = [
  `ioredis@${busManifest.devDependencies.ioredis}`,
  `redis@${busManifest.devDependencies.redis}`,
  `zod@${manifest(join(ROOT, 'packages/contracts')).dependencies.zod}`,
  `typescript@${ownManifest.devDependencies.typescript}`,
  `@types/node@${ownManifest.devDependencies['@types/node']}`,
];

let work: string;
let project: string;
let redis: RedisServer;
const tarballs = new Map<string, string>();
let db = 0;

/** A Redis database of its own for each run, so that no quick start sees another's streams. */
function redisUrl(): string {
  db += 1;
  if (db > 15) throw new Error('out of Redis databases (16)');
  return `${redis.url}/${db}`;
}

/** Run a script of the outside project with node, against its own Redis database. */
function node(script: string, env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [script], { cwd: project, env: cleanEnv({ REDIS_URL: redisUrl(), HIVE_LOG_LEVEL: 'warn', ...env }) });
}

/** Write the README's quick start of `p` into the outside project as `file`. */
function writeQuickStart(p: Published, file: string): string {
  writeFileSync(join(project, file), quickStart(join(ROOT, 'packages', p.dir, 'README.md')));
  return file;
}

/** The lines a quick start printed that are not the JSON log lines. */
function printed(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.length > 0 && !l.startsWith('{'));
}

beforeAll(async () => {
  // The three packages and what they import, compiled to dist/ (topological order).
  await runOk('pnpm', ['--workspace-concurrency=1', ...PUBLISHED.flatMap((p) => ['--filter', p.name]), 'run', 'build'], { cwd: ROOT });
  work = mkdtempSync(join(tmpdir(), 'hive-pack-'));
  const packed = join(work, 'tarballs');
  mkdirSync(packed);
  for (const p of PUBLISHED) {
    const dir = join(ROOT, 'packages', p.dir);
    await runOk('pnpm', ['pack', '--pack-destination', packed], { cwd: dir });
    const tgz = join(packed, `${p.name.replace('@', '').replace('/', '-')}-${manifest(dir).version}.tgz`);
    expect(existsSync(tgz), `${tgz} after pnpm pack`).toBe(true);
    tarballs.set(p.name, tgz);
    const unpacked = join(work, 'unpacked', p.dir);
    mkdirSync(unpacked, { recursive: true });
    await runOk('tar', ['xzf', tgz, '-C', unpacked], { cwd: work });
  }
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'outside-project', private: true, type: 'module' }, null, 2)}\n`);
  // All three tarballs in one install: @hive/agent's dependency on @hive/bus 0.1.0 is met by the tarball.
  await runOk('npm', ['install', '--save-exact', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs.values(), ...REGISTRY_DEPS], {
    cwd: project,
    env: cleanEnv(),
  });
  redis = await startRedis();
}, 1_200_000);

afterAll(async () => {
  await redis?.stop();
  if (work && !process.env.HIVE_PACK_KEEP) rmSync(work, { recursive: true, force: true });
});

describe.each(PUBLISHED)('the $name tarball', (p) => {
  const unpacked = () => join(work, 'unpacked', p.dir, 'package');

  it('holds the compiled code, types, README, LICENSE and CHANGELOG, and a manifest a registry can serve', async () => {
    const listing = (await runOk('tar', ['tzf', tarballs.get(p.name)!], { cwd: work })).stdout.split('\n').filter(Boolean);
    expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE', 'package/CHANGELOG.md', 'package/dist/index.js', 'package/dist/index.d.ts']));
    expect(listing.filter((f) => !/^package\/(dist\/|schemas\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$|CONTRACTS\.md$)/.test(f))).toEqual([]);
    expect(listing.filter((f) => /\.(ts|map)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(unpacked(), 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    const m = manifest(unpacked());
    expect(JSON.stringify(m)).not.toContain('workspace:');
    // The workspace's condition points at src/, which is not published (publishConfig.exports drops it).
    expect(JSON.stringify(m.exports)).not.toContain('@hive/source');
    expect(m.private).toBeUndefined();
    expect(m.license).toBe('MIT');
    expect(m.engines).toEqual({ node: '>=20.11' });
    expect(m.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('passes publint, suggestions included, strictly', async () => {
    const { messages } = await publint({ pkgDir: unpacked(), pack: false, level: 'suggestion', strict: true });
    const pkg = manifest(unpacked());
    expect(messages.map((m) => `${m.type} ${m.code}: ${formatMessage(m, pkg, { color: false }) ?? ''}`)).toEqual([]);
  });

  it('passes are-the-types-wrong for an ESM-only package (node16 from ESM, bundler)', async () => {
    const r = await run(join(HERE, 'node_modules/.bin/attw'), [tarballs.get(p.name)!, '--profile', 'esm-only', '--no-color', '--no-emoji'], { cwd: work });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe('installed with npm into a project outside the workspace', () => {
  it.each(PUBLISHED)("runs the $name README's quick start as plain JavaScript against Redis", async (p) => {
    const r = await node(writeQuickStart(p, `quickstart-${p.dir}.mjs`));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(printed(r.stdout)).toEqual(p.prints);
  });

  it('type-checks the quick starts as TypeScript with moduleResolution node16, library types included, and the build runs', async () => {
    mkdirSync(join(project, 'src'), { recursive: true });
    for (const p of PUBLISHED) writeQuickStart(p, join('src', `${p.dir}.ts`));
    const base = { target: 'ES2022', strict: true, noUncheckedIndexedAccess: true, types: ['node'] };
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16', skipLibCheck: false, outDir: 'out' }, include: ['src'] }),
    );
    await runOk(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: project, env: cleanEnv() });
    for (const p of PUBLISHED) {
      const r = await node(join('out', `${p.dir}.js`));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(printed(r.stdout)).toEqual(p.prints);
    }
  });

  it('type-checks the quick starts with moduleResolution bundler', async () => {
    mkdirSync(join(project, 'src'), { recursive: true });
    for (const p of PUBLISHED) writeQuickStart(p, join('src', `${p.dir}.ts`));
    // Library declarations were checked above (skipLibCheck false); here only how the packages resolve differs.
    writeFileSync(
      join(project, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', strict: true, types: ['node'], module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, noEmit: true },
        include: ['src'],
      }),
    );
    await runOk(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.bundler.json'], { cwd: project, env: cleanEnv() });
  });

  it('without redis (node-redis) uses ioredis; with neither client, createBus fails with a DriverMissingError naming both', async () => {
    writeFileSync(
      join(project, 'driver.mjs'),
      [
        "import { createBus } from '@hive/bus';",
        'try {',
        "  const bus = await createBus({ source: 'probe' });",
        '  console.log(`driver ${bus.driver.kind}`);',
        '  await bus.close();',
        '} catch (err) {',
        '  console.log(`${err.name} ${err.code}: ${err.message}`);',
        '}',
      ].join('\n'),
    );
    const modules = join(project, 'node_modules');
    expect(printed((await node('driver.mjs')).stdout)).toEqual(['driver node-redis']);
    renameSync(join(modules, 'redis'), join(modules, '.hidden-redis'));
    try {
      expect(printed((await node('driver.mjs')).stdout)).toEqual(['driver ioredis']);
      renameSync(join(modules, 'ioredis'), join(modules, '.hidden-ioredis'));
      try {
        expect(printed((await node('driver.mjs')).stdout)).toEqual([
          'DriverMissingError DRIVER_MISSING: no Redis client is installed: @hive/bus needs node-redis (npm install redis) or ioredis (npm install ioredis)',
        ]);
        expect(printed((await node('driver.mjs', { HIVE_DRIVER: 'ioredis' })).stdout)).toEqual([
          'DriverMissingError DRIVER_MISSING: the "ioredis" driver needs the ioredis package, which is not installed: npm install ioredis (or use driver "node-redis" with npm install redis)',
        ]);
      } finally {
        renameSync(join(modules, '.hidden-ioredis'), join(modules, 'ioredis'));
      }
    } finally {
      renameSync(join(modules, '.hidden-redis'), join(modules, 'redis'));
    }
  });

  it('an agent configured for a model without openai installed fails at start with a ConfigError saying to install it', async () => {
    expect(existsSync(join(project, 'node_modules/openai'))).toBe(false);
    const r = await node(writeQuickStart(PUBLISHED.find((p) => p.dir === 'agent')!, 'quickstart-agent.mjs'), { OPENAI_API_KEY: 'sk-test' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ConfigError: OPENAI_API_KEY or OPENAI_BASE_URL is set but the openai package is not installed: npm install openai');
  });
});
