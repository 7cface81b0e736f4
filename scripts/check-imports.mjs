#!/usr/bin/env node
/**
 * Import cycles among the workspace's source files (tests excluded), with workspace packages
 * resolved to their sources: `@hive/bus` → packages/bus/src/index.ts through the `@hive/source`
 * export condition. Prints each cycle and exits 1 when there is one; `--json` prints the graph's
 * figures as one JSON document. Type-only imports count too: a cycle of types still ties two files'
 * designs together. ESLint (eslint.config.js) keeps the layers' direction; knip the unused exports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist', 'test', '.data', 'fixtures']);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.(test|d)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Workspace package name → { subpath → source file }. */
const packages = new Map();
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const pj = join(root, group, name, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    const entries = {};
    for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
      const src = typeof target === 'object' ? target['@hive/source'] : undefined;
      if (src) entries[sub] = resolve(root, group, name, src);
    }
    packages.set(pkg.name, entries);
  }
}

const files = ['packages', 'apps'].flatMap((g) => readdirSync(join(root, g)).filter((n) => existsSync(join(root, g, n, 'src'))).flatMap((n) => walk(join(root, g, n, 'src'))));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function resolveImport(from, spec) {
  if (spec.startsWith('.')) {
    const base = resolve(dirname(from), spec);
    for (const c of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
    return undefined;
  }
  const m = /^(@[^/]+\/[^/]+|[^/@][^/]*)(\/.*)?$/.exec(spec);
  if (!m) return undefined;
  const entries = packages.get(m[1]);
  return entries?.[m[2] ? `.${m[2]}` : '.'];
}

const graph = new Map();
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(f, m[1] ?? m[2] ?? m[3]);
    if (target && target !== f) deps.add(target);
  }
  graph.set(f, deps);
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) cycles.push(comp.map((f) => relative(root, f)).sort());
  }
}
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

const edges = [...graph.values()].reduce((n, d) => n + d.size, 0);
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ files: graph.size, imports: edges, cycles })}\n`);
else if (cycles.length === 0) console.error(`[hive] imports: ${graph.size} source files, ${edges} imports, no cycle`);
else for (const c of cycles) console.error(`[hive] import cycle among ${c.length} files:\n  ${c.join('\n  ')}`);
process.exit(cycles.length === 0 ? 0 : 1);
