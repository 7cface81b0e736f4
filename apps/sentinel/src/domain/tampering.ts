/**
 * What Redis cannot refuse, seen afterwards: an agent that reads a stream may XACK, XCLAIM,
 * XREADGROUP and XGROUP DELCONSUMER in ANOTHER agent's group on that stream (an ACL names keys and
 * commands, never a group). Two signs, each certain for a group named after an agent:
 *   - entries the group let go of without handling them (no handled mark, no dead letter: the
 *     group's own consumers ack only after one of those; found by scripts/unaccounted-entries-3.lua);
 *   - a consumer in the group that is not one of the group's agent's (the bus names its consumers
 *     `<group>@<host>#<instance>`): entries claimed away to it, or read as the group under another name.
 * A sign is an event, not a state: the alert stays firing for `holdMs` after the last sign, then resolves.
 */
import type { Condition } from './observation.js';

/** Whether `consumer` is one of the bus's consumers of `group` (subscribe-options.ts names them `<group>@<host>#<instance>`). */
export function ownConsumer(group: string, consumer: string): boolean {
  return consumer.startsWith(`${group}@`);
}

/** A group's state at one look: what it had pending (id → consumer), its last-delivered id, its consumers. */
export interface GroupLook {
  readonly lastDeliveredId: string | undefined;
  readonly pending: ReadonlyMap<string, string>;
  readonly consumers: readonly { readonly name: string; readonly pending: number }[];
}

/** The entry ids pending at the last look and not now; the consumers that held pending entries then and are gone now. */
export function vanished(before: GroupLook, now: GroupLook): { entries: string[]; consumers: string[] } {
  const names = new Set(now.consumers.map((c) => c.name));
  return {
    entries: [...before.pending.keys()].filter((id) => !now.pending.has(id)),
    consumers: [...new Set(before.pending.values())].filter((c) => !names.has(c)).sort(),
  };
}

/** The condition for entries a group did not account for, or undefined when there are none. */
export function unaccountedCondition(stream: string, group: string, entries: readonly string[], consumersGone: readonly string[]): Condition | undefined {
  if (entries.length === 0) return undefined;
  const gone = consumersGone.length > 0 ? ` (consumers deleted: ${consumersGone.join(', ')})` : '';
  return {
    alertId: `acked_by_other:${stream}:${group}`,
    check: 'other',
    severity: 'critical',
    subject: `${stream}/${group}`,
    summary: `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} of ${stream} left ${group}'s pending list without ${group} handling or dead-lettering ${entries.length === 1 ? 'it' : 'them'}${gone}: another agent that reads ${stream} acked, claimed or dropped ${entries.length === 1 ? 'it' : 'them'} (first ${entries[0]})`,
    recovery: `no more entries of ${stream} have left ${group} unhandled`,
    details: { problem: 'acked_by_other', stream, group, entries: entries.length, first: entries[0]!, consumersDeleted: consumersGone.join(',') },
  };
}

/** The condition for consumers of an agent's group that are not that agent's, or undefined when there are none. */
export function foreignConsumerCondition(stream: string, group: string, consumers: readonly { readonly name: string; readonly pending: number }[]): Condition | undefined {
  const foreign = consumers.filter((c) => !ownConsumer(group, c.name));
  if (foreign.length === 0) return undefined;
  const pending = foreign.reduce((n, c) => n + c.pending, 0);
  return {
    alertId: `foreign_consumer:${stream}:${group}`,
    check: 'other',
    severity: 'critical',
    subject: `${stream}/${group}`,
    summary: `${group}'s group on ${stream} has ${foreign.length === 1 ? 'a consumer' : 'consumers'} that ${group} did not create: ${foreign.map((c) => c.name).join(', ')} (holding ${pending} pending): another agent that reads ${stream} claimed ${group}'s entries or read as ${group}`,
    recovery: `${group}'s group on ${stream} has only ${group}'s consumers again`,
    details: { problem: 'foreign_consumer', stream, group, consumers: foreign.map((c) => c.name).join(','), pending },
  };
}
