/**
 * intent.classified with intent "note": save, search, list, show or delete notes, and answer the
 * chat. A note's identity is its source WhatsApp message, so a redelivered message saves nothing
 * twice and republishes the same note.saved and the same reply.
 */
import type { AgentContext, ClassifiedMessage, Outgoing, StoreDeps } from '@hive/agent';
import type { ScribeConfig } from '../config.js';
import { chatReply, dayIn, derivedId } from '@hive/agent';
import { periodRange } from '../domain/calendar.js';
import { tagsOf, tidy, titleOf } from '../domain/note-text.js';
import { parseNoteCommand } from '../domain/parse-command.js';
import { deletedReply, listReply, noSuchNoteReply, NOTHING_TO_DELETE, savedReply, searchReply, showReply, UNCLEAR_REPLY } from '../domain/replies.js';
import type { NoteStore } from '../note-store.js';

export type ScribeWrites = 'note.saved' | 'wa.outbound';
export type ScribeContext = AgentContext<ScribeConfig, ScribeWrites>;

export type HandlerDeps = StoreDeps<NoteStore>;

/** The contract's noteId for the note a message saved: stable across redeliveries, unique across chats. */
export function noteIdFor(chatId: string, sourceMessageId: string): string {
  return derivedId('note_', [chatId, sourceMessageId], 24);
}

/**
 * Handle one classified message; only intent "note" is scribe's. A save or delete resolves once it
 * is on disk, so the reply (and the ack) never confirms what a power cut could take back.
 */
export async function onIntentClassified(message: ClassifiedMessage, ctx: ScribeContext, deps: HandlerDeps): Promise<Outgoing<ScribeWrites>[] | undefined> {
  const d = message.data;
  if (d.intent !== 'note') return undefined;
  const tz = ctx.config.HIVE_TZ;
  const today = dayIn(deps.now(), tz);
  const reply = (text: string) => chatReply(d, text);
  const cmd = parseNoteCommand(d.text, d.entities);

  switch (cmd.action) {
    case 'save': {
      const text = tidy(cmd.text);
      if (text === '') return [reply(UNCLEAR_REPLY)];
      // The moment the owner wrote it, not when scribe got to it: the same on every redelivery.
      const savedAt = new Date(d.sentAt);
      const title = titleOf(text);
      const { note, created } = await deps.store().save({
        chatId: d.chatId,
        sourceMessageId: d.sourceMessageId,
        noteId: noteIdFor(d.chatId, d.sourceMessageId),
        kind: cmd.kind,
        ...(title ? { title } : {}),
        text,
        tags: tagsOf(text),
        savedAt: savedAt.toISOString(),
        day: dayIn(savedAt, tz),
      });
      ctx.log.info({ noteId: note.noteId, number: note.number, kind: note.kind, created }, created ? 'note saved' : 'note already saved (redelivery)');
      return [
        {
          stream: 'note.saved',
          type: 'note.saved',
          data: { chatId: d.chatId, noteId: note.noteId, kind: note.kind, ...(note.title ? { title: note.title } : {}), text: note.text, tags: [...note.tags], savedAt: note.savedAt },
        },
        reply(savedReply(note)),
      ];
    }
    case 'search': {
      const { hits, loose } = deps.store().search(d.chatId, cmd.query, ctx.config.SCRIBE_SEARCH_LIMIT);
      return [reply(searchReply(cmd.query, hits, today, loose))];
    }
    case 'list': {
      const kind = cmd.kind ? { kind: cmd.kind } : {};
      const { notes, total } = deps.store().list(d.chatId, { ...kind, limit: cmd.limit, ...periodRange(cmd.period, today) });
      // "Nothing from today" and "nothing at all" deserve different answers.
      const hasAny = total > 0 || (cmd.period !== undefined && deps.store().list(d.chatId, { ...kind, limit: 1 }).total > 0);
      return [reply(listReply(notes, today, { ...kind, ...(cmd.period ? { period: cmd.period } : {}), total, hasAny }))];
    }
    case 'show': {
      const note = deps.store().get(d.chatId, cmd.number);
      return [reply(note ? showReply(note, today) : noSuchNoteReply(cmd.number))];
    }
    case 'delete': {
      const note = await deps.store().delete(d.chatId, cmd.number, d.sourceMessageId);
      if (note) ctx.log.info({ noteId: note.noteId, number: note.number }, 'note deleted');
      return [reply(note ? deletedReply(note) : noSuchNoteReply(cmd.number))];
    }
    case 'delete-last': {
      const note = await deps.store().deleteLast(d.chatId, d.sourceMessageId);
      if (note) ctx.log.info({ noteId: note.noteId, number: note.number }, 'last note deleted (undo)');
      return [reply(note ? deletedReply(note) : NOTHING_TO_DELETE)];
    }
    case 'unclear':
      return [reply(UNCLEAR_REPLY)];
  }
}
