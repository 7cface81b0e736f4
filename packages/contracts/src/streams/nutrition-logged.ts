/** nutrition.logged: meals box has recorded, with their estimate and the day's running totals. */
import { z } from 'zod';
import { chatId, interpreter, isoDay, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

const macros = z.object({
  kcal: z.number().nonnegative(),
  proteinG: z.number().nonnegative(),
  carbsG: z.number().nonnegative(),
  fatG: z.number().nonnegative(),
});

export const nutritionLogged = defineStream({
  name: 'nutrition.logged',
  description: 'Meals logged by box: items with calories and macros, and the totals of the day so far.',
  startAt: 'all',
  retention: { maxAgeMs: DAY_MS, maxLen: 30_000, why: 'facts a new listener may rebuild state from (new groups start at the history): the last day is in Redis, the full history in archivist (`hive history --export` to replay older facts); Redis is the buffer, not the record.' },
  messages: {
    'nutrition.logged': defineMessage({
      version: 1,
      description: 'One meal logged.',
      schema: z.object({
        chatId,
        entryId: recordId,
        description: z.string().min(1).describe('what the owner said they ate'),
        meal: z.enum(['breakfast', 'lunch', 'dinner', 'snack']).optional(),
        items: z
          .array(
            macros.extend({
              name: z.string().min(1),
              quantity: z.string().optional().describe('as said, e.g. "2 slices"'),
              grams: z.number().positive().optional(),
            }),
          )
          .min(1),
        totals: macros.describe('this meal'),
        day: isoDay,
        dayTotals: macros.describe('the whole day so far, this meal included'),
        estimatedBy: interpreter,
        loggedAt: isoTime,
      }),
      example: {
        chatId: '491701234567@c.us',
        entryId: 'meal_01JPA7Q9ZK3M5YB8R2T4V6X8W0',
        description: 'had 2 eggs and toast for breakfast',
        meal: 'breakfast',
        items: [
          { name: 'egg', quantity: '2', grams: 100, kcal: 155, proteinG: 13, carbsG: 1.1, fatG: 11 },
          { name: 'toast', quantity: '1 slice', grams: 30, kcal: 80, proteinG: 2.7, carbsG: 14, fatG: 1 },
        ],
        totals: { kcal: 235, proteinG: 15.7, carbsG: 15.1, fatG: 12 },
        day: '2025-03-14',
        dayTotals: { kcal: 235, proteinG: 15.7, carbsG: 15.1, fatG: 12 },
        estimatedBy: 'rules',
        loggedAt: '2025-03-14T07:45:13.120Z',
      },
    }),
  },
});
