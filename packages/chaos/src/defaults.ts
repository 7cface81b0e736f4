/** The chaos run's sizes: the default run (`npm run chaos`) and the short one (`--short`, and `npm test`). */
import type { FaultClass } from './faults.js';

/** The default run: every fault class, twice, under 10,000 user messages. */
export const DEFAULTS = { messages: 10_000, rate: 8, chats: 12, rounds: 2, seed: 1, sqliteFsMiB: 256, drainMs: 600_000 } as const;
/** The short run: the core faults once, a few hundred messages; a few minutes on a loaded 2-core machine. */
export const SHORT = { messages: 240, rate: 2, chats: 6, rounds: 1, drainMs: 240_000 } as const;
/** The short run's faults: agents killed (one, several), Redis killed (AOF always), connections cut, Redis frozen. */
export const SHORT_CLASSES: readonly FaultClass[] = ['sigkill-agent', 'sigkill-agents', 'redis-kill-always', 'client-kill', 'redis-pause'];
