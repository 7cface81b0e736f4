/** ops.alert: sentinel's alerts about the network itself; kami forwards them to the owner. */
import { z } from 'zod';
import { isoTime, recordId } from '../common.js';
import { DAY_MS, defineMessage, defineStream } from '../define.js';

export const opsAlert = defineStream({
  name: 'ops.alert',
  description: 'Alerts raised and resolved by sentinel: missing heartbeats, growing lag, dead letters, Redis memory.',
  startAt: 'new',
  retention: { maxAgeMs: 7 * DAY_MS, maxLen: 1_000, why: 'few entries, and a week of alerts is what an operator looks back on.' },
  messages: {
    'ops.alert': defineMessage({
      version: 1,
      description: 'An alert firing, or resolved. The same alertId links both.',
      schema: z.object({
        alertId: recordId,
        status: z.enum(['firing', 'resolved']),
        severity: z.enum(['info', 'warning', 'critical']),
        check: z.enum(['heartbeat', 'lag', 'pending', 'dead_letters', 'redis_memory', 'redis_down', 'other']),
        subject: z.string().min(1).describe('what it is about: an agent, a stream, a group, "redis"'),
        summary: z.string().min(1).describe('one line for a human'),
        details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        at: isoTime,
      }),
      example: {
        alertId: 'alert_heartbeat_box',
        status: 'firing',
        severity: 'critical',
        check: 'heartbeat',
        subject: 'box',
        summary: 'box has sent no heartbeat for 45 s',
        details: { lastSeen: '2025-03-14T10:00:00.000Z' },
        at: '2025-03-14T10:00:45.000Z',
      },
    }),
  },
});
