/** scribe's own environment variables, as a zod object keyed by variable name. */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { hiveTimeZone } from '@hive/agent';

export const scribeConfig = z
  .object({
    /** Where agents keep files; scribe's database is `<HIVE_DATA_DIR>/scribe/notes.db`. @defaultValue ".data" */
    HIVE_DATA_DIR: z.string().min(1).default('.data'),
    /** The database file, instead of the one under HIVE_DATA_DIR (":memory:" for a throwaway). */
    SCRIBE_DB_PATH: z.string().min(1).optional(),
    /** The owner's time zone: the day a note belongs to, "today" and "this week". @defaultValue "UTC" */
    HIVE_TZ: hiveTimeZone,
    /** How many results a search quotes. @defaultValue 5 */
    SCRIBE_SEARCH_LIMIT: z.coerce.number().int().min(1).max(20).default(5),
  })
  .transform((c) => ({ ...c, dbPath: c.SCRIBE_DB_PATH === ':memory:' ? ':memory:' : resolve(c.SCRIBE_DB_PATH ?? join(c.HIVE_DATA_DIR, 'scribe', 'notes.db')) }));

export type ScribeConfig = z.output<typeof scribeConfig>;
