import { describe, expect, it } from 'vitest';
import type { Entities, Intent } from '../src/domain/classification.js';
import { classifyText, stripCourtesy } from '../src/domain/classify.js';

type Row = readonly [text: string, intent: Intent, entities?: Entities];

// Each row: what the owner types, the intent, and the entities that must be among those found.
const ROWS: Record<string, Row[]> = {
  nutrition: [
    ['I had 2 eggs and toast', 'nutrition', { action: 'log', foods: '2 eggs and toast' }],
    ['had 2 eggs and toast for breakfast', 'nutrition', { action: 'log', meal: 'breakfast', foods: '2 eggs and toast' }],
    ['Had oatmeal with blueberries for breakfast', 'nutrition', { meal: 'breakfast', foods: 'oatmeal with blueberries' }],
    ['for breakfast I had oatmeal with banana', 'nutrition', { meal: 'breakfast', foods: 'oatmeal with banana' }],
    ['just ate a banana', 'nutrition', { action: 'log', foods: 'a banana' }],
    ['dinner was pasta carbonara and a glass of wine', 'nutrition', { meal: 'dinner', foods: 'pasta carbonara and a glass of wine' }],
    ['lunch: chicken salad', 'nutrition', { meal: 'lunch', foods: 'chicken salad' }],
    ['snack: an apple and a handful of almonds', 'nutrition', { meal: 'snack', foods: 'an apple and a handful of almonds' }],
    ['I ate a sandwich for lunch', 'nutrition', { meal: 'lunch', foods: 'a sandwich' }],
    ['supper: lentil soup', 'nutrition', { meal: 'dinner', foods: 'lentil soup' }],
    ['had pad thai', 'nutrition', { foods: 'pad thai' }],
    ['pasta carbonara', 'nutrition', { foods: 'pasta carbonara' }],
    ['Breakfast: greek yogurt with granola and berries', 'nutrition', { meal: 'breakfast', foods: 'greek yogurt with granola and berries' }],
    ['2 eggs and toast', 'nutrition', { action: 'log', foods: '2 eggs and toast' }],
    ['two slices of toast with butter', 'nutrition', { foods: 'two slices of toast with butter' }],
    ['150 g chicken breast and a bowl of rice', 'nutrition', { foods: '150 g chicken breast and a bowl of rice' }],
    ['half an avocado', 'nutrition', { foods: 'half an avocado' }],
    ['1.5 bananas', 'nutrition', { foods: '1.5 bananas' }],
    ['a cup of milk', 'nutrition', { foods: 'a cup of milk' }],
    ['log 150g salmon and a cup of rice', 'nutrition', { action: 'log', foods: '150g salmon and a cup of rice' }],
    ["I'm having a burger", 'nutrition', { foods: 'a burger' }],
    ["I've had 3 coffees today", 'nutrition', { foods: '3 coffees' }],
    ['drank a glass of milk', 'nutrition', { foods: 'a glass of milk' }],
    ['please log 2 eggs', 'nutrition', { foods: '2 eggs' }],
    ['how much protein today', 'nutrition', { action: 'summary', nutrient: 'protein', day: 'today' }],
    ['how many calories have I had today', 'nutrition', { action: 'summary', nutrient: 'kcal' }],
    ['how much protein did I eat yesterday', 'nutrition', { action: 'summary', nutrient: 'protein', day: 'yesterday' }],
    ['what did I eat today', 'nutrition', { action: 'summary', day: 'today' }],
    ['hey iris, what did I eat today?', 'nutrition', { action: 'summary' }],
    ['calories left', 'nutrition', { action: 'summary', nutrient: 'kcal' }],
    ['my macros', 'nutrition', { action: 'summary', nutrient: 'macros' }],
    ['set my goal to 2200 kcal', 'nutrition', { action: 'goal', goalKcal: 2200 }],
    ['goal 1800', 'nutrition', { action: 'goal', goalKcal: 1800 }],
    ['my calorie goal is 2000', 'nutrition', { action: 'goal', goalKcal: 2000 }],
    ['I want to eat 2000 kcal a day', 'nutrition', { action: 'goal', goalKcal: 2000 }],
    ["what's my goal", 'nutrition', { action: 'goal' }],
    ['how many calories in a banana', 'nutrition', { action: 'lookup', nutrient: 'kcal', foods: 'a banana' }],
    ['how much fat is in an avocado?', 'nutrition', { action: 'lookup', nutrient: 'fat', foods: 'an avocado' }],
  ],
  schedule: [
    ['remind me in 2 minutes to stretch', 'schedule', { action: 'create', when: 'in 2 minutes', what: 'stretch' }],
    ['remind me to stretch in 2 minutes', 'schedule', { when: 'in 2 minutes', what: 'stretch' }],
    ['every Monday 8am weigh in', 'schedule', { action: 'create', when: 'every monday 8am', what: 'weigh in', recurring: true }],
    ['tomorrow at 9 call mom', 'schedule', { when: 'tomorrow at 9', what: 'call mom' }],
    ['Remind me to call Mom tomorrow at 9', 'schedule', { when: 'tomorrow at 9', what: 'call Mom' }],
    ['remind me every day at 8pm to take my vitamins', 'schedule', { when: 'every day at 8pm', what: 'take my vitamins', recurring: true }],
    ['Remind me to drink water every 2 hours', 'schedule', { when: 'every 2 hours', what: 'drink water', recurring: true }],
    ['remind me next monday at 10am dentist', 'schedule', { when: 'next monday at 10am', what: 'dentist' }],
    ['remind me on friday to submit the report', 'schedule', { when: 'on friday', what: 'submit the report' }],
    ['remind me to buy milk', 'schedule', { action: 'create', what: 'buy milk' }],
    ['at 5pm pick up the kids', 'schedule', { when: 'at 5pm', what: 'pick up the kids' }],
    ['in 20 minutes check the oven', 'schedule', { when: 'in 20 minutes', what: 'check the oven' }],
    ['daily at 7am meditate', 'schedule', { when: 'daily at 7am', what: 'meditate', recurring: true }],
    ["don't let me forget to call the bank tomorrow", 'schedule', { when: 'tomorrow', what: 'call the bank' }],
    ['remember to buy milk tomorrow at 5pm', 'schedule', { when: 'tomorrow at 5pm', what: 'buy milk' }],
    ['Can you please set a reminder for 3pm to call John', 'schedule', { when: '3pm', what: 'call John' }],
    ['wake me up at 7am', 'schedule', { when: 'at 7am', what: 'wake up' }],
    ['list my reminders', 'schedule', { action: 'list' }],
    ['what reminders do I have', 'schedule', { action: 'list' }],
    ["what's on my schedule tomorrow", 'schedule', { action: 'list', day: 'tomorrow' }],
    ['cancel reminder 2', 'schedule', { action: 'cancel', reminderId: 2 }],
    ['cancel all reminders', 'schedule', { action: 'cancel', all: true }],
    ['delete the stretch reminder', 'schedule', { action: 'cancel', what: 'stretch' }],
    ['snooze 10 minutes', 'schedule', { action: 'snooze', duration: '10 minutes' }],
    ['snooze reminder 2 for 10 min', 'schedule', { action: 'snooze', reminderId: 2, duration: '10 min' }],
    ['remind me to call the dentist tomorrow at nine', 'schedule', { when: 'tomorrow at nine', what: 'call the dentist' }],
    ['meeting at 3pm with Anna', 'schedule', { action: 'create', when: 'at 3pm', what: 'meeting with Anna' }],
    ['gym at 6pm tomorrow', 'schedule', { when: 'at 6pm tomorrow', what: 'gym' }],
  ],
  expense: [
    ['spent 12.50 on lunch', 'expense', { action: 'record', amount: 12.5, description: 'lunch' }],
    ['€30 groceries', 'expense', { action: 'record', amount: 30, currency: 'EUR', description: 'groceries' }],
    ['30€ dinner with friends', 'expense', { amount: 30, currency: 'EUR', description: 'dinner with friends' }],
    ['lunch 12 eur', 'expense', { amount: 12, currency: 'EUR', description: 'lunch' }],
    ['paid 20 for taxi', 'expense', { amount: 20, description: 'taxi' }],
    ['paid 45,90 for electricity', 'expense', { amount: 45.9, description: 'electricity' }],
    ['bought shoes for 80 eur', 'expense', { amount: 80, currency: 'EUR', description: 'shoes' }],
    ['$4.50 coffee', 'expense', { amount: 4.5, currency: 'USD', description: 'coffee' }],
    ['Spent £8 on coffee this week', 'expense', { amount: 8, currency: 'GBP', description: 'coffee' }],
    ['uber 15 usd', 'expense', { amount: 15, currency: 'USD', description: 'uber' }],
    ['Netflix 12.99', 'expense', { action: 'record', amount: 12.99, description: 'Netflix' }],
    ['coffee 3.50', 'expense', { amount: 3.5, description: 'coffee' }],
    ['got a haircut for 25 bucks', 'expense', { amount: 25, currency: 'USD', description: 'a haircut' }],
    ["what's my budget", 'expense', { action: 'budgets' }],
    ['budget food 300', 'expense', { action: 'budget', category: 'food', amount: 300 }],
    ['set my food budget to 300 a month', 'expense', { action: 'budget', category: 'food', amount: 300, period: 'month' }],
    ['budget 50 for transport', 'expense', { action: 'budget', category: 'transport', amount: 50 }],
    ['how much did I spend this week', 'expense', { action: 'summary', period: 'week' }],
    ['how much did I spend on food this month?', 'expense', { action: 'summary', period: 'month', category: 'food' }],
    ['expenses this month', 'expense', { action: 'summary', period: 'month' }],
    ['am I over budget', 'expense', { action: 'summary' }],
    ['remove budget food', 'expense', { action: 'remove-budget', category: 'food' }],
    ['my budgets', 'expense', { action: 'budgets' }],
  ],
  note: [
    ['note: call the landlord about the heater', 'note', { action: 'save', kind: 'note', text: 'call the landlord about the heater' }],
    ['Note: call Mom about the Heater', 'note', { text: 'call Mom about the Heater' }],
    ['note to self: remind the landlord about the heater', 'note', { action: 'save', text: 'remind the landlord about the heater' }],
    ['jot down: milk, eggs, bread', 'note', { action: 'save', text: 'milk, eggs, bread' }],
    ['journal: great day at the beach', 'note', { action: 'save', kind: 'journal', text: 'great day at the beach' }],
    ['dear diary, today was long', 'note', { kind: 'journal', text: 'today was long' }],
    ['remember that the wifi password is Hunter2', 'note', { action: 'save', text: 'the wifi password is Hunter2' }],
    ['remember to buy milk', 'note', { action: 'save', text: 'buy milk' }],
    ['remember my locker code is 4512', 'note', { action: 'save', text: 'my locker code is 4512' }],
    ['what did I note about the landlord', 'note', { action: 'search', query: 'landlord' }],
    ['did I write anything about taxes?', 'note', { action: 'search', query: 'taxes' }],
    ['find my notes about the heater', 'note', { action: 'search', query: 'heater' }],
    ['search notes wifi', 'note', { action: 'search', query: 'wifi' }],
    ['notes about the landlord', 'note', { action: 'search', query: 'landlord' }],
    ['my notes', 'note', { action: 'list', kind: 'note' }],
    ['show my journal', 'note', { action: 'list', kind: 'journal' }],
    ['delete note 3', 'note', { action: 'delete', number: 3 }],
    ['show note #2', 'note', { action: 'show', number: 2 }],
    // scribe has no edit: the number and the new words go as action "edit" + instruction, never as "text"
    // (scribe would save that as a new note); scribe answers its menu, which has no edit in it.
    ['edit note 2: call the plumber instead', 'note', { action: 'edit', number: 2, instruction: 'call the plumber instead' }],
  ],
  habit: [
    ['drank 2 glasses of water', 'habit', { action: 'log', kind: 'water', quantity: 2, unit: 'glass', ml: 500 }],
    ['had a bottle of water', 'habit', { kind: 'water', quantity: 1, unit: 'bottle', ml: 500 }],
    ['water 500ml', 'habit', { kind: 'water', quantity: 500, unit: 'ml', ml: 500 }],
    ['2l of water today', 'habit', { kind: 'water', ml: 2000 }],
    ['ran 5k', 'habit', { action: 'log', kind: 'workout', activity: 'run', distanceKm: 5 }],
    ['ran 5 km in 28 min', 'habit', { activity: 'run', distanceKm: 5, durationMin: 28 }],
    ['cycled 20km', 'habit', { activity: 'cycle', distanceKm: 20 }],
    ['swam 1000m', 'habit', { activity: 'swim', distanceKm: 1 }],
    ['did 30 min yoga', 'habit', { activity: 'yoga', durationMin: 30 }],
    ['yoga 30 min', 'habit', { activity: 'yoga', durationMin: 30 }],
    ['spent 30 min on yoga', 'habit', { activity: 'yoga', durationMin: 30 }],
    ['went to the gym', 'habit', { kind: 'workout', activity: 'strength' }],
    ['gym today', 'habit', { kind: 'workout', activity: 'strength' }],
    ['played tennis for an hour', 'habit', { kind: 'workout', activity: 'tennis', durationMin: 60 }],
    ['did 50 pushups', 'habit', { kind: 'workout', activity: 'pushups', reps: 50 }],
    ['walked 10000 steps', 'habit', { kind: 'steps', steps: 10000 }],
    ['12k steps', 'habit', { kind: 'steps', steps: 12000 }],
    ['meditated 10 min', 'habit', { kind: 'meditation', durationMin: 10 }],
    ['slept 7h', 'habit', { action: 'log', kind: 'sleep', hours: 7 }],
    ['slept 7.5 hours', 'habit', { kind: 'sleep', hours: 7.5 }],
    ['slept 6h30', 'habit', { kind: 'sleep', hours: 6.5 }],
    ['7 hours of sleep', 'habit', { kind: 'sleep', hours: 7 }],
    ['slept badly', 'habit', { kind: 'sleep', quality: 'bad' }],
    ['went to bed at 11 and woke up at 7', 'habit', { kind: 'sleep', hours: 8 }],
    ['fell asleep at 1am, up at 8:30', 'habit', { kind: 'sleep', hours: 7.5 }],
    ['slept from 23:30 to 6:45', 'habit', { action: 'log', kind: 'sleep', hours: 7.25 }],
    ['slept 11pm-7am', 'habit', { action: 'log', kind: 'sleep', hours: 8 }],
    ['how much water today', 'habit', { action: 'summary', kind: 'water', period: 'today' }],
    ['how did I sleep this week', 'habit', { action: 'summary', kind: 'sleep', period: 'week' }],
    ['my streaks', 'habit', { action: 'summary' }],
    ['set water goal to 8 glasses', 'habit', { action: 'goal', kind: 'water', target: 8 }],
    ['weekly summary', 'habit', { action: 'summary', period: 'week' }],
    ['how was my week', 'habit', { action: 'summary', period: 'week' }],
    // pulse reads "how am i doing" as today's habits against their goals (its SUMMARY_TODAY).
    ['how am I doing', 'habit', { action: 'summary', period: 'today' }],
    ['how am I doing?', 'habit', { action: 'summary', period: 'today' }],
  ],
  content: [
    ['draft a post about our new product launch', 'content', { action: 'draft', format: 'post', topic: 'our new product launch' }],
    ['write a linkedin post about hiring juniors', 'content', { action: 'draft', channel: 'linkedin', topic: 'hiring juniors' }],
    ['write a tweet about coffee', 'content', { action: 'draft', channel: 'x', format: 'tweet', topic: 'coffee' }],
    ['draft a thread on typescript tips', 'content', { channel: 'x', format: 'thread', topic: 'typescript tips' }],
    ['draft a post about my 5k run', 'content', { action: 'draft', topic: 'my 5k run' }],
    ['idea: a post about remote work', 'content', { action: 'draft', topic: 'remote work' }],
    ['list my drafts', 'content', { action: 'list' }],
    ['show draft 2', 'content', { action: 'show', draftId: 2 }],
    ['edit draft 2: make it shorter', 'content', { action: 'edit', draftId: 2, instruction: 'make it shorter' }],
    ['delete draft 3', 'content', { action: 'delete', draftId: 3 }],
    ['publish draft 1', 'content', { action: 'publish', draftId: 1 }],
    ['make draft 2 longer', 'content', { action: 'edit', draftId: 2, instruction: 'longer' }],
    ['make draft 2 more formal', 'content', { action: 'edit', draftId: 2, instruction: 'more formal' }],
    ['shorten draft 1', 'content', { action: 'edit', draftId: 1, instruction: 'shorten' }],
    ['draft 3 for twitter', 'content', { action: 'edit', draftId: 3, instruction: 'for twitter' }],
    ['draft 2: add hashtags', 'content', { action: 'edit', draftId: 2, instruction: 'add hashtags' }],
    ['draft a post for twitter about coffee', 'content', { action: 'draft', channel: 'x', topic: 'coffee' }],
  ],
  undo: [
    ['delete the last expense', 'expense', { action: 'undo', last: true }],
    ['undo last meal', 'nutrition', { action: 'undo', last: true }],
    ['cancel my last reminder', 'schedule', { action: 'cancel', last: true }],
    ['undo', 'unknown', { action: 'undo' }],
    ['oops', 'unknown', { action: 'undo' }],
    ['scratch that', 'unknown', { action: 'undo' }],
  ],
  briefing: [
    ['briefing', 'briefing'],
    ['morning briefing', 'briefing'],
    ['give me my briefing', 'briefing'],
    ['brief me', 'briefing'],
  ],
  help: [
    ['help', 'help'],
    ['Help!', 'help'],
    ['hi', 'help'],
    ['good morning', 'help'],
    ['what can you do', 'help'],
    ['how does this work', 'help'],
    ['menu', 'help'],
    ['help with reminders', 'help', { topic: 'schedule' }],
    ['help me with expenses', 'help', { topic: 'expense' }],
    ['help reminders', 'help', { topic: 'schedule' }],
    // atlas shows the live agent of that name (apps/atlas/src/domain/topics.ts agentsForTopic).
    ['help box', 'help', { topic: 'box' }],
    ['help herald', 'help', { topic: 'herald' }],
    ['Help with Scribe', 'help', { topic: 'scribe' }],
    ['what can I ask you', 'help'],
  ],
  question: [
    ["what's the capital of France?", 'question', { question: "what's the capital of France?" }],
    ['who is the president of Brazil?', 'question'],
    ['who won the world cup in 2014', 'question'],
    ['what is the meaning of life', 'question'],
    ['explain quantum computing in simple terms', 'question'],
    ['translate hello into spanish', 'question'],
    ['can you tell me a joke?', 'question'],
  ],
  unknown: [
    ['asdfgh', 'unknown', {}],
    ['buy milk', 'unknown', {}],
    ["I'm bored", 'unknown', {}],
    ['I had a meeting', 'unknown', {}],
    ['blah blah', 'unknown', {}],
    ['thanks', 'unknown', { smalltalk: 'thanks' }],
    ['thank you so much', 'unknown', { smalltalk: 'thanks' }],
    ['ok', 'unknown', { smalltalk: 'ack' }],
    ['good night', 'unknown', { smalltalk: 'bye' }],
    ['👍', 'unknown', { smalltalk: 'emoji' }],
    ['help asdfgh', 'unknown', {}],
    ['   ', 'unknown', { empty: true }],
  ],
};

describe('classifyText', () => {
  for (const [group, rows] of Object.entries(ROWS)) {
    describe(group, () => {
      for (const [text, intent, entities] of rows) {
        it(`${text} → ${intent}`, () => {
          const r = classifyText(text);
          expect(r.intent).toBe(intent);
          if (entities) expect(r.entities).toMatchObject(entities);
          if (entities && Object.keys(entities).length === 0) expect(r.entities).toEqual({});
          expect(r.confidence).toBeGreaterThanOrEqual(0);
          expect(r.confidence).toBeLessThanOrEqual(1);
        });
      }
    });
  }

  it('covers at least 50 phrasings', () => {
    expect(Object.values(ROWS).flat().length).toBeGreaterThanOrEqual(50);
  });

  it('gives every entity a scalar value, as the contract requires', () => {
    for (const [text] of Object.values(ROWS).flat()) {
      for (const v of Object.values(classifyText(text).entities)) expect(['string', 'number', 'boolean']).toContain(typeof v);
    }
  });

  it('is deterministic', () => {
    for (const [text] of Object.values(ROWS).flat()) expect(classifyText(text)).toEqual(classifyText(text));
  });

  it('scores exact commands above keyword guesses', () => {
    expect(classifyText('help').confidence).toBeGreaterThan(classifyText('2 eggs and toast').confidence);
    expect(classifyText('note: buy milk').confidence).toBeGreaterThan(classifyText('what is love').confidence);
    expect(classifyText('asdfgh').confidence).toBe(0);
  });

  it('never throws on odd input', () => {
    for (const text of ['', '?', '???', '€', '0', 'remind me', 'note:', 'spent', 'x'.repeat(5000), '\u0000\u202e', 'remind me to remind me to remind me']) {
      expect(() => classifyText(text)).not.toThrow();
    }
  });
});

describe('stripCourtesy', () => {
  it.each([
    ['please log 2 eggs', 'log 2 eggs'],
    ['can you please remind me to stretch', 'remind me to stretch'],
    ['hey iris, list my reminders', 'list my reminders'],
    ['log 2 eggs please', 'log 2 eggs'],
    ['can you help', 'can you help'],
  ])('%s → %s', (input, out) => {
    expect(stripCourtesy(input)).toBe(out);
  });
});
