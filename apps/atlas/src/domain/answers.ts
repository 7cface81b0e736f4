/**
 * Questions: what atlas asks the model, and what it says when there is no model to ask (or the
 * model failed). The prompt carries the live agents' descriptions, so "can you track my sleep?"
 * is answered from what is really running.
 */
import type { MenuAgent } from './menu.js';

/** The longest question passed to the model; WhatsApp messages can be long, the bill should not be. */
export const MAX_QUESTION_CHARS = 2_000;

/** The reply offline: no model configured. */
export function offlineAnswer(): string {
  return "I can't answer general questions offline — no language model is configured here. Say *help* to see what I can do.";
}

/** The reply when a model is configured but did not answer (error, timeout, refusal). */
export function unavailableAnswer(): string {
  return "I couldn't reach the language model just now, so I can't answer that. Try again in a bit, or say *help* to see what else I can do.";
}

/** The reply to a question with no words in it. */
export function emptyQuestionAnswer(): string {
  return 'What would you like to know? Ask me anything, or say *help* to see what I can do.';
}

/** The question to answer: iris's `question` entity when it found one, else the message text, trimmed and capped. */
export function questionOf(text: string, entities: Readonly<Record<string, unknown>>): string {
  const q = typeof entities.question === 'string' && entities.question.trim() !== '' ? entities.question : text;
  const one = q.trim();
  return one.length > MAX_QUESTION_CHARS ? `${one.slice(0, MAX_QUESTION_CHARS)}…` : one;
}

/** The system prompt: who atlas is, how to answer on WhatsApp, and what the live agents do. */
export function systemPrompt(agents: readonly MenuAgent[], today: string): string {
  const serving = agents.filter((a) => a.skills.length > 0);
  const list = serving.map((a) => `- ${a.name}: ${a.description}${a.skills.length ? ` (e.g. ${a.skills.map((s) => s.examples?.[0]).filter(Boolean).slice(0, 2).map((e) => `"${e}"`).join(', ')})` : ''}`).join('\n');
  return [
    'You are atlas, the question-answering member of a personal assistant that lives in WhatsApp.',
    'Answer the user\'s question directly, accurately and briefly: at most a few short paragraphs, plain text, WhatsApp *bold* at most.',
    'If you do not know, say so; do not invent facts. Do not claim to have done anything for the user.',
    `Today is ${today}.`,
    serving.length > 0
      ? `If the user asks what the assistant can do, or wants something one of these agents does, tell them what to say:\n${list}`
      : 'No other agents are running right now.',
  ].join('\n');
}
