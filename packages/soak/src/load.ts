/**
 * The seed's load, as a realistic mix of what people send: what each message says (texts the
 * agents' offline rules understand, so the real handlers do real work), how often each kind comes,
 * and which are voice notes. Deterministic for a seed, so two runs send the same messages.
 *
 * The mix, per user message (the seed's ~12k a day make ~50k bus messages):
 *   nutrition 26%, expenses 18%, habits 14%, notes 8%, reminders 6%, drafts 3%, help and questions
 *   6%, briefings 1%, nonsense 4%, and voice notes 14% (a spoken meal, expense, reminder or note).
 */

export type Kind = 'nutrition' | 'expense' | 'habit' | 'note' | 'reminder' | 'draft' | 'help' | 'briefing' | 'nonsense' | 'voice';

/** How often each kind comes, in percent of user messages. */
export const MIX: Readonly<Record<Kind, number>> = {
  nutrition: 26,
  expense: 18,
  habit: 14,
  note: 8,
  reminder: 6,
  draft: 3,
  help: 6,
  briefing: 1,
  nonsense: 4,
  voice: 14,
};

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const FOODS = ['2 eggs and toast', '150 g chicken breast for lunch', '1 apple', 'a banana', 'oatmeal with milk', '200 g rice and salmon', 'a coffee with milk', 'greek yogurt'];
const SPEND = ['spent 12.50 on lunch', '€30 groceries', 'spent 4 on coffee', '€18 taxi', 'spent 60 on shoes', '€9.90 cinema'];
const HABITS = ['drank 2 glasses of water', 'ran 5k', 'slept 7h', 'walked 8000 steps', 'drank a glass of water', 'did 30 minutes of yoga'];
const NOTES = ['note: call the landlord about the heater', 'note: buy a birthday present for Ana', 'note: the wifi password is on the router', 'journal: good day, long walk by the river'];
const SEARCHES = ['what did I note about the landlord', 'what did I note about the wifi'];
const TOPICS = ['why small teams should use Redis Streams', 'what I learned running a VPS for two years', 'remote work and writing'];

/** The text of one message of `kind` (voice notes say one of the others). */
export function textOf(kind: Exclude<Kind, 'voice'>, r: () => number): string {
  switch (kind) {
    case 'nutrition':
      return r() < 0.85 ? `I had ${pick(r, FOODS)}` : 'how much protein today';
    case 'expense':
      return r() < 0.9 ? pick(r, SPEND) : 'how much did I spend this week';
    case 'habit':
      return pick(r, HABITS);
    case 'note':
      return r() < 0.8 ? pick(r, NOTES) : pick(r, SEARCHES);
    case 'reminder':
      // Due within the simulated day (real seconds): a reminder for "tomorrow" would fire a real day later.
      return r() < 0.8 ? `remind me in ${2 + Math.floor(r() * 3)} seconds to stretch` : 'list my reminders';
    case 'draft':
      return r() < 0.8 ? `draft a post about ${pick(r, TOPICS)}` : 'list my drafts';
    case 'help':
      return r() < 0.5 ? 'help' : "what's the capital of France?";
    case 'briefing':
      return 'briefing';
    case 'nonsense':
      return 'asdkjh qwe';
  }
}

/** One message a person sends. */
export interface UserMessage {
  readonly chat: number;
  readonly kind: Kind;
  /** What it says (for a voice note: what the recording says). */
  readonly text: string;
  /** A voice note's audio: OggS, the text, and padding to a realistic size. */
  readonly audio?: Buffer;
}

/** Typical WhatsApp voice notes: Opus at ~16 kbit/s, 5–25 s: 10–50 KB. */
export function fakeAudio(text: string, r: () => number): Buffer {
  const size = 10_000 + Math.floor(r() * 40_000);
  const head = Buffer.from(`OggS\u0000${JSON.stringify({ said: text })}\u0000`, 'utf8');
  const pad = Buffer.alloc(Math.max(0, size - head.length));
  for (let i = 0; i < pad.length; i += 4) pad.writeUInt32LE((r() * 4_294_967_296) >>> 0, Math.min(i, pad.length - 4));
  return Buffer.concat([head, pad]);
}

/** What a fake audio file says (the soak's transcriber): the text kami's voice note was made from. */
export function saidIn(audio: Buffer): string {
  const end = audio.indexOf(0, 5);
  return (JSON.parse(audio.subarray(5, end).toString('utf8')) as { said: string }).said;
}

/** The kinds in proportion to MIX, for drawing from. */
const BAG: Kind[] = Object.entries(MIX).flatMap(([k, n]) => Array<Kind>(n).fill(k as Kind));

/** The next user message of a run: a kind by the mix, a chat (the owner busiest), a text. */
export function nextMessage(r: () => number, chats: number): UserMessage {
  const kind = pick(r, BAG);
  // The owner sends about a third; the others share the rest.
  const chat = r() < 0.35 ? 0 : 1 + Math.floor(r() * Math.max(1, chats - 1));
  if (kind === 'voice') {
    const said = textOf(pick(r, ['nutrition', 'expense', 'reminder', 'note', 'habit'] as const), r);
    return { chat, kind, text: said, audio: fakeAudio(said, r) };
  }
  return { chat, kind, text: textOf(kind, r) };
}
