/**
 * The shape of a contract: a stream holds message types; each type has a current version (zod
 * schema, description, example) and the older versions it can still read, each with an upcast to
 * the version after it. Entries written at any known version reach handlers in the current shape.
 */
import type { z } from 'zod';

/** An older version of a message type, still readable: validated by its own schema, then upcast. */
export interface PreviousVersion {
  readonly version: number;
  readonly schema: z.ZodType;
  readonly example: unknown;
  /** What the next version changed, for the catalogue. */
  readonly change: string;
  /** Turn a valid payload of this version into a payload of the next version. */
  upcast(data: unknown): unknown;
}

export interface MessageDefinition<S extends z.ZodType = z.ZodType> {
  /** The version publishers write and handlers receive. */
  readonly version: number;
  readonly description: string;
  readonly schema: S;
  readonly example: z.input<S>;
  /** Older versions, oldest first, ending at `version - 1`. */
  readonly previous: readonly PreviousVersion[];
}

/** Who outside the agent network writes or reads a stream (a webhook, a dashboard), for the topology check. */
export interface ExternalParties {
  readonly writers?: readonly string[];
  readonly readers?: readonly string[];
}

export interface StreamDefinition<N extends string = string, M extends Readonly<Record<string, MessageDefinition>> = Readonly<Record<string, MessageDefinition>>> {
  readonly name: N;
  readonly description: string;
  /** Message types on this stream, by type name. */
  readonly messages: M;
  /**
   * Where a consumer group created later starts: "new" for triggers (a new agent must not answer
   * last week's WhatsApp messages), "all" for facts a new listener may want to rebuild state from.
   */
  readonly startAt: 'new' | 'all';
  readonly external?: ExternalParties;
}

/** Declare an older version of a message type; `upcast` receives its parsed payload. */
export function previousVersion<S extends z.ZodType>(def: {
  version: number;
  schema: S;
  example: z.input<S>;
  change: string;
  upcast: (data: z.output<S>) => unknown;
}): PreviousVersion {
  return { version: def.version, schema: def.schema, example: def.example, change: def.change, upcast: def.upcast as (data: unknown) => unknown };
}

/** Declare a message type at its current version. */
export function defineMessage<S extends z.ZodType>(def: {
  version: number;
  description: string;
  schema: S;
  example: z.input<S>;
  previous?: readonly PreviousVersion[];
}): MessageDefinition<S> {
  return { version: def.version, description: def.description, schema: def.schema, example: def.example, previous: def.previous ?? [] };
}

/** Declare a stream and the message types it carries. */
export function defineStream<const N extends string, const M extends Readonly<Record<string, MessageDefinition>>>(def: {
  name: N;
  description: string;
  messages: M;
  startAt: 'new' | 'all';
  external?: ExternalParties;
}): StreamDefinition<N, M> {
  return def.external ? { ...def, external: def.external } : { name: def.name, description: def.description, messages: def.messages, startAt: def.startAt };
}
