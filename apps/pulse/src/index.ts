/** Start pulse from the environment (REDIS_URL, HIVE_*, PULSE_*). */
import { runAgent } from '@hive/agent';
import { pulse } from './agent.js';

await runAgent(pulse);
