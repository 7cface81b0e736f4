/**
 * `hive migrate`: rename keys written before hash tags (`hive:s:wa.inbound`) to the current layout
 * (`hive:s:{wa.inbound}`), keeping consumer groups, pending entries, dead letters and TTLs (see
 * migrateKeys in @hive/bus/admin). Idempotent; --dry-run lists what it would rename. Exit 1 when a
 * key could not be moved because its new name is taken (both kept, listed).
 */
import { migrateKeys, type KeyRename } from '@hive/bus/admin';
import { boolFlag } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { plural } from '../format.js';

export const command: Command = {
  async run(ctx) {
    if (ctx.args.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.args.positionals[0]}"`, 'migrate');
    const dryRun = boolFlag(ctx.args.values, 'dry-run');
    const r = await migrateKeys(await ctx.redis(), ctx.keys.prefix, { dryRun });
    if (ctx.json) {
      ctx.printJson(r);
    } else {
      const line = (x: KeyRename) => `  ${x.from} -> ${x.to}`;
      if (r.renamed.length > 0) ctx.print([`${dryRun ? 'would rename' : 'renamed'} ${plural(r.renamed.length, 'key', 'keys')}:`, ...r.renamed.map(line)].join('\n'));
      if (r.conflicts.length > 0) ctx.print([`left alone, the new name is taken (${plural(r.conflicts.length, 'key', 'keys')}):`, ...r.conflicts.map(line)].join('\n'));
      if (r.renamed.length === 0 && r.conflicts.length === 0) ctx.note(`nothing to migrate under prefix "${ctx.keys.prefix}" at ${ctx.url}`);
    }
    return r.conflicts.length > 0 ? 1 : 0;
  },
};
