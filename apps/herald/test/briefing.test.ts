import { describe, expect, it } from 'vitest';
import { composeBriefing, listNames, longDay, missingLines, type SourceOutcome } from '../src/domain/briefing.js';
import { dayIn } from '../src/domain/day.js';
import { heraldConfig } from '../src/config.js';

const box: SourceOutcome = { agent: 'box', status: 'answered', text: 'Nutrition: 1,840 / 2,000 kcal from 3 meals · protein 92 g.' };
const ledger: SourceOutcome = { agent: 'ledger', status: 'answered', text: 'Spending today: 23.40 EUR.' };

describe('longDay and listNames', () => {
  it('names the day as people do', () => {
    expect(longDay('2025-03-14')).toBe('Friday 14 March');
    expect(longDay('2024-02-29')).toBe('Thursday 29 February');
    expect(longDay('not a day')).toBe('not a day');
  });

  it('lists names in plain English', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['box'])).toBe('box');
    expect(listNames(['box', 'pulse'])).toBe('box and pulse');
    expect(listNames(['box', 'ledger', 'pulse'])).toBe('box, ledger and pulse');
  });
});

describe('composeBriefing', () => {
  it('puts every answer in the configured order', () => {
    expect(composeBriefing('2025-03-14', [box, ledger])).toBe(
      '☀️ Your briefing for Friday 14 March\n\nNutrition: 1,840 / 2,000 kcal from 3 meals · protein 92 g.\nSpending today: 23.40 EUR.',
    );
  });

  it('names whoever did not answer, one line per kind of silence', () => {
    const text = composeBriefing('2025-03-14', [
      box,
      { agent: 'ledger', status: 'timeout' },
      { agent: 'hermes', status: 'not-running' },
      { agent: 'pulse', status: 'timeout' },
      { agent: 'scribe', status: 'failed', reason: 'its answer was unreadable' },
    ]);
    expect(text).toBe(
      [
        '☀️ Your briefing for Friday 14 March',
        '',
        'Nutrition: 1,840 / 2,000 kcal from 3 meals · protein 92 g.',
        '',
        "⏳ ledger and pulse didn't answer in time.",
        "💤 hermes isn't running right now.",
        "⚠️ scribe couldn't answer: its answer was unreadable.",
      ].join('\n'),
    );
  });

  it('says when the sources answered but had nothing to say, or nobody answered', () => {
    expect(composeBriefing('2025-03-14', [{ agent: 'box', status: 'answered', text: ' ' }])).toMatch(/Nothing to report yet today\.$/);
    expect(composeBriefing('2025-03-14', [{ agent: 'box', status: 'not-running' }, { agent: 'pulse', status: 'not-running' }])).toBe(
      "☀️ Your briefing for Friday 14 March\n\nI couldn't gather anything for it:\n\n💤 box and pulse aren't running right now.",
    );
    expect(composeBriefing('2025-03-14', [])).toMatch(/No sources are configured/);
  });

  it('misses nobody when all answered', () => {
    expect(missingLines([box, ledger])).toEqual([]);
  });
});

describe('dayIn and config', () => {
  it('takes the day in the owner\'s zone', () => {
    const at = new Date('2025-03-14T23:30:00.000Z');
    expect(dayIn(at, 'UTC')).toBe('2025-03-14');
    expect(dayIn(at, 'Europe/Berlin')).toBe('2025-03-15');
    expect(dayIn(at, 'America/New_York')).toBe('2025-03-14');
  });

  it('reads the sources as a list, with defaults, and refuses bad values', () => {
    expect(heraldConfig.parse({})).toEqual({ HIVE_TZ: 'UTC', HERALD_SOURCES: ['box', 'ledger', 'hermes', 'pulse'], HERALD_TIMEOUT_MS: 5000 });
    expect(heraldConfig.parse({ HERALD_SOURCES: ' box, pulse ,box,', HERALD_TIMEOUT_MS: '800' })).toMatchObject({ HERALD_SOURCES: ['box', 'pulse'], HERALD_TIMEOUT_MS: 800 });
    expect(heraldConfig.safeParse({ HERALD_SOURCES: 'box;pulse' }).success).toBe(false);
    expect(heraldConfig.safeParse({ HIVE_TZ: 'Mars/Olympus' }).success).toBe(false);
    expect(heraldConfig.safeParse({ HERALD_TIMEOUT_MS: '5' }).success).toBe(false);
  });
});
