/** Start iris from the environment (REDIS_URL, HIVE_*, OPENAI_*, IRIS_*). */
import { runAgent } from '@hive/agent';
import { iris } from './agent.js';

await runAgent(iris);
