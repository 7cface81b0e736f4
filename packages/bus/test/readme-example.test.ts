/** The root README's publish/subscribe example runs as written against a real Redis. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { useRedis } from './helpers.js';

const redis = useRedis();

it('the README example publishes and the subscriber prints the message', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('## Publish and subscribe'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code, 'a ts code block under "Publish and subscribe"').toBeTruthy();
  expect(code!.split('\n').length).toBeLessThanOrEqual(30);
  // Inside packages/bus, `import '@hive/bus'` resolves to this package (self-reference by name).
  const file = fileURLToPath(new URL('./fixtures/readme-example.generated.ts', import.meta.url));
  writeFileSync(file, code!);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@hive/source', '--import', 'tsx', file], {
      env: { ...process.env, REDIS_URL: redis().url, HIVE_LOG_LEVEL: 'silent' },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/published message [0-9A-Z]{26} as entry \d+-\d+/);
    expect(stdout).toMatch(/demo says hello \(corr [0-9A-Z]{26}, delivery 1\)/);
  } finally {
    rmSync(file, { force: true });
  }
});
