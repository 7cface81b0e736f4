/** Every Hive stream, keyed by name, so that types can be derived per stream and message type. */
import type { z } from 'zod';
import { agentRequests } from './agent-requests.js';
import { contentDrafted } from './content-drafted.js';
import { expenseRecorded } from './expense-recorded.js';
import { habitLogged } from './habit-logged.js';
import { intentClassified } from './intent-classified.js';
import { noteSaved } from './note-saved.js';
import { nutritionLogged } from './nutrition-logged.js';
import { opsAlert } from './ops-alert.js';
import { scheduleDue } from './schedule-due.js';
import { voiceTranscribed } from './voice-transcribed.js';
import { waInbound } from './wa-inbound.js';
import { waOutbound } from './wa-outbound.js';

export const hiveStreams = {
  'wa.inbound': waInbound,
  'wa.outbound': waOutbound,
  'voice.transcribed': voiceTranscribed,
  'intent.classified': intentClassified,
  'nutrition.logged': nutritionLogged,
  'content.drafted': contentDrafted,
  'schedule.due': scheduleDue,
  'expense.recorded': expenseRecorded,
  'note.saved': noteSaved,
  'habit.logged': habitLogged,
  'ops.alert': opsAlert,
  'agent.requests': agentRequests,
} as const;

export type HiveStreams = typeof hiveStreams;
/** A Hive stream name. */
export type StreamName = keyof HiveStreams;
/** The message types on stream `S`. */
export type MessageType<S extends StreamName> = keyof HiveStreams[S]['messages'] & string;
type SchemaOf<S extends StreamName, T extends MessageType<S>> = HiveStreams[S]['messages'][T] extends { schema: infer Z extends z.ZodType } ? Z : never;
/** The payload a handler receives for (S, T): the current version, parsed. */
export type Payload<S extends StreamName, T extends MessageType<S>> = z.output<SchemaOf<S, T>>;
/** The payload a publisher may pass for (S, T): before defaults are applied. */
export type PayloadInput<S extends StreamName, T extends MessageType<S>> = z.input<SchemaOf<S, T>>;

export { agentRequests, contentDrafted, expenseRecorded, habitLogged, intentClassified, noteSaved, nutritionLogged, opsAlert, scheduleDue, voiceTranscribed, waInbound, waOutbound };
export { INTENT_NAME, INTENTS, intentName, type BuiltInIntent, type Intent } from './intent-classified.js';
export { media } from './wa-inbound.js';
