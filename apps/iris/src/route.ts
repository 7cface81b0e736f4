/** What both handlers do once they have text: classify, publish intent.classified, answer "unknown". */
import { type AgentContext, errorMessage, type Outgoing } from '@hive/agent';
import type { IrisConfig } from './config.js';
import { classify } from './classifier.js';
import type { Classification } from './domain/classification.js';
import { unknownReply } from './domain/replies.js';
import { undoEntities } from './domain/rules/undo.js';
import { liveIntentsOf } from './live-intents.js';
import { createChatMemory, isWrite } from './memory.js';

export type IrisContext = AgentContext<IrisConfig, 'intent.classified' | 'wa.outbound'>;

export interface Said {
  readonly chatId: string;
  readonly from: string;
  readonly messageId: string;
  readonly via: 'text' | 'voice';
  readonly text: string;
  readonly sentAt: string;
}

/**
 * The messages to publish for one utterance: its classification, plus iris's own reply when no agent
 * serves it. A bare "undo" goes to the agent this chat last wrote to. The intent is one iris's rules
 * know or one a running agent declares (the registry, read through liveIntentsOf); an intent whose
 * agent is not running is answered by atlas's fallback.
 */
export async function route(said: Said, ctx: IrisContext, preset?: Classification): Promise<Outgoing<'intent.classified' | 'wa.outbound'>[]> {
  const memory = createChatMemory(ctx.bus.driver, ctx.bus.keys, ctx.config.IRIS_UNDO_WINDOW_S);
  const declared = preset ? [] : await liveIntentsOf(ctx.bus, ctx.log).get();
  let verdict = preset ? { ...preset, classifier: 'rules' as const } : await classify(said.text, ctx.llm, ctx.config.IRIS_TRUST_RULES_ABOVE, declared);
  if (verdict.intent === 'unknown' && verdict.entities.action === 'undo') {
    const last = await memory.lastWrite(said.chatId);
    if (last) verdict = { ...verdict, intent: last, entities: undoEntities(last), confidence: 0.9 };
  }
  // Not waited for: the SET goes out on the bus's connection in the same write as the XADD of the
  // classification (the connection keeps their order), so a later "undo" of this chat reads it, and
  // the reply does not wait a round trip for it. A failed SET only costs a later "undo" its target.
  if (isWrite(verdict.intent, verdict.entities)) {
    const intent = verdict.intent;
    void memory.rememberWrite(said.chatId, intent).catch((err: unknown) => ctx.log.warn({ err: errorMessage(err), intent }, 'could not remember the chat\'s last write (a later "undo" may not find it)'));
  }
  ctx.log.info({ intent: verdict.intent, confidence: verdict.confidence, classifier: verdict.classifier, via: said.via }, 'classified');
  const out: Outgoing<'intent.classified' | 'wa.outbound'>[] = [
    {
      stream: 'intent.classified',
      type: 'intent.classified',
      data: {
        chatId: said.chatId,
        from: said.from,
        sourceMessageId: said.messageId,
        via: said.via,
        text: said.text,
        intent: verdict.intent,
        entities: verdict.entities,
        confidence: verdict.confidence,
        classifier: verdict.classifier,
        sentAt: said.sentAt,
      },
    },
  ];
  if (verdict.intent === 'unknown') {
    out.push({ stream: 'wa.outbound', type: 'wa.send', data: { chatId: said.chatId, text: unknownReply(verdict.entities), replyTo: said.messageId } });
  }
  return out;
}
