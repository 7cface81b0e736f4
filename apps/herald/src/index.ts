/** Start herald from the environment (REDIS_URL, HIVE_*, HIVE_TZ, HERALD_SOURCES, HERALD_TIMEOUT_MS). */
import { runAgent } from '@hive/agent';
import { herald } from './agent.js';

await runAgent(herald);
