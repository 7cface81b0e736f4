import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@hive/source'] },
  ssr: { resolve: { conditions: ['@hive/source'] } },
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
