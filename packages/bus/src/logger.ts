/**
 * The logger the bus writes to: pino's call shape (`log.info({ ...fields }, 'message')`), so a pino
 * logger plugs in as is. Every line about a message carries its `corr` (correlation id).
 */
import { pino } from 'pino';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** A pino logger to stderr at HIVE_LOG_LEVEL (default "info"), with secrets redacted. */
export function createLogger(bindings: Record<string, unknown> = {}, level = process.env.HIVE_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: bindings,
      redact: { paths: ['password', '*.password', 'url', '*.url', 'apiKey', '*.apiKey', 'token', '*.token'], censor: '[redacted]' },
    },
    pino.destination({ dest: 2, sync: false }),
  );
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
