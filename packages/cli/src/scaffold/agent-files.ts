/**
 * The files of a new agent app, in the shape every agent has (src/agent.ts, index.ts, config.ts,
 * handlers/ one per message type read, domain/ pure logic, a test against a real Redis, README,
 * package.json). Pure: the spec in, (path, content) pairs out; `hive new agent` writes them.
 */
import type { Catalogue } from '@hive/contracts';

export interface IntentSpec {
  readonly name: string;
  readonly description: string;
  readonly examples: readonly string[];
  /** Regular expression source for iris's offline routing. */
  readonly offline?: string;
}

export interface AgentSpec {
  readonly name: string;
  readonly description: string;
  /** Streams it consumes: every message type on each. */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly intent?: IntentSpec;
}

/** Versions the new package.json pins: the same as every other agent's (from a sibling app). */
export interface PinnedVersions {
  readonly zod: string;
  readonly '@types/node': string;
  readonly tsx: string;
  readonly typescript: string;
  readonly vitest: string;
}

const camel = (s: string) => s.replace(/[-_.]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (s: string) => camel(s).replace(/^./, (c) => c.toUpperCase());
const kebab = (s: string) => s.replace(/[._]+/g, '-');
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Handler {
  readonly stream: string;
  readonly type: string;
  readonly fn: string;
  readonly file: string;
}

function handlersOf(spec: AgentSpec, catalogue: Catalogue): Handler[] {
  const out: Handler[] = [];
  for (const stream of spec.reads) {
    const def = catalogue.stream(stream);
    if (!def) throw new Error(`stream "${stream}" is not in the catalogue`);
    for (const type of Object.keys(def.messages)) out.push({ stream, type, fn: `on${pascal(type)}`, file: kebab(type) });
  }
  return out;
}

/** Every file of the app, path relative to `apps/<name>/`; package.json last (discovery waits for it). */
export function agentFiles(spec: AgentSpec, catalogue: Catalogue, pins: PinnedVersions): Map<string, string> {
  const n = spec.name;
  const id = camel(n);
  const Config = `${pascal(n)}Config`;
  const Writes = `${pascal(n)}Writes`;
  const handlers = handlersOf(spec, catalogue);
  const writesType = spec.writes.length === 0 ? 'never' : spec.writes.map(q).join(' | ');
  const files = new Map<string, string>();

  // ----- src/agent.ts
  const byStream = new Map<string, Handler[]>();
  for (const h of handlers) (byStream.get(h.stream) ?? byStream.set(h.stream, []).get(h.stream)!).push(h);
  const reads = [...byStream].map(([s, hs]) => `    ${q(s)}: { ${hs.map((h) => `${q(h.type)}: ${h.fn}`).join(', ')} },`).join('\n');
  const intentLines = spec.intent
    ? [
        '  // What iris routes here: the registry carries it, so iris routes it (offline rule, model prompt) and atlas lists it.',
        '  intents: [',
        '    {',
        `      name: ${q(spec.intent.name)},`,
        `      description: ${q(spec.intent.description)},`,
        `      examples: [${spec.intent.examples.map(q).join(', ')}],`,
        ...(spec.intent.offline ? [`      offline: { pattern: ${q(spec.intent.offline)} },`] : []),
        '    },',
        '  ],',
      ]
    : [];
  files.set(
    'src/agent.ts',
    [
      `/**`,
      ` * ${n}: ${spec.description}`,
      ` * Reads ${spec.reads.join(', ') || 'nothing'}; writes ${spec.writes.join(', ') || 'nothing'}.`,
      ` */`,
      `import { defineAgent } from '@hive/agent';`,
      `import { ${id}Config } from './config.js';`,
      ...handlers.map((h) => `import { ${h.fn} } from './handlers/${h.file}.js';`),
      '',
      `/** The streams ${n} publishes to. */`,
      `export type ${Writes} = ${writesType};`,
      '',
      `export const ${id} = defineAgent({`,
      `  name: ${q(n)},`,
      `  version: '0.1.0',`,
      `  description: ${q(spec.description)},`,
      `  skills: [${spec.intent ? `{ name: ${q(spec.intent.name)}, description: ${q(spec.intent.description)}, examples: [${spec.intent.examples.map(q).join(', ')}] }` : ''}],`,
      ...intentLines,
      `  config: ${id}Config,`,
      `  reads: {`,
      reads,
      `  },`,
      `  writes: [${spec.writes.map(q).join(', ')}],`,
      `});`,
      '',
    ].join('\n'),
  );

  // ----- src/index.ts, src/config.ts
  files.set('src/index.ts', [`/** Start ${n} from the environment (REDIS_URL, HIVE_*, and its own variables in config.ts). */`, `import { runAgent } from '@hive/agent';`, `import { ${id} } from './agent.js';`, '', `await runAgent(${id});`, ''].join('\n'));
  files.set(
    'src/config.ts',
    [
      `/** ${n}'s own environment variables, as a zod object keyed by variable name (none yet). */`,
      `import { z } from 'zod';`,
      '',
      `export const ${id}Config = z.object({});`,
      '',
      `export type ${Config} = z.output<typeof ${id}Config>;`,
      '',
    ].join('\n'),
  );

  // ----- src/domain
  if (spec.intent) {
    files.set(
      'src/domain/answer.ts',
      [
        `/** What ${n} answers to "${spec.intent.name}": pure, no I/O, so the test can call it directly. */`,
        '',
        `/** The reply to one message; \`entities\` are what iris found in it (named groups of the offline rule, or the model's). */`,
        `export function answer(text: string, entities: Readonly<Record<string, string | number | boolean>>): string {`,
        `  const found = Object.entries(entities).map(([k, v]) => \`\${k}: \${String(v)}\`).join(', ');`,
        `  return \`${n} got “\${text}”\${found ? \` (\${found})\` : ''}. Teach me more in apps/${n}/src/domain/answer.ts.\`;`,
        `}`,
        '',
      ].join('\n'),
    );
  }
  files.set(
    'src/domain/summary.ts',
    [
      `/** A short line about a message, for the log: pure, no I/O. */`,
      '',
      `/** The payload in at most \`max\` characters. */`,
      `export function summarize(data: unknown, max = 120): string {`,
      `  const s = JSON.stringify(data) ?? '';`,
      `  return s.length > max ? \`\${s.slice(0, max - 1)}…\` : s;`,
      `}`,
      '',
    ].join('\n'),
  );

  // ----- src/handlers
  for (const h of handlers) {
    const serves = spec.intent && h.stream === 'intent.classified' && h.type === 'intent.classified';
    const lines = [
      serves
        ? `/** ${h.stream} / ${h.type}: the messages iris classified as "${spec.intent!.name}" are ${n}'s; every other intent is another agent's. */`
        : `/** ${h.stream} / ${h.type}: each one, as ${n}'s consumer group receives it. */`,
      `import type { AgentContext, AgentMessage${serves ? ', Outgoing' : ''} } from '@hive/agent';`,
      `import type { ${Writes} } from '../agent.js';`,
      `import type { ${Config} } from '../config.js';`,
      ...(serves ? [`import { answer } from '../domain/answer.js';`] : []),
      `import { summarize } from '../domain/summary.js';`,
      '',
    ];
    if (serves) {
      lines.push(
        `/** Answer a "${spec.intent!.name}" message on wa.outbound; return means handled (acked), throw means retry. */`,
        `export async function ${h.fn}(message: AgentMessage<'intent.classified', 'intent.classified'>, ctx: AgentContext<${Config}, ${Writes}>): Promise<Outgoing<'wa.outbound'> | undefined> {`,
        `  const d = message.data;`,
        `  if (d.intent !== ${q(spec.intent!.name)}) return undefined;`,
        `  ctx.log.info({ summary: summarize(d.entities) }, 'received');`,
        `  return { stream: 'wa.outbound', type: 'wa.send', data: { chatId: d.chatId, text: answer(d.text, d.entities), replyTo: d.sourceMessageId } };`,
        `}`,
        '',
      );
    } else {
      lines.push(
        `/** Handle one ${h.type}; return means handled (acked), throw means retry. Return messages to publish them (to ${spec.writes.join(', ') || 'streams in writes'}). */`,
        `export async function ${h.fn}(message: AgentMessage<${q(h.stream)}, ${q(h.type)}>, ctx: AgentContext<${Config}, ${Writes}>): Promise<void> {`,
        `  ctx.log.info({ type: message.type, summary: summarize(message.data) }, 'received');`,
        `}`,
        '',
      );
    }
    files.set(`src/handlers/${h.file}.ts`, lines.join('\n'));
  }

  // ----- test
  const first = handlers[0];
  const testLines = [
    `/** ${n}'s handlers on a real Redis (a redis-server started for this file) through the runtime's harness. */`,
    `import { ${spec.intent ? 'classifiedIntent, replyText, ' : ''}createTestAgent, type TestAgent } from '@hive/agent/testing';`,
    `import { startRedis, type RedisServer } from '@hive/test-redis';`,
    `import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';`,
    `import { ${id} } from '../src/agent.js';`,
    ...(spec.intent ? [`import { answer } from '../src/domain/answer.js';`] : []),
    '',
    `let redis: RedisServer;`,
    `let t: TestAgent | undefined;`,
    '',
    `beforeAll(async () => {`,
    `  redis = await startRedis();`,
    `});`,
    `afterAll(async () => {`,
    `  await redis?.stop();`,
    `});`,
    `afterEach(async () => {`,
    `  await t?.stop();`,
    `  t = undefined;`,
    `});`,
    '',
    `describe(${q(n)}, () => {`,
  ];
  if (spec.intent) {
    const ex = spec.intent.examples[0] ?? spec.intent.name;
    testLines.push(
      `  it('answers a ${spec.intent.name} message in its chat', async () => {`,
      `    t = await createTestAgent(${id}, { redis });`,
      `    const input = classifiedIntent(${q(ex)}, {}, { intent: ${q(spec.intent.name)}, chatId: '491701234567@c.us', sentAt: '2025-03-14T07:45:12.000Z' });`,
      `    expect(await replyText(t, input)).toBe(answer(${q(ex)}, {}));`,
      `  });`,
      '',
      `  it('leaves every other intent to the agents that serve it', async () => {`,
      `    t = await createTestAgent(${id}, { redis });`,
      `    await t.publish('intent.classified', 'intent.classified', classifiedIntent('I had 2 eggs', {}, { intent: 'nutrition', chatId: '491701234567@c.us', sentAt: '2025-03-14T07:45:12.000Z' }));`,
      `    const mine = classifiedIntent(${q(ex)}, {}, { intent: ${q(spec.intent.name)}, chatId: '491701234567@c.us', sentAt: '2025-03-14T07:45:12.000Z' });`,
      `    await replyText(t, mine);`,
      `    expect(await t.messages('wa.outbound')).toHaveLength(1);`,
      `  });`,
    );
  } else if (first) {
    const example = catalogue.stream(first.stream)!.messages[first.type]!.example;
    testLines.push(
      `  it('receives a ${first.type} from ${first.stream}', async () => {`,
      `    t = await createTestAgent(${id}, { redis });`,
      `    const { id: messageId } = await t.publish(${q(first.stream)}, ${q(first.type)}, ${JSON.stringify(example)});`,
      `    const deadline = Date.now() + 10_000;`,
      `    while (!t.logs.some((l) => l.msg === 'received') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));`,
      `    expect(t.logs.find((l) => l.msg === 'received')?.obj).toMatchObject({ type: ${q(first.type)} });`,
      `    expect(messageId).toBeTruthy();`,
      `  });`,
    );
  }
  testLines.push(`});`, '');
  if (first) files.set(`test/${n}.test.ts`, testLines.join('\n'));

  // ----- config files
  files.set('tsconfig.json', `{ "extends": "../../tsconfig.base.json", "compilerOptions": { "noEmit": true }, "include": ["src", "test"] }\n`);
  files.set('tsconfig.build.json', `{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": { "rootDir": "src", "outDir": "dist", "noEmit": false },\n  "include": ["src"]\n}\n`);
  files.set('vitest.config.ts', `import shared from '../../vitest.shared.js';\n\nexport default shared;\n`);

  // ----- README
  files.set(
    'README.md',
    [
      `# ${n}`,
      '',
      spec.description,
      '',
      `| reads | writes |${spec.intent ? ' intent it serves |' : ''}`,
      `|---|---|${spec.intent ? '---|' : ''}`,
      `| ${spec.reads.join(', ') || '—'} | ${spec.writes.join(', ') || '—'} |${spec.intent ? ` ${spec.intent.name} |` : ''}`,
      '',
      ...(spec.intent
        ? [
            `It serves the intent **${spec.intent.name}** (${spec.intent.description}), declared in \`src/agent.ts\`: iris routes it`,
            `${spec.intent.offline ? `offline by the rule \`${spec.intent.offline}\`, and ` : ''}with a model by its description and examples, as long as ${n} runs.`,
            '',
            'Say it:',
            '',
            ...spec.intent.examples.map((e) => `    npx hive say ${JSON.stringify(e)}`),
            '',
          ]
        : []),
      '## Develop',
      '',
      '```sh',
      `npx hive dev ${n}                 # this agent from source against the running network, reloaded on save`,
      `pnpm --filter ${n} test          # its test, on a redis-server of its own`,
      `pnpm --filter ${n} typecheck`,
      '```',
      '',
      `Created by \`npx hive new agent ${n}\`: handlers in \`src/handlers/\` (one per message type read), pure logic in`,
      '`src/domain/`, its own environment variables in `src/config.ts`.',
      '',
    ].join('\n'),
  );

  // ----- package.json, last
  files.set(
    'package.json',
    `${JSON.stringify(
      {
        name: n,
        version: '0.1.0',
        private: true,
        type: 'module',
        description: spec.description,
        hive: { agent: true, job: spec.description.replace(/\.$/, '') },
        exports: {
          './agent': { '@hive/source': './src/agent.ts', types: './dist/agent.d.ts', default: './dist/agent.js' },
          '.': { '@hive/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        },
        scripts: {
          build: 'tsc -p tsconfig.build.json',
          start: 'node dist/index.js',
          dev: 'node --conditions=@hive/source --import tsx src/index.ts',
          typecheck: 'tsc -p tsconfig.json --noEmit',
          test: 'vitest run',
        },
        dependencies: { '@hive/agent': 'workspace:*', '@hive/bus': 'workspace:*', '@hive/contracts': 'workspace:*', zod: pins.zod },
        devDependencies: { '@hive/test-redis': 'workspace:*', '@types/node': pins['@types/node'], tsx: pins.tsx, typescript: pins.typescript, vitest: pins.vitest },
      },
      null,
      2,
    )}\n`,
  );
  return files;
}
