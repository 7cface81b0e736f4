// Copies non-TypeScript assets (Lua scripts, JSON data) from src to dist after tsc: `copy-assets.mjs src dist .lua .json`.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const [from, to, ...exts] = process.argv.slice(2);
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (exts.some((e) => name.endsWith(e))) {
      const dest = join(to, p.slice(from.length));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(p, dest);
    }
  }
}
walk(from);
