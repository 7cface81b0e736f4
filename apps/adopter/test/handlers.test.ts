/** adopter's handler through the runtime's harness on a real Redis: offline templates, and a model behind the LLM port. */
import type { CompleteOptions, Llm } from '@hive/agent';
import { classifiedIntent, createTestAgent, replyText, startFakeOpenAi, type TestAgent } from '@hive/agent/testing';
import { startRedis, type RedisServer } from '@hive/test-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdopter } from '../src/agent.js';

const CHAT = '491701234567@c.us';
const NOW = new Date('2025-03-14T18:00:00Z');
let redis: RedisServer;
let t: TestAgent | undefined;

type Entities = Record<string, string | number | boolean>;

function classified(text: string, entities: Entities, extra: { intent?: 'content' | 'note'; sourceMessageId?: string; sentAt?: string } = {}) {
  return classifiedIntent(text, entities, {
    intent: extra.intent ?? 'content',
    chatId: CHAT,
    sentAt: extra.sentAt ?? '2025-03-14T09:12:00.000Z',
    ...(extra.sourceMessageId ? { sourceMessageId: extra.sourceMessageId } : {}),
  });
}

/** A model behind the port: answers from a script and records what it was asked. */
function scriptedModel(answer: (prompt: string) => string | Error): Llm & { prompts: Array<{ prompt: string; options?: CompleteOptions }> } {
  const prompts: Array<{ prompt: string; options?: CompleteOptions }> = [];
  return {
    kind: 'openai',
    prompts,
    classify: () => Promise.reject(new Error('not used')),
    extract: () => Promise.reject(new Error('not used')),
    async complete(prompt, options) {
      prompts.push({ prompt, ...(options ? { options } : {}) });
      const a = answer(prompt);
      if (a instanceof Error) throw a;
      return { text: a, source: 'llm' };
    },
  };
}

async function start(options: { env?: Record<string, string>; llm?: Llm } = {}) {
  t = await createTestAgent(createAdopter({ now: () => NOW }), { redis, env: { HIVE_TZ: 'Europe/Berlin', ...options.env }, ...(options.llm ? { llm: options.llm } : {}) });
  return t;
}

async function say(agent: TestAgent, text: string, entities: Entities, extra: Parameters<typeof classified>[2] = {}) {
  return replyText(agent, classified(text, entities, extra));
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('adopter offline', () => {
  it('drafts a tweet from an idea, publishes content.drafted and replies with the post', async () => {
    const a = await start();
    const input = classified('write a tweet about small teams shipping faster because they talk more', { action: 'draft', channel: 'x', format: 'tweet', topic: 'small teams ship faster because they talk more' });
    await a.publish('intent.classified', 'intent.classified', input);
    const event = await a.expectMessage('content.drafted');
    expect(event.src).toBe('adopter');
    expect(event.data).toMatchObject({ chatId: CHAT, revision: 1, idea: 'small teams ship faster because they talk more', platform: 'x', title: 'Small Teams Ship Faster Because They Talk More', tags: ['SmallTeams', 'ship'], draftedBy: 'rules', draftedAt: '2025-03-14T09:12:00.000Z' });
    expect(event.data.draftId).toMatch(/^draft_/);
    expect(event.data.body).toMatch(/Small teams ship faster because they talk more\.\n\n#SmallTeams #ship$/);
    const reply = (await a.expectMessage('wa.outbound')).data;
    expect(reply.replyTo).toBe(input.sourceMessageId);
    expect(reply.text.split('\n')[0]).toMatch(/^✍️ Draft #1 for X \(rev 1, \d+\/280 chars\):$/);
    expect(reply.text).toContain(event.data.body);
    expect(reply.text.split('\n').at(-1)).toBe('Say *edit draft 1: shorter*, *show draft 1* or *delete draft 1*.');
  });

  it('uses the configured default channel, and says when a draft has blanks to fill', async () => {
    const a = await start({ env: { ADOPTER_DEFAULT_CHANNEL: 'twitter' } });
    expect((await say(a, 'idea: remote work made me a better writer', { action: 'draft', topic: 'remote work made me a better writer' })).split('\n')[0]).toMatch(/for X/);
    const blog = await say(a, 'write an article about how we test without mocks', { action: 'draft', format: 'article', topic: 'how we test without mocks' });
    expect(blog).toContain('# How We Test Without Mocks');
    expect(blog).toContain('Fill in the [brackets], or set OPENAI_API_KEY for a full draft.');
  });

  it('lists, shows, edits and deletes drafts by number', async () => {
    const a = await start();
    await say(a, 'draft a linkedin post about small teams', { action: 'draft', channel: 'linkedin', topic: 'small teams ship faster because they talk more' });
    await say(a, 'draft a newsletter about our launch', { action: 'draft', channel: 'newsletter', topic: 'our launch' }, { sentAt: '2025-03-13T09:00:00.000Z' });
    expect(await say(a, 'list my drafts', { action: 'list' })).toBe(
      [
        '🗂️ Your drafts:',
        '#2 newsletter · “Our Launch” · rev 1 · Mar 13',
        '#1 LinkedIn · “Small Teams Ship Faster Because They Talk More” · rev 1 · Mar 14',
        'Say *show draft N*, *edit draft N: …* or *delete draft N*.',
      ].join('\n'),
    );
    expect(await say(a, 'show draft 2', { action: 'show', draftId: 2 })).toContain('Idea: our launch\n\nSubject: Our Launch');

    const edited = await say(a, 'edit draft 1: make it shorter and more formal', { action: 'edit', draftId: 1, instruction: 'make it shorter and more formal' });
    expect(edited.split('\n')[0]).toMatch(/^✍️ Draft #1 for LinkedIn \(rev 2, \d+\/3000 chars\) — shorter, more formal:$/);
    expect(edited).not.toMatch(/\b(?:I'd|I'll|it's|What's)\b/);
    const revisions = (await a.messages('content.drafted')).filter((m) => m.data.revision === 2);
    expect(revisions).toHaveLength(1);
    expect(revisions[0]!.data.body.length).toBeLessThan((await a.messages('content.drafted'))[0]!.data.body.length);

    expect(await say(a, 'delete draft 2', { action: 'delete', draftId: 2 })).toBe('🗑️ Deleted draft #2 (newsletter: “Our Launch”).');
    expect(await say(a, 'show draft 2', { action: 'show', draftId: 2 })).toBe('There is no draft #2. Say *list drafts* to see their numbers.');
  });

  it('creates and edits once per source message, even when classified twice', async () => {
    const a = await start();
    const create = classified('idea: small teams win', { action: 'draft', topic: 'small teams ship faster because they talk more' }, { sourceMessageId: 'wamid-create' });
    await a.publish('intent.classified', 'intent.classified', create);
    await a.publish('intent.classified', 'intent.classified', { ...create });
    const edit = classified('edit draft 1: longer', { action: 'edit', draftId: 1, instruction: 'longer' }, { sourceMessageId: 'wamid-edit' });
    await a.publish('intent.classified', 'intent.classified', edit);
    await a.publish('intent.classified', 'intent.classified', { ...edit });
    await expect.poll(async () => (await a.messages('wa.outbound')).length).toBe(4);
    const list = await say(a, 'drafts', { action: 'list' });
    expect(list).toContain('#1 LinkedIn');
    expect(list).not.toContain('#2');
    expect(list).toContain('rev 2');
    const events = await a.messages('content.drafted');
    expect(events.map((e) => e.data.revision)).toEqual([1, 1, 2, 2]);
    expect(new Set(events.map((e) => e.data.draftId)).size).toBe(1);
  });

  it('says what it can do offline when an edit needs a model, and what is missing otherwise', async () => {
    const a = await start();
    await say(a, 'idea: x', { action: 'draft', topic: 'small teams ship faster because they talk more' });
    expect(await say(a, 'edit draft 1: make it rhyme', { action: 'edit', draftId: 1, instruction: 'make it rhyme' })).toMatch(/^I can't do “rhyme” offline \(set OPENAI_API_KEY for free-form edits\)\. Offline I can make draft #1:\n\*shorter\*/);
    expect(await say(a, 'edit draft 9: shorter', { action: 'edit', draftId: 9, instruction: 'shorter' })).toBe('There is no draft #9. Say *list drafts* to see their numbers.');
    expect(await say(a, 'draft a post', { action: 'draft', format: 'post' })).toMatch(/^What should the post be about\?/);
    expect(await say(a, 'publish draft 1', { action: 'publish', draftId: 1 })).toMatch(/^I don't post on your accounts: copy draft #1 from here and post it on LinkedIn\./);
  });

  it('undoes the last change: an edit is reverted, a new draft deleted; "delete the last draft" deletes the newest', async () => {
    const a = await start();
    await say(a, 'idea', { action: 'draft', topic: 'small teams ship faster because they talk more' });
    await say(a, 'idea', { action: 'draft', channel: 'x', topic: 'remote work made me a better writer' }, { sentAt: '2025-03-14T09:13:00.000Z' });
    const original = (await a.messages('content.drafted'))[0]!.data.body;
    await say(a, 'edit draft 1: more formal', { action: 'edit', draftId: 1, instruction: 'more formal' }, { sentAt: '2025-03-14T09:14:00.000Z' });
    // iris sends a bare "undo" to the agent last written to as "delete the last one".
    const undone = await say(a, 'undo', { action: 'delete', last: true }, { sentAt: '2025-03-14T09:15:00.000Z' });
    expect(undone.split('\n')[0]).toMatch(/^✍️ Draft #1 for LinkedIn \(rev 3, \d+\/3000 chars\) — back to rev 1:$/);
    const events = await a.messages('content.drafted');
    expect(events.at(-1)!.data).toMatchObject({ revision: 3, body: original });
    expect(await say(a, 'delete the last draft', { action: 'delete', last: true })).toBe('🗑️ Deleted draft #2 (X: “Remote Work Made Me a Better Writer”).');
    const list = await say(a, 'drafts', { action: 'list' });
    expect(list).toContain('#1 LinkedIn');
    expect(list).not.toContain('#2');
    // Back past the first revision: the draft itself goes, as its creation is undone.
    expect(await say(a, 'undo', { action: 'delete', last: true }, { sentAt: '2025-03-14T09:17:00.000Z' })).toBe('🗑️ Deleted draft #1 (LinkedIn: “Small Teams Ship Faster Because They Talk More”).');
  });

  it('walks back through several edits, one undo at a time', async () => {
    const a = await start();
    await say(a, 'idea', { action: 'draft', channel: 'x', topic: 'small teams ship faster because they talk more' });
    await say(a, 'e1', { action: 'edit', draftId: 1, instruction: 'add emoji' }, { sentAt: '2025-03-14T09:13:00.000Z' });
    await say(a, 'e2', { action: 'edit', draftId: 1, instruction: 'remove hashtags' }, { sentAt: '2025-03-14T09:14:00.000Z' });
    const steps: string[] = [];
    for (const [i, at] of ['09:15', '09:16', '09:17'].entries()) steps.push((await say(a, 'undo', { action: 'delete', last: true }, { sentAt: `2025-03-14T${at}:0${i}.000Z` })).split('\n')[0]!);
    expect(steps[0]).toMatch(/rev 4, .*— back to rev 2:$/);
    expect(steps[1]).toMatch(/rev 5, .*— back to rev 1:$/);
    expect(steps[2]).toMatch(/^🗑️ Deleted draft #1 /);
    const bodies = (await a.messages('content.drafted')).map((m) => [m.data.revision, m.data.body] as const);
    expect(bodies[3]![1]).toBe(bodies[1]![1]);
    expect(bodies[4]![1]).toBe(bodies[0]![1]);
  });

  it('leaves other intents alone', async () => {
    const a = await start();
    await a.publish('intent.classified', 'intent.classified', classified('note: x', { action: 'save' }, { intent: 'note' }));
    expect(await say(a, 'drafts', { action: 'list' })).toMatch(/^No drafts yet/);
    expect(await a.messages('wa.outbound')).toHaveLength(1);
  });
});

describe('adopter with a model', () => {
  it('drafts with a channel-specific prompt and marks the draft as the model\'s', async () => {
    const model = scriptedModel(() => 'Title: Talk more, ship more\n\nSmall teams ship faster: they talk more.\n\n#SmallTeams #shipping');
    const a = await start({ llm: model });
    const reply = await say(a, 'write a tweet about small teams', { action: 'draft', channel: 'x', topic: 'small teams ship faster because they talk more' });
    expect(reply).toBe(
      ['✍️ Draft #1 for X (rev 1, 63/280 chars, by the model):', '', 'Small teams ship faster: they talk more.', '', '#SmallTeams #shipping', '', 'Say *edit draft 1: shorter*, *show draft 1* or *delete draft 1*.'].join('\n'),
    );
    expect(model.prompts[0]!.prompt).toMatch(/^Write one post for X \(Twitter\): at most 260 characters/);
    expect(model.prompts[0]!.prompt).toContain('small teams ship faster because they talk more');
    expect(model.prompts[0]!.options?.system).toMatch(/^You write social media posts/);
    expect((await a.expectMessage('content.drafted')).data).toMatchObject({ draftedBy: 'llm', title: 'Talk more, ship more', tags: ['SmallTeams', 'shipping'] });
  });

  it('edits with the model, sending it the post and the instruction', async () => {
    const model = scriptedModel((p) => (p.startsWith('Revise') ? 'Title: Talk more\n\nTalk more. Ship more. Rhymes galore.' : 'Title: T\n\nA first version that is long enough.'));
    const a = await start({ llm: model });
    await say(a, 'idea', { action: 'draft', channel: 'linkedin', topic: 'small teams ship faster because they talk more' });
    const edited = await say(a, 'edit draft 1: make it rhyme', { action: 'edit', draftId: 1, instruction: 'make it rhyme' });
    expect(edited).toContain('— rewritten by the model:');
    expect(edited).toContain('Talk more. Ship more. Rhymes galore.');
    expect(model.prompts[1]!.prompt).toContain("The author's instruction: make it rhyme");
    expect(model.prompts[1]!.prompt).toContain('A first version that is long enough.');
  });

  it('falls back to the templates when the model fails or overruns the limit', async () => {
    let call = 0;
    const model = scriptedModel(() => (++call === 1 ? new Error('503 from the model') : `Title: t\n\n${'far too long '.repeat(40)}`));
    const a = await start({ llm: model });
    const first = await say(a, 'tweet', { action: 'draft', channel: 'x', topic: 'small teams ship faster because they talk more' });
    const second = await say(a, 'tweet', { action: 'draft', channel: 'x', topic: 'remote work made me a better writer' });
    for (const reply of [first, second]) expect(reply.split('\n')[0]).toMatch(/^✍️ Draft #\d for X \(rev 1, \d+\/280 chars\):$/);
    expect((await a.messages('content.drafted')).map((m) => m.data.draftedBy)).toEqual(['rules', 'rules']);
    expect(a.logs.some((l) => l.level === 'warn' && l.msg === 'the model could not write the post; using the templates')).toBe(true);
    expect(a.logs.some((l) => l.level === 'warn' && l.msg === 'the model answered with nothing usable as a post; using the templates')).toBe(true);
  });
});

describe('adopter with the runtime\'s OpenAI port', () => {
  it('drafts through OPENAI_BASE_URL, and falls back to the templates when the API fails', async () => {
    const fake = await startFakeOpenAi();
    try {
      const a = await start({ env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_MAX_RETRIES: '0', OPENAI_TIMEOUT_MS: '2000' } });
      expect(a.agent.llm.kind).toBe('openai');
      fake.reply = { text: 'Title: Small teams, big talk\n\nThe fastest teams I know are small and never stop talking.\n\nHow big is yours?\n\n#SmallTeams #startups #shipping #culture' };
      const byModel = await say(a, 'draft', { action: 'draft', channel: 'linkedin', topic: 'small teams ship faster because they talk more' });
      expect(byModel).toContain('The fastest teams I know are small and never stop talking.');
      expect(byModel.split('\n')[0]).toContain('by the model');
      const sent = fake.requests[0]!;
      expect(sent.messages?.[0]).toMatchObject({ role: 'system' });
      expect(sent.messages?.[0]?.content).toMatch(/^You write social media posts/);
      expect(sent.messages?.at(-1)?.content).toMatch(/^Write a LinkedIn post of 80 to 200 words/);

      fake.reply = { status: 500 };
      const byRules = await say(a, 'draft', { action: 'draft', channel: 'linkedin', topic: 'remote work made me a better writer' });
      expect(byRules.split('\n')[0]).not.toContain('by the model');
      expect((await a.messages('content.drafted')).map((m) => m.data.draftedBy)).toEqual(['llm', 'rules']);
    } finally {
      await fake.close();
    }
  });
});

describe('adopter with outsized input', () => {
  it('drafts from a very long idea within the limits, and every reply stays sendable', async () => {
    const a = await start();
    const idea = `why ${'we keep rewriting the same service over and over '.repeat(1200)}`.trim();
    for (const channel of ['x', 'blog', 'linkedin']) await say(a, 'draft', { action: 'draft', channel, topic: idea });
    for (const n of [1, 2, 3]) expect((await say(a, `show draft ${n}`, { action: 'show', draftId: n })).length).toBeLessThan(25_000);
    const events = await a.messages('content.drafted');
    expect(events.map((e) => e.data.platform)).toEqual(['x', 'blog', 'linkedin']);
  });
});
