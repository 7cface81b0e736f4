/**
 * One agent discovery for everyone (supervisor, host, CLI, topology, e2e): which apps are agents,
 * and where each one's code is — its source when running from source, its dist/ when compiled, with
 * a clear error when the build is missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNames, AgentDiscoveryError, discoverAgents, loadDefinition, loadDefinitions, REPO_ROOT, RUNNING_FROM } from '../src/discovery.js';

describe('discovery in this repository', () => {
  it('finds the 13 agent apps; this test runs from source, so it gets their TypeScript', async () => {
    expect(RUNNING_FROM).toBe('source');
    const apps = discoverAgents(REPO_ROOT);
    expect(apps.map((a) => a.name)).toEqual(agentNames(REPO_ROOT));
    expect(apps).toHaveLength(13);
    expect(apps.find((a) => a.name === 'box')).toMatchObject({ from: 'source', entry: join(REPO_ROOT, 'apps/box/src/index.ts'), definition: join(REPO_ROOT, 'apps/box/src/agent.ts') });
    const [box] = await loadDefinitions(REPO_ROOT, { only: ['box'] });
    expect(box).toMatchObject({ name: 'box', writes: expect.arrayContaining(['wa.outbound']) });
  });

  it('refuses an agent name that is not an app', () => {
    expect(() => discoverAgents(REPO_ROOT, { only: ['bxo'] })).toThrow(/no agent app named "bxo"/);
  });
});

describe('discovery of compiled agents', () => {
  let root: string;
  const app = (name: string, files: Record<string, string>) => {
    const dir = join(root, 'apps', name);
    for (const [file, text] of Object.entries({
      'package.json': JSON.stringify({
        name,
        hive: { agent: true },
        exports: { './agent': { '@hive/source': './src/agent.ts', default: './dist/agent.js' }, '.': { '@hive/source': './src/index.ts', default: './dist/index.js' } },
      }),
      'src/agent.ts': 'export {};',
      'src/index.ts': 'export {};',
      ...files,
    })) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'hive-discovery-'));
    app('built', { 'dist/agent.js': "export const built = { name: 'built', reads: {}, writes: ['wa.outbound'] };", 'dist/index.js': '' });
    app('twice', { 'dist/agent.js': "export const a = { name: 'twice', reads: {}, writes: [] }; export const b = { ...a };", 'dist/index.js': '' });
    app('unbuilt', {});
    mkdirSync(join(root, 'apps', 'not-an-agent'), { recursive: true });
    writeFileSync(join(root, 'apps', 'not-an-agent', 'package.json'), JSON.stringify({ name: 'not-an-agent' }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists agents by their package.json alone, and loads a compiled definition from dist/', async () => {
    expect(agentNames(root)).toEqual(['built', 'twice', 'unbuilt']);
    const [built] = discoverAgents(root, { from: 'dist', only: ['built'] });
    expect(built).toMatchObject({ from: 'dist', entry: join(root, 'apps/built/dist/index.js'), definition: join(root, 'apps/built/dist/agent.js') });
    expect(await loadDefinition(built!)).toEqual({ name: 'built', reads: {}, writes: ['wa.outbound'] });
  });

  it('says to build when compiled code is missing', () => {
    const err = (() => {
      try {
        discoverAgents(root, { from: 'dist' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AgentDiscoveryError);
    expect((err as Error).message).toBe('agent "unbuilt" is not built (apps/unbuilt/dist/agent.js is missing): run `npm run build`, or run from source');
  });

  it('wants exactly one definition named like the app', async () => {
    const [twice] = discoverAgents(root, { from: 'dist', only: ['twice'] });
    await expect(loadDefinition(twice!)).rejects.toThrow(/should export exactly one definition named "twice" \(found 2\)/);
  });
});
