/** The key builder: every key of one stream in one cluster slot, families for operators, the legacy layout's renames. */
import { describe, expect, it } from 'vitest';
import { createKeys } from '../src/index.js';
import { legacyKeyPatterns, legacyKeyTarget } from '../src/keys.js';

/** What Redis Cluster hashes: the part between the first "{" and the next "}", when not empty; else the whole key. */
function hashed(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('keys: hash tags', () => {
  it('puts every key of one stream in the slot of the stream name, so each script stays in one slot', () => {
    const k = createKeys('hive:');
    const s = 'wa.inbound';
    const ofStream = [
      k.stream(s), k.deadLetters(s, 'vox'), k.deadLetterGroups(s), k.sharedDeadLetters(s),
      k.redrive(s, 'vox'), k.seen(s, 'vox'), k.publishMark(s, 'false_491701234567@c.us_3EB0'),
    ];
    for (const key of ofStream) expect(hashed(key), key).toBe(s);
    // A requester instance reads all its reply streams in one XREAD: one slot per requester.
    expect(hashed(k.replies('herald', 'box', 'herald-1a2b'))).toBe(hashed(k.replies('herald', 'ledger', 'herald-1a2b')));
    // An agent's own scripts (ledger's record-expense-3) and BullMQ's keys touch several of its keys at once.
    expect(hashed(k.data('ledger', 'c1', 'expenses'))).toBe(hashed(`${k.data('ledger', 'c2', 'recent')}`));
    expect(hashed(`${k.data('hermes', 'bull')}:reminders:wait`)).toBe('hermes');
  });

  it('reads a stream name back from a stream key and from either kind of dead-letter key', () => {
    const k = createKeys('hive:');
    expect(k.streamName(k.stream('wa.inbound'))).toBe('wa.inbound');
    expect(k.streamName('hive:s:wa.inbound')).toBeUndefined();
    expect(k.deadLetterStreamName(k.deadLetters('wa.inbound', 'vox'))).toBe('wa.inbound');
    expect(k.deadLetterStreamName(k.sharedDeadLetters('wa.inbound'))).toBe('wa.inbound');
    expect(k.deadLetterStreamName(k.stream('wa.inbound'))).toBeUndefined();
  });
});

describe('keys.family', () => {
  it('names each key family as the SCAN pattern an operator can use (a stream by its own key)', () => {
    const k = createKeys('hive:');
    expect(k.family(k.stream('wa.inbound'))).toBe('hive:s:{wa.inbound}');
    expect(k.family(k.deadLetters('wa.inbound', 'vox'))).toBe('hive:dlq:{wa.inbound}:*');
    expect(k.family(k.sharedDeadLetters('wa.inbound'))).toBe('hive:dlq:{wa.inbound}');
    expect(k.family(k.deadLetterGroups('wa.inbound'))).toBe('hive:dlqg:*');
    expect(k.family(k.seen('intent.classified', 'box'))).toBe('hive:seen:{intent.classified}:*');
    expect(k.family(k.publishMark('wa.inbound', 'false_491701234567@c.us_3EB0'))).toBe('hive:pubid:{wa.inbound}:*');
    expect(k.family(k.redrive('wa.inbound', 'vox'))).toBe('hive:redrive:*');
    expect(k.family(k.replies('herald', 'box', 'herald-1a2b'))).toBe('hive:reply:*');
    expect(k.family(k.agent('box', '0'))).toBe('hive:agent:*');
    expect(k.family(k.data('ledger', '491701234567@c.us', 'expenses'))).toBe(k.dataPattern('ledger'));
    expect(k.family(`${k.data('hermes', 'bull')}:reminders:42`)).toBe('hive:data:{hermes}:*');
    expect(k.family('other:key')).toBeUndefined();
    expect(createKeys('t1:').family('t1:s:{orders}')).toBe('t1:s:{orders}');
  });
});

describe('legacyKeyTarget', () => {
  it('renames each legacy key to the key the builder makes now, and leaves every other key alone', () => {
    const k = createKeys('hive:');
    const pairs: [string, string][] = [
      ['hive:s:wa.inbound', k.stream('wa.inbound')],
      ['hive:dlq:wa.inbound:vox', k.deadLetters('wa.inbound', 'vox')],
      ['hive:dlq:wa.inbound', k.sharedDeadLetters('wa.inbound')],
      ['hive:dlqg:wa.inbound', k.deadLetterGroups('wa.inbound')],
      ['hive:redrive:wa.inbound:vox', k.redrive('wa.inbound', 'vox')],
      ['hive:seen:wa.inbound:vox', k.seen('wa.inbound', 'vox')],
      ['hive:pubid:wa.inbound:false_4917@c.us_3EB0:x', k.publishMark('wa.inbound', 'false_4917@c.us_3EB0:x')],
      ['hive:reply:herald:box:herald-1a2b', k.replies('herald', 'box', 'herald-1a2b')],
      ['hive:data:ledger:c1@c.us:expenses', k.data('ledger', 'c1@c.us', 'expenses')],
    ];
    for (const [old, now] of pairs) expect(legacyKeyTarget(old, 'hive:'), old).toBe(now);
    for (const [, now] of pairs) expect(legacyKeyTarget(now, 'hive:'), now).toBeUndefined();
    expect(legacyKeyTarget(k.agent('box', '0'), 'hive:')).toBeUndefined();
    expect(legacyKeyTarget('other:s:x', 'hive:')).toBeUndefined();
    expect(legacyKeyPatterns('hive:')).toContain('hive:s:[^{]*');
  });
});
