/** Start atlas from the environment (REDIS_URL, HIVE_*, ATLAS_MAX_TOKENS, OPENAI_*). */
import { runAgent } from '@hive/agent';
import { atlas } from './agent.js';

await runAgent(atlas);
