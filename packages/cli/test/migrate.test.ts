/** `hive migrate` against a real Redis: --dry-run changes nothing, a run renames, a second run has nothing to do. */
import { describe, expect, it } from 'vitest';
import { hive, randomPrefix, rawDriver, useRedis } from './helpers.js';

const redis = useRedis();

describe('migrate', () => {
  it('lists, renames once, then finds nothing; the stream keeps its group', async () => {
    const prefix = randomPrefix();
    const d = await rawDriver(redis());
    try {
      await d.call(['XADD', `${prefix}s:orders`, '*', 'a', '1']);
      await d.call(['XGROUP', 'CREATE', `${prefix}s:orders`, 'billing', '0']);
      const dry = await hive(['migrate', '--dry-run'], { url: redis().url, prefix });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toBe(`would rename 1 key:\n  ${prefix}s:orders -> ${prefix}s:{orders}\n`);
      expect(Number(await d.call(['EXISTS', `${prefix}s:{orders}`]))).toBe(0);

      const run = await hive(['migrate', '--json'], { url: redis().url, prefix });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ dryRun: false, renamed: [{ from: `${prefix}s:orders`, to: `${prefix}s:{orders}` }], conflicts: [] });
      const groups = (await d.call(['XINFO', 'GROUPS', `${prefix}s:{orders}`])) as unknown[][];
      expect(groups.map((g) => g[1])).toEqual(['billing']);

      const again = await hive(['migrate'], { url: redis().url, prefix });
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('');
      expect(again.stderr).toContain(`nothing to migrate under prefix "${prefix}"`);
    } finally {
      await d.close();
    }
  });
});
