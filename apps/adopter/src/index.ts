/** Start adopter from the environment (REDIS_URL, HIVE_*, OPENAI_*, ADOPTER_*). */
import { runAgent } from '@hive/agent';
import { adopter } from './agent.js';

await runAgent(adopter);
