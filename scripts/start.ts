/**
 * `npm start`: find or start Redis, run every agent as its own process under the supervisor,
 * print how to talk to the network, and on Ctrl-C stop everything (and the Redis we started).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentProcess, discoverAgents, ensureRedis, RedisUnavailableError, Supervisor } from '@hive/supervisor';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const say = (line: string) => process.stdout.write(`hive │ ${line}\n`);

let redis;
try {
  redis = await ensureRedis({
    url: process.env.REDIS_URL,
    dataDir: join(root, '.data'),
    port: process.env.HIVE_REDIS_PORT ? Number(process.env.HIVE_REDIS_PORT) : undefined,
    log: say,
  });
} catch (err) {
  if (err instanceof RedisUnavailableError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const agents = discoverAgents(root);
const env = {
  REDIS_URL: redis.url,
  HIVE_DATA_DIR: join(root, '.data'),
  HIVE_LOG_LEVEL: process.env.HIVE_LOG_LEVEL ?? 'info',
};
const supervisor = new Supervisor(agents.map((a) => agentProcess(a, env)));
supervisor.start();

say(`Redis: ${redis.url}${redis.owned ? ' (started by Hive; AOF in .data/redis)' : ''}`);
if (agents.length === 0) {
  say('No agents yet: this checkout has the bus only. Try the bus from another terminal:');
  say(`  REDIS_URL=${redis.url} npx hive streams`);
} else {
  say(`running ${agents.length} agents: ${agents.map((a) => a.name).join(', ')}`);
  say('talk to it from another terminal:');
  say('  npx hive say "I had 2 eggs and toast"');
  say('  npx hive say "remind me in 2 minutes to stretch"');
  say('  npx hive say help');
  say(`  REDIS_URL=${redis.url} npx hive streams     # the bus underneath`);
}
say('Ctrl-C stops everything.');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await supervisor.stop();
  await redis.stop();
  say('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
