/**
 * What the bus needs to know about message types, and nothing more: for a (stream, type), the
 * current version and a way to validate a payload written at any known version and upcast it to
 * the current one. `@hive/contracts` implements this from zod schemas; the bus stays schema-agnostic.
 */

export type ContractDecodeResult = { ok: true; data: unknown } | { ok: false; issues: string };

export interface MessageContract {
  readonly stream: string;
  readonly type: string;
  /** The version publishers write and handlers receive. */
  readonly version: number;
  /** Validate a payload written at version `v` and upcast it to `version`. */
  decode(data: unknown, v: number): ContractDecodeResult;
}

export interface ContractRegistry {
  /** The contract of `type` on `stream`, or undefined when that type is unknown there. */
  find(stream: string, type: string): MessageContract | undefined;
}
