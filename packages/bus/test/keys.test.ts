/** The key builder's families: every key of Hive named by the pattern that covers its whole family. */
import { describe, expect, it } from 'vitest';
import { createKeys } from '../src/index.js';

describe('keys.family', () => {
  it('names each key family as the SCAN pattern an operator can use (a stream by its own key)', () => {
    const k = createKeys('hive:');
    expect(k.family(k.stream('wa.inbound'))).toBe('hive:s:wa.inbound');
    expect(k.family(k.deadLetters('wa.inbound', 'vox'))).toBe('hive:dlq:wa.inbound:*');
    expect(k.family(k.sharedDeadLetters('wa.inbound'))).toBe('hive:dlq:wa.inbound');
    expect(k.family(k.deadLetterGroups('wa.inbound'))).toBe('hive:dlqg:*');
    expect(k.family(k.seen('intent.classified', 'box'))).toBe('hive:seen:intent.classified:*');
    expect(k.family(k.publishMark('wa.inbound', 'false_491701234567@c.us_3EB0'))).toBe('hive:pubid:wa.inbound:*');
    expect(k.family(k.redrive('wa.inbound', 'vox'))).toBe('hive:redrive:*');
    expect(k.family(k.replies('herald', 'box', 'herald-1a2b'))).toBe('hive:reply:*');
    expect(k.family(k.agent('box', '0'))).toBe('hive:agent:*');
    expect(k.family(k.data('ledger', '491701234567@c.us', 'expenses'))).toBe(k.dataPattern('ledger'));
    expect(k.family(`${k.data('hermes', 'bull')}:reminders:42`)).toBe('hive:data:hermes:*');
    expect(k.family('other:key')).toBeUndefined();
    expect(createKeys('t1:').family('t1:s:orders')).toBe('t1:s:orders');
  });
});
