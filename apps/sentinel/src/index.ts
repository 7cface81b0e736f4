/** Start sentinel from the environment (REDIS_URL, HIVE_*, SENTINEL_*). */
import { runAgent } from '@hive/agent';
import { sentinel } from './agent.js';

await runAgent(sentinel);
