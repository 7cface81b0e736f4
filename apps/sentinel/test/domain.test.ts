import { describe, expect, it } from 'vitest';
import { contractAlertId, firingPayload, noticeId, plan, resolvedPayload, type StoredAlert } from '../src/domain/alerts.js';
import { effectiveLag, evaluate, HEARTBEAT_START_GRACE_MS, missingAgents, unreadDeleted, updatedKnown, type Observation, type StreamFacts, type Thresholds } from '../src/domain/checks.js';
import { networkHealth, unreachableHealth } from '../src/domain/health.js';
import { memoryCondition } from '../src/domain/memory.js';
import { parseConfigReply, parseInfo, redisFacts } from '../src/domain/redis-info.js';
import { heldBackConditions } from '../src/domain/retention.js';
import { opsAlert } from '@hive/contracts';

const AT = new Date('2025-03-14T10:00:45.000Z');
const T: Thresholds = { lagMax: 100, pendingMax: 10, deadLettersMax: 0, memoryMaxRatio: 0.9, modelDownMs: 120_000 };
const healthyRedis = { version: '7.0.15', maxmemoryPolicy: 'noeviction', maxmemory: 0, usedMemory: 1_000_000, aofEnabled: true, rdbSave: '' };

function obs(o: Partial<Observation> = {}): Observation {
  return { at: AT, agents: [], known: new Map(), groups: [], deadLetters: [], redis: healthyRedis, ...o };
}
const agent = (name: string, lastSeen = AT.getTime() - 2_000, status = 'running') => ({ name, instance: '0', lastSeen, status });

describe('heartbeats', () => {
  it('reports an agent seen before that is gone from the registry, never sentinel itself', () => {
    const known = new Map([['box', AT.getTime() - 45_000], ['ledger', AT.getTime() - 1_000], ['sentinel', 0]]);
    const o = obs({ agents: [agent('ledger')], known });
    expect(missingAgents(o, 'sentinel')).toEqual([{ name: 'box', lastSeen: AT.getTime() - 45_000 }]);
    expect(evaluate(o, T, 'sentinel')).toEqual([
      {
        alertId: 'heartbeat:box',
        check: 'heartbeat',
        severity: 'critical',
        subject: 'box',
        summary: 'box has sent no heartbeat for 45 s (last seen 10:00:00 UTC)',
        recovery: 'box is back: heartbeats again',
        details: { lastSeen: '2025-03-14T10:00:00.000Z' },
      },
    ]);
  });

  it('counts an agent that is shutting down as gone, and never alerts about one never seen', () => {
    expect(missingAgents(obs({ agents: [agent('box', AT.getTime(), 'stopping')], known: new Map([['box', 1]]) }), 'sentinel').map((m) => m.name)).toEqual(['box']);
    expect(evaluate(obs({ agents: [agent('box')] }), T, 'sentinel')).toEqual([]);
  });

  it('gives agents known from before its own start one heartbeat lifetime to come back, keeping alerts already in force', () => {
    const since = AT.getTime() - 5_000;
    // box and pulse have not been seen running by this sentinel yet (the network is starting again); kami was, and went.
    const known = new Map([['box', since - 60_000], ['pulse', since - 60_000], ['kami', since - 60_000]]);
    const start = (alerted: string[] = []) => ({ since, seen: new Set(['kami']), alerted: new Set(alerted) });
    const names = (o: Observation, alerted: string[] = []) => evaluate(o, T, 'sentinel', start(alerted)).map((c) => c.subject);
    expect(names(obs({ known }))).toEqual(['kami']);
    // An alert in force before the restart stays: neither resolved by the grace nor sent again.
    expect(names(obs({ known }), ['heartbeat:pulse'])).toEqual(['kami', 'pulse']);
    // Once the grace is over, whoever has not come back is missing.
    expect(names(obs({ known, at: new Date(since + HEARTBEAT_START_GRACE_MS) }))).toEqual(['box', 'kami', 'pulse']);
    // Without a start (a caller that does not say), no grace.
    expect(evaluate(obs({ known }), T, 'sentinel').map((c) => c.subject)).toEqual(['box', 'kami', 'pulse']);
  });

  it('remembers every live agent at its latest heartbeat', () => {
    const known = updatedKnown(obs({ agents: [agent('box', 500), agent('box', 900), agent('pulse', 100)], known: new Map([['box', 700], ['gone', 5]]) }));
    expect([...known].sort()).toEqual([['box', 900], ['gone', 5], ['pulse', 100]]);
  });
});

describe('lag, pending, dead letters', () => {
  it("takes a group that delivered the stream's last entry as caught up, whatever Redis's lag counter says", () => {
    expect(effectiveLag(492, '1700000000000-5', { lastGeneratedId: '1700000000000-5' })).toBe(0);
    expect(effectiveLag(3, '1700000000000-2', { lastGeneratedId: '1700000000000-5' })).toBe(3);
    expect(effectiveLag(null, '1700000000000-2', { lastGeneratedId: '1700000000000-5' })).toBeNull();
    expect(effectiveLag(7, undefined, null)).toBe(7);
  });

  it('alerts over the thresholds only, one alert per group or stream', () => {
    const o = obs({
      groups: [
        { stream: 'wa.inbound', group: 'iris', lag: 101, pending: 11, consumers: 1 },
        { stream: 'wa.inbound', group: 'vox', lag: 100, pending: 10, consumers: 1 },
        { stream: 'wa.outbound', group: 'kami', lag: null, pending: 0, consumers: 0 },
      ],
      deadLetters: [{ stream: 'intent.classified', count: 1 }],
    });
    const c = evaluate(o, T, 'sentinel');
    expect(c.map((x) => x.alertId)).toEqual(['lag:wa.inbound:iris', 'pending:wa.inbound:iris', 'dead_letters:intent.classified']);
    expect(c[0]!.summary).toBe('iris is 101 entries behind on wa.inbound (threshold 100)');
    expect(c[2]!.summary).toBe('1 dead letter on intent.classified (threshold 0); see hive dlq list intent.classified');
    expect(c[2]!.recovery).toBe('no dead letters left on intent.classified');
    expect(evaluate(o, { ...T, deadLettersMax: 1 }, 'sentinel').map((x) => x.check)).toEqual(['lag', 'pending']);
  });
});

describe('Redis set up for a bus', () => {
  it('wants noeviction', () => {
    const c = evaluate(obs({ redis: { ...healthyRedis, maxmemoryPolicy: 'allkeys-lru' } }), T, 'sentinel');
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ alertId: 'redis:maxmemory-policy', check: 'redis_memory', severity: 'critical', subject: 'redis' });
    expect(c[0]!.summary).toMatch(/^maxmemory-policy is allkeys-lru: .*noeviction$/);
  });

  it('wants AOF or RDB snapshots; unknown RDB config (CONFIG forbidden) is not "off"', () => {
    const off = { ...healthyRedis, aofEnabled: false, rdbSave: '' };
    expect(evaluate(obs({ redis: off }), T, 'sentinel').map((x) => x.alertId)).toEqual(['redis:persistence']);
    expect(evaluate(obs({ redis: { ...off, rdbSave: '3600 1 300 100' } }), T, 'sentinel')).toEqual([]);
    const { rdbSave: _unknown, ...noConfig } = off;
    expect(evaluate(obs({ redis: noConfig }), T, 'sentinel')).toEqual([]);
  });

  it('warns near maxmemory (above the ratio, only when one is set), naming the largest key families', () => {
    const mb = 1024 * 1024;
    const families = [
      { family: 'hive:data:{ledger}:*', bytes: 20 * mb, keys: 3_000 },
      { family: 'hive:s:{intent.classified}', bytes: 40 * mb, keys: 1 },
      { family: 'hive:seen:{intent.classified}:*', bytes: 25 * mb, keys: 8 },
    ];
    expect(memoryCondition({ ...healthyRedis, maxmemory: 100 * mb, usedMemory: 85 * mb }, 0.8, families)?.summary).toBe(
      'Redis uses 85% of its maxmemory (85 MB of 100 MB); at 100% every write fails. Largest: hive:s:{intent.classified} 40 MB (1 key), ' +
        'hive:seen:{intent.classified}:* 25 MB (8 keys), hive:data:{ledger}:* 20 MB (3000 keys). See STORAGE.md for each family\'s bound.',
    );
    expect(memoryCondition({ ...healthyRedis, maxmemory: 100 * mb, usedMemory: 85 * mb }, 0.8, [])).toMatchObject({ alertId: 'redis:memory', check: 'redis_memory', details: { ratio: 0.85 } });
    expect(memoryCondition({ ...healthyRedis, maxmemory: 100 * mb, usedMemory: 80 * mb }, 0.8, families)).toBeUndefined();
    expect(memoryCondition({ ...healthyRedis, maxmemory: 0, usedMemory: 95 * mb }, 0.8, families)).toBeUndefined();
    // The plain checks no longer raise it (one alert, from one place).
    expect(evaluate(obs({ redis: { ...healthyRedis, maxmemory: 100 * mb, usedMemory: 95 * mb } }), T, 'sentinel')).toEqual([]);
  });

  it('alerts on a group holding a stream back beyond its retention (with grace), saying which group and what to do', () => {
    const now = Date.parse('2025-03-14T12:00:00Z');
    const day = 86_400_000;
    const outcome = (entryAgeMs: number, lengthAfter: number, reason: 'pending' | 'undelivered' = 'undelivered') => ({
      stream: 'wa.inbound',
      key: 'hive:s:{wa.inbound}',
      retention: { maxAgeMs: day, maxLen: 1_000 },
      lengthAfter,
      heldBackBy: { group: 'oldbot', entryId: `${now - entryAgeMs}-0`, reason },
    });
    const [c] = heldBackConditions([outcome(3 * day, 900)], now, 0.25);
    expect(c).toMatchObject({ alertId: 'retention:wa.inbound:oldbot', check: 'other', severity: 'warning', subject: 'wa.inbound/oldbot', details: { problem: 'retention', group: 'oldbot', reason: 'undelivered', ageSeconds: 259_200 } });
    expect(c!.summary).toMatch(/^oldbot holds wa\.inbound back from trimming: its oldest unacked entry \(\d+-0, 3 days old\) was never read/);
    expect(c!.summary).toContain('If oldbot was removed from the network, delete its group: redis-cli XGROUP DESTROY hive:s:{wa.inbound} oldbot.');
    expect(c!.summary).toContain('hive pending wa.inbound oldbot');
    // By length: 1300 > 1000 × 1.25.
    expect(heldBackConditions([outcome(60_000, 1_300, 'pending')], now, 0.25)[0]!.summary).toMatch(/delivered but never acked, so Redis keeps 1300 entries of wa\.inbound \(its retention: 1 day, at most 1,000 entries\)/);
    // Within the grace (a day and a bit, 1200 entries), or not held back at all: nothing.
    expect(heldBackConditions([outcome(day + 60_000, 1_200)], now, 0.25)).toEqual([]);
    expect(heldBackConditions([{ ...outcome(3 * day, 5_000), heldBackBy: null }], now, 0.25)).toEqual([]);
  });

  it('reads INFO and CONFIG GET', () => {
    const info = parseInfo('# Server\r\nredis_version:7.0.15\r\n\r\n# Memory\r\nused_memory:1048576\r\nmaxmemory:0\r\nmaxmemory_policy:noeviction\r\n# Persistence\r\naof_enabled:0\r\n');
    expect(redisFacts(info, parseConfigReply(['save', '', 'appendonly', 'no']))).toEqual({
      version: '7.0.15', maxmemoryPolicy: 'noeviction', maxmemory: 0, usedMemory: 1048576, aofEnabled: false, rdbSave: '',
    });
    expect(redisFacts(info, undefined)).not.toHaveProperty('rdbSave');
    expect(parseConfigReply('nope').size).toBe(0);
  });
});

describe('deduplication', () => {
  const [cond] = evaluate(obs({ known: new Map([['box', AT.getTime() - 45_000]]) }), T, 'sentinel');
  const stored = (o: Partial<StoredAlert> = {}): StoredAlert => ({ ...cond!, since: '2025-03-14T09:00:00.000Z', notified: true, ...o });

  it('fires a new condition once, and not again while it lasts', () => {
    const first = plan(new Map(), [cond!, cond!], AT);
    expect(first.fire).toEqual([{ ...cond, since: AT.toISOString(), notified: false }]);
    expect(first.resolve).toEqual([]);
    const again = plan(new Map([[cond!.alertId, stored()]]), [cond!], AT);
    expect(again).toEqual({ fire: [], resolve: [] });
  });

  it('sends again a firing notice that did not go out, under the same id', () => {
    const s = stored({ notified: false });
    const p = plan(new Map([[cond!.alertId, s]]), [cond!], AT);
    expect(p.fire).toEqual([s]);
    expect(noticeId(p.fire[0]!, 'firing')).toBe(noticeId(s, 'firing'));
    expect(noticeId(s, 'firing')).not.toBe(noticeId(s, 'resolved'));
    expect(noticeId(s, 'firing')).not.toBe(noticeId({ ...s, since: AT.toISOString() }, 'firing'));
  });

  it('resolves what no longer holds', () => {
    expect(plan(new Map([[cond!.alertId, stored()]]), [], AT)).toEqual({ fire: [], resolve: [stored()] });
  });

  it('writes payloads the ops.alert contract accepts', () => {
    const schema = opsAlert.messages['ops.alert'].schema;
    const firing = firingPayload(stored(), AT);
    expect(schema.parse(firing)).toMatchObject({ status: 'firing', check: 'heartbeat', subject: 'box', summary: cond!.summary });
    const resolved = resolvedPayload(stored(), AT);
    expect(schema.parse(resolved)).toMatchObject({ status: 'resolved', severity: 'info', summary: 'box is back: heartbeats again', details: { lastedSeconds: 3645 } });
    expect(contractAlertId('x'.repeat(300)).length).toBeLessThanOrEqual(128);
  });
});

describe('network health', () => {
  it('is ok with nothing wrong, degraded while a condition holds, down without Redis', () => {
    const o = obs({ agents: [agent('box'), agent('box'), agent('ledger')], known: new Map([['pulse', AT.getTime() - 60_000]]) });
    const h = networkHealth(o, evaluate(o, T, 'sentinel'), 'sentinel');
    expect(h.status).toBe('degraded');
    expect(h.agents).toEqual([
      { name: 'box', status: 'up', instances: 2, lastSeen: '2025-03-14T10:00:43.000Z' },
      { name: 'ledger', status: 'up', instances: 1, lastSeen: '2025-03-14T10:00:43.000Z' },
      { name: 'pulse', status: 'missing', instances: 0, lastSeen: '2025-03-14T09:59:45.000Z' },
    ]);
    expect(h.alerts.map((a) => a.alertId)).toEqual(['heartbeat:pulse']);
    expect(networkHealth(obs({ agents: [agent('box')] }), [], 'sentinel').status).toBe('ok');
    expect(unreachableHealth(AT, 'connect ECONNREFUSED')).toMatchObject({ status: 'down', redis: { reachable: false, error: 'connect ECONNREFUSED' } });
  });
});

describe('unreadDeleted: entries a group had not read were deleted, from metadata alone', () => {
  const s = (o: Partial<StreamFacts>): StreamFacts => ({ length: 0, firstEntryId: null, lastGeneratedId: '10-0', maxDeletedEntryId: '0-0', ...o });
  it('sees a stream emptied past a group, an XDEL past it, and fewer entries after it than its lag', () => {
    expect(unreadDeleted(s({}), { lastDeliveredId: '7-0', lag: null })).toBe(true);
    expect(unreadDeleted(s({ length: 5, firstEntryId: '1-0', maxDeletedEntryId: '8-0' }), { lastDeliveredId: '7-0', lag: 3 })).toBe(true);
    expect(unreadDeleted(s({ length: 1, firstEntryId: '10-0' }), { lastDeliveredId: '7-0', lag: 3 })).toBe(true);
  });
  it('says nothing of retention, which trims only what every group has read, nor of a group that is merely behind', () => {
    // Everything read and trimmed.
    expect(unreadDeleted(s({}), { lastDeliveredId: '10-0', lag: 0 })).toBe(false);
    // Trimmed up to what the group read; the rest is there, as many as its lag.
    expect(unreadDeleted(s({ length: 3, firstEntryId: '8-0', maxDeletedEntryId: '7-0' }), { lastDeliveredId: '7-0', lag: 3 })).toBe(false);
    // Behind, nothing deleted; and lag unknown (Redis cannot tell).
    expect(unreadDeleted(s({ length: 10, firstEntryId: '1-0' }), { lastDeliveredId: '4-0', lag: 6 })).toBe(false);
    expect(unreadDeleted(s({ length: 2, firstEntryId: '9-0' }), { lastDeliveredId: '4-0', lag: null })).toBe(false);
  });
});
