import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createDriver, newMessageId, UNIQUE_FOR_MS, type RedisDriver } from '@hive/bus';
import { listAgents } from '@hive/bus/admin';
import { catalogue } from '@hive/contracts';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { AgentNotStartedError, defineAgent, followUpId, setupValue, startAgent } from '../src/index.js';
import { createTestAgent } from '../src/testing.js';
import { echo, seen } from './fixtures/agents.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const classified = (text: string, chatId = '4917@c.us') => ({
  chatId,
  from: chatId,
  sourceMessageId: `wa-${text.length}`,
  via: 'text' as const,
  text,
  intent: 'unknown' as const,
  entities: {},
  confidence: 0.5,
  classifier: 'rules' as const,
  sentAt: '2025-03-14T07:45:12.000Z',
});

async function raw(): Promise<RedisDriver> {
  const d = createDriver('ioredis', { url: redis.url });
  await d.connect();
  return d;
}

describe('agent runtime, through the test harness', () => {
  it('runs a handler on a published input and publishes its reply, correlated, before the ack', async () => {
    const t = await createTestAgent(echo, { redis });
    try {
      const input = await t.publish('intent.classified', 'intent.classified', classified('hello there'), { corr: 'conv-1' });
      const reply = await t.expectMessage('wa.outbound', (m) => m.data.chatId === '4917@c.us');
      expect(reply.data).toEqual({ chatId: '4917@c.us', text: 'you said: hello there [greeting]', replyTo: 'wa-11' });
      expect(reply.src).toBe('echo');
      expect(reply.corr).toBe('conv-1');
      expect(reply.cause).toBe(input.id);
      expect(reply.id).toBe(followUpId(input.id, 'echo', 0));
      // acked after the reply was published (so the reply can be seen a moment before the ack lands)
      const pending = async () => ((await t.bus.driver.call(['XPENDING', t.bus.keys.stream(input.stream), 'echo'])) as unknown[])[0];
      await expect.poll(pending, { timeout: 2_000 }).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it("gives handlers the bus's delivery context: stream, group, consumer, entry and its raw fields, delivery count, signal, lease, bus", async () => {
    let seenCtx: Record<string, unknown> | undefined;
    const probe = defineAgent({
      name: 'probe',
      version: '0.0.1',
      description: 'records its handler context',
      skills: [],
      reads: {
        'intent.classified': {
          'intent.classified': async (_m, ctx) => {
            await ctx.extendLease();
            seenCtx = {
              stream: ctx.stream,
              group: ctx.group,
              consumer: ctx.consumer,
              entryId: ctx.entryId,
              entryFields: ctx.entryFields,
              deliveryCount: ctx.deliveryCount,
              aborted: ctx.signal.aborted,
              hasBus: typeof ctx.bus.publish === 'function',
            };
          },
        },
      },
      writes: [],
    });
    const t = await createTestAgent(probe, { redis });
    try {
      const input = await t.publish('intent.classified', 'intent.classified', classified('ctx'));
      await expect.poll(() => seenCtx, { timeout: 5_000 }).toBeDefined();
      // intent.classified is split by intent: the handler sees the shard it was read from.
      expect(input.stream).toMatch(/^intent\.classified\.\d+$/);
      expect(seenCtx).toMatchObject({ stream: input.stream, group: 'probe', entryId: input.entryId, deliveryCount: 1, aborted: false, hasBus: true });
      const [entry] = (await t.bus.driver.call(['XRANGE', t.bus.keys.stream(input.stream), input.entryId, input.entryId])) as [string, string[]][];
      expect(seenCtx!.entryFields).toEqual(entry![1]);
      expect(seenCtx!.consumer).toMatch(/^probe@/);
    } finally {
      await t.stop();
    }
  });

  it("gives handlers the agent's own config from the environment", async () => {
    const t = await createTestAgent(echo, { redis, env: { ECHO_PREFIX: '>> ' } });
    try {
      await t.publish('intent.classified', 'intent.classified', classified('x'));
      expect((await t.expectMessage('wa.outbound')).data.text).toBe('>> x [unknown]');
    } finally {
      await t.stop();
    }
  });

  it('delivers a v1 entry written by raw XADD to the handler in the v2 shape', async () => {
    const t = await createTestAgent(echo, { redis });
    const d = await raw();
    try {
      seen.length = 0;
      const v1 = { id: 'true_4917@c.us_ABC', from: '4917@c.us', body: 'had eggs', timestamp: 1_741_938_312, hasMedia: false };
      await d.call(['XADD', t.bus.keys.stream('wa.inbound'), '*', 'type', 'wa.message', 'v', '1', 'id', 'legacy-1', 'src', 'kami-old', 'ts', String(Date.now()), 'data', JSON.stringify(v1)]);
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(1);
      expect(seen[0]).toEqual({
        type: 'wa.message',
        data: { messageId: 'true_4917@c.us_ABC', chatId: '4917@c.us', from: '4917@c.us', text: 'had eggs', sentAt: '2025-03-14T07:45:12.000Z' },
        corr: 'legacy-1',
        cause: '',
      });
      expect(await t.deadLetters('wa.inbound')).toEqual([]);
    } finally {
      d.disconnect();
      await t.stop();
    }
  });

  it('dead-letters an entry that fails its contract, without calling the handler', async () => {
    const t = await createTestAgent(echo, { redis });
    const d = await raw();
    try {
      seen.length = 0;
      await d.call(['XADD', t.bus.keys.stream('wa.inbound'), '*', 'type', 'wa.message', 'v', '2', 'id', 'bad-1', 'src', 'x', 'ts', '1', 'data', JSON.stringify({ chatId: 'c' })]);
      await expect.poll(async () => (await t.deadLetters('wa.inbound')).length, { timeout: 5_000 }).toBe(1);
      expect((await t.deadLetters('wa.inbound'))[0]).toMatchObject({ 'dl.reason': 'SCHEMA_INVALID', 'dl.group': 'echo' });
      expect(seen).toEqual([]);
    } finally {
      d.disconnect();
      await t.stop();
    }
  });

  it('publishes both ctx.publish and returned messages, with ids derived from the input', async () => {
    const t = await createTestAgent(echo, { redis });
    try {
      const input = await t.publish('intent.classified', 'intent.classified', classified('two replies'));
      await t.expectMessage('wa.outbound', (m) => m.data.text === 'second (returned)');
      const out = await t.messages('wa.outbound');
      expect(out.map((m) => [m.data.text, m.id, m.cause])).toEqual([
        ['first (published)', followUpId(input.id, 'echo', 0), input.id],
        ['second (returned)', followUpId(input.id, 'echo', 1), input.id],
      ]);
      // The input's id was generated (vouched unique) and this is its first delivery: so are the ids derived from it.
      expect(out.map((m) => m.uniqueForMs)).toEqual([UNIQUE_FOR_MS, UNIQUE_FOR_MS]);
      // An input whose id its publisher chose promises nothing, and nor do its follow-ups.
      await t.publish('intent.classified', 'intent.classified', classified('two replies'), { id: 'chosen-1' });
      await t.expectMessage('wa.outbound', (m) => m.cause === 'chosen-1' && m.data.text === 'second (returned)');
      expect((await t.messages('wa.outbound')).filter((m) => m.cause === 'chosen-1').map((m) => m.uniqueForMs)).toEqual([undefined, undefined]);
    } finally {
      await t.stop();
    }
  });

  it('handles a message id once, even when it is published twice', async () => {
    const t = await createTestAgent(echo, { redis });
    try {
      await t.publish('intent.classified', 'intent.classified', classified('once'), { id: 'dup-1' });
      await t.publish('intent.classified', 'intent.classified', classified('once'), { id: 'dup-1' });
      await t.publish('intent.classified', 'intent.classified', classified('then this'));
      await t.expectMessage('wa.outbound', (m) => m.data.text.includes('then this'));
      expect((await t.messages('wa.outbound')).map((m) => m.data.text)).toEqual(['you said: once [unknown]', 'you said: then this [unknown]']);
    } finally {
      await t.stop();
    }
  });

  it('dead-letters at once a handler that publishes outside its declared writes', async () => {
    const t = await createTestAgent(echo, { redis });
    try {
      await t.publish('intent.classified', 'intent.classified', classified('publish outside writes'));
      await expect.poll(async () => (await t.deadLetters('intent.classified')).length, { timeout: 5_000 }).toBe(1);
      const dl = (await t.deadLetters('intent.classified'))[0]!;
      expect(dl).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1' });
      expect(dl['dl.error']).toContain('agent "echo" publishes to "ops.alert", which is not in its writes');
      expect(await t.messages('ops.alert')).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  // A responder that does not write agent.requests: its reply goes to the requester's reply stream.
  const responder = defineAgent({
    name: 'responder',
    version: '1',
    description: 'answers summary requests; misuses ctx.reply on a plain message',
    skills: [],
    reads: {
      'agent.requests': {
        'summary.request': (message, ctx) =>
          ctx.reply('summary.reply', { agent: ctx.agent, chatId: message.data.chatId, day: message.data.day, text: 'all quiet', data: { n: 1 } }),
      },
      'intent.classified': {
        // Typed by intent.classified's contract, which is all ctx.reply can name here.
        'intent.classified': (message, ctx) => ctx.reply('intent.classified', message.data),
      },
    },
    writes: [],
  });

  it('ctx.reply answers a request on the requester\'s reply stream, without the request stream in writes', async () => {
    const t = await createTestAgent(responder, { redis });
    try {
      const request = { to: 'responder', chatId: '4917@c.us', day: '2025-03-14', timezone: 'Europe/Berlin' };
      const answer = await t.bus.request('agent.requests', 'summary.request', request, { from: 'responder', corr: 'brief-1', timeoutMs: 5_000 });
      expect(answer.type).toBe('summary.reply');
      expect(answer.data).toEqual({ agent: 'responder', chatId: '4917@c.us', day: '2025-03-14', text: 'all quiet', data: { n: 1 } });
      expect(answer.src).toBe('responder');
      expect(answer.corr).toBe('brief-1');
      // Only the request is on the stream: the reply went to the reply stream.
      expect((await t.messages('agent.requests')).map((m) => m.type)).toEqual(['summary.request']);
      expect(await t.deadLetters('agent.requests')).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('ctx.reply on a message that is not a request dead-letters it at once, saying why', async () => {
    const t = await createTestAgent(responder, { redis });
    try {
      const input = await t.publish('intent.classified', 'intent.classified', classified('no reply to this'));
      await expect.poll(async () => (await t.deadLetters('intent.classified')).length, { timeout: 5_000 }).toBe(1);
      const dl = (await t.deadLetters('intent.classified'))[0]!;
      expect(dl).toMatchObject({ 'dl.reason': 'UNRECOVERABLE', 'dl.deliveries': '1' });
      expect(dl['dl.error']).toContain(
        `agent "responder" called ctx.reply while handling intent.classified (${input.id}) on "intent.classified", which is not a request: it has no replyTo to answer`,
      );
    } finally {
      await t.stop();
    }
  });

  it('a redelivered input republishes its follow-ups under the same ids', async () => {
    let deliveries = 0;
    const flaky = defineAgent({
      name: 'flaky',
      version: '1',
      description: 'Publishes, then fails on the first delivery.',
      skills: [],
      reads: {
        'intent.classified': {
          'intent.classified': async (m, ctx) => {
            deliveries++;
            await ctx.publish('wa.outbound', 'wa.send', { chatId: m.data.chatId, text: `attempt ${deliveries}` });
            if (deliveries === 1) throw new Error('transient');
          },
        },
      },
      writes: ['wa.outbound'],
    });
    const t = await createTestAgent(flaky, { redis, streamDefaults: { retry: { baseMs: 20, maxMs: 40, jitter: 0 } } });
    try {
      await t.publish('intent.classified', 'intent.classified', classified('x'));
      await t.expectMessage('wa.outbound', (m) => m.data.text === 'attempt 2');
      const [a, b] = await t.messages('wa.outbound');
      expect(a!.id).toBe(b!.id);
      // Only the first delivery's follow-up vouches for its id: the retry's is a second entry with it, asked about downstream.
      expect([a!.uniqueForMs, b!.uniqueForMs]).toEqual([UNIQUE_FOR_MS, undefined]);
    } finally {
      await t.stop();
    }
  });

  it('tells the idle scavenge of each delivery it handles and each message it publishes', async () => {
    let touches = 0;
    const prefix = `scav${Date.now()}:`;
    const agent = await startAgent(echo, { env: { REDIS_URL: redis.url, HIVE_PREFIX: prefix, HIVE_HTTP_PORT: '0' }, idleScavenge: { touch: () => void touches++ } });
    const other = await createBus({ url: redis.url, prefix, source: 'test', contracts: catalogue });
    try {
      expect(touches).toBe(0);
      await other.publish('intent.classified', 'intent.classified', classified('scavenge me'));
      // One delivery handled (echo's) and one publish (its reply); the publish by another bus is not this agent's work.
      await expect.poll(() => touches, { timeout: 5_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 100));
      expect(touches).toBe(2);
    } finally {
      await other.close();
      await agent.stop();
    }
  });

  it('registers in the agent registry with what it reads and writes, and leaves it on stop', async () => {
    const t = await createTestAgent(echo, { redis });
    let stopped = false;
    try {
      const [record] = await listAgents(t.bus.driver, t.bus.keys);
      expect(record).toMatchObject({
        name: 'echo',
        instance: 'test',
        version: '1.0.0',
        reads: ['intent.classified', 'wa.inbound'],
        writes: ['wa.outbound'],
        description: 'Replies to every classified message; a test agent.',
        skills: [{ name: 'echo', description: 'Says back what you said', examples: ['hello'] }],
        httpUrl: t.agent.url,
        status: 'running',
      });
      await t.agent.stop();
      stopped = true;
      expect(await listAgents(t.bus.driver, t.bus.keys)).toEqual([]);
    } finally {
      if (!stopped) await t.agent.stop();
      await t.stop();
    }
  });

  it('runs the start hook with a publish scoped to writes, serves extra routes, and cleans up on stop', async () => {
    const events: string[] = [];
    const gateway = defineAgent({
      name: 'gateway',
      version: '1',
      description: 'Produces from outside the bus.',
      skills: [],
      reads: {},
      writes: ['wa.inbound'],
      start: async (ctx) => {
        await ctx.publish('wa.inbound', 'wa.message', { messageId: 'm1', chatId: 'c@c.us', from: 'c@c.us', text: 'hi', sentAt: new Date().toISOString() }, { id: newMessageId() });
        events.push(`started:${ctx.signal.aborted}`);
        return () => {
          events.push(`cleanup:${ctx.signal.aborted}`);
        };
      },
      routes: {
        '/simulate': (req, res, ctx) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`${ctx.agent} ${req.method}`);
        },
      },
    });
    const t = await createTestAgent(gateway, { redis });
    try {
      expect((await t.expectMessage('wa.inbound')).data.text).toBe('hi');
      const res = await fetch(`${t.agent.url}/simulate`, { method: 'POST' });
      expect(await res.text()).toBe('gateway POST');
    } finally {
      await t.stop();
    }
    expect(events).toEqual(['started:false', 'cleanup:true']);
  });

  it("runs start before any handler (even for entries already queued) and the cleanup only after running handlers finished", async () => {
    const prefix = `order-${newMessageId()}:`;
    const producer = await createBus({ url: redis.url, prefix, source: 'test', contracts: catalogue });
    const events: string[] = [];
    const store = setupValue<string[]>('test store');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let secondBegan: () => void = () => undefined;
    const began = new Promise<void>((r) => (secondBegan = r));
    const slowSetup = defineAgent({
      name: 'slowsetup',
      version: '1',
      description: 'Its setup takes a while; its handler uses what the setup made.',
      skills: [],
      reads: {
        'intent.classified': {
          'intent.classified': async (message) => {
            const log = store.get(); // AgentNotStartedError if the order were wrong
            events.push(`begin ${message.data.text}`);
            if (message.data.text === 'second') secondBegan();
            await sleep(300);
            log.push(message.data.text);
            events.push(`end ${message.data.text}`);
          },
        },
      },
      writes: [],
      streamOptions: { 'intent.classified': { startAt: 'all' } },
      start: async () => {
        events.push('setup begins');
        await sleep(500);
        store.set([]);
        events.push('setup done');
        return () => {
          events.push(`cleanup (${store.take()?.length} handled)`);
        };
      },
    });
    try {
      // Queued before the agent (and its group) exists: read the moment the group is made.
      await producer.publish('intent.classified', 'intent.classified', classified('first'));
      const t = await createTestAgent(slowSetup, { redis, prefix });
      await producer.publish('intent.classified', 'intent.classified', classified('second', '4918@c.us'));
      await began;
      await t.stop(); // while "second" is being handled
      expect(events).toEqual(['setup begins', 'setup done', 'begin first', 'end first', 'begin second', 'end second', 'cleanup (2 handled)']);
      expect(t.logs.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    } finally {
      await producer.close();
    }
  });

  it('refuses to start an agent whose reads or writes are not in the catalogue', async () => {
    const odd = defineAgent({ name: 'odd', version: '1', description: 'd', skills: [], reads: {}, writes: ['wa.outbound'] });
    const broken = { ...odd, writes: ['calories'], reads: { 'wa.inbound': { 'wa.msg': () => undefined } } } as unknown as typeof odd;
    await expect(createTestAgent(broken, { redis })).rejects.toThrow(/handles type "wa.msg", which stream "wa.inbound" does not carry\n\s+writes stream "calories"/);
  });
});

describe('setupValue.open', () => {
  it('returns the cleanup for start: it takes the value back and closes it when it has close()', async () => {
    const closed: string[] = [];
    const db = setupValue<{ close(): void }>('test db');
    const cleanup = db.open({ close: () => void closed.push('db') });
    expect(typeof db.get().close).toBe('function');
    await cleanup();
    expect(closed).toEqual(['db']);
    expect(() => db.get()).toThrow(AgentNotStartedError);
    const plain = setupValue<number[]>('plain');
    await plain.open([1])();
    expect(plain.take()).toBeUndefined();
  });
});
