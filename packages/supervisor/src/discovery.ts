/**
 * Which agents make up the network, and where each one's code is. The one place that the
 * supervisor, the one-process host, the CLI (`hive acl`, the topology) and the e2e harness ask, so
 * that reading a generated manifest instead of the apps' code later is a change here only.
 *
 * An agent app is `apps/<name>` whose package.json says `"hive": {"agent": true}`. Its package
 * exports name two modules: `./agent` (the definition) and `.` (the process entry, `runAgent`).
 * From source they are the `@hive/source` condition's `src/*.ts` (run through tsx); compiled they
 * are the default `dist/*.js`. Which one a caller gets follows how the caller itself runs, read
 * from this module's own file name: a process running Hive from `dist/` cannot load TypeScript, and
 * one running from source must not load a stale build.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where an agent's code is loaded from: TypeScript sources (through tsx) or the compiled `dist/`. */
export type CodeFrom = 'source' | 'dist';

/** How this process runs Hive's code: from source when this very module is TypeScript. */
export const RUNNING_FROM: CodeFrom = fileURLToPath(import.meta.url).endsWith('.ts') ? 'source' : 'dist';

/** The repository root this module belongs to (packages/supervisor/{src,dist}/ → ../../..). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));

export interface AgentApp {
  readonly name: string;
  /** The app's directory (its package root). */
  readonly dir: string;
  readonly from: CodeFrom;
  /** The process entry: `src/index.ts` or `dist/index.js`. */
  readonly entry: string;
  /** The module that exports the definition: `src/agent.ts` or `dist/agent.js`. */
  readonly definition: string;
  /** It calls a model (package.json `"hive": {"model": true}`): only such agents get OPENAI_API_KEY and OPENAI_BASE_URL. */
  readonly usesModel: boolean;
}

/** What an agent definition has that discovery and the topology rely on (the full type is @hive/agent's). */
export interface AgentDefinitionLike {
  readonly name: string;
  readonly reads: object;
  readonly writes: readonly string[];
}

/** An app that claims to be an agent but whose code cannot be found or loaded; says what to do. */
export class AgentDiscoveryError extends Error {
  override readonly name = 'AgentDiscoveryError';
  readonly code = 'AGENT_DISCOVERY';
}

export interface DiscoverOptions {
  /** @defaultValue RUNNING_FROM */
  from?: CodeFrom;
  /** Only these agents; an unknown name is an error. @defaultValue every agent app */
  only?: readonly string[];
}

type ExportTarget = string | { readonly [condition: string]: ExportTarget } | undefined;

interface AppPackage {
  hive?: { agent?: boolean; model?: boolean };
  exports?: Record<string, ExportTarget>;
}

/** The file an export resolves to under the conditions of `from`, or the convention's when the package has no such export. */
function exportFile(dir: string, pkg: AppPackage, subpath: '.' | './agent', from: CodeFrom): string {
  const conditions = from === 'source' ? ['@hive/source', 'import', 'default'] : ['import', 'default'];
  let target = pkg.exports?.[subpath];
  while (target !== undefined && typeof target === 'object') {
    const t: { readonly [condition: string]: ExportTarget } = target;
    const key = conditions.find((c) => c in t);
    target = key === undefined ? undefined : t[key];
  }
  const base = subpath === '.' ? 'index' : 'agent';
  return join(dir, typeof target === 'string' ? target : from === 'source' ? `src/${base}.ts` : `dist/${base}.js`);
}

function readPackage(dir: string): AppPackage | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as AppPackage;
}

/** The names of the agent apps under `<root>/apps`, sorted; reads package.json files only (no build needed). */
export function agentNames(root: string = REPO_ROOT): string[] {
  const apps = join(root, 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps)
    .sort()
    .filter((name) => readPackage(join(apps, name))?.hive?.agent === true);
}

/**
 * The agents that call a model (package.json `"hive": {"model": true}`), sorted: the only ones given
 * the model's key and base URL (`npm start`, the host, the VPS units). A test checks the declaration
 * against each agent's code (`ctx.llm`, an OpenAI client).
 */
export function modelAgentNames(root: string = REPO_ROOT): string[] {
  return agentNames(root).filter((name) => readPackage(join(root, 'apps', name))?.hive?.model === true);
}

/**
 * The agent apps under `<root>/apps`, sorted by name, with the files to run or import for `from`.
 * Throws an AgentDiscoveryError when an agent's files are missing (compiled: not built yet).
 */
export function discoverAgents(root: string = REPO_ROOT, opts: DiscoverOptions = {}): AgentApp[] {
  const from = opts.from ?? RUNNING_FROM;
  const names = agentNames(root);
  const unknown = (opts.only ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new AgentDiscoveryError(`no agent app named ${unknown.map((n) => `"${n}"`).join(', ')} under ${join(root, 'apps')} (agents: ${names.join(', ')})`);
  const out: AgentApp[] = [];
  for (const name of names) {
    if (opts.only && !opts.only.includes(name)) continue;
    const dir = join(root, 'apps', name);
    const pkg = readPackage(dir)!;
    const app: AgentApp = { name, dir, from, entry: exportFile(dir, pkg, '.', from), definition: exportFile(dir, pkg, './agent', from), usesModel: pkg.hive?.model === true };
    for (const file of [app.definition, app.entry]) {
      if (existsSync(file)) continue;
      throw new AgentDiscoveryError(
        from === 'dist'
          ? `agent "${name}" is not built (${relative(root, file)} is missing): run \`npm run build\`, or run from source`
          : `agent "${name}" has no ${relative(root, file)}: an agent app needs src/agent.ts (its definition) and src/index.ts (its entry)`,
      );
    }
    out.push(app);
  }
  return out;
}

function isDefinition(v: unknown): v is AgentDefinitionLike {
  const d = v as AgentDefinitionLike | null;
  return typeof d === 'object' && d !== null && typeof d.name === 'string' && Array.isArray(d.writes) && typeof d.reads === 'object' && d.reads !== null;
}

/** Import an app's definition module and return the one definition named like the app. */
export async function loadDefinition(app: AgentApp): Promise<AgentDefinitionLike> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(app.definition).href)) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new AgentDiscoveryError(`cannot load ${app.definition} without a TypeScript loader: build first (\`npm run build\`) and run from dist/`, { cause: err });
    }
    throw err;
  }
  const defs = Object.values(mod).filter(isDefinition).filter((d) => d.name === app.name);
  if (defs.length !== 1) throw new AgentDiscoveryError(`${app.definition} should export exactly one definition named "${app.name}" (found ${defs.length})`);
  return defs[0]!;
}

/** Every agent's definition, in name order (see discoverAgents for the options). */
export async function loadDefinitions(root: string = REPO_ROOT, opts: DiscoverOptions = {}): Promise<AgentDefinitionLike[]> {
  const out: AgentDefinitionLike[] = [];
  for (const app of discoverAgents(root, opts)) out.push(await loadDefinition(app));
  return out;
}
