/**
 * `hive gen`'s own output that no other package checks: the README's agent table (stale = fail, like
 * topology.json, CONTRACTS.md and docker-compose.yml in their packages' tests), and what
 * `hive new agent` accepts and fills in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@hive/supervisor';
import { catalogue } from '@hive/contracts';
import { describe, expect, it } from 'vitest';
import { agentTable, appFacts, TABLE_END, TABLE_START, withAgentTable } from '../src/gen/agent-table.js';
import { agentSpec } from '../src/commands/new.js';
import { agentFiles } from '../src/scaffold/agent-files.js';
import { UsageError } from '../src/errors.js';

describe('the README agent table', () => {
  it('is what hive gen makes of topology.json and the apps\' package.json (run npx hive gen when this fails)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const topology = JSON.parse(readFileSync(join(REPO_ROOT, 'topology.json'), 'utf8'));
    expect(withAgentTable(readme, agentTable(topology, appFacts(REPO_ROOT)))).toBe(readme);
  });

  it('says "every stream" for an agent reading all, the app\'s note for one reading none, and each agent\'s intents', () => {
    const t = {
      streams: [{ stream: 'a' }, { stream: 'b' }],
      agents: [
        { name: 'zed', reads: [], writes: ['a'], intents: [] },
        { name: 'all', reads: ['a', 'b'], writes: [], intents: ['weather', 'tides'] },
      ],
    };
    expect(agentTable(t, { zed: { job: 'watches | things', readsNote: 'bus metadata' }, all: { job: 'keeps all' } }).split('\n').slice(2)).toEqual([
      '| [all](apps/all) | keeps all | every stream | — | weather, tides |',
      '| [zed](apps/zed) | watches \\| things | bus metadata | a | — |',
    ]);
    expect(() => withAgentTable('# no markers', 'x')).toThrow(/no agent table markers/);
    expect(withAgentTable(`a\n${TABLE_START}\nold\n${TABLE_END}\nb`, 'new')).toBe(`a\n${TABLE_START}\nnew\n${TABLE_END}\nb`);
  });
});

describe('hive new agent: the answers', () => {
  it('fills in the defaults: an intent agent reads intent.classified and answers on wa.outbound', () => {
    expect(agentSpec({ name: 'weather', intent: 'weather', examples: ['weather in Berlin'], offline: '^weather' }, [])).toEqual({
      name: 'weather',
      description: 'Serves "weather" requests.',
      reads: ['intent.classified'],
      writes: ['wa.outbound'],
      intent: { name: 'weather', description: 'Answers "weather" requests', examples: ['weather in Berlin'], offline: '^weather' },
    });
    expect(agentSpec({ name: 'echo', reads: ['wa.inbound'] }, [])).toEqual({ name: 'echo', description: 'Listens to wa.inbound.', reads: ['wa.inbound'], writes: [] });
  });

  it('refuses a bad name, an existing app, an unknown stream, a broken rule', () => {
    const bad = (a: Parameters<typeof agentSpec>[0], existing: string[] = []) => {
      try {
        agentSpec(a, existing);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ name: 'Echo' })).toMatch(/agent name "Echo"/);
    expect(bad({ name: 'admin' })).toMatch(/not one of/);
    expect(bad({ name: 'box' }, ['box'])).toBe('apps/box exists already');
    expect(bad({ name: 'echo', reads: ['nope'] })).toMatch(/stream "nope" is not in the catalogue/);
    expect(bad({ name: 'echo', intent: 'weather', offline: '(' })).toMatch(/^--offline: /);
    expect(bad({ name: 'echo', intent: 'unknown' })).toMatch(/--intent "unknown"/);
  });

  it('writes one handler per message type read, package.json last', () => {
    const files = agentFiles(agentSpec({ name: 'meal-plan', reads: ['wa.inbound', 'nutrition.logged'] }, []), catalogue, { zod: '1', '@types/node': '1', tsx: '1', typescript: '1', vitest: '1' });
    const paths = [...files.keys()];
    expect(paths.at(-1)).toBe('package.json');
    for (const s of ['wa.inbound', 'nutrition.logged']) for (const type of Object.keys(catalogue.stream(s)!.messages)) expect(paths).toContain(`src/handlers/${type.replace(/\./g, '-')}.ts`);
    expect(files.get('src/agent.ts')).toContain('export const mealPlan = defineAgent({');
    expect(JSON.parse(files.get('package.json')!).hive).toEqual({ agent: true, job: 'Listens to wa.inbound, nutrition.logged' });
  });
});
