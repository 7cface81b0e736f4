/**
 * After `npm run build`, everything a user does runs on the compiled JavaScript, with no
 * TypeScript loader: `hive acl` reads the generated manifest topology.json (no agent's code), and the network runs from dist/ in both modes and answers. The build is turbo's
 * (cached: seconds when nothing changed, minutes on a clean clone).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_MODES, ROOT, startNetwork, type Network } from '../src/network.js';

beforeAll(() => {
  const r = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./apps/*', '--filter=@hive/supervisor', '--filter=@hive/cli', '--output-logs=errors-only'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    timeout: 1_500_000,
  });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}, 1_600_000);

/** A module loader that refuses TypeScript, for NODE_OPTIONS: any .ts loaded by a process (or one it spawns) fails it. */
const REFUSE_TS = `--import=data:text/javascript,${encodeURIComponent(
  `import{register}from"node:module";register(${JSON.stringify(`data:text/javascript,${encodeURIComponent('export async function load(u,c,n){if(u.endsWith(".ts"))throw new Error("loaded TypeScript: "+u);return n(u,c)}')}`)})`,
)}`;

it('hive acl, from the compiled CLI, reads topology.json (and loads no TypeScript at all)', () => {
  const { HIVE_CLI_FROM_SOURCE: _fromSource, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/hive.mjs'), 'acl', '--json'], { cwd: '/', encoding: 'utf8', env: { ...env, NODE_OPTIONS: REFUSE_TS } });
  expect(r.status, r.stderr).toBe(0);
  const users = (JSON.parse(r.stdout) as { users: { name: string; kind: string }[] }).users.filter((u) => u.kind === 'agent').map((u) => u.name);
  expect(users).toHaveLength(13);
  expect(users).toContain('box');
  // The same command made to run from source does load TypeScript: the check above can fail.
  const fromSource = spawnSync(process.execPath, [join(ROOT, 'packages/cli/bin/hive.mjs'), 'acl', '--json'], { cwd: '/', encoding: 'utf8', env: { ...env, HIVE_CLI_FROM_SOURCE: '1', NODE_OPTIONS: REFUSE_TS } });
  expect(fromSource.status).not.toBe(0);
  expect(fromSource.stderr).toContain('loaded TypeScript');
}, 60_000);

describe.each(NETWORK_MODES)('the compiled network, mode %s', (mode) => {
  let net: Network;
  beforeAll(async () => {
    // Any TypeScript loaded by a process of the network would fail it.
    net = await startNetwork({ mode, from: 'dist', env: { NODE_OPTIONS: REFUSE_TS } });
  }, 120_000);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  it('runs node on dist/ (no tsx) and answers', async () => {
    for (const pid of net.pids()) {
      const cmd = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
      expect(cmd).toMatch(/dist\/(host-main|index)\.js$/);
      expect(cmd).not.toContain('tsx');
    }
    const sent = await net.send('help', '+15555550111');
    const replies = await net.replies(sent.chatId, sent.cursor, 1, 30_000);
    expect(replies[0]?.text).toMatch(/Here's what I can do \(\d+ agents running\)/);
  }, 60_000);
});
