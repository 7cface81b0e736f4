/**
 * Who writes a draft or an edit: the model through the runtime's LLM port when one is configured,
 * the templates and the deterministic edits otherwise, and the templates again whenever the model
 * fails or answers with something that cannot be a post.
 */
import type { Llm, Logger } from '@hive/agent';
import type { Channel } from './domain/channels.js';
import { renderPost, type Draft, type DraftContent } from './domain/drafts.js';
import { applyEdits, parseEdit } from './domain/edits.js';
import { draftPrompt, editPrompt, parseModelPost, SYSTEM_PROMPT } from './domain/llm-prompts.js';
import { draftFromTemplate } from './domain/templates.js';

export interface Written {
  readonly content: DraftContent;
  readonly by: 'llm' | 'rules';
}

/** Longer channels need room for a longer answer. */
function maxTokensFor(channel: Channel): number {
  return channel === 'blog' || channel === 'newsletter' ? 1600 : 700;
}

async function ask(llm: Llm, log: Logger, prompt: string, channel: Channel, idea: string): Promise<DraftContent | undefined> {
  if (llm.kind === 'offline') return undefined;
  try {
    const answer = await llm.complete(prompt, { system: SYSTEM_PROMPT, maxTokens: maxTokensFor(channel) });
    // "rules" means the port already fell back; adopter's own templates are the better fallback.
    if (answer.source !== 'llm') return undefined;
    const content = parseModelPost(answer.text, channel, idea);
    if (!content) log.warn({ channel, chars: answer.text.length }, 'the model answered with nothing usable as a post; using the templates');
    return content;
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), channel }, 'the model could not write the post; using the templates');
    return undefined;
  }
}

/** A new draft of `idea` for `channel`. */
export async function writeDraft(idea: string, channel: Channel, llm: Llm, log: Logger): Promise<Written> {
  const content = await ask(llm, log, draftPrompt(idea, channel), channel, idea);
  return content ? { content, by: 'llm' } : { content: draftFromTemplate(idea, channel), by: 'rules' };
}

export type Edited =
  | { readonly kind: 'edited'; readonly content: DraftContent; readonly by: 'llm' | 'rules'; readonly done: readonly string[]; readonly notes: readonly string[] }
  | { readonly kind: 'not-understood'; readonly unknown: readonly string[] };

/** `draft` revised by the owner's `instruction`: by the model when configured, else by the offline edits. */
export async function editDraft(draft: Draft, instruction: string, llm: Llm, log: Logger): Promise<Edited> {
  const byModel = await ask(llm, log, editPrompt(renderPost(draft), instruction, draft.channel), draft.channel, draft.idea);
  if (byModel) return { kind: 'edited', content: byModel, by: 'llm', done: ['rewritten by the model'], notes: [] };
  const { ops, unknown } = parseEdit(instruction);
  if (ops.length === 0) return { kind: 'not-understood', unknown: unknown.length > 0 ? unknown : [instruction] };
  const result = applyEdits(draft, ops, draft.idea, `${draft.draftId}:${draft.revision}`);
  const notes = [...result.notes, ...unknown.map((u) => `“${u}” needs a model (set OPENAI_API_KEY)`)];
  return { kind: 'edited', content: result.content, by: 'rules', done: result.done, notes };
}
