/** `hive trim`: waiting for the bus's trim API. */
import type { Command } from '../command.js';
import { OperationError } from '../errors.js';

export const command: Command = {
  async run() {
    throw new OperationError('hive trim is not available yet');
  },
};
