/**
 * The compatibility check. A committed snapshot records, for every (stream, type), the current
 * version and the JSON Schema of each readable version. Against it, a changed catalogue is
 * compatible when, at every version the snapshot knows, old entries still validate and old readers
 * still accept new entries (full compatibility). In practice: new optional fields and new types are
 * fine; removing or adding a required field, making a field optional or required, or changing a
 * field's type needs a new version with an upcast from the old one.
 */
import type { Catalogue } from './catalogue.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';

export interface CompatSnapshot {
  readonly format: 1;
  readonly streams: Record<string, Record<string, { readonly version: number; readonly versions: Record<string, JsonSchema> }>>;
}

/** The snapshot of a catalogue as it is now (what `gen` writes into compat-snapshot.json). */
export function compatSnapshot(catalogue: Catalogue): CompatSnapshot {
  const streams: CompatSnapshot['streams'] = {};
  for (const { stream, type, definition } of catalogue.entries()) {
    const versions: Record<string, JsonSchema> = {};
    for (const p of definition.previous) versions[String(p.version)] = toJsonSchema(p.schema);
    versions[String(definition.version)] = toJsonSchema(definition.schema);
    (streams[stream] ??= {})[type] = { version: definition.version, versions };
  }
  return { format: 1, streams };
}

/** Keys that document a schema without constraining what it accepts. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
/** Keys the object comparison handles field by field. */
const OBJECT_KEYS = new Set(['properties', 'required']);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function constraints(s: JsonSchema, skip: ReadonlySet<string> = new Set()): JsonSchema {
  const out: JsonSchema = {};
  for (const k of Object.keys(s).sort()) if (!ANNOTATIONS.has(k) && !skip.has(k)) out[k] = strip(s[k]);
  return out;
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (isObject(v)) return constraints(v);
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function summary(s: unknown): string {
  if (!isObject(s)) return JSON.stringify(s);
  if (Array.isArray(s.enum)) return `enum ${JSON.stringify(s.enum)}`;
  if (s.type !== undefined) return `${JSON.stringify(s.type)}${s.format ? ` (${String(s.format)})` : ''}`;
  if (s.anyOf) return 'a union';
  return 'a schema';
}

function isObjectSchema(s: JsonSchema): boolean {
  return s.type === 'object' && (isObject(s.properties) || s.additionalProperties === false);
}

function compare(a: JsonSchema, b: JsonSchema, at: string, field: string, out: string[]): void {
  const name = field === '' ? 'the payload' : `field "${field}"`;
  const sub = (k: string) => (field === '' ? k : `${field}.${k}`);
  if (isObjectSchema(a) && isObjectSchema(b)) {
    const ap = (a.properties ?? {}) as Record<string, JsonSchema>;
    const bp = (b.properties ?? {}) as Record<string, JsonSchema>;
    const ar = new Set((a.required ?? []) as string[]);
    const br = new Set((b.required ?? []) as string[]);
    // A strict object rejects unknown fields, so there even an optional field added or removed breaks a side.
    const strict = a.additionalProperties === false || b.additionalProperties === false;
    for (const k of Object.keys(ap)) {
      if (!(k in bp)) {
        if (ar.has(k)) out.push(`${at}: required field "${sub(k)}" was removed`);
        else if (strict) out.push(`${at}: optional field "${sub(k)}" was removed from a strict object`);
        continue;
      }
      if (ar.has(k) && !br.has(k)) out.push(`${at}: field "${sub(k)}" became optional`);
      if (!ar.has(k) && br.has(k)) out.push(`${at}: field "${sub(k)}" became required`);
      compare(ap[k]!, bp[k]!, at, sub(k), out);
    }
    for (const k of Object.keys(bp)) {
      if (k in ap) continue;
      if (br.has(k)) out.push(`${at}: new required field "${sub(k)}"`);
      else if (strict) out.push(`${at}: new optional field "${sub(k)}" on a strict object`);
    }
    if (!same(constraints(a, OBJECT_KEYS), constraints(b, OBJECT_KEYS))) out.push(`${at}: the constraints of ${name} changed`);
    return;
  }
  if (a.type === 'array' && b.type === 'array' && isObject(a.items) && isObject(b.items)) {
    compare(a.items, b.items, at, `${field}[]`, out);
    if (!same(constraints(a, new Set(['items'])), constraints(b, new Set(['items'])))) out.push(`${at}: the constraints of ${name} changed`);
    return;
  }
  if (!same(a, b)) {
    const from = summary(a);
    const to = summary(b);
    out.push(from === to ? `${at}: the constraints of ${name} changed` : `${at}: ${name} changed from ${from} to ${to}`);
  }
}

/**
 * Incompatible changes from `before` (the committed snapshot) to `after` (the catalogue now), one
 * line each; empty when compatible.
 */
export function checkCompatibility(before: CompatSnapshot, after: CompatSnapshot): string[] {
  const out: string[] = [];
  for (const [stream, types] of Object.entries(before.streams)) {
    const now = after.streams[stream];
    if (!now) {
      out.push(`stream "${stream}" was removed`);
      continue;
    }
    for (const [type, was] of Object.entries(types)) {
      const is = now[type];
      const at = `${stream}/${type}`;
      if (!is) {
        out.push(`${at}: type was removed`);
        continue;
      }
      if (is.version < was.version) out.push(`${at}: version went down from v${was.version} to v${is.version}`);
      for (const [v, schema] of Object.entries(was.versions)) {
        const current = is.versions[v];
        if (!current) {
          out.push(`${at}: v${v} is no longer readable; entries written at v${v} would be dead-lettered (if none remain, remove v${v} from compat-snapshot.json by hand)`);
          continue;
        }
        compare(schema, current, `${at} v${v}`, '', out);
      }
    }
  }
  return out;
}
