/** The contracts a verb consults (retention, how streams are split): a test's, else @hive/contracts' catalogue. */
import { streamShards } from '@hive/bus';
import { catalogue, type Catalogue } from '@hive/contracts';
import type { CommandContext } from './command.js';

/** The catalogue this run uses: the one given to runCli (tests), else the Hive catalogue. */
export function contractsOf(ctx: Pick<CommandContext, 'catalogue'>): Catalogue {
  return ctx.catalogue ?? catalogue;
}

/** The physical streams a verb given `stream` reads: a partitioned stream's shards, else the stream (bus: streamShards). */
export function shardsOf(ctx: Pick<CommandContext, 'catalogue'>, stream: string): string[] {
  return streamShards(contractsOf(ctx), stream);
}
