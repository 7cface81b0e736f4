/** Start scribe from the environment (REDIS_URL, HIVE_*, SCRIBE_*). */
import { runAgent } from '@hive/agent';
import { scribe } from './agent.js';

await runAgent(scribe);
