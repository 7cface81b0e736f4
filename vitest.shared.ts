// Shared vitest settings: resolve workspace packages to their TypeScript source (the "@hive/source"
// export condition) so tests never need a build, keeping Vite's default server conditions.
import { defineConfig } from 'vitest/config';

const conditions = ['@hive/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real processes (redis-server, agents); two cores: keep files from piling up.
    maxWorkers: 2,
  },
});
