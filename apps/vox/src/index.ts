/** Start vox from the environment (REDIS_URL, HIVE_*, OPENAI_API_KEY / OPENAI_BASE_URL, VOX_*). */
import { runAgent } from '@hive/agent';
import { vox } from './agent.js';

await runAgent(vox);
