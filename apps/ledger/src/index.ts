/** Start ledger from the environment (REDIS_URL, HIVE_*, HIVE_CURRENCY, HIVE_TZ, OPENAI_*). */
import { runAgent } from '@hive/agent';
import { ledger } from './agent.js';

await runAgent(ledger);
