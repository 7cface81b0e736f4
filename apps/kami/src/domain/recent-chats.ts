/**
 * Chats that wrote to kami recently, so that kami may answer them even when the allow-list does not
 * name them (a person WhatsApp shows as "…@lid" is allowed by their number, but the reply goes to
 * the "@lid" chat). Bounded twice: at most `maxChats` chats (the least recently heard from goes
 * first) and none older than `maxAgeMs`. Time is passed in, so the bounds are testable.
 */

export interface RecentChatsOptions {
  /** Most chats remembered. @defaultValue DEFAULT_RECENT_CHATS_MAX */
  readonly maxChats: number;
  /** A chat that has not written for this long is forgotten. @defaultValue DEFAULT_RECENT_CHATS_MAX_AGE_MS */
  readonly maxAgeMs: number;
}

/** Far more chats than one owner's kami talks to; a flood of allowed senders cannot grow it past this. */
export const DEFAULT_RECENT_CHATS_MAX = 10_000;
/** Long enough for a reminder set weeks ahead to reach the chat that set it. */
export const DEFAULT_RECENT_CHATS_MAX_AGE_MS = 90 * 86_400_000;

export class RecentChats {
  // A Map iterates in insertion order: re-inserting on each sighting keeps the oldest first.
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: RecentChatsOptions = { maxChats: DEFAULT_RECENT_CHATS_MAX, maxAgeMs: DEFAULT_RECENT_CHATS_MAX_AGE_MS }) {}

  /** Remember that `chatId` wrote at `now`; returns true when the chat was not remembered before. */
  saw(chatId: string, now: number): boolean {
    const known = this.has(chatId, now);
    this.seen.delete(chatId);
    this.seen.set(chatId, now);
    this.prune(now);
    return !known;
  }

  /** True when `chatId` wrote within the last `maxAgeMs`. */
  has(chatId: string, now: number): boolean {
    const at = this.seen.get(chatId);
    return at !== undefined && now - at <= this.options.maxAgeMs;
  }

  /** Drop what is past either bound. */
  prune(now: number): void {
    for (const [chatId, at] of this.seen) {
      if (this.seen.size <= this.options.maxChats && now - at <= this.options.maxAgeMs) break;
      this.seen.delete(chatId);
    }
  }

  get size(): number {
    return this.seen.size;
  }

  /** Oldest first, for saving. */
  entries(): Array<[string, number]> {
    return [...this.seen];
  }

  /** Restore saved entries (oldest first), keeping the bounds. */
  load(entries: ReadonlyArray<readonly [string, number]>, now: number): void {
    for (const [chatId, at] of [...entries].sort((a, b) => a[1] - b[1])) {
      this.seen.delete(chatId);
      this.seen.set(chatId, at);
    }
    this.prune(now);
  }
}
