/**
 * The Redis client libraries are optional peer dependencies of `@hive/bus`: a user installs redis
 * (node-redis) or ioredis, and each is loaded only when a driver of its kind is made (~20 MB RSS each).
 * A missing one is a DriverMissingError that names the package to install, not a bare MODULE_NOT_FOUND.
 */
import { createRequire } from 'node:module';
import { DriverMissingError } from '../errors.js';
import { DRIVER_KINDS, type DriverKind } from './driver.js';

const requireLib = createRequire(import.meta.url);

/** The npm package each driver is built on. */
export const CLIENT_PACKAGES: Readonly<Record<DriverKind, string>> = { ioredis: 'ioredis', 'node-redis': 'redis' };

function isMissing(err: unknown, pkg: string): boolean {
  return (err as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND' && (err as Error).message.includes(`'${pkg}'`);
}

/** Load the client library of `kind`, or fail with DriverMissingError naming the package. */
export function loadClientLibrary<T>(kind: DriverKind): T {
  const pkg = CLIENT_PACKAGES[kind];
  try {
    return requireLib(pkg) as T;
  } catch (err) {
    if (!isMissing(err, pkg)) throw err;
    const other = DRIVER_KINDS.find((k) => k !== kind)!;
    throw new DriverMissingError(
      `the "${kind}" driver needs the ${pkg} package, which is not installed: npm install ${pkg} (or use driver "${other}" with npm install ${CLIENT_PACKAGES[other]})`,
      { cause: err, details: { driver: kind, package: pkg } },
    );
  }
}

/** The first driver, in DRIVER_KINDS order, whose library is installed; DriverMissingError when none is. */
export function installedDriver(): DriverKind {
  for (const kind of DRIVER_KINDS) {
    try {
      requireLib.resolve(CLIENT_PACKAGES[kind]);
      return kind;
    } catch (err) {
      if (!isMissing(err, CLIENT_PACKAGES[kind])) throw err;
    }
  }
  throw new DriverMissingError('no Redis client is installed: @hive/bus needs node-redis (npm install redis) or ioredis (npm install ioredis)', {
    details: { packages: Object.values(CLIENT_PACKAGES) },
  });
}
