/** agent.requests: one agent asking another for something by request/reply; herald's briefing asks for summaries here. */
import { z } from 'zod';
import { chatId, isoDay, isoTime } from '../common.js';
import { defineMessage, defineStream, HOUR_MS } from '../define.js';

/** The agent asked or answering, by its registry name (e.g. "box"). */
const agentName = z.string().min(1).max(64).describe('agent name, e.g. "box"');

export const agentRequests = defineStream({
  name: 'agent.requests',
  description:
    'Requests from one agent to another, answered on the requester\'s reply stream (bus.request / reply). Every responder reads them all and answers only those addressed to it.',
  startAt: 'new',
  retention: { maxAgeMs: HOUR_MS, maxLen: 10_000, why: 'requests wait seconds for a reply (replyBy); an hour is ample for a late responder to skip them.' },
  messages: {
    'summary.request': defineMessage({
      version: 1,
      description: 'Ask one agent for its summary of a chat\'s day (herald\'s briefing); only the agent named in `to` answers, with summary.reply.',
      schema: z.object({
        to: agentName.describe('the agent asked; the others ignore the request'),
        chatId,
        day: isoDay,
        timezone: z.string().min(1).describe('IANA time zone the day is in, e.g. "Europe/Berlin"'),
        replyBy: isoTime.optional().describe('the requester stops waiting then; a responder that is later skips the request'),
      }),
      example: { to: 'box', chatId: '491701234567@c.us', day: '2025-03-15', timezone: 'Europe/Berlin', replyBy: '2025-03-15T07:00:05.000+01:00' },
    }),
    'summary.reply': defineMessage({
      version: 1,
      description: 'One agent\'s summary of a chat\'s day, sent to the requester\'s reply stream.',
      schema: z.object({
        agent: agentName.describe('the agent answering'),
        chatId,
        day: isoDay,
        text: z.string().max(4_000).describe('what the briefing says for this agent, one or a few lines; "" when there is nothing to tell'),
        data: z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
          .describe('the numbers behind the text, e.g. {"kcal": 1840, "goalKcal": 2000}'),
      }),
      example: {
        agent: 'box',
        chatId: '491701234567@c.us',
        day: '2025-03-15',
        text: 'Nutrition: 1,840 / 2,000 kcal from 3 meals · protein 92 g.',
        data: { meals: 3, kcal: 1840, goalKcal: 2000, proteinG: 92 },
      },
    }),
  },
});
