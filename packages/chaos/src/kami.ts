/**
 * The run talks to the network as people do, through kami's WhatsApp simulator: it sends each
 * message under a WhatsApp id of its own (resent under the same id when kami did not take it, as
 * WhatsApp redelivers), and watches every chat with long polls, keeping each message kami sent once
 * by its simulator id. kami keeps what it sent in memory, so after kami restarts the watch starts
 * again from the new process's first message.
 */
import type { PlannedMessage } from './load.js';

/** A message kami sent, as the run saw it. */
export interface Seen {
  readonly messageId: string;
  readonly chatId: string;
  readonly text: string;
  readonly replyTo?: string;
  /** When the run saw it (ms since the epoch). */
  readonly at: number;
}

export interface Watch {
  /** Everything seen so far, in the order seen. */
  readonly seen: Seen[];
  /** Replies quoting a message id. */
  repliesTo(id: string): Seen[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Send one message until kami takes it (published or spooled); resolves with kami's outcome and how
 * many attempts it took. Gives up after `timeoutMs` (the run counts it as not sent).
 */
export async function sendUntilTaken(url: string, m: PlannedMessage, timeoutMs: number): Promise<{ status: string; attempts: number }> {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last = '';
  while (Date.now() < deadline) {
    attempts++;
    try {
      const res = await fetch(`${url}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: m.id, from: m.chatId, text: m.text }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await res.json()) as { outcome?: { status?: string }; error?: string };
      const status = body.outcome?.status;
      if (res.ok && (status === 'published' || status === 'queued' || status === 'duplicate')) return { status, attempts };
      last = `${res.status} ${status ?? body.error ?? ''}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(Math.min(2_000, 100 * attempts));
  }
  throw new Error(`kami did not take message ${m.n} in ${timeoutMs} ms (last: ${last})`);
}

/** Watch every chat in `chatIds`; `kamiPid` tells when kami restarted (its numbering starts again). */
export function watchChats(url: string, chatIds: readonly string[], kamiPid: () => number | undefined): Watch {
  const seen: Seen[] = [];
  const ids = new Set<string>();
  const byReplyTo = new Map<string, Seen[]>();
  let stopped = false;
  const loops = chatIds.map(async (chatId) => {
    let after = 0;
    let pid = kamiPid();
    while (!stopped) {
      const now = kamiPid();
      if (now !== pid) {
        pid = now;
        after = 0;
      }
      try {
        const res = await fetch(`${url}/chats/${encodeURIComponent(chatId)}/messages?after=${after}&wait=2000`, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as { messages: { seq: number; messageId: string; chatId: string; text: string; replyTo?: string }[] };
        for (const m of body.messages) {
          after = Math.max(after, m.seq);
          if (ids.has(m.messageId)) continue;
          ids.add(m.messageId);
          const s: Seen = { messageId: m.messageId, chatId: m.chatId, text: m.text, ...(m.replyTo ? { replyTo: m.replyTo } : {}), at: Date.now() };
          seen.push(s);
          if (m.replyTo) (byReplyTo.get(m.replyTo) ?? byReplyTo.set(m.replyTo, []).get(m.replyTo)!).push(s);
        }
      } catch {
        await sleep(250);
      }
    }
  });
  return {
    seen,
    repliesTo: (id) => byReplyTo.get(id) ?? [],
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
