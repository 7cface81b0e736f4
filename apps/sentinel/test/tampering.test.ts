/** The tampering check's pure part: what vanished between two looks at a group, and the alerts it makes. */
import { describe, expect, it } from 'vitest';
import { contractAlertId } from '../src/domain/alerts.js';
import { foreignConsumerCondition, ownConsumer, unaccountedCondition, vanished, type GroupLook } from '../src/domain/tampering.js';

const look = (pending: [string, string][], consumers: string[]): GroupLook => ({
  lastDeliveredId: '5-0',
  pending: new Map(pending),
  consumers: consumers.map((name) => ({ name, pending: pending.filter(([, c]) => c === name).length })),
});

describe('a group between two looks', () => {
  it('names the entries no longer pending and the consumers that held some and are gone', () => {
    const before = look([['1-0', 'archivist@h#1'], ['2-0', 'archivist@h#2'], ['3-0', 'archivist@h#2']], ['archivist@h#1', 'archivist@h#2']);
    const now = look([['3-0', 'archivist@h#1']], ['archivist@h#1']);
    expect(vanished(before, now)).toEqual({ entries: ['1-0', '2-0'], consumers: ['archivist@h#2'] });
    expect(vanished(now, now)).toEqual({ entries: [], consumers: [] });
  });

  it('knows the bus\'s consumers of a group by their name', () => {
    expect(ownConsumer('archivist', 'archivist@vps#a1b2')).toBe(true);
    expect(ownConsumer('archivist', 'archivist-evil@vps#1')).toBe(false);
    expect(ownConsumer('archivist', 'intruder')).toBe(false);
  });
});

describe('the alerts', () => {
  it('acked_by_other names the stream, the group, how many and the consumers deleted; nothing when all is accounted for', () => {
    expect(unaccountedCondition('intent.classified', 'archivist', [], [])).toBeUndefined();
    const c = unaccountedCondition('intent.classified', 'archivist', ['7-0', '8-0'], ['archivist@h#2'])!;
    expect(c).toMatchObject({ alertId: 'acked_by_other:intent.classified:archivist', check: 'other', severity: 'critical', subject: 'intent.classified/archivist' });
    expect(c.summary).toBe(
      "2 entries of intent.classified left archivist's pending list without archivist handling or dead-lettering them (consumers deleted: archivist@h#2): another agent that reads intent.classified acked, claimed or dropped them (first 7-0)",
    );
    expect(c.details).toEqual({ problem: 'acked_by_other', stream: 'intent.classified', group: 'archivist', entries: 2, first: '7-0', consumersDeleted: 'archivist@h#2' });
    expect(contractAlertId(c.alertId).length).toBeLessThanOrEqual(128);
  });

  it('foreign_consumer names the consumers its agent did not create and what they hold', () => {
    expect(foreignConsumerCondition('wa.inbound', 'vox', [{ name: 'vox@h#1', pending: 3 }])).toBeUndefined();
    const c = foreignConsumerCondition('wa.inbound', 'vox', [{ name: 'vox@h#1', pending: 3 }, { name: 'intruder', pending: 2 }])!;
    expect(c).toMatchObject({ alertId: 'foreign_consumer:wa.inbound:vox', details: { consumers: 'intruder', pending: 2 } });
    expect(c.summary).toContain('intruder (holding 2 pending)');
  });
});
