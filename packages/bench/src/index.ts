/** The bench as a library, for the smoke test and for anyone scripting comparisons. */
export { CASES, runBench, type BenchOptions, type BenchResults, type CaseId, type LatencyResult, type RequestReplyResult, type ThroughputResult } from './bench.js';
export { checkTargets, driverComparison, renderMarkdown, type TargetCheck } from './report.js';
export { FULL, QUICK, SMOKE, type BenchSizes } from './sizes.js';
export { SYSTEM_IDS, type SystemId } from './systems/types.js';
