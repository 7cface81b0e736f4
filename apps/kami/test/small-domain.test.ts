import { describe, expect, it } from 'vitest';
import { alertText } from '../src/domain/alert.js';
import { reconnectDelayMs } from '../src/domain/reconnect.js';
import { simulatedMessageId } from '../src/domain/sim-ids.js';

describe('alertText', () => {
  const alert = {
    alertId: 'alert_heartbeat_box',
    status: 'firing' as const,
    severity: 'critical' as const,
    check: 'heartbeat' as const,
    subject: 'box',
    summary: 'box has sent no heartbeat for 45 s',
    details: { lastSeen: '2025-03-14T10:00:00.000Z', misses: 3 },
    at: '2025-03-14T10:00:45.000Z',
  };

  it('leads with severity and subject, then details', () => {
    expect(alertText(alert)).toBe('🚨 CRITICAL · box: box has sent no heartbeat for 45 s\nlastSeen: 2025-03-14T10:00:00.000Z\nmisses: 3\n(heartbeat, 2025-03-14T10:00:45.000Z)');
  });

  it('says when an alert is resolved', () => {
    expect(alertText({ ...alert, status: 'resolved', summary: 'box is back', details: undefined })).toBe('✅ Resolved: box is back\n(heartbeat, 2025-03-14T10:00:45.000Z)');
  });
});

describe('reconnectDelayMs', () => {
  const policy = { baseMs: 1_000, maxMs: 10_000, jitter: 0.2 };
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, policy, () => 0.5))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
  it('spreads by the jitter either way, never past the cap', () => {
    expect(reconnectDelayMs(1, policy, () => 0)).toBe(800);
    expect(reconnectDelayMs(1, policy, () => 0.999999)).toBe(1_200);
    expect(reconnectDelayMs(10, policy, () => 0.999999)).toBe(10_000);
  });
  it('treats a nonsense attempt as the first', () => {
    expect(reconnectDelayMs(0, policy, () => 0.5)).toBe(1_000);
  });
});

describe('simulatedMessageId', () => {
  it('looks like a whatsapp-web.js id', () => {
    expect(simulatedMessageId('491701234567@c.us', false, 'c767d26a1d5e4c2b')).toBe('false_491701234567@c.us_3EB0C767D26A1D5E4C2B');
    expect(simulatedMessageId('491701234567@c.us', true, '0000000000000000')).toBe('true_491701234567@c.us_3EB00000000000000000');
    expect(() => simulatedMessageId('x@c.us', false, 'xyz')).toThrow(RangeError);
  });
});
