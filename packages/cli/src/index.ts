/** The `hive` command as a library: run a command line in-process (tests, other tools). */
export { main, runCli, type CliIO } from './main.js';
export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE } from './errors.js';
export { VERBS, GLOBAL_OPTIONS, type VerbSpec } from './verbs.js';
