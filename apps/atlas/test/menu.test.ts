import { describe, expect, it } from 'vitest';
import { emptyQuestionAnswer, offlineAnswer, questionOf, systemPrompt, MAX_QUESTION_CHARS } from '../src/domain/answers.js';
import { agentHelp, helpMenu, menuAgents, type AgentEntry } from '../src/domain/menu.js';
import { agentsForTopic, topicHelp, topicHint, topicScore } from '../src/domain/topics.js';

const box: AgentEntry = {
  name: 'box',
  instance: '0',
  description: 'Logs what you eat as calories and macros.',
  skills: [
    { name: 'log a meal', description: 'Logs food in plain words', examples: ['2 eggs and toast', 'half an avocado'] },
    { name: 'daily totals', description: "Today's calories", examples: ['how much protein today'] },
  ],
  lastSeen: 100,
};
const hermes: AgentEntry = {
  name: 'hermes',
  description: 'Reminders and recurring events in plain words.',
  skills: [{ name: 'remind', description: 'Sets a reminder', examples: ['tomorrow at 9 call mom'] }],
  lastSeen: 100,
};
const kami: AgentEntry = { name: 'kami', description: 'WhatsApp gateway: receives and sends messages.', skills: [], lastSeen: 100 };

describe('menuAgents', () => {
  it('keeps one entry per agent, the most recently seen instance, sorted by name', () => {
    const older = { ...box, instance: '1', description: 'old words', lastSeen: 50 };
    const agents = menuAgents([hermes, older, box, kami]);
    expect(agents.map((a) => a.name)).toEqual(['box', 'hermes', 'kami']);
    expect(agents[0]!.description).toBe(box.description);
  });

  it('leaves out agents shutting down and records without a name', () => {
    const agents = menuAgents([{ ...box, status: 'stopping' }, hermes, { name: '' } as AgentEntry, null as unknown as AgentEntry]);
    expect(agents.map((a) => a.name)).toEqual(['hermes']);
  });

  it('treats a record as foreign input: bad skills dropped, long text cut, whitespace folded', () => {
    const odd = {
      name: 'odd',
      description: `  a\n\ndescription ${'x'.repeat(500)}`,
      skills: [42, { description: 'no name' }, { name: 'ok', description: 7, examples: ['fine', 3, ''] }],
    } as unknown as AgentEntry;
    const [a] = menuAgents([odd]);
    expect(a!.description.startsWith('a description x')).toBe(true);
    expect(a!.description.length).toBe(300);
    expect(a!.skills).toEqual([{ name: 'ok', description: '', examples: ['fine'] }]);
  });

  it('caps the skills and examples one agent can put in the menu', () => {
    const many = { name: 'many', skills: Array.from({ length: 40 }, (_, i) => ({ name: `s${i}`, description: 'd', examples: Array.from({ length: 20 }, (_, j) => `e${j}`) })) };
    const [a] = menuAgents([many]);
    expect(a!.skills).toHaveLength(12);
    expect(a!.skills[0]!.examples).toHaveLength(8);
  });
});

describe('helpMenu', () => {
  it('lists each serving agent with its description and one example per skill, then the ones behind the scenes', () => {
    const text = helpMenu(menuAgents([box, hermes, kami]), 'reminders');
    expect(text).toBe(
      [
        "Here's what I can do (2 agents running):",
        '',
        '*box* — Logs what you eat as calories and macros.',
        '• log a meal: "2 eggs and toast"',
        '• daily totals: "how much protein today"',
        '',
        '*hermes* — Reminders and recurring events in plain words.',
        '• remind: "tomorrow at 9 call mom"',
        '',
        'Behind the scenes: kami (WhatsApp gateway: receives and sends messages).',
        '',
        "Say *help reminders* (or another topic) for all of an agent's examples.",
      ].join('\n'),
    );
  });

  it('uses the skill description when a skill has no example', () => {
    expect(helpMenu(menuAgents([{ name: 'x', description: 'X.', skills: [{ name: 'do', description: 'does it' }] }]))).toContain('• do: does it');
  });

  it('says so when nothing runs, or nothing takes requests', () => {
    expect(helpMenu([])).toMatch(/No agents are running/);
    expect(helpMenu(menuAgents([kami]))).toMatch(/^None of the running agents takes requests yet\.\n\nBehind the scenes: kami/);
  });
});

describe('topics', () => {
  const agents = menuAgents([box, hermes, kami]);

  it('finds agents by the words of their own description and skills', () => {
    expect(topicScore(agents[0]!, 'nutrition')).toBeGreaterThan(0);
    expect(agentsForTopic(agents, 'schedule').map((a) => a.name)).toEqual(['hermes']);
    expect(agentsForTopic(agents, 'nutrition').map((a) => a.name)).toEqual(['box']);
    expect(agentsForTopic(agents, 'expense')).toEqual([]);
  });

  it('takes an agent name as a topic too', () => {
    expect(agentsForTopic(agents, 'Kami').map((a) => a.name)).toEqual(['kami']);
    expect(topicHelp(agents, 'kami')).toMatch(/behind the scenes/);
  });

  it('shows every example of the agents serving a topic', () => {
    expect(topicHelp(agents, 'nutrition')).toBe(agentHelp(agents[0]!));
    expect(topicHelp(agents, 'nutrition')).toContain('• "half an avocado"');
  });

  it('says plainly when no running agent serves a topic', () => {
    expect(topicHelp(agents, 'expense')).toBe('No running agent handles expenses right now — it may be stopped or restarting. Say *help* to see what is available.');
    expect(topicHelp(agents, 'astrology')).toMatch(/handles astrology/);
  });

  it('hints at a topic a live agent serves', () => {
    expect(topicHint(agents)).toBe('reminders');
    expect(topicHint(menuAgents([box]))).toBe('food');
    expect(topicHint(menuAgents([kami]))).toBeUndefined();
  });
});

describe('answers', () => {
  it('takes iris\'s question entity, else the text, trimmed and capped', () => {
    expect(questionOf('  why is the sky blue?  ', {})).toBe('why is the sky blue?');
    expect(questionOf('hey, why is the sky blue?', { question: 'why is the sky blue?' })).toBe('why is the sky blue?');
    expect(questionOf('x'.repeat(5_000), {}).length).toBe(MAX_QUESTION_CHARS + 1);
  });

  it('offline, says it cannot answer and points to help', () => {
    expect(offlineAnswer()).toMatch(/offline/);
    expect(offlineAnswer()).toMatch(/\*help\*/);
    expect(emptyQuestionAnswer()).toMatch(/\*help\*/);
  });

  it('tells the model what the live agents do', () => {
    const p = systemPrompt(menuAgents([box, hermes, kami]), '2025-03-14');
    expect(p).toContain('Today is 2025-03-14.');
    expect(p).toContain('- hermes: Reminders and recurring events in plain words. (e.g. "tomorrow at 9 call mom")');
    expect(p).not.toContain('kami');
  });
});
