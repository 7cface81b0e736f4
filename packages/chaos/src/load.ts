/**
 * What the chaos run says to the network: user messages whose effects can be checked exactly
 * afterwards. Every expense has an amount no other message of the run has (ledger's total for a
 * chat must be the sum of what was said to it, each amount once); every note and reminder carries
 * a word of its own (the note must be found by that word once, the reminder must fire once);
 * every meal is one entry in box's day; a briefing must name every source (answered, or missing).
 * Deterministic for a seed: two runs with one seed send the same messages in the same order.
 */

import { prng } from '@hive/soak/prng';

// faults.ts draws its schedule from the same generator.
export { prng };

export type Kind = 'expense' | 'meal' | 'note' | 'reminder' | 'habit' | 'briefing';

/** How often each kind comes, in percent. */
export const MIX: Readonly<Record<Kind, number>> = { expense: 30, meal: 25, note: 20, reminder: 8, habit: 15, briefing: 2 };

/** One message of the run, and what must come of it. */
export interface PlannedMessage {
  /** Position in the run (0-based). */
  readonly n: number;
  /** The WhatsApp message id the run sends it under (a resend after a fault reuses it, as WhatsApp does). */
  readonly id: string;
  readonly chatId: string;
  readonly kind: Kind;
  readonly text: string;
  /** An expense's amount in cents, unique in the run. */
  readonly cents?: number;
  /** A note's or reminder's own word. */
  readonly token?: string;
}

const FOODS = ['2 eggs and toast', '1 apple', 'a banana', 'oatmeal with milk', '200 g rice and salmon', 'greek yogurt'];
const HABITS = ['drank a glass of water', 'ran 5k', 'slept 7h', 'walked 8000 steps'];
const ON = ['lunch', 'groceries', 'coffee', 'taxi', 'cinema'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const BAG: Kind[] = Object.entries(MIX).flatMap(([k, n]) => Array<Kind>(n).fill(k as Kind));

/** The chat id of the run's chat number `i`. */
export function chatOf(i: number): string {
  return `4917100${String(i).padStart(5, '0')}@c.us`;
}

/** A word of letters and digits the FTS index keeps whole ("zq" + the message's number in base 36 + a salt). */
function tokenOf(n: number, r: () => number): string {
  return `zq${n.toString(36)}x${Math.floor(r() * 36 ** 3).toString(36)}`;
}

/** The `count` messages of a run for `seed`, spread over `chats` chats. */
export function plan(seed: number, count: number, chats: number): PlannedMessage[] {
  const r = prng(seed);
  const out: PlannedMessage[] = [];
  let expenses = 0;
  for (let n = 0; n < count; n++) {
    const kind = pick(r, BAG);
    const chatId = chatOf(Math.floor(r() * chats));
    const id = `false_${chatId}_CHAOS${seed.toString(16).toUpperCase()}X${n.toString(16).toUpperCase().padStart(8, '0')}`;
    const base = { n, id, chatId, kind };
    switch (kind) {
      case 'expense': {
        // 10.00, 10.01, 10.02 …: never two alike, so a doubled expense shows as an amount seen twice.
        const cents = 1_000 + expenses++;
        out.push({ ...base, cents, text: `spent ${(cents / 100).toFixed(2)} on ${pick(r, ON)}` });
        break;
      }
      case 'meal':
        out.push({ ...base, text: `I had ${pick(r, FOODS)}` });
        break;
      case 'note': {
        const token = tokenOf(n, r);
        out.push({ ...base, token, text: `note: check the boiler valve ${token}` });
        break;
      }
      case 'reminder': {
        const token = tokenOf(n, r);
        out.push({ ...base, token, text: `remind me in ${3 + Math.floor(r() * 6)} seconds to stretch ${token}` });
        break;
      }
      case 'habit':
        out.push({ ...base, text: pick(r, HABITS) });
        break;
      case 'briefing':
        out.push({ ...base, text: 'briefing' });
        break;
    }
  }
  return out;
}
