// The runs past one Redis that npm test leaves out (each starts a Sentinel group and kills its master):
// `npm run conformance:failover` in this package. The conformance suite itself runs on a cluster or
// under Sentinel with HIVE_TEST_TOPOLOGY (see package.json's conformance:* scripts).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(shared, defineConfig({ test: { include: ['test/*.sentinel.ts'], maxWorkers: 1 } }));
