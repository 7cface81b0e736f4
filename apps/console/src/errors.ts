/** The console's own errors: a code to tell them apart, a message that says what to do. */
import { HiveError } from '@hive/agent';

export type ConsoleErrorCode = 'CONSOLE_CONFIG' | 'CONSOLE_PORT_IN_USE' | 'CONSOLE_BUNDLE';

/** The console cannot start as asked (a public bind without a token, a port in use, a client that will not build). */
export class ConsoleError extends HiveError<ConsoleErrorCode> {}
