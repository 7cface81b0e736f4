/**
 * What archivist reads: every stream of the catalogue and every message type on it, derived from
 * the contracts so that a stream added there is archived without a change here.
 */
import type { Catalogue } from '@hive/contracts';

export interface ArchivedStream {
  readonly stream: string;
  readonly types: readonly string[];
}

/** Every stream in the catalogue with its message types, in declaration order. */
export function archivedStreams(catalogue: Pick<Catalogue, 'entries'>): ArchivedStream[] {
  const byStream = new Map<string, string[]>();
  for (const { stream, type } of catalogue.entries()) {
    const types = byStream.get(stream) ?? [];
    types.push(type);
    byStream.set(stream, types);
  }
  return [...byStream].map(([stream, types]) => ({ stream, types }));
}
