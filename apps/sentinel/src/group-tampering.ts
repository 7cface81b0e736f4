/**
 * The tampering check's I/O (domain/tampering.ts says what it detects and why): on every poll, for
 * each group named after an agent, its pending list (XPENDING, up to MAX_PENDING entries), its
 * consumers (XINFO CONSUMERS) and its last-delivered id, compared with the previous poll's; the
 * entries it let go of are checked server-side by scripts/unaccounted-entries-3.lua, which returns
 * entry ids only. The first poll after a start only takes the baseline.
 */
import { loadScript, runScript, type Bus } from '@hive/agent';
import { logicalStream, xinfoConsumers, xpending, type StreamPartitions } from '@hive/bus/admin';
import type { Condition, Observation } from './domain/checks.js';
import { foreignConsumerCondition, unaccountedCondition, vanished, type GroupLook } from './domain/tampering.js';

const UNACCOUNTED = loadScript(new URL('./scripts/unaccounted-entries-3.lua', import.meta.url));

/** Pending entries compared per group and poll: the oldest ones (an entry stays pending until acked). */
export const MAX_PENDING = 1_000;
/** Entries delivered between two polls that are checked, per group. */
export const MAX_DELIVERED = 1_000;
/** The group's newest dead letters looked at for an entry's id. */
const DEAD_LETTERS_LOOKED_AT = 500;
/** How long an alert for a sign (an event) stays firing after the last sign. @defaultValue 10 minutes */
export const DEFAULT_TAMPERING_HOLD_MS = 10 * 60_000;

/** A check for `startWatch`: acks, claims and consumer deletions in an agent's group by someone else. */
export function tamperingCheck(bus: Pick<Bus, 'driver' | 'keys'>, holdMs = DEFAULT_TAMPERING_HOLD_MS, partitions?: StreamPartitions) {
  const looks = new Map<string, GroupLook>();
  /** The message types each agent handles per stream, from its registry record (kept while it is away). */
  const handles = new Map<string, Readonly<Record<string, readonly string[]>>>();
  /** The intents each agent is handed on a stream it reads only some intents of, from its record (kept likewise). */
  const intents = new Map<string, Readonly<Record<string, readonly string[]>>>();
  const held = new Map<string, { condition: Condition; until: number }>();
  return async (seen: Observation, now: Date): Promise<Condition[]> => {
    const agents = new Set([...seen.known.keys(), ...seen.agents.map((a) => a.name)]);
    for (const a of seen.agents) {
      if (a.handles) handles.set(a.name, a.handles);
      if (a.handlesIntents) intents.set(a.name, a.handlesIntents);
    }
    for (const g of seen.groups) {
      if (!agents.has(g.group)) continue;
      const key = bus.keys.stream(g.stream);
      // A record names the streams an agent reads; a shard's group (`intent.classified.3`) is its stream's.
      const stream = logicalStream(partitions, g.stream);
      const rows = g.pending > 0 ? await xpending(bus.driver, key, g.group, { start: '-', end: '+', count: MAX_PENDING }) : [];
      const consumers = (await xinfoConsumers(bus.driver, key, g.group)).map((c) => ({ name: c.name, pending: c.pending }));
      const look: GroupLook = { lastDeliveredId: g.lastDeliveredId, pending: new Map(rows.map((r) => [r.id, r.consumer])), consumers };
      const id = `${g.stream}\n${g.group}`;
      const before = looks.get(id);
      looks.set(id, look);
      const found: (Condition | undefined)[] = [foreignConsumerCondition(g.stream, g.group, consumers)];
      if (before) {
        const gone = vanished(before, look);
        const from = before.lastDeliveredId ?? '';
        const to = look.lastDeliveredId ?? '';
        const delivered = from !== '' && to !== '' && from !== to;
        if (gone.entries.length > 0 || delivered) {
          const r = (await runScript(
            bus.driver,
            UNACCOUNTED,
            [key, bus.keys.seen(g.stream, g.group), bus.keys.deadLetters(g.stream, g.group)],
            [
              g.group,
              DEAD_LETTERS_LOOKED_AT,
              delivered ? from : '',
              to || '+',
              MAX_DELIVERED,
              (handles.get(g.group)?.[stream] ?? []).join('\n'),
              (intents.get(g.group)?.[stream] ?? []).join('\n'),
              ...gone.entries,
            ],
          )) as unknown[];
          found.push(unaccountedCondition(g.stream, g.group, r.map(String), gone.consumers));
        }
      }
      for (const c of found) if (c) held.set(c.alertId, { condition: c, until: now.getTime() + holdMs });
    }
    const out: Condition[] = [];
    for (const [alertId, h] of held) {
      if (h.until < now.getTime()) held.delete(alertId);
      else out.push(h.condition);
    }
    return out;
  };
}
