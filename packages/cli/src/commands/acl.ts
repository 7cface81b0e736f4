/**
 * `hive acl`: per-agent Redis ACL users, generated from the topology (who reads and writes what):
 * writes the ACL file (hashes only), the secrets file and per-agent env files, or `--check`s a live
 * Redis against it. The rules and why each exists: ../acl/rules.ts; the live check: ../acl/probes.ts.
 *
 * The topology is the generated manifest `topology.json` at the repository root (`hive gen` writes
 * it from the agents' definitions and `hive gen --check` keeps it fresh), so `hive acl` runs the same
 * from source and from a compiled dist/ without loading any agent's code; `--topology FILE` reads
 * another one.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Topology, TopologyAgent } from '@hive/contracts';
import { AgentDiscoveryError, loadDefinitions as loadAgentDefinitions, parseEnvFile } from '@hive/supervisor';
import { boolFlag, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, OperationError, UsageError } from '../errors.js';
import { table } from '../format.js';
import { checkLive } from '../acl/probes.js';
import { aclFile, aclLine, aclUsers, newPassword, passwordVar, type AclUserSpec } from '../acl/rules.js';

export { aclFile, aclLine, aclUsers, ADMIN_USER, CLUSTER_CLIENT, BACKUP_USER, globLiteral, newPassword, passwordVar, ROLES, sha256, type AclSelector, type AclUserSpec, type AgentRole } from '../acl/rules.js';
export { aclProbes, checkLive, type AclProbe, type CheckRow } from '../acl/probes.js';

// ---------------------------------------------------------------------------------------- topology

/** The repository root this CLI belongs to (packages/cli/{src,dist}/commands/ → ../../../..). */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

/**
 * The agents' definitions, from the supervisor's discovery (the one list `npm start`, the host and
 * the topology use): each app's source when hive runs from source, its dist/ when hive runs
 * compiled (after `npm run build`).
 */
export async function loadDefinitions(root: string = repoRoot()): Promise<TopologyAgent[]> {
  try {
    return (await loadAgentDefinitions(root)) as TopologyAgent[];
  } catch (err) {
    if (err instanceof AgentDiscoveryError) throw new OperationError(`${err.message} (or pass --topology topology.json)`);
    throw err;
  }
}

/** The generated manifest `hive acl` reads by default: topology.json at the repository root (`hive gen`). */
export function manifestFile(root: string = repoRoot()): string {
  return join(root, 'topology.json');
}

/** A topology file (topology.json, as `topologyJson` writes it): its agents' reads and writes, and the shards of its partitioned streams. */
export function readTopologyFile(file: string): Pick<Topology, 'agents'> & { streams?: { stream: string; shards?: string[] }[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`--topology ${file}: ${(err as Error).message}${missing ? ' (run: npx hive gen, which writes topology.json)' : ''}`, 'acl');
  }
  const agents = (parsed as { agents?: unknown }).agents;
  const ok =
    Array.isArray(agents) &&
    agents.every((a: { name?: unknown; reads?: unknown; writes?: unknown }) => typeof a?.name === 'string' && Array.isArray(a.reads) && Array.isArray(a.writes));
  if (!ok) throw new UsageError(`--topology ${file}: expected {"agents": [{"name", "reads": [...], "writes": [...]}]}`, 'acl');
  // A partitioned stream's shards (`streams[].shards`, written only when split): the rules name each shard.
  const streams = (parsed as { streams?: unknown }).streams;
  const split = Array.isArray(streams)
    ? streams.flatMap((s: { stream?: unknown; shards?: unknown }) =>
        typeof s?.stream === 'string' && Array.isArray(s.shards) && s.shards.every((x) => typeof x === 'string') ? [{ stream: s.stream, shards: s.shards as string[] }] : [],
      )
    : [];
  return { agents: agents as Topology['agents'], ...(split.length > 0 ? { streams: split } : {}) };
}

// ---------------------------------------------------------------------------------------- secrets

interface Passwords {
  readonly byUser: Map<string, string>;
  /** Users without a password: they are written "off". */
  readonly missing: string[];
  /** Users whose password was generated now (and appended to the secrets file). */
  readonly generated: string[];
}

/** Each user's password: the environment first, then the secrets file; missing ones are generated into the file when there is one. */
function resolvePasswords(users: readonly AclUserSpec[], env: CommandContext['env'], secretsFile: string | undefined): Passwords {
  const file = secretsFile && existsSync(secretsFile) ? parseEnvFile(readFileSync(secretsFile, 'utf8')) : new Map<string, string>();
  const byUser = new Map<string, string>();
  const missing: string[] = [];
  const generated: string[] = [];
  const append: string[] = [];
  for (const u of users) {
    if (u.kind === 'default') continue;
    const v = passwordVar(u.name);
    const known = env[v] || file.get(v);
    if (known) {
      byUser.set(u.name, known);
    } else if (secretsFile) {
      const pw = newPassword();
      byUser.set(u.name, pw);
      generated.push(u.name);
      append.push(`${v}=${pw}`);
    } else missing.push(u.name);
  }
  if (secretsFile && append.length > 0) {
    mkdirSync(dirname(resolve(secretsFile)), { recursive: true });
    const before = existsSync(secretsFile) ? readFileSync(secretsFile, 'utf8') : '# Redis ACL passwords, one per user (hive acl). Keep this file secret; it is gitignored.\n';
    writeFileSync(secretsFile, `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${append.join('\n')}\n`, { mode: 0o600 });
    chmodSync(secretsFile, 0o600);
  }
  return { byUser, missing, generated };
}

// ---------------------------------------------------------------------------------------- verb

/** Per-agent env files for systemd's EnvironmentFile=: REDIS_URL with the agent's own user. */
function writeEnvDir(dir: string, users: readonly AclUserSpec[], passwords: ReadonlyMap<string, string>, host: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const u of users) {
    const pw = passwords.get(u.name);
    if (u.kind === 'default' || pw === undefined) continue;
    const file = join(dir, `${u.name}.env`);
    writeFileSync(file, `# ${u.name}'s Redis user (hive acl); secret.\nREDIS_URL=redis://${encodeURIComponent(u.name)}:${encodeURIComponent(pw)}@${host}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    written.push(file);
  }
  return written;
}

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, ctx.verb);
    const topologyFile = stringFlag(ctx.args.values, 'topology');
    const secrets = stringFlag(ctx.args.values, 'secrets');
    const out = stringFlag(ctx.args.values, 'out');
    const envDir = stringFlag(ctx.args.values, 'env-dir');
    const host = stringFlag(ctx.args.values, 'redis-host') ?? '127.0.0.1:6379';
    const check = boolFlag(ctx.args.values, 'check');
    if (!/^[A-Za-z0-9.[\]:-]+:\d+$/.test(host)) throw new UsageError(`--redis-host "${host}" must be HOST:PORT`, ctx.verb);

    // The manifest, never the agents' code: the same from source and from dist/.
    const file = topologyFile ?? manifestFile();
    const topology = readTopologyFile(file);
    if (topology.agents.length === 0) throw new OperationError(`${file} lists no agents`);
    const prefix = ctx.keys.prefix;
    const users = aclUsers(topology, prefix);
    const pw = resolvePasswords(users, ctx.env, secrets);

    if (check) {
      const rows = await checkLive(await ctx.redis(), users, pw.byUser, prefix);
      const bad = rows.filter((r) => r.status !== 'ok');
      if (ctx.json) ctx.printJson({ ok: bad.length === 0, users: rows });
      else {
        ctx.print(table(['user', 'status', 'problems'], rows.map((r) => [r.user, r.status, r.problems.length ? r.problems.join('; ') : '-'])));
        ctx.note(bad.length === 0 ? `the ACL at ${ctx.url} matches the topology (${users.length} users)` : `${bad.length} of ${rows.length} users differ from the topology`);
      }
      return bad.length === 0 ? EXIT_OK : EXIT_FAILED;
    }

    const text = aclFile(users, pw.byUser);
    if (out) {
      mkdirSync(dirname(resolve(out)), { recursive: true });
      // Hashes only, readable by the redis-server user (in a container: another uid).
      writeFileSync(out, text, { mode: 0o644 });
    }
    const envFiles = envDir ? writeEnvDir(envDir, users, pw.byUser, host) : [];
    if (ctx.json) {
      ctx.printJson({
        prefix,
        file: out ?? null,
        envFiles,
        generatedPasswords: pw.generated,
        usersWithoutPassword: pw.missing,
        users: users.map((u) => ({
          name: u.name,
          kind: u.kind,
          passwordVar: u.kind === 'default' ? null : passwordVar(u.name),
          ...(u.kind === 'agent' ? { reads: u.reads, writes: u.writes, answers: u.answers, role: u.role } : {}),
          root: u.root,
          selectors: u.selectors,
          line: aclLine(u, pw.byUser.get(u.name)),
        })),
      });
    } else if (!out) ctx.print(text.trimEnd());
    if (pw.generated.length > 0) ctx.note(`generated passwords for ${pw.generated.join(', ')} into ${secrets}`);
    if (pw.missing.length > 0) ctx.note(`no password for ${pw.missing.join(', ')} (set ${passwordVar(pw.missing[0]!)}…, or pass --secrets FILE to generate them): written "off"`);
    if (out) ctx.note(`wrote ${out}: ${users.length} users (${users.filter((u) => u.kind === 'agent').length} agents) for prefix "${prefix}"`);
    for (const f of envFiles) ctx.note(`wrote ${f}`);
    return EXIT_OK;
  },
};
