/** `hive replay`: waiting for the bus's replay API. */
import type { Command } from '../command.js';
import { OperationError } from '../errors.js';

export const command: Command = {
  async run() {
    throw new OperationError('hive replay is not available yet');
  },
};
