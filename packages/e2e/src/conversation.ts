/**
 * The 25-message conversation that touches every agent: the e2e test asserts each reply, the
 * footprint benchmark sends the same messages before it reads the network's memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KamiClient } from './kami-client.js';

/** What a user says, in order; `voice` is the real Ogg voice note vox gets instead of text. */
export const CONVERSATION: readonly string[] = [
  'help',
  'I had 2 eggs and toast',
  '150 g chicken breast for lunch',
  'how much protein today',
  'set my goal to 2200 kcal',
  'spent 12.50 on lunch',
  '€30 groceries',
  'budget food 300',
  'how much did I spend this week',
  'remind me in 3 seconds to drink water',
  'every Monday 8am weigh in',
  'tomorrow at 9 call mom',
  'list my reminders',
  'cancel reminder 2',
  'note: call the landlord about the heater',
  'what did I note about the landlord',
  'drank 2 glasses of water',
  'ran 5k',
  'slept 7h',
  'draft a post about why small teams should use Redis Streams',
  'list my drafts',
  'briefing',
  "what's the capital of France?",
  'asdkjh qwe',
  'voice',
];

/** The voice note of the conversation (vox's fixture). */
export function voiceNote(): Buffer {
  return readFileSync(fileURLToPath(new URL('../../../apps/vox/test/fixtures/remind-dentist.ogg', import.meta.url)));
}

/** Say every message of the conversation as `from`, waiting for at least one reply to each; returns how many got one. */
export async function holdConversation(kami: KamiClient, from: string, timeoutMs = 30_000): Promise<number> {
  let answered = 0;
  for (const text of CONVERSATION) {
    const sent = text === 'voice' ? await kami.sendVoice(voiceNote(), from) : await kami.send(text, from);
    if ((await kami.replies(sent.chatId, sent.cursor, 1, timeoutMs)).length > 0) answered++;
  }
  return answered;
}
