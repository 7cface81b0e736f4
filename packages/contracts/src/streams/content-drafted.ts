/** content.drafted: posts adopter has drafted from an idea, and each revision of them. */
import { z } from 'zod';
import { chatId, interpreter, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const contentDrafted = defineStream({
  name: 'content.drafted',
  description: 'Drafted posts from adopter: a new draft from an idea (revision 1), or an edit (revision 2, 3, ...).',
  startAt: 'all',
  retention: { maxAgeMs: DAY_MS, maxLen: 30_000, why: 'facts a new listener may rebuild state from (new groups start at the history): the last day is in Redis, the full history in archivist (`hive history --export` to replay older facts); Redis is the buffer, not the record.' },
  messages: {
    'content.drafted': defineMessage({
      version: 1,
      description: 'One draft revision.',
      schema: z.object({
        chatId,
        draftId: recordId,
        revision: z.number().int().positive(),
        idea: z.string().min(1).describe('the idea as the owner gave it'),
        platform: z.enum(['linkedin', 'x', 'instagram', 'blog', 'other']),
        title: z.string(),
        body: z.string().min(1),
        tags: z.array(z.string()),
        draftedBy: interpreter,
        draftedAt: isoTime,
      }),
      example: {
        chatId: '491701234567@c.us',
        draftId: 'draft_01JPA8B3C4D5E6F7G8H9J0K1M2',
        revision: 1,
        idea: 'post about why we moved our queue from HTTP calls to Redis Streams',
        platform: 'linkedin',
        title: 'We stopped calling each other',
        body: 'Our agents used to POST to each other...',
        tags: ['redis', 'architecture'],
        draftedBy: 'llm',
        draftedAt: '2025-03-14T09:12:00.000Z',
      },
    }),
  },
});
