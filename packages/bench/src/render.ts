/** Print the Markdown report of results saved with `npm run bench -- --json > results.json`. */
import { readFileSync } from 'node:fs';
import type { BenchResults } from './bench.js';
import { renderMarkdown } from './report.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: node --conditions=@hive/source --import tsx src/render.ts results.json');
  process.exit(2);
}
// `npm run bench -- --json > file` puts npm's and pnpm's command echo lines before the JSON.
const text = readFileSync(path, 'utf8');
const start = text.search(/^\{/m);
process.stdout.write(renderMarkdown(JSON.parse(start < 0 ? text : text.slice(start)) as BenchResults));
