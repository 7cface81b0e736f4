/**
 * What the bus needs to know about message types, and nothing more: for a (stream, type), the
 * current version and a way to validate a payload written at any known version and upcast it to
 * the current one. A registry of schemas (zod, JSON Schema, …) implements it; the bus stays
 * schema-agnostic. `decodeWithContracts` is how a raw entry becomes a checked message, for the
 * consumer's decode step and for replay alike.
 */
import { decodeEntry, DEFAULT_MAX_MESSAGE_BYTES, type Message } from './envelope.js';
import { DecodeError } from './errors.js';

export type ContractDecodeResult = { ok: true; data: unknown } | { ok: false; issues: string };

export interface MessageContract {
  readonly stream: string;
  readonly type: string;
  /** The version publishers write and handlers receive. */
  readonly version: number;
  /** Validate a payload written at version `v` and upcast it to `version`. */
  decode(data: unknown, v: number): ContractDecodeResult;
}

/** How a stream is split into shards (see keys.ts): declared in its contract. */
export interface Partitioning {
  /** Physical streams it is split into; 1 is one stream under its own name. */
  readonly shards: number;
  /**
   * The payload field whose value is the partition key (e.g. "chatId"), when a publish names none
   * (`partitionKey`). Without either, the message id is the key: spread evenly, no order kept.
   */
  readonly key?: string;
}

export interface ContractRegistry {
  /** The contract of `type` on `stream`, or undefined when that type is unknown there. */
  find(stream: string, type: string): MessageContract | undefined;
  /** How `stream` is partitioned; undefined (or no such method) means one shard. */
  partitioning?(stream: string): Partitioning | undefined;
}

/** The shards of `stream` under these contracts: 1 unless its contract declares more. */
export function shardCount(contracts: Pick<ContractRegistry, 'partitioning'> | undefined, stream: string): number {
  return contracts?.partitioning?.(stream)?.shards ?? 1;
}

/** Decode one entry and, with contracts, validate and upcast it (as a subscription would). */
export function decodeWithContracts(
  fields: readonly string[] | null,
  stream: string,
  contracts: ContractRegistry | undefined,
  maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): { ok: true; message: Message } | { ok: false; error: DecodeError } {
  const r = decodeEntry(fields, maxBytes);
  if (!r.ok || !contracts) return r;
  const m = r.message;
  const contract = contracts.find(stream, m.type);
  if (!contract) return { ok: false, error: new DecodeError('UNKNOWN_TYPE', `type "${m.type}" is not in the contract of stream "${stream}"`, 'type') };
  const parsed = contract.decode(m.data, m.v);
  if (!parsed.ok) return { ok: false, error: new DecodeError('SCHEMA_INVALID', `payload of "${m.type}" v${m.v} fails its schema: ${parsed.issues}`, 'data') };
  return { ok: true, message: { ...m, v: contract.version, data: parsed.data } };
}
