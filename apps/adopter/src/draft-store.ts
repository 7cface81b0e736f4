/**
 * adopter's Redis storage, per chat, inside the Hive prefix:
 *
 *   <prefix>adopter:<chat>:drafts     hash    draft number → draft JSON (without its number: the field is)
 *   <prefix>adopter:<chat>:seq        string  the last number given (INCR; numbers are never reused)
 *   <prefix>adopter:<chat>:by-source  hash    WhatsApp message id → the draft number it created or edited
 *
 * Creating and editing are one Lua script each, keyed by the source message: a redelivered or
 * re-classified message creates no second draft and applies no edit twice.
 */
import type { RedisDriver, Reply } from '@hive/bus';
import type { Draft } from './domain/drafts.js';

/** Key names for one chat's drafts. */
export function adopterKeys(hivePrefix: string, chatId: string) {
  const base = `${hivePrefix}adopter:${chatId}`;
  return { drafts: `${base}:drafts`, seq: `${base}:seq`, bySource: `${base}:by-source` };
}

// KEYS: drafts, seq, by-source. ARGV: source id, draft JSON. Returns {1, number} when created, {0, number} when the source had made one.
const CREATE = `
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then return {0, existing} end
local n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], n, ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], n)
return {1, tostring(n)}`;

// KEYS: drafts, by-source. ARGV: source id, number, revised JSON, expected revision.
// Returns 1 when applied, 0 when this source was applied before, -1 when the draft is gone, -2 when it changed meanwhile.
const REVISE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
local current = redis.call('HGET', KEYS[1], ARGV[2])
if not current then return -1 end
if cjson.decode(current).revision ~= tonumber(ARGV[4]) then return -2 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

export type NewDraft = Omit<Draft, 'number'>;

export type ReviseOutcome = 'applied' | 'already-applied' | 'gone' | 'conflict';

export interface DraftStore {
  /** Store a new draft for a source message; the same source always gets the same number back. */
  create(chatId: string, sourceMessageId: string, draft: NewDraft): Promise<{ number: number; created: boolean }>;
  get(chatId: string, number: number): Promise<Draft | undefined>;
  /** Replace draft `revised.number` by its next revision, once per source message, only over `expectedRevision`. */
  revise(chatId: string, sourceMessageId: string, revised: Draft, expectedRevision: number): Promise<ReviseOutcome>;
  /** All drafts, newest number first. */
  list(chatId: string): Promise<Draft[]>;
  delete(chatId: string, number: number): Promise<boolean>;
  /** Whether a source message already created or edited a draft (and which). */
  sourceOf(chatId: string, sourceMessageId: string): Promise<number | undefined>;
}

function parse(number: number, json: Reply | undefined): Draft | undefined {
  if (typeof json !== 'string') return undefined;
  try {
    return { ...(JSON.parse(json) as NewDraft), number };
  } catch {
    return undefined;
  }
}

const toJson = (d: NewDraft | Draft): string => {
  const { number: _n, ...rest } = d as Draft;
  return JSON.stringify(rest);
};

/** The store on the bus's Redis driver (ioredis or node-redis). */
export function createDraftStore(driver: RedisDriver, hivePrefix: string): DraftStore {
  const keys = (chatId: string) => adopterKeys(hivePrefix, chatId);
  return {
    async create(chatId, sourceMessageId, draft) {
      const k = keys(chatId);
      const r = await driver.call(['EVAL', CREATE, 3, k.drafts, k.seq, k.bySource, sourceMessageId, toJson(draft)]);
      const [created, number] = Array.isArray(r) ? r : [];
      return { number: Number(number), created: created === 1 };
    },
    async get(chatId, number) {
      return parse(number, await driver.call(['HGET', keys(chatId).drafts, number]));
    },
    async revise(chatId, sourceMessageId, revised, expectedRevision) {
      const k = keys(chatId);
      const r = await driver.call(['EVAL', REVISE, 2, k.drafts, k.bySource, sourceMessageId, revised.number, toJson(revised), expectedRevision]);
      return r === 1 ? 'applied' : r === 0 ? 'already-applied' : r === -1 ? 'gone' : 'conflict';
    },
    async list(chatId) {
      const flat = await driver.call(['HGETALL', keys(chatId).drafts]);
      const out: Draft[] = [];
      if (Array.isArray(flat)) {
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const d = parse(Number(flat[i]), flat[i + 1]);
          if (d) out.push(d);
        }
      }
      return out.sort((a, b) => b.number - a.number);
    },
    async delete(chatId, number) {
      return (await driver.call(['HDEL', keys(chatId).drafts, number])) === 1;
    },
    async sourceOf(chatId, sourceMessageId) {
      const n = await driver.call(['HGET', keys(chatId).bySource, sourceMessageId]);
      return typeof n === 'string' ? Number(n) : undefined;
    },
  };
}
