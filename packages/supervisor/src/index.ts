export { agentProcess, discoverAgents, type AgentApp } from './agents.js';
export { formatLogLine } from './log-format.js';
export { ensureRedis, pingRedis, RedisUnavailableError, type EnsureRedisOptions, type RedisHandle } from './redis.js';
export { Supervisor, type ProcessSpec, type ProcessState, type SupervisorOptions } from './supervisor.js';
