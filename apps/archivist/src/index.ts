/** Start archivist from the environment (REDIS_URL, HIVE_*, HIVE_DATA_DIR or ARCHIVIST_DB_PATH). */
import { runAgent } from '@hive/agent';
import { archivist } from './agent.js';

await runAgent(archivist);
