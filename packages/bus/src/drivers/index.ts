/** Choose and create a driver. */
import { ConfigError } from '../errors.js';
import { installedDriver } from './client-library.js';
import type { DriverKind, DriverOptions, RedisDriver } from './driver.js';
import { createIoredisDriver } from './ioredis.js';
import { createNodeRedisDriver } from './node-redis.js';

export * from './driver.js';

export { CLIENT_PACKAGES, installedDriver } from './client-library.js';

/** The driver used when none is named and its library is installed: see the README ("Drivers") for why. */
export const DEFAULT_DRIVER: DriverKind = 'ioredis';

/**
 * Create an unconnected driver of the given kind; with none, the first whose client library is
 * installed (ioredis, then node-redis). DriverMissingError when the library it needs is not installed.
 */
export function createDriver(kind: DriverKind | string | undefined, options: DriverOptions): RedisDriver {
  if (!/^rediss?:\/\//.test(options.url)) {
    throw new ConfigError(`Redis URL "${redactUrl(options.url)}" must start with redis:// or rediss://`, { url: redactUrl(options.url) });
  }
  switch (kind ?? installedDriver()) {
    case 'ioredis':
      return createIoredisDriver(options);
    case 'node-redis':
      return createNodeRedisDriver(options);
    default:
      throw new ConfigError(`driver "${kind}" is unknown: use "ioredis" or "node-redis"`, { driver: kind });
  }
}

/** The URL with any password replaced by "***", for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}
