// The runs past one Redis that npm test leaves out (a Sentinel master killed mid-stream; cluster throughput):
// `npm run topologies` in this package. The conformance suite itself runs on a cluster or
// under Sentinel with HIVE_TEST_TOPOLOGY (see package.json's conformance:* scripts).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, defineConfig({ test: { include: ['test/*.sentinel.ts', 'test/*.cluster.ts'], maxWorkers: 1 } }));
