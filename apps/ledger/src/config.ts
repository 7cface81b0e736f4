/** ledger's own environment variables, as a zod object keyed by variable name. */
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';
import { assertCurrency } from './domain/money.js';

const valid = (check: (s: string) => unknown) => (s: string) => {
  try {
    check(s);
    return true;
  } catch {
    return false;
  }
};

export const ledgerConfig = z.object({
  /** Currency of amounts that name none, and of budgets. @defaultValue "EUR" */
  HIVE_CURRENCY: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .refine(valid(assertCurrency), { message: 'must be an ISO 4217 currency code, e.g. "EUR" or "USD"' })
    .default('EUR'),
  /** The owner's time zone: which day "today" is, where weeks and months begin. @defaultValue "UTC" */
  HIVE_TZ: hiveTimeZone,
});

export type LedgerConfig = z.output<typeof ledgerConfig>;
