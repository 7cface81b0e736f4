/** note.saved: notes and journal entries scribe has stored. */
import { z } from 'zod';
import { chatId, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const noteSaved = defineStream({
  name: 'note.saved',
  description: 'Notes and journal entries saved by scribe (searchable there).',
  startAt: 'all',
  retention: { maxAgeMs: DAY_MS, maxLen: 30_000, why: 'facts a new listener may rebuild state from (new groups start at the history): the last day is in Redis, the full history in archivist (`hive history --export` to replay older facts); Redis is the buffer, not the record.' },
  messages: {
    'note.saved': defineMessage({
      version: 1,
      description: 'One note or journal entry saved.',
      schema: z.object({
        chatId,
        noteId: recordId,
        kind: z.enum(['note', 'journal']),
        title: z.string().optional(),
        text: z.string().min(1),
        tags: z.array(z.string()),
        savedAt: isoTime,
      }),
      example: {
        chatId: '491701234567@c.us',
        noteId: 'note_01JPAB2C3D4E5F6G7H8J9K0M1N',
        kind: 'note',
        title: 'book',
        text: 'book recommendation: The Design of Everyday Things',
        tags: ['books'],
        savedAt: '2025-03-14T20:15:00.000Z',
      },
    }),
  },
});
