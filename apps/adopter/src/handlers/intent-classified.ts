/**
 * intent.classified with intent "content": draft a post from an idea, list, show, edit or delete
 * drafts, and answer the chat. Drafts and edits are keyed by their source message, so a redelivered
 * message creates no second draft, applies no edit twice, and republishes the same content.drafted.
 */
import type { AgentContext, ClassifiedMessage, Outgoing, StoreDeps } from '@hive/agent';
import type { AdopterConfig } from '../config.js';
import { chatReply, dayIn, derivedId } from '@hive/agent';
import { platformOf } from '../domain/channels.js';
import { renderPost, type Draft } from '../domain/drafts.js';
import { parseContentCommand } from '../domain/parse-command.js';
import { cannotEditReply, deletedReply, draftedReply, editedReply, listReply, noSuchDraftReply, NOTHING_TO_UNDO, publishReply, revertedReply, showReply, unclearReply } from '../domain/replies.js';
import type { DraftStore } from '../draft-store.js';
import { editDraft, writeDraft } from '../writer.js';

export type AdopterWrites = 'content.drafted' | 'wa.outbound';
export type AdopterContext = AgentContext<AdopterConfig, AdopterWrites>;

export type HandlerDeps = StoreDeps<DraftStore>;

/** Thrown when a draft changed between reading and revising it; the bus retries the message. */
export class DraftChangedError extends Error {
  override readonly name = 'DraftChangedError';
  constructor(readonly number: number) {
    super(`draft #${number} changed while it was being edited; retrying`);
  }
}

/** The contract's draftId for the draft a message created: stable across redeliveries, unique across chats. */
export function draftIdFor(chatId: string, sourceMessageId: string): string {
  return derivedId('draft_', [chatId, sourceMessageId], 24);
}

function drafted(chatId: string, d: Draft): Outgoing<AdopterWrites> {
  return {
    stream: 'content.drafted',
    type: 'content.drafted',
    data: { chatId, draftId: d.draftId, revision: d.revision, idea: d.idea, platform: platformOf(d.channel), title: d.title, body: renderPost(d), tags: [...d.tags], draftedBy: d.draftedBy, draftedAt: d.updatedAt },
  };
}

/** Handle one classified message; only intent "content" is adopter's. */
export async function onIntentClassified(message: ClassifiedMessage, ctx: AdopterContext, deps: HandlerDeps): Promise<Outgoing<AdopterWrites>[] | undefined> {
  const d = message.data;
  if (d.intent !== 'content') return undefined;
  const reply = (text: string) => chatReply(d, text);
  const cmd = parseContentCommand(d.text, d.entities);
  if (cmd.action === 'unclear') return [reply(unclearReply(cmd.missing))];

  const store = deps.store();
  const at = new Date(d.sentAt).toISOString();
  switch (cmd.action) {
    case 'list':
      return [reply(listReply(await store.list(d.chatId), dayIn(deps.now(), ctx.config.HIVE_TZ), ctx.config.HIVE_TZ))];
    case 'show': {
      const draft = await store.get(d.chatId, cmd.number);
      return [reply(draft ? showReply(draft) : noSuchDraftReply(cmd.number))];
    }
    case 'publish': {
      const draft = await store.get(d.chatId, cmd.number);
      return [reply(draft ? publishReply(draft) : noSuchDraftReply(cmd.number))];
    }
    case 'delete': {
      const deleted = await store.delete(d.chatId, d.sourceMessageId, cmd.number);
      if (deleted) ctx.log.info({ draftId: deleted.draftId, number: deleted.number }, 'draft deleted');
      // Nothing deleted: no such draft, or this very message deleted it before (a redelivery).
      if (!deleted) return [reply((await store.sourceOf(d.chatId, d.sourceMessageId)) === cmd.number ? deletedReply(cmd.number) : noSuchDraftReply(cmd.number))];
      return [reply(deletedReply(deleted))];
    }
    case 'delete-last':
    case 'undo':
      return undo(cmd.action, store, d.chatId, d.sourceMessageId, at, ctx, reply);
    case 'draft': {
      // A redelivery: the draft exists; say the same again rather than ask the model twice.
      const earlier = await store.sourceOf(d.chatId, d.sourceMessageId);
      if (earlier !== undefined) {
        const draft = await store.get(d.chatId, earlier);
        return draft ? [drafted(d.chatId, draft), reply(draftedReply(draft))] : [reply(noSuchDraftReply(earlier))];
      }
      const channel = cmd.channel ?? ctx.config.ADOPTER_DEFAULT_CHANNEL;
      const { content, by } = await writeDraft(cmd.idea, channel, ctx.llm, ctx.log);
      const fresh = { draftId: draftIdFor(d.chatId, d.sourceMessageId), revision: 1, idea: cmd.idea, ...content, tags: [...content.tags], draftedBy: by, createdAt: at, updatedAt: at };
      const { number, created } = await store.create(d.chatId, d.sourceMessageId, fresh);
      const draft = (created ? { ...fresh, number } : await store.get(d.chatId, number)) ?? { ...fresh, number };
      ctx.log.info({ draftId: draft.draftId, number, channel, draftedBy: by, created }, 'draft created');
      return [drafted(d.chatId, draft), reply(draftedReply(draft))];
    }
    case 'edit': {
      const draft = await store.get(d.chatId, cmd.number);
      if (!draft) return [reply(noSuchDraftReply(cmd.number))];
      if ((await store.sourceOf(d.chatId, d.sourceMessageId)) === cmd.number) return [drafted(d.chatId, draft), reply(editedReply(draft, [], []))];
      const edit = await editDraft(draft, cmd.instruction, ctx.llm, ctx.log);
      if (edit.kind === 'not-understood') return [reply(cannotEditReply(cmd.number, edit.unknown))];
      if (edit.done.length === 0) return [reply(`Draft #${draft.number} is unchanged: ${edit.notes.join('; ')}.`)];
      const { restoredFrom: _undone, ...base } = draft;
      const revised: Draft = { ...base, ...edit.content, tags: [...edit.content.tags], revision: draft.revision + 1, draftedBy: edit.by, updatedAt: at };
      const outcome = await store.revise(d.chatId, d.sourceMessageId, revised, draft.revision);
      if (outcome === 'gone') return [reply(noSuchDraftReply(cmd.number))];
      if (outcome === 'conflict') throw new DraftChangedError(cmd.number);
      const current = outcome === 'applied' ? revised : ((await store.get(d.chatId, cmd.number)) ?? revised);
      ctx.log.info({ draftId: current.draftId, number: current.number, revision: current.revision, draftedBy: current.draftedBy, outcome }, 'draft edited');
      return [drafted(d.chatId, current), reply(editedReply(current, edit.done, edit.notes))];
    }
  }
}

/**
 * "delete the last draft" deletes the newest; "undo" takes back the last change: an edit is reverted
 * (as a new revision with the previous one's content), a new draft is deleted.
 */
async function undo(
  kind: 'delete-last' | 'undo',
  store: DraftStore,
  chatId: string,
  sourceMessageId: string,
  at: string,
  ctx: AdopterContext,
  reply: (text: string) => Outgoing<AdopterWrites>,
): Promise<Outgoing<AdopterWrites>[]> {
  const done = await store.sourceOf(chatId, sourceMessageId);
  if (done !== undefined) {
    // A redelivery: say again what this message did.
    const draft = await store.get(chatId, done);
    return [reply(draft ? revertedReply(draft, draft.restoredFrom ?? draft.revision - 1) : deletedReply(done))];
  }
  const drafts = await store.list(chatId);
  const target = kind === 'delete-last' ? drafts[0] : [...drafts].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number)[0];
  if (!target) return [reply(NOTHING_TO_UNDO)];
  // After an undo, the next one goes further back than the revision it restored; before the first, the draft goes.
  const back = (target.restoredFrom ?? target.revision) - 1;
  const previous = kind === 'undo' && back >= 1 ? await store.revision(chatId, target.number, back) : undefined;
  if (!previous) {
    const deleted = await store.delete(chatId, sourceMessageId, target.number);
    ctx.log.info({ draftId: target.draftId, number: target.number, kind }, 'draft deleted (undo)');
    return [reply(deletedReply(deleted ?? target.number))];
  }
  const reverted: Draft = { ...previous, number: target.number, revision: target.revision + 1, restoredFrom: previous.revision, updatedAt: at };
  const outcome = await store.revise(chatId, sourceMessageId, reverted, target.revision);
  if (outcome === 'conflict') throw new DraftChangedError(target.number);
  if (outcome === 'gone') return [reply(noSuchDraftReply(target.number))];
  ctx.log.info({ draftId: target.draftId, number: target.number, revision: reverted.revision, to: previous.revision }, 'draft edit undone');
  return [drafted(chatId, reverted), reply(revertedReply(reverted, previous.revision))];
}
