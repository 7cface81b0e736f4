/** The contracts a verb consults (retention, how streams are split): a test's, else @hive/contracts' catalogue. */
import { catalogue, type Catalogue } from '@hive/contracts';
import type { CommandContext } from './command.js';

/** The catalogue this run uses: the one given to runCli (tests), else the Hive catalogue. */
export function contractsOf(ctx: Pick<CommandContext, 'catalogue'>): Catalogue {
  return ctx.catalogue ?? catalogue;
}
