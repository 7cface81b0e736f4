/**
 * `npm run bench` (full, a few minutes), `npm run bench -- --quick` (under a minute),
 * `--json` (machine-readable results on stdout), `--only case[,case]`, `--systems id[,id]`.
 * The full run ends with the network's case (every agent started by the e2e harness, in one process
 * and then one per agent: message → reply through kami's simulator); `--quick` leaves it out;
 * `--network` runs only it (with `--quick`, fewer messages), `--modes host|processes` picks the modes.
 * Progress goes to stderr, the report to stdout.
 */
import { CASES, DEFAULT_CASES, runBench, type CaseId } from './bench.js';
import type { NetworkMode } from '@hive/e2e/network';
import { checkTargets, driverComparison, renderMarkdown } from './report.js';
import { FULL, QUICK } from './sizes.js';
import { SYSTEM_IDS, type SystemId } from './systems/types.js';

const USAGE = `usage: npm run bench -- [--quick] [--json] [--network] [--modes host|processes[,…]] [--only ${CASES.join('|')}[,…]] [--systems ${SYSTEM_IDS.join('|')}[,…]]`;

function parse(argv: readonly string[]) {
  let quick = false;
  let json = false;
  let only: CaseId[] | undefined;
  let systems: SystemId[] | undefined;
  let network = false;
  let modes: NetworkMode[] | undefined;
  const list = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] => {
    const items = (value ?? '').split(',').filter(Boolean);
    const bad = items.filter((i) => !allowed.includes(i as T));
    if (items.length === 0 || bad.length > 0) throw new Error(`${flag} takes ${allowed.join(', ')}; got "${value ?? ''}"`);
    return items as T[];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--json':
        json = true;
        break;
      case '--network':
        network = true;
        break;
      case '--modes':
        modes = list('--modes', inline ?? argv[++i], ['host', 'processes'] as const);
        break;
      case '--only':
        only = list('--only', inline ?? argv[++i], CASES);
        break;
      case '--systems':
        systems = list('--systems', inline ?? argv[++i], SYSTEM_IDS);
        break;
      case '--':
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option "${a}"\n${USAGE}`);
    }
  }
  if (network) {
    only = ['network'];
    systems = [];
  }
  return { quick, json, only, systems, modes };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const t0 = performance.now();
  const base = args.quick ? QUICK : FULL;
  const results = await runBench({
    sizes: args.modes ? { ...base, network: { ...base.network, modes: args.modes } } : base,
    mode: args.quick ? 'quick' : 'full',
    only: args.only ?? (args.quick ? DEFAULT_CASES : CASES),
    ...(args.systems ? { systems: args.systems } : {}),
    progress: (line) => process.stderr.write(`[bench] ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${line}\n`),
  });
  if (args.json) process.stdout.write(`${JSON.stringify({ ...results, targets: checkTargets(results), drivers: driverComparison(results) }, null, 2)}\n`);
  else process.stdout.write(renderMarkdown(results));
  process.exit(results.errors.length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
