// ESLint (flat config): typescript-eslint's recommended rules, and the layers as import rules —
// nothing points up (apps → @hive/agent → @hive/bus and @hive/contracts, which know nothing of each
// other at run time). Cycles and unused exports are knip's and scripts/check-imports.mjs's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const appsBus = { name: '@hive/bus', message: 'apps import @hive/agent, which re-exports what an agent needs of the bus' };
const upward = (...groups) => ({ 'no-restricted-imports': ['error', { patterns: groups }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', '**/coverage/**', 'apps/console/src/client/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', setImmediate: 'readonly', document: 'readonly', window: 'readonly', EventSource: 'readonly', localStorage: 'readonly', location: 'readonly', history: 'readonly', HTMLElement: 'readonly', Event: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Tests read whatever JSON a command or a server printed.
  { files: ['**/test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['packages/bus/src/**'], rules: upward({ group: ['@hive/agent', '@hive/agent/*', '@hive/cli', '@hive/supervisor', '@hive/console'], message: 'the bus is the bottom layer' }, { group: ['@hive/contracts'], allowTypeImports: true, message: 'the bus knows contracts only as types' }) },
  { files: ['packages/contracts/src/**'], rules: upward({ group: ['@hive/bus', '@hive/bus/*'], allowTypeImports: true, message: 'contracts know the bus only as types' }, { group: ['@hive/agent', '@hive/agent/*'], message: 'contracts are below the runtime' }) },
  // Apps import the runtime only: @hive/agent re-exports the curated part of the bus they need. The admin
  // plane (@hive/bus/admin: dead letters, trims, groups, pending) is for the operator's tools, not for
  // agents: apps/console is the operator's HTTP server, not an agent, so it may read it, and so may
  // sentinel, the watchdog that trims streams and inspects groups (admin.ts names both). The rest of
  // the bus comes through @hive/agent, in the console too.
  { files: ['apps/*/src/**'], rules: { 'no-restricted-imports': ['error', { paths: [appsBus], patterns: [{ group: ['@hive/bus/*'], message: appsBus.message }] }] } },
  { files: ['apps/console/src/**', 'apps/sentinel/src/**'], rules: { 'no-restricted-imports': ['error', { paths: [appsBus] }] } },
  { files: ['packages/agent/src/**'], rules: upward({ group: ['@hive/cli', '@hive/supervisor', '@hive/console', '@hive/e2e'], message: 'the runtime is below its users' }) },
);
