/**
 * adopter's Redis storage, per chat, under the bus's key builder (`keys.data('adopter', …)`, so the
 * ACL pattern is `keys.dataPattern('adopter')`); with the default prefix:
 *
 *   hive:data:{adopter}:<chat>:drafts     hash    draft number → draft JSON (without its number: the field is)
 *   hive:data:{adopter}:<chat>:seq        string  the last number given (INCR; numbers are never reused)
 *   hive:data:{adopter}:<chat>:by-source  hash    WhatsApp message id → the draft number it created, edited or deleted
 *   hive:data:{adopter}:<chat>:history    hash    "<number>:<revision>" → that revision's JSON, kept when it is replaced (undo)
 *
 * Creating, revising and deleting are one Lua script each, keyed by the source message: a
 * redelivered or re-classified message creates no second draft and applies nothing twice.
 */
import { jsonReply, type Keys, loadScript, type RedisDriver, type RedisReply, runScript } from '@hive/agent';
import type { Draft } from './domain/drafts.js';

/** Key names for one chat's drafts, from the bus's key builder. */
export function adopterKeys(keys: Keys, chatId: string) {
  const k = (part: string) => keys.data('adopter', chatId, part);
  return { drafts: k('drafts'), seq: k('seq'), bySource: k('by-source'), history: k('history') };
}

/** Creating, revising and deleting: one script each (src/scripts/*.lua, each with its KEYS/ARGV header). */
const SCRIPTS = {
  create: loadScript(new URL('./scripts/create-draft-3.lua', import.meta.url)),
  revise: loadScript(new URL('./scripts/revise-draft-3.lua', import.meta.url)),
  delete: loadScript(new URL('./scripts/delete-draft-2.lua', import.meta.url)),
};

export type NewDraft = Omit<Draft, 'number'>;

export type ReviseOutcome = 'applied' | 'already-applied' | 'gone' | 'conflict';

export interface DraftStore {
  /** Store a new draft for a source message; the same source always gets the same number back. */
  create(chatId: string, sourceMessageId: string, draft: NewDraft): Promise<{ number: number; created: boolean }>;
  get(chatId: string, number: number): Promise<Draft | undefined>;
  /** Replace draft `revised.number` by its next revision, once per source message, only over `expectedRevision`; the old one is kept. */
  revise(chatId: string, sourceMessageId: string, revised: Draft, expectedRevision: number): Promise<ReviseOutcome>;
  /** An earlier revision of a draft, as it was before it was replaced. */
  revision(chatId: string, number: number, revision: number): Promise<Draft | undefined>;
  /** All drafts, newest number first. */
  list(chatId: string): Promise<Draft[]>;
  /** Delete once per source message; the deleted draft, or undefined if there was none (or this source already did). */
  delete(chatId: string, sourceMessageId: string, number: number): Promise<Draft | undefined>;
  /** Whether a source message already created or edited a draft (and which). */
  sourceOf(chatId: string, sourceMessageId: string): Promise<number | undefined>;
}

function parse(number: number, json: RedisReply | undefined): Draft | undefined {
  const draft = jsonReply<NewDraft>(json);
  return draft && { ...draft, number };
}

const toJson = (d: NewDraft | Draft): string => {
  const { number: _n, ...rest } = d as Draft;
  return JSON.stringify(rest);
};

/** The store on the bus's Redis driver (ioredis or node-redis) and key builder. */
export function createDraftStore(driver: RedisDriver, busKeys: Keys): DraftStore {
  const keys = (chatId: string) => adopterKeys(busKeys, chatId);
  return {
    async create(chatId, sourceMessageId, draft) {
      const k = keys(chatId);
      const r = await runScript(driver, SCRIPTS.create, [k.drafts, k.seq, k.bySource], [sourceMessageId, toJson(draft)]);
      const [created, number] = Array.isArray(r) ? r : [];
      return { number: Number(number), created: created === 1 };
    },
    async get(chatId, number) {
      return parse(number, await driver.call(['HGET', keys(chatId).drafts, number]));
    },
    async revise(chatId, sourceMessageId, revised, expectedRevision) {
      const k = keys(chatId);
      const r = await runScript(driver, SCRIPTS.revise, [k.drafts, k.bySource, k.history], [sourceMessageId, revised.number, toJson(revised), expectedRevision]);
      return r === 1 ? 'applied' : r === 0 ? 'already-applied' : r === -1 ? 'gone' : 'conflict';
    },
    async revision(chatId, number, revision) {
      return parse(number, await driver.call(['HGET', keys(chatId).history, `${number}:${revision}`]));
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
    async delete(chatId, sourceMessageId, number) {
      const k = keys(chatId);
      return parse(number, await runScript(driver, SCRIPTS.delete, [k.drafts, k.bySource], [sourceMessageId, number]));
    },
    async sourceOf(chatId, sourceMessageId) {
      const n = await driver.call(['HGET', keys(chatId).bySource, sourceMessageId]);
      return typeof n === 'string' ? Number(n) : undefined;
    },
  };
}
