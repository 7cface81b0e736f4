/**
 * `hive console`: serve the web console (apps/console) against the Redis the CLI is pointed at,
 * until Ctrl-C (exit 0). The console keeps its own reconnecting connection: it is meant to stay up
 * through a Redis restart, unlike a one-shot verb.
 */
import { boolFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { DEFAULT_REDIS_URL } from '../connection.js';
import { OperationError, UsageError } from '../errors.js';
import { positionals } from './shared.js';

export const command: Command = {
  async run(ctx) {
    positionals(ctx, []);
    const v = ctx.args.values;
    const portText = stringFlag(v, 'port');
    if (portText !== undefined && !/^\d{1,5}$/.test(portText)) throw new UsageError(`--port "${portText}" is not a port number`, ctx.verb);
    const { ConsoleError, consoleOptionsFromEnv, createConsole } = await import('@hive/console');
    let handle;
    try {
      const fromEnv = consoleOptionsFromEnv(ctx.env);
      const host = stringFlag(v, 'host');
      const kami = stringFlag(v, 'kami');
      handle = await createConsole({
        ...fromEnv,
        redisUrl: stringFlag(v, 'redis') ?? fromEnv.redisUrl ?? DEFAULT_REDIS_URL,
        prefix: ctx.keys.prefix,
        ...(portText !== undefined ? { port: Number(portText) } : {}),
        ...(host !== undefined ? { host } : {}),
        ...(kami !== undefined ? { kamiUrl: kami } : {}),
        ...(boolFlag(v, 'read-only') ? { readOnly: true } : {}),
      });
    } catch (err) {
      if (err instanceof ConsoleError) throw err.code === 'CONSOLE_CONFIG' ? new UsageError(err.message, ctx.verb) : new OperationError(err.message, err.code);
      throw err;
    }
    if (ctx.json) ctx.printJson({ url: handle.url, readOnly: handle.readOnly });
    else ctx.print(`Hive console: ${handle.url}${handle.readOnly ? ' (read-only)' : ''}  (Ctrl-C stops it)`);
    if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    await handle.close();
  },
};
