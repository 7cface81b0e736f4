/** The console as a library: `createConsole(options)` starts one and returns its address and `close()`. */
export { createConsole, DEFAULT_KAMI_URL, type ConsoleHandle } from './console.js';
export { DEFAULT_CONSOLE_HOST, DEFAULT_CONSOLE_PORT, isLoopback, MIN_TOKEN_LENGTH, type ConsoleOptions } from './options.js';
export { ConsoleError, type ConsoleErrorCode } from './errors.js';
export { consoleOptionsFromEnv } from './env.js';
