/** Start hermes from the environment (REDIS_URL, HIVE_*, HIVE_TZ, HERMES_*, OPENAI_*). */
import { runAgent } from '@hive/agent';
import { hermes } from './agent.js';

await runAgent(hermes);
