/** expense.recorded: expenses ledger has recorded, with where the budget stands. */
import { z } from 'zod';
import { chatId, interpreter, isoDay, isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

const currency = z.string().regex(/^[A-Z]{3}$/).describe('ISO 4217 code, e.g. "EUR"');

export const expenseRecorded = defineStream({
  name: 'expense.recorded',
  description: 'Expenses recorded by ledger, each with the state of its category\'s budget when there is one.',
  startAt: 'all',
  retention: { maxAgeMs: DAY_MS, maxLen: 30_000, why: 'facts a new listener may rebuild state from (new groups start at the history): the last day is in Redis, the full history in archivist (`hive history --export` to replay older facts); Redis is the buffer, not the record.' },
  messages: {
    'expense.recorded': defineMessage({
      version: 1,
      description: 'One expense recorded. Amounts are integers in the currency\'s minor unit (cents), never floats.',
      schema: z.object({
        chatId,
        expenseId: recordId,
        amountMinor: z.number().int().positive().describe('amount in minor units, e.g. 1250 = 12.50 EUR'),
        currency,
        category: z.string().min(1).describe('e.g. "groceries", "transport"'),
        description: z.string(),
        spentOn: isoDay,
        budget: z
          .object({
            period: z.enum(['week', 'month']),
            limitMinor: z.number().int().nonnegative(),
            spentMinor: z.number().int().nonnegative().describe('spent in this period, this expense included'),
          })
          .optional(),
        recordedBy: interpreter,
        recordedAt: isoTime,
      }),
      example: {
        chatId: '491701234567@c.us',
        expenseId: 'exp_01JPAA1B2C3D4E5F6G7H8J9K0M',
        amountMinor: 1250,
        currency: 'EUR',
        category: 'groceries',
        description: 'groceries at rewe',
        spentOn: '2025-03-14',
        budget: { period: 'month', limitMinor: 40000, spentMinor: 18730 },
        recordedBy: 'rules',
        recordedAt: '2025-03-14T18:03:44.000Z',
      },
    }),
  },
});
