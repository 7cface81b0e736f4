/** archivist's own environment variables, as a zod object keyed by variable name. */
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The archive's age limit: two years of history, searchable. */
export const DEFAULT_MAX_AGE_DAYS = 730;
/** The archive's size limit, which binds first at the seed's load (about 190 days of 50k messages a day; see STORAGE.md): 8 GiB. */
export const DEFAULT_MAX_MB = 8_192;

export const archivistConfig = z
  .object({
    /** Where agents keep files; the history is `<HIVE_DATA_DIR>/archivist/history.db`. @defaultValue ".data" */
    HIVE_DATA_DIR: z.string().min(1).default('.data'),
    /** The database file, instead of the one under HIVE_DATA_DIR. */
    ARCHIVIST_DB_PATH: z.string().min(1).optional(),
    /** Messages older than this many days are removed from the archive (decimals allowed). @defaultValue 730 (two years) */
    ARCHIVIST_MAX_AGE_DAYS: z.coerce.number().positive().max(36_500).default(DEFAULT_MAX_AGE_DAYS),
    /** Above this many MB in the database the oldest messages go, down to 90% of it. @defaultValue 8192 */
    ARCHIVIST_MAX_MB: z.coerce.number().positive().max(10_000_000).default(DEFAULT_MAX_MB),
    /** How often the archive is pruned to those limits, in ms. @defaultValue 3600000 */
    ARCHIVIST_PRUNE_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  })
  .transform((c) => ({
    dbPath: resolve(c.ARCHIVIST_DB_PATH ?? join(c.HIVE_DATA_DIR, 'archivist', 'history.db')),
    retention: { maxAgeMs: Math.round(c.ARCHIVIST_MAX_AGE_DAYS * 86_400_000), maxBytes: Math.round(c.ARCHIVIST_MAX_MB * 1024 * 1024) },
    pruneMs: c.ARCHIVIST_PRUNE_MS,
  }));

export type ArchivistConfig = z.output<typeof archivistConfig>;
