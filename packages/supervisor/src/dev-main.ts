/**
 * `hive dev NAME`'s process: one agent app from source, as its dev copy (`devAgent` of @hive/agent:
 * its own consumer groups `<name>-dev`, publishing nothing), against REDIS_URL. The CLI runs it
 * under `node --watch`, which restarts it when a file it imported changes.
 *
 *   node --watch --conditions=@hive/source --import tsx packages/supervisor/src/dev-main.ts NAME
 *
 * HIVE_DEV_START_AT: where its groups start when created (an entry id; `hive dev --replay`).
 */
import { devAgent, runAgent, type AnyAgentDefinition } from '@hive/agent';
import { discoverAgents, loadDefinition, REPO_ROOT } from './discovery.js';

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: dev-main.ts NAME\n');
  process.exit(2);
}
const [app] = discoverAgents(REPO_ROOT, { only: [name], from: 'source' });
const definition = (await loadDefinition(app!)) as AnyAgentDefinition;
const startAt = process.env.HIVE_DEV_START_AT || undefined;
await runAgent(devAgent(definition, startAt ? { startAt } : {}));
