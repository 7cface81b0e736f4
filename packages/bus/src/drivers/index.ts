/** Choose and create a driver. */
import { ConfigError } from '../errors.js';
import { installedDriver } from './client-library.js';
import { DRIVER_KINDS, type DriverKind, type DriverOptions, type RedisDriver } from './driver.js';
import { createIoredisDriver } from './ioredis.js';
import { createNodeRedisDriver } from './node-redis.js';
import { parseRedisUrl } from './url.js';

export * from './driver.js';

export { CLIENT_PACKAGES, installedDriver } from './client-library.js';
export { parseRedisUrl, redactUrl, redisUrlUser, type HostPort, type RedisTopology } from './url.js';

/** The driver used when none is named and its library is installed: see the README ("Drivers") for why. */
export const DEFAULT_DRIVER: DriverKind = DRIVER_KINDS[0]!;

/**
 * Create an unconnected driver of the given kind; with none, the first whose client library is
 * installed (node-redis, then ioredis). DriverMissingError when the library it needs is not installed.
 */
export function createDriver(kind: DriverKind | string | undefined, options: DriverOptions): RedisDriver {
  // A URL that is none of redis(s)://, redis(s)+cluster://, redis(s)+sentinel:// fails here, before any library loads.
  parseRedisUrl(options.url);
  switch (kind ?? installedDriver()) {
    case 'ioredis':
      return createIoredisDriver(options);
    case 'node-redis':
      return createNodeRedisDriver(options);
    default:
      throw new ConfigError(`driver "${kind}" is unknown: use "ioredis" or "node-redis"`, { driver: kind });
  }
}
