/**
 * The console's own entry (`pnpm --filter @hive/console dev`, and `npm start -- --processes` runs it
 * as a child): settings from the environment, Ctrl-C or SIGTERM to stop, and, under a supervisor, the
 * end of its channel (the supervisor gone, even SIGKILLed) stops it too instead of leaving it orphaned:
 * the same process lifecycle an agent's process has (runUntilStopped).
 */
import { createRedactingLogger, runUntilStopped } from '@hive/agent';
import { createConsole } from './console.js';
import { consoleOptionsFromEnv } from './env.js';
import { ConsoleError } from './errors.js';

/** The longest closing the console (its server, live feeds and Redis connection) may take before it exits 1 anyway. */
const STOP_BUDGET_MS = 10_000;

const log = createRedactingLogger({ component: 'console' });
try {
  const starting = createConsole({ ...consoleOptionsFromEnv(process.env), logger: log });
  // The signal handlers first: bundling the client from source takes a moment, and a SIGTERM in it
  // must stop the console once it is up, not end the process with Node's default action.
  runUntilStopped({ name: 'console', log, stop: async () => (await starting.catch(() => undefined))?.close(), budgetMs: STOP_BUDGET_MS });
  const handle = await starting;
  process.stdout.write(`Hive console: ${handle.url}${handle.readOnly ? ' (read-only)' : ''}\n`);
} catch (err) {
  process.stderr.write(`console: ${err instanceof ConsoleError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
