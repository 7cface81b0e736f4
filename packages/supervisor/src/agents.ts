/**
 * Which agents make up the network: every `apps/<name>` whose package.json says
 * `"hive": { "agent": true }`. Each runs from its TypeScript source through tsx, resolving
 * workspace packages through the "@hive/source" export condition, so `npm start` needs no build.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from './supervisor.js';

export interface AgentApp {
  name: string;
  dir: string;
  entry: string;
}

/** The agent apps under `<root>/apps`, sorted by name. */
export function discoverAgents(root: string): AgentApp[] {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return [];
  const out: AgentApp[] = [];
  for (const name of readdirSync(apps).sort()) {
    const dir = join(apps, name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { hive?: { agent?: boolean } };
    const entry = join(dir, 'src', 'index.ts');
    if (pkg.hive?.agent && existsSync(entry)) out.push({ name, dir, entry });
  }
  return out;
}

/** The process spec that runs one agent from source. */
export function agentProcess(app: AgentApp, env: Record<string, string | undefined>): ProcessSpec {
  return {
    name: app.name,
    command: process.execPath,
    args: ['--conditions=@hive/source', '--import', 'tsx', app.entry],
    cwd: app.dir,
    env,
  };
}
