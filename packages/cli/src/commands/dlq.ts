/** `hive dlq`: waiting for the bus's dlq API. */
import type { Command } from '../command.js';
import { OperationError } from '../errors.js';

export const command: Command = {
  async run() {
    throw new OperationError('hive dlq is not available yet');
  },
};
