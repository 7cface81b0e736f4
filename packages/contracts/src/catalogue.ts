/**
 * The catalogue: every stream and message type in one object that the bus uses as its
 * `ContractRegistry`. `find(stream, type).decode(data, v)` validates a payload against the schema of
 * the version it was written at, then upcasts it step by step (v1→v2→…) to the current version,
 * validating after each step, so a handler only ever sees the current shape.
 *
 * The bus defines the small interface it needs (`ContractRegistry` in @hive/bus); the catalogue
 * meets it by shape, so neither package imports the other (test/bus-interface.test.ts checks the fit).
 */
import type { z } from 'zod';
import { MAX_SHARDS, physicalStreams, type MessageDefinition, type StreamDefinition } from './define.js';
import { ContractDefinitionError } from './errors.js';

/** The bus's rule for envelope `type` values; a contract must not declare a type the bus would reject. */
const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** The bus's rule for stream names (its keys are built from them); a contract must not declare one the bus would reject. */
export const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A payload checked against its schema: the data as the schema returns it, or the issues in one line. */
export type ContractDecodeResult = { ok: true; data: unknown } | { ok: false; issues: string };

/** One message type as the bus sees it: its current version, and a check that upcasts older payloads. */
export interface MessageContract {
  readonly stream: string;
  readonly type: string;
  /** The version publishers write and handlers receive. */
  readonly version: number;
  /** Validate a payload written at version `v` and upcast it to `version`. */
  decode(data: unknown, v: number): ContractDecodeResult;
}

export interface CatalogueEntry {
  readonly stream: string;
  readonly type: string;
  readonly definition: MessageDefinition;
}

export interface Catalogue {
  /**
   * The contract of `type` on `stream`, or undefined when that type is unknown there (what the bus
   * asks). A shard of a partitioned stream (`wa.inbound.2`) has its stream's contracts.
   */
  find(stream: string, type: string): MessageContract | undefined;
  /** How `stream` is split into shards (what the bus asks when it publishes and subscribes); undefined: not split. */
  partitioning(stream: string): { shards: number; key?: string } | undefined;
  readonly streams: readonly StreamDefinition[];
  /** The stream of that name, or undefined. */
  stream(name: string): StreamDefinition | undefined;
  /** The definition of `type` on `stream`, or undefined. */
  message(stream: string, type: string): MessageDefinition | undefined;
  /** Every (stream, type), in declaration order. */
  entries(): readonly CatalogueEntry[];
}

/** Zod issues as one line: `path: message; path: message`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

function parse(schema: z.ZodType, data: unknown): ContractDecodeResult {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, data: r.data } : { ok: false, issues: formatIssues(r.error) };
}

/** The bus-facing contract of one message type: validate at the version written, upcast to the current one. */
export function messageContract(stream: string, type: string, def: MessageDefinition): MessageContract {
  const oldest = def.previous[0]?.version ?? def.version;
  return {
    stream,
    type,
    version: def.version,
    decode(data: unknown, v: number): ContractDecodeResult {
      if (v === def.version) return parse(def.schema, data);
      const start = def.previous.findIndex((p) => p.version === v);
      if (start < 0) {
        return {
          ok: false,
          issues:
            v > def.version
              ? `version ${v} is newer than this reader knows (v${def.version}); upgrade @hive/contracts`
              : `version ${v} is no longer readable (oldest readable: v${oldest})`,
        };
      }
      const first = parse(def.previous[start]!.schema, data);
      if (!first.ok) return { ok: false, issues: `v${v}: ${first.issues}` };
      let current = first.data;
      for (let i = start; i < def.previous.length; i++) {
        const step = def.previous[i]!;
        const next = step.version + 1;
        let upcast: unknown;
        try {
          upcast = step.upcast(current);
        } catch (err) {
          return { ok: false, issues: `upcast v${step.version}→v${next} failed: ${(err as Error).message}` };
        }
        const parsed = parse(def.previous[i + 1]?.schema ?? def.schema, upcast);
        if (!parsed.ok) return { ok: false, issues: `upcast v${step.version}→v${next} produced an invalid payload: ${parsed.issues}` };
        current = parsed.data;
      }
      return { ok: true, data: current };
    },
  };
}

function checkVersions(stream: string, type: string, def: MessageDefinition): void {
  const where = `${stream}/${type}`;
  if (!Number.isInteger(def.version) || def.version < 1) {
    throw new ContractDefinitionError(`${where}: version must be a positive integer, got ${def.version}`);
  }
  // Older versions must run without gaps up to the current one: each upcast goes to version + 1.
  def.previous.forEach((p, i) => {
    const expected = def.version - def.previous.length + i;
    if (p.version !== expected) {
      throw new ContractDefinitionError(
        `${where}: previous versions must be consecutive and end at v${def.version - 1}; found v${p.version} where v${expected} belongs`,
      );
    }
  });
  if (def.version - def.previous.length < 1) throw new ContractDefinitionError(`${where}: previous versions go below v1`);
}

function checkRetention(s: StreamDefinition): void {
  const r = s.retention as StreamDefinition['retention'] | undefined;
  if (!r || (r.maxAgeMs === undefined && r.maxLen === undefined)) {
    throw new ContractDefinitionError(`stream "${s.name}" has no retention: give it maxAgeMs and/or maxLen (every stream needs a bound)`);
  }
  for (const [k, v] of [['maxAgeMs', r.maxAgeMs], ['maxLen', r.maxLen]] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new ContractDefinitionError(`stream "${s.name}": retention.${k} must be a positive integer, got ${v}`);
  }
}

function checkPartitions(s: StreamDefinition, names: ReadonlySet<string>): void {
  const p = s.partitions;
  if (!p) return;
  if (!Number.isSafeInteger(p.shards) || p.shards < 1 || p.shards > MAX_SHARDS) {
    throw new ContractDefinitionError(`stream "${s.name}": partitions.shards must be an integer from 1 to ${MAX_SHARDS}, got ${p.shards}`);
  }
  for (const shard of physicalStreams(s)) {
    if (shard !== s.name && (names.has(shard) || !STREAM_NAME.test(shard))) {
      throw new ContractDefinitionError(`stream "${s.name}": its shard "${shard}" is another stream's name or not a valid stream name`);
    }
  }
}

/**
 * Build a catalogue; throws ContractDefinitionError on duplicate names, bad names, version gaps, a
 * stream without retention, or shards out of range or named like another stream.
 */
export function createCatalogue(streams: readonly StreamDefinition[]): Catalogue {
  const byStream = new Map<string, StreamDefinition>();
  const typeOwner = new Map<string, string>();
  const contracts = new Map<string, MessageContract>();
  const entries: CatalogueEntry[] = [];
  for (const s of streams) {
    if (!STREAM_NAME.test(s.name)) {
      throw new ContractDefinitionError(`stream name "${s.name}" is invalid: use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    }
    if (byStream.has(s.name)) throw new ContractDefinitionError(`stream "${s.name}" is declared twice`);
    byStream.set(s.name, s);
    checkRetention(s);
    const types = Object.keys(s.messages);
    if (types.length === 0) throw new ContractDefinitionError(`stream "${s.name}" declares no message types`);
    for (const type of types) {
      if (!TYPE.test(type)) throw new ContractDefinitionError(`type "${type}" on stream "${s.name}" is not a valid envelope type name`);
      // One type, one stream: traces, the archive and the catalogue can name a type without its stream.
      const owner = typeOwner.get(type);
      if (owner !== undefined) throw new ContractDefinitionError(`type "${type}" is declared on both "${owner}" and "${s.name}"`);
      typeOwner.set(type, s.name);
      const def = s.messages[type]!;
      checkVersions(s.name, type, def);
      contracts.set(`${s.name}\u0000${type}`, messageContract(s.name, type, def));
      entries.push({ stream: s.name, type, definition: def });
    }
  }
  const names = new Set(byStream.keys());
  // A shard's name → its stream, for the partitioned ones.
  const shardOf = new Map<string, string>();
  for (const s of streams) {
    checkPartitions(s, names);
    for (const shard of physicalStreams(s)) if (shard !== s.name) shardOf.set(shard, s.name);
  }
  return {
    streams: [...streams],
    stream: (name) => byStream.get(name),
    message: (stream, type) => byStream.get(stream)?.messages[type],
    entries: () => entries,
    find: (stream, type) => contracts.get(`${shardOf.get(stream) ?? stream}\u0000${type}`),
    partitioning: (stream) => {
      const p = byStream.get(stream)?.partitions;
      if (!p || p.shards <= 1) return undefined;
      return p.key === undefined ? { shards: p.shards } : { shards: p.shards, key: p.key };
    },
  };
}

/** Every example (current and older versions) that fails its own schema, as readable lines. */
export function invalidExamples(catalogue: Catalogue): string[] {
  const out: string[] = [];
  for (const { stream, type, definition } of catalogue.entries()) {
    const r = definition.schema.safeParse(definition.example);
    if (!r.success) out.push(`${stream}/${type} v${definition.version}: ${formatIssues(r.error)}`);
    for (const p of definition.previous) {
      const rp = p.schema.safeParse(p.example);
      if (!rp.success) out.push(`${stream}/${type} v${p.version}: ${formatIssues(rp.error)}`);
    }
  }
  return out;
}
