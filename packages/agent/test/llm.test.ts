import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { createLlm, createLlmMetrics, createOfflineLlm, LlmError, parseEnv, type Env, type Llm } from '../src/index.js';
import { forgetModelBreakers, memoryLogger, startFakeOpenAi, type FakeOpenAi, type LogLine } from '../src/testing.js';

const rules = {
  keywords: { nutrition: ['ate', 'eggs', /\bkcal\b/i], expense: ['paid', 'spent', '€'] },
  extract: { meal: (text: string) => ({ food: text.split(' ').pop() ?? '', grams: null }) },
  complete: (prompt: string) => (prompt.startsWith('summary') ? 'offline summary' : undefined),
};
const meal = z.object({ food: z.string(), grams: z.number().nullable() });

describe('offline LLM', () => {
  const llm = createOfflineLlm(rules);

  it('classifies by keyword hits, deterministically', async () => {
    expect(await llm.classify('I ate two eggs', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'nutrition', confidence: 0.7, source: 'rules' });
    expect(await llm.classify('paid 12€ for lunch', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'expense', confidence: 0.6, source: 'rules' });
    // whole words only: "create" does not contain the keyword "ate"
    expect(await llm.classify('create a post', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'unknown', confidence: 0, source: 'rules' });
    expect(await llm.classify('nothing', ['nutrition', 'expense'])).toEqual({ label: 'nutrition', confidence: 0, source: 'rules' });
  });

  it('extracts with the named extractor and validates the result', async () => {
    expect(await llm.extract('lunch was pasta', meal, { name: 'meal' })).toEqual({ data: { food: 'pasta', grams: null }, source: 'rules' });
    await expect(llm.extract('x', meal, { name: 'other' })).rejects.toThrow(/no offline extractor named "other"/);
    await expect(llm.extract('x', z.object({ food: z.number() }), { name: 'meal' })).rejects.toBeInstanceOf(LlmError);
  });

  it('completes from rules, else from the fallback, else fails', async () => {
    expect(await llm.complete('summary of today')).toEqual({ text: 'offline summary', source: 'rules' });
    expect(await llm.complete('write a poem', { fallback: 'no poems offline' })).toEqual({ text: 'no poems offline', source: 'rules' });
    await expect(llm.complete('write a poem')).rejects.toThrow(/no offline completion/);
  });
});

describe('OpenAI LLM against a local chat-completions server', () => {
  let fake: FakeOpenAi;
  let lines: LogLine[];
  let registry: Registry;
  let llm: Llm;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });
  // A generous attempt timeout unless a test is about timing out: a fresh client's first request takes a
  // few hundred ms on a loaded machine.
  const make = (env: Env = {}) => {
    lines = [];
    registry = new Registry();
    const log = memoryLogger(lines);
    const hive = parseEnv('t', { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'fake-model', OPENAI_TIMEOUT_MS: '10000', OPENAI_MAX_RETRIES: '1', ...env }).hive;
    return createLlm(hive, rules, log, createLlmMetrics(registry, 't'), 't');
  };
  beforeEach(() => {
    forgetModelBreakers();
    fake.requests.length = 0;
    fake.calls.length = 0;
    fake.outage = undefined;
    llm = make();
  });

  const warnings = () => lines.filter((l) => l.level === 'warn');
  const counter = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ ...v.labels, value: v.value }));

  it('classifies with a json_schema response format and logs token usage', async () => {
    fake.reply = { content: { label: 'expense', confidence: 0.93 } };
    expect(await llm.classify('paid 12 for lunch', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'expense', confidence: 0.93, source: 'llm' });
    const body = fake.requests[0]!;
    expect(body.model).toBe('fake-model');
    const format = body.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: { properties: { label: { enum: string[] } } } } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.schema.properties.label.enum).toEqual(['nutrition', 'expense', 'unknown']);
    expect(lines.find((l) => l.msg === 'llm usage')?.obj).toMatchObject({ op: 'classify', promptTokens: 42, completionTokens: 7, totalTokens: 49, model: 'fake-model' });
    expect(warnings()).toEqual([]);
    expect(await counter('hive_llm_calls_total')).toEqual([{ op: 'classify', outcome: 'ok', value: 1 }]);
  });

  it('extracts structured data through zodResponseFormat', async () => {
    fake.reply = { content: { food: 'pasta', grams: 250 } };
    expect(await llm.extract('250 g of pasta', meal, { name: 'meal' })).toEqual({ data: { food: 'pasta', grams: 250 }, source: 'llm' });
    expect((fake.requests[0]!.response_format as { json_schema: { name: string } }).json_schema.name).toBe('meal');
  });

  it('completes free text', async () => {
    fake.reply = { text: 'Good morning! Here is your day.' };
    expect(await llm.complete('briefing')).toEqual({ text: 'Good morning! Here is your day.', source: 'llm' });
  });

  it('falls back offline on an HTTP 500, after the configured retry, and logs a warning', async () => {
    fake.reply = { status: 500 };
    expect(await llm.classify('I ate eggs', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'nutrition', confidence: 0.7, source: 'rules' });
    expect(fake.requests).toHaveLength(2);
    expect(warnings()).toEqual([expect.objectContaining({ msg: 'model did not answer usably; answering from the rules', obj: expect.objectContaining({ op: 'classify', reason: 'failed', err: expect.stringMatching(/HTTP 500 \(2 attempts\)/) }) })]);
    expect(await counter('hive_llm_calls_total')).toEqual([{ op: 'classify', outcome: 'fallback', value: 1 }]);
    expect(await counter('hive_llm_failures_total')).toEqual([{ op: 'classify', reason: 'http_5xx', value: 2 }]);
    expect(await counter('hive_llm_fallbacks_total')).toEqual([{ op: 'classify', reason: 'failed', value: 1 }]);
  });

  it('falls back offline when the server does not answer in time', async () => {
    fake.reply = { hang: true };
    llm = make({ OPENAI_TIMEOUT_MS: '300' });
    expect(await llm.extract('lunch was pasta', meal, { name: 'meal' })).toEqual({ data: { food: 'pasta', grams: null }, source: 'rules' });
    // the first attempt timed out (OPENAI_TIMEOUT_MS 300) and was retried once within the deadline before falling back
    expect(fake.requests).toHaveLength(2);
    expect(warnings()[0]?.obj.err).toMatch(/timed out after 300 ms/i);
    expect(await counter('hive_llm_failures_total')).toEqual([{ op: 'extract', reason: 'timeout', value: 2 }]);
  });

  it('falls back offline on malformed JSON content, which does not count against the model', async () => {
    fake.reply = { text: '{"label": "expense", "confidence": ' };
    expect(await llm.classify('paid 5€', ['nutrition', 'expense', 'unknown'])).toEqual({ label: 'expense', confidence: 0.6, source: 'rules' });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.obj.err).toMatch(/JSON/);
    expect(fake.requests).toHaveLength(1);
    expect(llm.breaker!.status()).toMatchObject({ state: 'closed', failures: 0 });
    expect(await counter('hive_llm_fallbacks_total')).toEqual([{ op: 'classify', reason: 'unusable', value: 1 }]);
  });

  it('falls back offline when the content fails the schema (a label that was not offered)', async () => {
    fake.reply = { content: { label: 'poetry', confidence: 1 } };
    expect((await llm.classify('paid 5€', ['nutrition', 'expense', 'unknown'])).source).toBe('rules');
    expect(warnings()).toHaveLength(1);
  });

  it('fails when the offline path cannot answer either, so the handler retries', async () => {
    fake.reply = { status: 500 };
    await expect(llm.complete('write a poem')).rejects.toThrow(/no offline completion/);
    expect(await counter('hive_llm_calls_total')).toEqual([{ op: 'complete', outcome: 'failed', value: 1 }]);
  });

  it('createLlm picks OpenAI with fallback when a key or base URL is set, else offline', async () => {
    const log = memoryLogger();
    expect(createLlm(parseEnv('a', {}).hive, rules, log).kind).toBe('offline');
    expect(createLlm(parseEnv('a', { OPENAI_API_KEY: 'sk-x' }).hive, rules, log).kind).toBe('openai');
    const local = createLlm(parseEnv('a', { OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'local-model', OPENAI_MAX_RETRIES: '0' }).hive, rules, log);
    fake.reply = { content: { label: 'nutrition', confidence: 0.5 } };
    expect(await local.classify('x', ['nutrition', 'unknown'])).toEqual({ label: 'nutrition', confidence: 0.5, source: 'llm' });
    expect(fake.requests.at(-1)!.model).toBe('local-model');
    expect(local.breaker!.endpoint).toBe(`local-model@${fake.baseURL}`);
  });
});
