/** How each system is made from the servers' addresses: the bench, compare.ts and profile.ts share it. */
import { bullmqSystem } from './bullmq.js';
import { hiveSystem } from './hive.js';
import { natsSystem } from './nats.js';
import { rabbitmqSystem } from './rabbitmq.js';
import { rawIoredis } from './raw-ioredis.js';
import { rawNodeRedis } from './raw-node-redis.js';
import type { BenchSystem, SystemId } from './types.js';

/** The servers: Redis, and NATS and RabbitMQ unless left out (false). */
export interface SystemUrls {
  readonly redis: string;
  readonly nats: string | false;
  readonly amqp: string | false;
}

/** Each system's maker, in the bench's order. */
export function systemFactories(urls: SystemUrls): [SystemId, () => Promise<BenchSystem>][] {
  const { redis, nats, amqp } = urls;
  return [
    ['raw-ioredis', () => rawIoredis(redis)],
    ['raw-ioredis-envelope', () => rawIoredis(redis, { envelope: true })],
    ['raw-node-redis', () => rawNodeRedis(redis)],
    ['hive-ioredis', () => hiveSystem('ioredis', redis)],
    ['hive-node-redis', () => hiveSystem('node-redis', redis)],
    ['bullmq', () => bullmqSystem(redis)],
    ['nats', () => (nats === false ? Promise.reject(new Error('left out (natsUrl: false)')) : natsSystem(nats))],
    ['rabbitmq', () => (amqp === false ? Promise.reject(new Error('left out (amqpUrl: false)')) : rabbitmqSystem(amqp))],
  ];
}
