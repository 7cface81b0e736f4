/**
 * `hive gen`: regenerate everything derived from the agents and the contracts, with the repository's
 * own generators, in one command (`hive new agent` runs it too):
 *
 *   packages/contracts   CONTRACTS.md, schemas/*.json, compat-snapshot.json   (its scripts/gen.ts)
 *   topology.json        from every agent's definition                        (packages/e2e/src/topology-gen.ts)
 *   docker-compose.yml   one service per agent                                (infra/gen-compose.ts)
 *   README.md            the agent table between its markers                  (gen/agent-table.ts)
 *   the ACL users        checked: generated at deploy from topology.json (`hive acl`), nothing committed
 *
 * `--check` writes nothing and exits 1 naming what is stale. The generators run from source (tsx),
 * one Node process each, side by side.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hive/supervisor';
import type { Command, CommandContext } from '../command.js';
import { OperationError } from '../errors.js';
import { agentTable, appFacts, withAgentTable } from '../gen/agent-table.js';
import { aclUsers } from './acl.js';

export interface GenStep {
  readonly what: string;
  readonly ok: boolean;
  readonly output: string;
}

/** The generator scripts, relative to the repo root. */
export const GENERATORS: readonly { what: string; script: string }[] = [
  { what: 'contracts (CONTRACTS.md, JSON Schemas)', script: 'packages/contracts/scripts/gen.ts' },
  { what: 'topology.json', script: 'packages/e2e/src/topology-gen.ts' },
  { what: 'docker-compose.yml', script: 'infra/gen-compose.ts' },
];

function runScript(root: string, script: string, check: boolean, signal: AbortSignal): Promise<{ ok: boolean; output: string }> {
  const tsx = import.meta.resolve('tsx');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@hive/source', '--import', tsx, join(root, script), ...(check ? ['--check'] : [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d.toString()));
    child.stderr.on('data', (d) => (output += d.toString()));
    child.on('error', (err) => resolve({ ok: false, output: `${output}${err.message}\n` }));
    child.on('exit', (code) => resolve({ ok: code === 0, output }));
  });
}

/** The README's agent table and the ACL check, from topology.json as it is now. */
function tableAndAcl(root: string, check: boolean): GenStep[] {
  const topology = JSON.parse(readFileSync(join(root, 'topology.json'), 'utf8')) as Parameters<typeof agentTable>[0] & Parameters<typeof aclUsers>[0];
  const steps: GenStep[] = [];
  const readmeFile = join(root, 'README.md');
  const readme = readFileSync(readmeFile, 'utf8');
  let next: string;
  try {
    next = withAgentTable(readme, agentTable(topology, appFacts(root)));
  } catch (err) {
    return [{ what: 'README.md agent table', ok: false, output: (err as Error).message }];
  }
  if (next === readme) steps.push({ what: 'README.md agent table', ok: true, output: 'up to date' });
  else if (check) steps.push({ what: 'README.md agent table', ok: false, output: 'stale: README.md (the agent table)' });
  else {
    writeFileSync(readmeFile, next);
    steps.push({ what: 'README.md agent table', ok: true, output: 'wrote README.md (the agent table)' });
  }
  try {
    const users = aclUsers(topology);
    steps.push({ what: 'ACL users', ok: true, output: `${users.filter((u) => u.kind === 'agent').length} agent users derive from topology.json; written at deploy by hive acl (infra/acl/README.md)` });
  } catch (err) {
    steps.push({ what: 'ACL users', ok: false, output: (err as Error).message });
  }
  return steps;
}

/** Run every generator (or check them); the steps in order. */
export async function generate(root: string, check: boolean, signal: AbortSignal): Promise<GenStep[]> {
  const scripted = await Promise.all(GENERATORS.map(async (g) => ({ what: g.what, ...(await runScript(root, g.script, check, signal)) })));
  const topologyOk = scripted[1]!.ok;
  return [
    ...scripted.map((s) => ({ what: s.what, ok: s.ok, output: s.output.trim() })),
    ...(topologyOk ? tableAndAcl(root, check) : [{ what: 'README.md agent table', ok: false, output: 'skipped: topology.json could not be generated' }]),
  ];
}

export const command: Command = {
  usesRedis: false,
  async run(ctx: CommandContext) {
    const check = ctx.args.values.check === true;
    const steps = await generate(REPO_ROOT, check, ctx.signal);
    if (ctx.json) ctx.printJson({ check, ok: steps.every((s) => s.ok), steps });
    else for (const s of steps) ctx.print(`${s.ok ? '✓' : '✗'} ${s.what}${s.output ? `\n    ${s.output.split('\n').join('\n    ')}` : ''}`);
    const failed = steps.filter((s) => !s.ok);
    if (failed.length > 0) throw new OperationError(`${check ? 'stale or failing' : 'failed'}: ${failed.map((s) => s.what).join(', ')}${check ? ' (run: npx hive gen)' : ''}`);
  },
};
