/**
 * One hop of a conversation's trace, as `traceConversation` returns it. Types only, with no import:
 * the console's page (a browser bundle) imports them too.
 */

export interface GroupState {
  group: string;
  state: 'acked' | 'pending' | 'unread' | 'dead-lettered';
  consumer?: string;
  deliveries?: number;
}

export interface Hop {
  kind: 'message' | 'dead-letter';
  stream: string;
  entryId: string;
  type: string;
  src: string;
  id: string;
  corr: string;
  cause: string;
  /** Producer time (message) or time of dead-lettering, ms since epoch. */
  ts: number;
  /** ms since the first hop. */
  deltaMs: number;
  /** ms since the hop it answers, when that hop was found. */
  sinceCauseMs: number | null;
  groups: GroupState[];
  deadLetter?: { stream: string; group: string; reason: string; error: string; deliveries: number; entryId: string };
}
