/**
 * `hive dev NAME [--replay DURATION]`: one agent from source against the running network's Redis,
 * restarted on save (`node --watch`), as its dev copy: consumer groups `<name>-dev` of its own, so it
 * sees every message the real agent sees and takes none from it, and publishing nothing (what it
 * would publish is logged). `--replay 1h` starts its groups an hour back (they are made afresh),
 * feeding it the recent traffic first. Runs until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { devDataDir, discoverAgents, loadDefinition, REPO_ROOT, type AgentDefinitionLike } from '@hive/supervisor';
import { durationFlag, stringFlag } from '../args.js';
import { shardsOf } from '../catalogue.js';
import type { Command, CommandContext } from '../command.js';
import { OperationError, UsageError } from '../errors.js';
import { locateRedis } from '../locate-redis.js';
import { positionals } from './shared.js';

/** The dev copy's name (its consumer group on each stream it reads). */
export const devName = (agent: string) => `${agent}-dev`;

export const command: Command = {
  async run(ctx: CommandContext) {
    const { name } = positionals(ctx, ['name']);
    let app;
    try {
      [app] = discoverAgents(REPO_ROOT, { only: [name!], from: 'source' });
    } catch (err) {
      throw new UsageError((err as Error).message, ctx.verb);
    }
    const replay = stringFlag(ctx.args.values, 'replay');
    const replayMs = replay === undefined ? undefined : durationFlag('--replay', replay, ctx.verb);
    const url = locateRedis(stringFlag(ctx.args.values, 'redis'), ctx.env).url;
    let startAt: string | undefined;
    if (replayMs !== undefined) {
      // Groups are created where startAt says only when they do not exist: make the dev groups afresh.
      const def = (await loadDefinition(app!)) as AgentDefinitionLike;
      const redis = await ctx.redis();
      // A partitioned stream's dev group is one per shard.
      for (const stream of Object.keys(def.reads).flatMap((s) => shardsOf(ctx, s))) {
        await redis.call(['XGROUP', 'DESTROY', ctx.keys.stream(stream), devName(name!)]).catch(() => 0);
      }
      startAt = `${Math.max(0, ctx.now() - replayMs)}-0`;
    }
    ctx.note(`hive dev: ${name} from source as "${devName(name!)}" on ${ctx.url} (its own consumer groups; publishes nothing, logs what it would); restarts on save; Ctrl-C stops it`);
    const tsx = import.meta.resolve('tsx');
    const child = spawn(process.execPath, ['--watch', '--conditions=@hive/source', '--import', tsx, join(REPO_ROOT, 'packages/supervisor/src/dev-main.ts'), name!], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...ctx.env,
        REDIS_URL: url,
        ...(stringFlag(ctx.args.values, 'prefix') ?? ctx.env.HIVE_PREFIX ? { HIVE_PREFIX: stringFlag(ctx.args.values, 'prefix') ?? ctx.env.HIVE_PREFIX } : {}),
        HIVE_HTTP_PORT: '0',
        // Its own files beside the network's, not in them.
        HIVE_DATA_DIR: join(devDataDir(ctx.env), 'dev'),
        ...(startAt ? { HIVE_DEV_START_AT: startAt } : { HIVE_DEV_START_AT: '' }),
      },
    });
    const stop = () => child.kill('SIGTERM');
    ctx.signal.addEventListener('abort', stop, { once: true });
    const code = await new Promise<number>((resolve) => {
      child.on('error', (err) => resolve(err ? 1 : 0));
      child.on('exit', (c, signal) => resolve(signal ? 0 : (c ?? 1)));
    });
    ctx.signal.removeEventListener('abort', stop);
    if (code !== 0 && !ctx.signal.aborted) throw new OperationError(`${name} (dev) exited with code ${code}`);
  },
};
