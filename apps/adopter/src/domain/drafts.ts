/** A draft as adopter keeps it, and the post it makes on its channel. */
import { profileOf, type Channel } from './channels.js';

export interface Draft {
  /** The chat's own number for it ("draft 3"); never reused. */
  readonly number: number;
  readonly draftId: string;
  readonly revision: number;
  /** The idea as the owner gave it. */
  readonly idea: string;
  readonly channel: Channel;
  readonly title: string;
  /** The post without the trailing hashtags line (those are `tags`). */
  readonly body: string;
  /** Hashtags without "#". */
  readonly tags: readonly string[];
  readonly draftedBy: 'llm' | 'rules';
  /** Set when an undo made this revision: the revision whose content it restored (so the next undo goes further back). */
  readonly restoredFrom?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What drafting and editing produce before the draft has its identity. */
export interface DraftContent {
  readonly channel: Channel;
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
}

/** The post as it would be published: the body, then the hashtags the body does not already carry. */
export function renderPost(d: DraftContent): string {
  const profile = profileOf(d.channel);
  if (profile.hashtags === 0) return d.body;
  const inline = new Set((d.body.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((t) => t.slice(1).toLowerCase()));
  const trailing = d.tags.filter((t) => !inline.has(t.toLowerCase())).map((t) => `#${t}`);
  return trailing.length === 0 ? d.body : `${d.body}\n\n${trailing.join(' ')}`;
}
