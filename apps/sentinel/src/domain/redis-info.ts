/** Reading Redis's INFO text and CONFIG GET replies into the facts the checks need. */
import type { RedisFacts } from './checks.js';

/** INFO's "key:value" lines as a map (sections and comments skipped). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

/** A CONFIG GET reply ([name, value, ...]) as a map. */
export function parseConfigReply(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

function int(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The facts from INFO (always there) and CONFIG GET (undefined when CONFIG is disabled or renamed). */
export function redisFacts(info: ReadonlyMap<string, string>, config: ReadonlyMap<string, string> | undefined): RedisFacts {
  const aof = info.get('aof_enabled') ?? config?.get('appendonly');
  const policy = info.get('maxmemory_policy') ?? config?.get('maxmemory-policy');
  const maxmemory = int(info.get('maxmemory')) ?? int(config?.get('maxmemory'));
  const used = int(info.get('used_memory'));
  const version = info.get('redis_version');
  const save = config?.get('save');
  return {
    ...(version !== undefined ? { version } : {}),
    ...(policy !== undefined ? { maxmemoryPolicy: policy } : {}),
    ...(maxmemory !== undefined ? { maxmemory } : {}),
    ...(used !== undefined ? { usedMemory: used } : {}),
    ...(aof !== undefined ? { aofEnabled: aof === '1' || aof === 'yes' } : {}),
    ...(save !== undefined ? { rdbSave: save } : {}),
  };
}
