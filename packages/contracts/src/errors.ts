/** Errors raised by the contracts package; each carries a stable code from the bus's error type. */
import { HiveError } from '@hive/bus';

/** A contract definition that cannot work: duplicate names, a gap in versions, an example that fails its schema. */
export class ContractDefinitionError extends HiveError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONTRACT_INVALID', message, details ? { details } : {});
  }
}

/** The catalogue changed incompatibly against the committed snapshot without a new version. */
export class IncompatibleContractError extends HiveError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONTRACT_INCOMPATIBLE', `incompatible contract changes without a version bump:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
    this.problems = problems;
  }
}

/** The topology has a stream nobody reads or writes, or an agent that uses an unknown stream or type. */
export class TopologyError extends HiveError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('TOPOLOGY_INVALID', `topology check failed:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
    this.problems = problems;
  }
}
