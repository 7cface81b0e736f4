/**
 * Errors raised by the contracts package. Each carries a stable code and details, the same shape as
 * the bus's errors, without this package depending on the bus at run time.
 */

/** The codes of the contracts package's errors. */
export type ContractErrorCode = 'CONTRACT_INVALID' | 'CONTRACT_INCOMPATIBLE' | 'TOPOLOGY_INVALID';

/** Base of the contracts package's errors: a code, a message that says what and where, optional details. */
export class ContractError extends Error {
  readonly code: ContractErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ContractErrorCode, message: string, options: { details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** A contract definition that cannot work: duplicate names, a gap in versions, an example that fails its schema. */
export class ContractDefinitionError extends ContractError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONTRACT_INVALID', message, details ? { details } : {});
  }
}

/** The catalogue changed incompatibly against the committed snapshot without a new version. */
export class IncompatibleContractError extends ContractError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONTRACT_INCOMPATIBLE', `incompatible contract changes without a version bump:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
    this.problems = problems;
  }
}

/** The topology has a stream nobody reads or writes, or an agent that uses an unknown stream or type. */
export class TopologyError extends ContractError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('TOPOLOGY_INVALID', `topology check failed:\n  - ${problems.join('\n  - ')}`, { details: { problems } });
    this.problems = problems;
  }
}
