/**
 * Real Redis for tests: one redis-server (server.ts), a Redis Cluster of several masters, or a
 * master with replicas watched by Sentinels (topologies.ts), each on free loopback ports.
 */
export * from './server.js';
export * from './topologies.js';
