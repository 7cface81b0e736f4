/**
 * Who may talk to kami. WhatsApp numbers are public, so on a real account kami answers only the
 * people it was told about; in the local simulator nobody else can reach it, so it answers everyone
 * unless told otherwise.
 *
 * WHATSAPP_ALLOWED (comma-separated numbers or chat ids):
 *   - set: exactly those chats, plus the owner (WHATSAPP_OWNER) when one is set;
 *   - "*": everyone (explicit, never a default on a real account);
 *   - empty: the owner only on WhatsApp; everyone in the simulator.
 */
import { InvalidChatIdError, isGroupChat, numberOf, toChatId } from './chat-id.js';

export type AllowList =
  | { readonly kind: 'everyone' }
  | { readonly kind: 'only'; readonly chatIds: ReadonlySet<string> };

/** The configuration has no one to answer, or a malformed entry. */
export class AllowListError extends Error {
  override readonly name = 'AllowListError';
  readonly code = 'ALLOW_LIST_INVALID';
}

export interface AllowListSource {
  /** WHATSAPP_ALLOWED as given. */
  readonly allowed: string | undefined;
  /** WHATSAPP_OWNER as given. */
  readonly owner: string | undefined;
  /** True when kami runs the local simulator rather than a real WhatsApp account. */
  readonly simulator: boolean;
}

/** Build the allow-list from configuration; throws AllowListError naming the bad entry. */
export function parseAllowList(src: AllowListSource): AllowList {
  const entries = (src.allowed ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.includes('*')) return { kind: 'everyone' };
  const chatIds = new Set<string>();
  for (const entry of entries) chatIds.add(parse('WHATSAPP_ALLOWED', entry));
  if (src.owner !== undefined && src.owner.trim() !== '') chatIds.add(parse('WHATSAPP_OWNER', src.owner));
  if (entries.length === 0) {
    if (src.simulator) return { kind: 'everyone' };
    if (chatIds.size === 0) {
      throw new AllowListError(
        'WhatsApp is enabled but nobody is allowed to talk to kami: set WHATSAPP_OWNER to your number (and WHATSAPP_ALLOWED for others, or "*" for everyone)',
      );
    }
  }
  return { kind: 'only', chatIds };
}

function parse(variable: string, entry: string): string {
  try {
    return toChatId(entry);
  } catch (err) {
    if (err instanceof InvalidChatIdError) throw new AllowListError(`${variable}: ${err.message}`);
    throw err;
  }
}

export interface Sender {
  /** The chat the message arrived in. */
  readonly chatId: string;
  /** The person who wrote it (the same as chatId outside groups). */
  readonly from: string;
  /** The sender's phone number when WhatsApp hides it behind a "@lid" id. */
  readonly number?: string | undefined;
}

/**
 * True when kami should accept a message from this sender. A group is accepted only when the
 * group itself is listed: an allowed person's membership must not open kami to everyone in it.
 */
export function isAllowed(list: AllowList, sender: Sender): boolean {
  if (list.kind === 'everyone') return true;
  if (isGroupChat(sender.chatId)) return list.chatIds.has(sender.chatId);
  if (list.chatIds.has(sender.chatId) || list.chatIds.has(sender.from)) return true;
  const number = sender.number ?? numberOf(sender.from);
  return number !== undefined && list.chatIds.has(`${number}@c.us`);
}

/** How the allow-list reads in a log line: the count, never the numbers. */
export function describeAllowList(list: AllowList): string {
  return list.kind === 'everyone' ? 'everyone' : `${list.chatIds.size} chat${list.chatIds.size === 1 ? '' : 's'}`;
}
