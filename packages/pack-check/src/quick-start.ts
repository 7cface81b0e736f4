/**
 * A README's quick start is the one fenced block opened with "```js quickstart": GitHub renders it as
 * JavaScript, and the pack test runs exactly that code, so the README cannot drift from the packages.
 */
import { readFileSync } from 'node:fs';

const FENCE = /^```js quickstart\n([\s\S]*?)^```$/gm;

/** The code of the README's single quick-start block; throws when there is none or more than one. */
export function quickStart(readmePath: string): string {
  const blocks = [...readFileSync(readmePath, 'utf8').matchAll(FENCE)].map((m) => m[1]!);
  if (blocks.length !== 1) throw new Error(`${readmePath}: expected one "\`\`\`js quickstart" block, found ${blocks.length}`);
  return blocks[0]!;
}
