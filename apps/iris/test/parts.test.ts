/** The pieces the rules are built from: time phrases, money, text, the model's shape, iris's own replies. */
import { CURRENCY_SIGNS, CURRENCY_WORDS } from '@hive/agent';
import { describe, expect, it } from 'vitest';
import { classifyText } from '../src/domain/classify.js';
import { declaredIntents } from '../src/domain/declared.js';
import { fromLlmShape, INTENT_LABELS, llmInstructionsFor, llmIntentSchema, llmIntentSchemaFor, toLlmShape } from '../src/domain/llm-schema.js';
import { findBareAmount, findMoney } from '../src/domain/money.js';
import { parseNumber } from '../src/domain/numbers.js';
import { unknownReply } from '../src/domain/replies.js';
import { normalize, restoreCase, tidyPhrase } from '../src/domain/text.js';
import { isPreciseWhen, leadingWhen, splitWhenWhat } from '../src/domain/time-phrases.js';

describe('splitWhenWhat', () => {
  it.each([
    ['in 2 minutes to stretch', 'in 2 minutes', 'stretch', false],
    ['to stretch in 2 minutes', 'in 2 minutes', 'stretch', false],
    ['tomorrow at 9 to call mom', 'tomorrow at 9', 'call mom', false],
    ['every monday 8am weigh in', 'every monday 8am', 'weigh in', true],
    ['every mon and thu at 7:30 go to the gym', 'every mon and thu at 7:30', 'go to the gym', true],
    ['on weekdays at 6:45 take the bins out', 'on weekdays at 6:45', 'take the bins out', true],
    ['on the 3rd of may pay rent', 'on the 3rd of may', 'pay rent', false],
    ['to put on sun cream', undefined, 'put on sun cream', false],
    ['to buy 2 eggs', undefined, 'buy 2 eggs', false],
    ['in half an hour to check the oven', 'in half an hour', 'check the oven', false],
  ] as const)('%s', (body, when, what, recurring) => {
    expect(splitWhenWhat(body)).toEqual({ when, what, recurring });
  });

  it('finds the time a message starts with, and tells a firing time from a vague one', () => {
    expect(leadingWhen('tomorrow at 9 call mom')).toBe('tomorrow at 9');
    expect(leadingWhen('call mom tomorrow')).toBeUndefined();
    expect(isPreciseWhen('tomorrow at 9')).toBe(true);
    expect(isPreciseWhen('in 10 minutes')).toBe(true);
    expect(isPreciseWhen('every monday')).toBe(true);
    expect(isPreciseWhen('today')).toBe(false);
  });
});

describe('money', () => {
  it.each([
    ['€30 groceries', 30, 'EUR'],
    ['30€', 30, 'EUR'],
    ['12,50 eur', 12.5, 'EUR'],
    ['$4.50 coffee', 4.5, 'USD'],
    ['£1,200.50 rent', 1200.5, 'GBP'],
    ['20 bucks', 20, 'USD'],
    ['chf 15', 15, 'CHF'],
  ] as const)('%s', (text, amount, currency) => {
    expect(findMoney(text)).toMatchObject({ amount, currency });
  });

  it('needs a currency for findMoney and skips quantities for bare amounts', () => {
    expect(findMoney('2 eggs')).toBeUndefined();
    expect(findBareAmount('spent 30 min on yoga')).toBeUndefined();
    expect(findBareAmount('spent 30 min and 12.50 on lunch')?.amount).toBe(12.5);
  });

  it('reads each text from its start, though its pattern is shared across calls', () => {
    // The first call stops mid-text; a regex carrying its lastIndex over would start the next one past "7".
    expect(findBareAmount('spent 30 min and then 12.50 on a long lunch')?.amount).toBe(12.5);
    expect(findBareAmount('paid 7')).toMatchObject({ amount: 7, index: 5 });
  });

  it('reads numbers as typed', () => {
    expect(parseNumber('2,5')).toBe(2.5);
    expect(parseNumber('1,000')).toBe(1000);
    expect(parseNumber('1/2')).toBe(0.5);
    expect(parseNumber('½')).toBe(0.5);
    expect(parseNumber('two')).toBe(2);
    expect(parseNumber('1/0')).toBeUndefined();
    expect(parseNumber('eggs')).toBeUndefined();
  });
});

describe('text', () => {
  it('normalizes quotes, emoji, spacing and trailing punctuation, keeping "?"', () => {
    expect(normalize('  I’m  having 🍔 a BURGER!!  ')).toBe("i'm having a burger");
    expect(normalize('What’s up?')).toBe("what's up?");
  });

  it('trims connectors and restores the original case', () => {
    expect(tidyPhrase(' to call mom and ')).toBe('call mom');
    // Each connector list keeps its own patterns: the default list's words stay in a phrase trimmed by another.
    expect(tidyPhrase('and eggs with', ['and', 'with'])).toBe('eggs');
    expect(tidyPhrase('about eggs with', ['and', 'with'])).toBe('about eggs');
    expect(tidyPhrase('about eggs with')).toBe('eggs with');
    expect(restoreCase('call mom', 'remind me to call mom', 'Remind me to call Mom')).toBe('call Mom');
    expect(restoreCase('nope', 'abc', 'ABC')).toBe('nope');
  });
});

describe('model output', () => {
  it('offers the model every intent of the contract', () => {
    expect([...INTENT_LABELS].sort()).toEqual(['briefing', 'content', 'expense', 'habit', 'help', 'note', 'nutrition', 'question', 'schedule', 'unknown']);
  });

  it('round-trips a rules verdict through the model shape', () => {
    for (const text of ['I had 2 eggs and toast', 'remind me in 2 minutes to stretch', 'budget food 300', 'ran 5k', 'asdf']) {
      const rules = classifyText(text);
      const shaped = toLlmShape(rules);
      expect(llmIntentSchema.safeParse(shaped).success).toBe(true);
      expect(fromLlmShape(shaped)).toEqual({ intent: rules.intent, entities: rules.entities, confidence: rules.confidence });
    }
  });

  it('drops nulls, clamps confidence, and keeps what only the rules found when both agree', () => {
    const rules = classifyText('had 2 eggs for breakfast');
    const shaped = toLlmShape({ intent: 'nutrition', confidence: 3, entities: { foods: 'two eggs' } });
    const merged = fromLlmShape(shaped, rules);
    expect(merged.confidence).toBe(1);
    expect(merged.entities).toEqual({ action: 'log', meal: 'breakfast', foods: 'two eggs' });
    expect(fromLlmShape(toLlmShape({ intent: 'habit', confidence: 0.5, entities: {} }), rules).entities).toEqual({});
  });
});

describe('unknownReply', () => {
  it('fits the reply to what was said', () => {
    expect(unknownReply({})).toMatch(/^I didn't catch that — say \*help\*/);
    expect(unknownReply({ smalltalk: 'thanks' })).toBe("You're welcome! 🙂");
    expect(unknownReply({ smalltalk: 'bye' })).toMatch(/Bye/);
    expect(unknownReply({ media: 'video' })).toMatch(/can't look at videos/);
    expect(unknownReply({ silence: true })).toMatch(/voice note/);
    expect(unknownReply({ empty: true })).toMatch(/empty/);
  });
});

describe('declared intents', () => {
  const records = [
    { name: 'weather', intents: [{ name: 'weather', description: 'Forecasts', examples: ['weather in Berlin', 42], offline: { pattern: '^weather(?: in (?<place>.+))?$' } }] },
    { name: 'broken', intents: [{ name: 'Bad Name', description: 'x', examples: [] }, { name: 'tides', description: 'Tides', examples: [], offline: { pattern: '(' } }, 'nonsense'] },
    { name: 'another', intents: [{ name: 'weather', description: 'Other forecasts', examples: [] }] },
  ];

  it('reads the declarations of registry records, leaving out what is malformed', () => {
    const d = declaredIntents(records);
    expect(d.map((i) => [i.name, i.agents, i.offline?.confidence])).toEqual([
      ['tides', ['broken'], undefined],
      ['weather', ['another', 'weather'], undefined],
    ]);
  });

  it('routes by a declared offline rule after the built-in domain rules and before questions', () => {
    const d = declaredIntents([records[0]!]);
    expect(classifyText('weather in Berlin', d)).toMatchObject({ intent: 'weather', rule: 'declared.weather', confidence: 0.8, entities: { place: 'Berlin' } });
    expect(classifyText('weather in Berlin')).toMatchObject({ intent: 'unknown' });
    // a built-in rule still wins what it claims
    expect(classifyText('I had 2 eggs and toast', d)).toMatchObject({ intent: 'nutrition' });
  });

  it('offers the model the declared intents with their descriptions', () => {
    const d = declaredIntents([records[0]!]);
    expect(llmIntentSchemaFor(d).safeParse({ intent: 'weather', confidence: 1, entities: toLlmShape(classifyText('x')).entities }).success).toBe(true);
    expect(llmIntentSchemaFor([]).safeParse({ intent: 'weather', confidence: 1, entities: toLlmShape(classifyText('x')).entities }).success).toBe(false);
    expect(llmInstructionsFor(d)).toMatch(/\n- weather: Forecasts \("weather in Berlin"\)\..*\n- unknown:/);
  });
});

// ledger records the same words (apps/ledger/test/parse-command.test.ts reads the same table): the two never disagree.
describe('every currency word and sign of the shared table', () => {
  it.each(Object.entries({ ...CURRENCY_WORDS, ...CURRENCY_SIGNS }))('30 %s → %s', (word, code) => {
    expect(findMoney(`spent 30 ${word} on lunch`)).toMatchObject({ amount: 30, currency: code });
  });
  it.each([['30 zł', 'PLN'], ['30 Kč', 'CZK'], ['nzd 30', 'NZD'], ['30 try', 'TRY']])('%s is %s', (text, code) => {
    expect(findMoney(text)).toMatchObject({ amount: 30, currency: code });
  });
});
