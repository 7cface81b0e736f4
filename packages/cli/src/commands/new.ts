/**
 * `hive new agent NAME`: a new agent app in apps/NAME, in the shape of the others, then `hive gen`.
 *
 * What it asks (or takes from flags, or defaults with --yes): the streams it reads, those it writes,
 * an intent it serves with examples and an offline rule, and a one-line description.
 *
 * Dependencies without `pnpm install`: every agent app depends on the same workspace packages and
 * pinned versions, so the new app's node_modules gets the same links pnpm made for an existing agent
 * app (relative symlinks into packages/ and the store). `pnpm install` later records the app in
 * pnpm-lock.yaml (it is the next step printed); nothing else is needed to run it now. package.json is
 * written last: a running `npm start` (the host watches apps/) starts the agent once it appears.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync, cpSync, lstatSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { catalogue, INTENT_NAME } from '@hive/contracts';
import { agentNames, devDataDir, readDevRedis, REPO_ROOT } from '@hive/supervisor';
import type { Command, CommandContext } from '../command.js';
import { OperationError, UsageError } from '../errors.js';
import { agentFiles, type AgentSpec, type PinnedVersions } from '../scaffold/agent-files.js';
import { generate } from './gen.js';

/** Agent names: lower case, a letter first; not a Redis key family or built-in user (see acl.ts). */
const AGENT_NAME = /^[a-z][a-z0-9-]{1,39}$/;
const RESERVED = new Set(['s', 'dlq', 'redrive', 'seen', 'pubid', 'reply', 'agent', 'data', 'bull', 'admin', 'backup', 'default', 'console', 'hive']);

/** What the flags say, before prompting. */
export interface NewAgentAnswers {
  name: string;
  reads?: string[];
  writes?: string[];
  intent?: string;
  examples?: string[];
  offline?: string;
  description?: string;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Check the answers and fill in the defaults; a usage error names the first thing wrong. */
export function agentSpec(a: NewAgentAnswers, existing: readonly string[], verb = 'new'): AgentSpec {
  if (!AGENT_NAME.test(a.name) || RESERVED.has(a.name)) {
    throw new UsageError(`agent name "${a.name}": use 2-40 lower-case letters, digits or "-", a letter first, and not one of ${[...RESERVED].join(', ')}`, verb);
  }
  if (existing.includes(a.name)) throw new UsageError(`apps/${a.name} exists already`, verb);
  const streams = catalogue.streams.map((s) => s.name);
  const intent = a.intent;
  if (intent !== undefined && (!INTENT_NAME.test(intent) || intent === 'unknown')) throw new UsageError(`--intent "${intent}": lower case, a letter first, at most 40 characters, not "unknown"`, verb);
  const reads = [...new Set(a.reads && a.reads.length > 0 ? a.reads : [intent ? 'intent.classified' : 'wa.inbound'])];
  if (intent && !reads.includes('intent.classified')) reads.push('intent.classified');
  const writes = [...new Set(a.writes ?? (intent ? ['wa.outbound'] : []))];
  if (intent && !writes.includes('wa.outbound')) writes.push('wa.outbound');
  for (const s of [...reads, ...writes]) if (!streams.includes(s)) throw new UsageError(`stream "${s}" is not in the catalogue (streams: ${streams.join(', ')})`, verb);
  if (a.offline !== undefined) {
    if (!intent) throw new UsageError('--offline needs --intent', verb);
    try {
      new RegExp(a.offline, 'i');
    } catch (err) {
      throw new UsageError(`--offline: ${(err as Error).message}`, verb);
    }
  }
  if (a.examples?.length && !intent) throw new UsageError('--example needs --intent', verb);
  const description = a.description ?? (intent ? `Serves "${intent}" requests.` : `Listens to ${reads.join(', ')}.`);
  return {
    name: a.name,
    description,
    reads,
    writes,
    ...(intent ? { intent: { name: intent, description: a.description ?? `Answers "${intent}" requests`, examples: a.examples?.length ? a.examples : [intent], ...(a.offline ? { offline: a.offline } : {}) } } : {}),
  };
}

/** Ask for what the flags left open (stdin a terminal, no --yes). */
async function ask(a: NewAgentAnswers): Promise<NewAgentAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const streams = catalogue.streams.map((s) => s.name).join(', ');
    const list = async (q: string, dflt: string) => strings([(await rl.question(`${q} [${dflt}]: `)) || dflt]) ?? [];
    const out = { ...a };
    if (out.intent === undefined) out.intent = str(await rl.question('Intent it serves (e.g. weather; empty for none): '));
    if (out.intent && !out.examples?.length) out.examples = strings([await rl.question(`Messages that mean "${out.intent}", comma-separated: `)]);
    if (out.intent && out.offline === undefined) out.offline = str(await rl.question('Offline rule (a regular expression on the lower-cased message; empty for model only): '));
    if (!out.reads?.length) out.reads = await list(`Streams it reads (${streams})`, out.intent ? 'intent.classified' : 'wa.inbound');
    if (out.writes === undefined) out.writes = await list('Streams it writes', out.intent ? 'wa.outbound' : '');
    if (out.description === undefined) out.description = str(await rl.question('One sentence: what it does: '));
    return out;
  } finally {
    rl.close();
  }
}

/** The app whose links the new one copies: an agent app with the same dependencies, linked by pnpm. */
function linkedSibling(root: string): string | undefined {
  for (const name of agentNames(root)) {
    const dir = join(root, 'apps', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const deps = Object.keys(pkg.dependencies ?? {}).sort().join(',');
    if (deps === '@hive/agent,@hive/bus,@hive/contracts,zod' && existsSync(join(dir, 'node_modules', '@hive', 'agent'))) return dir;
  }
  return undefined;
}

/** The versions the sibling pins, so the new app asks for exactly what is installed. */
function pinsOf(sibling: string | undefined): PinnedVersions {
  const fallback: PinnedVersions = { zod: '4.6.7', '@types/node': '20.19.43', tsx: '4.23.15', typescript: '5.9.3', vitest: '4.1.12' };
  if (!sibling) return fallback;
  const pkg = JSON.parse(readFileSync(join(sibling, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const all = { ...pkg.dependencies, ...pkg.devDependencies };
  return { zod: all.zod ?? fallback.zod, '@types/node': all['@types/node'] ?? fallback['@types/node'], tsx: all.tsx ?? fallback.tsx, typescript: all.typescript ?? fallback.typescript, vitest: all.vitest ?? fallback.vitest };
}

/** Give `dir` the node_modules links of `sibling` (same depth under apps/, so relative links hold). */
function linkDependencies(sibling: string, dir: string, deps: readonly string[]): void {
  const from = join(sibling, 'node_modules');
  const to = join(dir, 'node_modules');
  for (const dep of deps) {
    const src = join(from, dep);
    if (!existsSync(src)) continue;
    const dest = join(to, dep);
    mkdirSync(dirname(dest), { recursive: true });
    const target = lstatSync(src).isSymbolicLink() ? readlinkSync(src) : relative(dirname(dest), realpathSync(src));
    symlinkSync(target, dest);
  }
  // The executables (vitest, tsc, tsx) the package scripts run.
  if (existsSync(join(from, '.bin'))) cpSync(join(from, '.bin'), join(to, '.bin'), { recursive: true, verbatimSymlinks: true });
}

export const command: Command = {
  usesRedis: false,
  async run(ctx: CommandContext) {
    const [kind, name, ...rest] = ctx.args.positionals;
    if (kind !== 'agent') throw new UsageError(kind === undefined ? 'missing what to create: hive new agent NAME' : `cannot create "${kind}": only "agent"`, ctx.verb);
    if (name === undefined) throw new UsageError('missing the agent NAME', ctx.verb);
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`, ctx.verb);
    const v = ctx.args.values;
    const root = REPO_ROOT;
    let answers: NewAgentAnswers = {
      name,
      ...(strings(v.reads) ? { reads: strings(v.reads)! } : {}),
      ...(strings(v.writes) ? { writes: strings(v.writes)! } : {}),
      ...(str(v.intent) ? { intent: str(v.intent)! } : {}),
      ...(strings(v.example) ? { examples: (v.example as string[]).map((e) => e.trim()).filter(Boolean) } : {}),
      ...(str(v.offline) ? { offline: str(v.offline)! } : {}),
      ...(str(v.description) ? { description: str(v.description)! } : {}),
    };
    const existing = existsSync(join(root, 'apps')) ? readdirSync(join(root, 'apps')) : [];
    agentSpec(answers, existing, ctx.verb); // the flags given are checked before any question
    if (v.yes !== true && process.stdin.isTTY && !ctx.json) answers = await ask(answers);
    const spec = agentSpec(answers, existing, ctx.verb);

    const dir = join(root, 'apps', spec.name);
    const sibling = linkedSibling(root);
    const files = agentFiles(spec, catalogue, pinsOf(sibling));
    const written: string[] = [];
    const entries = [...files];
    // Links first and package.json last: the host starts an agent app as soon as its package.json says it is one.
    mkdirSync(dir, { recursive: true });
    if (sibling) {
      const pkg = JSON.parse(files.get('package.json')!) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
      linkDependencies(sibling, dir, [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
    }
    for (const [rel, content] of entries) {
      const file = join(dir, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      written.push(relative(root, file));
    }

    const steps = v['no-gen'] === true ? [] : await generate(root, false, ctx.signal);
    const running = readDevRedis(devDataDir(ctx.env, root));
    const next = [
      running?.watchesApps
        ? `npm start is running: it starts ${spec.name} within seconds (it watches apps/); npx hive agents shows it`
        : running
          ? `restart npm start to run ${spec.name} (only npm start from source in one process picks up new agents)`
          : `npm start                            # the network, ${spec.name} included`,
      ...(spec.intent ? [`npx hive say ${JSON.stringify(spec.intent.examples[0] ?? spec.intent.name)}   # iris routes "${spec.intent.name}" to ${spec.name}`] : []),
      `npx hive dev ${spec.name}                 # from source in a dev consumer group, reloaded on save`,
      `pnpm --filter ${spec.name} test          # its test on a redis-server of its own`,
      `pnpm install                         # records apps/${spec.name} in pnpm-lock.yaml before you commit`,
    ];
    if (ctx.json) {
      ctx.printJson({ agent: spec, dir: relative(root, dir), files: written, linkedFrom: sibling ? relative(root, sibling) : null, gen: steps, next });
    } else {
      ctx.print(`created apps/${spec.name}: ${written.length} files (${written.map((f) => f.slice(`apps/${spec.name}/`.length)).join(', ')})`);
      if (!sibling) ctx.print('no installed agent app to share links with: run pnpm install before starting it');
      for (const s of steps) ctx.print(`${s.ok ? '✓' : '✗'} ${s.what}`);
      ctx.print(`next:\n  ${next.join('\n  ')}`);
    }
    const failed = steps.filter((s) => !s.ok);
    if (failed.length > 0) throw new OperationError(`apps/${spec.name} was written, but hive gen failed: ${failed.map((s) => `${s.what}: ${s.output}`).join('; ')}`);
  },
};
