// The process-management side only (node builtins): what `npm start`'s top process loads. The
// one-process host, which loads the agent runtime, is `@hive/supervisor/host` and host-main.ts.
export { agentProcess, consoleProcess, hostProcess, DEFAULT_NODE_FLAGS, NODE_FLAGS, nodeArgs, type HostProcessOptions } from './agents.js';
export { agentEnv, MODEL_VARIABLES, modelEnv, parseEnvFile, redisUrlVar } from './agent-env.js';
export {
  agentNames,
  AgentDiscoveryError,
  discoverAgents,
  modelAgentNames,
  loadDefinition,
  loadDefinitions,
  REPO_ROOT,
  RUNNING_FROM,
  type AgentApp,
  type AgentDefinitionLike,
  type CodeFrom,
  type DiscoverOptions,
} from './discovery.js';
export { formatLogLine } from './log-format.js';
export { allPids, memoryOf, memoryOfAll, processTree, type ProcessMemory } from './proc.js';
export { ensureRedis, LOCAL_REDIS_APPENDFSYNC, pingRedis, RedisUnavailableError, type EnsureRedisOptions, type RedisHandle } from './redis.js';
export { Supervisor, type ProcessSpec, type ProcessState, type SupervisorOptions } from './supervisor.js';
export { clearDevRedis, DEV_REDIS_FILE, devDataDir, readDevRedis, recordDevRedis, type DevRedisRecord } from './dev-network.js';
