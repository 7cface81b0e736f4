/**
 * The console's own entry (`pnpm --filter @hive/console dev`, and `npm start -- --processes` runs it
 * as a child): settings from the environment, Ctrl-C or SIGTERM to stop, and, under a supervisor, the
 * end of its channel (the supervisor gone, even SIGKILLed) stops it too instead of leaving it orphaned.
 */
import { createConsole } from './console.js';
import { consoleOptionsFromEnv } from './env.js';
import { ConsoleError } from './errors.js';

try {
  const handle = await createConsole(consoleOptionsFromEnv(process.env));
  process.stdout.write(`Hive console: ${handle.url}${handle.readOnly ? ' (read-only)' : ''}\n`);
  const stop = () => void handle.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', stop);
  } else if (typeof process.send === 'function' && !process.connected) stop(); // it closed while the console started
} catch (err) {
  process.stderr.write(`console: ${err instanceof ConsoleError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
