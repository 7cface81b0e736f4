/**
 * A clean copy of this checkout for tests that change the tree (`hive new agent`): the files git
 * knows of (tracked, and untracked ones not ignored: the working state, not the last commit) copied
 * to a temp directory and committed there, so `git status` in the copy shows exactly what a command
 * wrote. node_modules are not installed again: each package's node_modules (pnpm's relative links)
 * is copied as links, and the store (node_modules/.pnpm) is linked to this checkout's.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Copy `root` (a git checkout with pnpm's node_modules) to a new temp directory; returns its path. */
export function cleanCopy(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'hive-clean-copy-'));
  const files = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
  for (const f of files) {
    const from = join(root, f);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(from, join(copy, f), { verbatimSymlinks: true });
  }
  // The root's node_modules: its links as they are, the store shared.
  mkdirSync(join(copy, 'node_modules'));
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry === '.pnpm') symlinkSync(join(root, 'node_modules', '.pnpm'), join(copy, 'node_modules', '.pnpm'));
    else cpSync(join(root, 'node_modules', entry), join(copy, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
  }
  // Every workspace package's node_modules: relative links into packages/ (now the copy's) and the store.
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const nm = join(root, group, name, 'node_modules');
      if (!existsSync(nm) || !lstatSync(nm).isDirectory() || !existsSync(join(copy, group, name))) continue;
      mkdirSync(join(copy, group, name, 'node_modules'));
      for (const entry of readdirSync(nm)) {
        if (entry.startsWith('.vite')) continue; // caches
        cpSync(join(nm, entry), join(copy, group, name, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
      }
    }
  }
  git(copy, ['init', '-q']);
  git(copy, ['add', '-A']);
  git(copy, ['-c', 'user.name=hive test', '-c', 'user.email=test@hive.local', 'commit', '-q', '-m', 'clean copy']);
  return copy;
}

/** `git status --porcelain` of a checkout, one path per line, sorted ("?? apps/echo/", " M README.md"). */
export function gitStatus(dir: string): string[] {
  return git(dir, ['status', '--porcelain', '--untracked-files=normal']).split('\n').filter(Boolean).sort();
}
