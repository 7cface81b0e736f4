/** archivist's own environment variables, as a zod object keyed by variable name. */
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const archivistConfig = z
  .object({
    /** Where agents keep files; the history is `<HIVE_DATA_DIR>/archivist/history.db`. @defaultValue ".data" */
    HIVE_DATA_DIR: z.string().min(1).default('.data'),
    /** The database file, instead of the one under HIVE_DATA_DIR. */
    ARCHIVIST_DB_PATH: z.string().min(1).optional(),
  })
  .transform((c) => ({ dbPath: resolve(c.ARCHIVIST_DB_PATH ?? join(c.HIVE_DATA_DIR, 'archivist', 'history.db')) }));

export type ArchivistConfig = z.output<typeof archivistConfig>;
