/** Start box from the environment (REDIS_URL, HIVE_*, HIVE_TZ, BOX_*, OPENAI_*). */
import { runAgent } from '@hive/agent';
import { box } from './agent.js';

await runAgent(box);
