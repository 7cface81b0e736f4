/**
 * Regenerate schemas/*.json, CONTRACTS.md and compat-snapshot.json from src/streams.
 * Refuses (exit 1) when the catalogue changed incompatibly against the committed snapshot without a
 * new version, so the snapshot can never be regenerated past a breaking change by accident.
 * `--check` writes nothing and exits 1 when any generated file is stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue, checkCompatibility, compatSnapshot, generatedFiles, invalidExamples, type CompatSnapshot } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const badExamples = invalidExamples(catalogue);
if (badExamples.length > 0) {
  process.stderr.write(`examples that fail their own schema:\n  - ${badExamples.join('\n  - ')}\n`);
  process.exit(1);
}

const snapshotPath = join(root, 'compat-snapshot.json');
if (existsSync(snapshotPath)) {
  const committed = JSON.parse(readFileSync(snapshotPath, 'utf8')) as CompatSnapshot;
  const problems = checkCompatibility(committed, compatSnapshot(catalogue));
  if (problems.length > 0) {
    process.stderr.write(
      `incompatible contract changes without a version bump:\n  - ${problems.join('\n  - ')}\n` +
        'Add a new version with previousVersion({ ..., upcast }) instead of changing the current one.\n',
    );
    process.exit(1);
  }
}

let stale = 0;
for (const [rel, content] of generatedFiles(catalogue)) {
  const path = join(root, rel);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === content) continue;
  stale++;
  if (check) {
    process.stderr.write(`stale: ${rel}\n`);
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  process.stdout.write(`wrote ${rel}\n`);
}
if (check && stale > 0) {
  process.stderr.write('run: pnpm --filter @hive/contracts gen\n');
  process.exit(1);
}
if (!check && stale === 0) process.stdout.write('generated files are up to date\n');
