import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Builds, packs, npm installs and two tsc runs on a loaded two-core machine: generous, as hang guards only.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 900_000, hookTimeout: 1_500_000 } }));
