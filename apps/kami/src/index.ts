/** Start kami: configuration from the environment, then the runtime runs it until SIGTERM/SIGINT. */
import { runAgent } from '@hive/agent';
import { kami } from './agent.js';

await runAgent(kami);
