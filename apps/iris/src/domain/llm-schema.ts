/**
 * The structured output iris asks a model for, and the conversions between it and the contract.
 * Strict structured output needs every field present, so "absent" is null here and dropped before
 * publishing; the entity keys are the same ones the offline rules produce (see README).
 */
import { INTENTS } from '@hive/contracts';
import { z } from 'zod';
import type { Classification, Entities, Intent } from './classification.js';
import type { DeclaredIntent } from './declared.js';

/** The intents iris's own rules and instructions know; the running agents add theirs (llmIntentSchemaFor). */
export const INTENT_LABELS: readonly Intent[] = INTENTS;

const STRING_KEYS = [
  'action', 'meal', 'foods', 'nutrient', 'day', 'when', 'what', 'text', 'kind', 'query', 'topic', 'channel', 'format',
  'instruction', 'description', 'currency', 'category', 'period', 'unit', 'activity', 'quality', 'question', 'duration', 'smalltalk',
] as const;
const NUMBER_KEYS = ['amount', 'goalKcal', 'quantity', 'reminderId', 'draftId', 'ml', 'hours', 'distanceKm', 'durationMin', 'steps', 'reps', 'target', 'limit'] as const;
const BOOLEAN_KEYS = ['recurring', 'all'] as const;

/** Every entity key a model may fill; all nullable, none optional (strict structured output). */
export const llmEntitiesSchema = z.object({
  ...Object.fromEntries(STRING_KEYS.map((k) => [k, z.string().nullable()])),
  ...Object.fromEntries(NUMBER_KEYS.map((k) => [k, z.number().nullable()])),
  ...Object.fromEntries(BOOLEAN_KEYS.map((k) => [k, z.boolean().nullable()])),
} as Record<(typeof STRING_KEYS)[number], z.ZodNullable<z.ZodString>> &
  Record<(typeof NUMBER_KEYS)[number], z.ZodNullable<z.ZodNumber>> &
  Record<(typeof BOOLEAN_KEYS)[number], z.ZodNullable<z.ZodBoolean>>);

/** What the model returns for one message. */
export const llmIntentSchema = z.object({
  intent: z.enum(INTENT_LABELS as unknown as [Intent, ...Intent[]]),
  // No min/max: some OpenAI-compatible servers reject those keywords in strict mode; clamped below.
  confidence: z.number(),
  entities: llmEntitiesSchema,
});
export type LlmIntent = z.output<typeof llmIntentSchema>;

/** The intents the model may choose: the built-in ones and those the running agents declare. */
export function intentLabels(declared: readonly DeclaredIntent[]): Intent[] {
  return [...new Set([...INTENT_LABELS, ...declared.map((d) => d.name)])];
}

/** The model's output schema with the running agents' intents among the choices. */
export function llmIntentSchemaFor(declared: readonly DeclaredIntent[]) {
  const labels = intentLabels(declared);
  if (labels.length === INTENT_LABELS.length) return llmIntentSchema;
  return llmIntentSchema.extend({ intent: z.enum(labels as [Intent, ...Intent[]]) });
}

/**
 * The instructions with a line for each intent a running agent declares beyond the built-in ones
 * (its description and examples), placed before "unknown" so that the model weighs them first.
 */
export function llmInstructionsFor(declared: readonly DeclaredIntent[]): string {
  const extra = declared.filter((d) => !(INTENT_LABELS as readonly string[]).includes(d.name));
  if (extra.length === 0) return LLM_INSTRUCTIONS;
  const lines = extra.map((d) => `- ${d.name}: ${d.description}${d.examples.length > 0 ? ` (${d.examples.map((e) => JSON.stringify(e)).join(', ')})` : ''}. Entities: fill the ones that fit, e.g. query or topic.`);
  return LLM_INSTRUCTIONS.replace('\n- unknown:', `\n${lines.join('\n')}\n- unknown:`);
}

/** The extraction name, shared by the online call and the offline extractor. */
export const LLM_EXTRACTION = 'intent';

/** Guidance for the model: what each intent means and which entities to fill. */
export const LLM_INSTRUCTIONS = `You route WhatsApp messages sent to a personal assistant made of agents. Pick the one intent the message is for:
- nutrition: food eaten ("I had 2 eggs and toast"), calories or macros so far ("how much protein today"), a calorie goal ("set my goal to 2200 kcal"), calories in a food. Entities: action = log | summary | goal | lookup; foods = the food words exactly as said without "I had" or the meal; meal = breakfast | lunch | dinner | snack; nutrient = kcal | protein | carbs | fat; day = today | yesterday; goalKcal.
- schedule: reminders and recurring events ("remind me in 2 minutes to stretch", "every Monday 8am weigh in", "list my reminders", "cancel reminder 2", "snooze 10 minutes"). Entities: action = create | list | cancel | snooze; when = the time phrase exactly as said; what = the task; recurring; reminderId; duration.
- expense: money spent, budgets and spending totals ("spent 12.50 on lunch", "€30 groceries", "budget food 300", "how much did I spend this week"). Entities: action = record | budget | summary; amount; currency = ISO 4217 code only if stated; description; category; period = today | yesterday | week | month | year.
- note: saving or searching notes and journal entries ("note: call the landlord", "what did I note about the landlord"). Entities: action = save | search | list | edit; text = the note exactly as said (only to save); kind = note | journal; query. Notes cannot be edited: for "edit note 2: …" use action = edit and put the new words in instruction, never in text (that would save a new note).
- habit: water, sleep, workouts, steps, meditation, streaks ("drank 2 glasses of water", "ran 5k", "slept 7h", "slept from 23:30 to 6:45", "my streaks", "how am I doing"). Entities: action = log | summary | goal; kind = water | sleep | workout | steps | meditation; activity; quantity; unit; ml; hours; distanceKm; durationMin; steps; reps; target.
- content: drafting social posts and managing drafts ("draft a post about …", "list my drafts", "edit draft 2: shorter", "make draft 2 longer", "draft 3 for twitter"). Entities: action = draft | list | show | edit | delete | publish; topic; channel; format; draftId; instruction.
- briefing: asking for the daily briefing or a summary of the day.
- help: greetings, "help", "what can you do", help on a topic (topic = one of the intents, or the agent's name in lower case when one is named: "help box" → box).
- question: a general question for an assistant ("what's the capital of France?"). Entities: question = the question as asked.
- unknown: anything else (thanks, "ok", gibberish). Entities: smalltalk = thanks | ack | bye when it is one of those.
Fill only the entities the message states; set every other entity to null. Confidence is 0 to 1.`;

/** A rules verdict in the model's shape, for the offline extractor (used when the model fails). */
export function toLlmShape(c: Classification): LlmIntent {
  const entities = Object.fromEntries(Object.keys(llmEntitiesSchema.shape).map((k) => [k, null])) as Record<string, string | number | boolean | null>;
  const known = new Set(Object.keys(llmEntitiesSchema.shape));
  for (const [k, v] of Object.entries(c.entities)) if (known.has(k)) entities[k] = v;
  return llmIntentSchema.parse({ intent: c.intent, confidence: c.confidence, entities });
}

/**
 * The model's verdict as the contract carries it: nulls and empty strings dropped, confidence
 * clamped. When the rules agree on the intent, entities only the rules found are kept too.
 */
export function fromLlmShape(r: LlmIntent, rules?: Classification): Classification {
  const entities: Entities = {};
  if (rules && rules.intent === r.intent) Object.assign(entities, rules.entities);
  for (const [k, v] of Object.entries(r.entities)) {
    if (v === null || v === '' || (typeof v === 'number' && !Number.isFinite(v))) continue;
    entities[k] = typeof v === 'string' ? v.trim() : v;
  }
  return { intent: r.intent, entities, confidence: Math.max(0, Math.min(1, Number.isFinite(r.confidence) ? r.confidence : 0)) };
}
