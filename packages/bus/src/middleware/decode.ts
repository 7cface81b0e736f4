/**
 * Decode and check: the raw entry becomes a message, validated against its stream's contract and
 * upcast to the current version. An entry that cannot (a foreign or malformed entry, an unknown
 * type, a payload failing its schema) rejects with a DecodeError naming the field at fault, which
 * the retry-or-dead-letter step around it dead-letters at once: never a crash, never a retry.
 */
import { decodeWithContracts, type ContractRegistry } from '../contracts.js';
import type { EntryStep, MessageStep } from '../delivery.js';

export interface DecodeOptions {
  readonly stream: string;
  readonly contracts: ContractRegistry | undefined;
  readonly maxMessageBytes: number;
}

/** Decode each entry into a checked message and hand that on. */
export function decode(o: DecodeOptions): (next: MessageStep) => EntryStep {
  return (next) => (d) => {
    const r = decodeWithContracts(d.entry.fields, o.stream, o.contracts, o.maxMessageBytes);
    if (!r.ok) return Promise.reject(r.error);
    d.message = r.message;
    return next(r.message, d);
  };
}
