/**
 * The state of a model endpoint as an agent's registry record carries it (field `models`): written
 * by the runtime from the process's circuit breakers, read by `hive agents`, sentinel and the console.
 * The bus keeps a record's extra fields as foreign input, so readers narrow them here.
 */

/** One model endpoint an agent calls, as its circuit breaker sees it. `endpoint` is "<model>@<base URL>", never a key or password. */
export interface AgentModelStatus {
  endpoint: string;
  /** closed: calls go to the model; open: answered from the rules without asking; half-open: one probe call is out. */
  state: 'closed' | 'open' | 'half-open';
  /** When the state last changed (ms); absent while it never has. */
  since?: number;
  /** When the model stopped answering (ms), kept through probes that fail until it answers again. */
  unavailableSince?: number;
  /** Failed calls in a row. */
  failures: number;
  /** The last failure, short (e.g. "HTTP 500", "timed out after 5000 ms"). */
  lastError?: string;
}

const STATES = new Set(['closed', 'open', 'half-open']);
const optionalNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

/** The well-formed model statuses of a registry record (absent, or not a list: none); malformed items are left out. */
export function modelStatuses(record: { readonly [field: string]: unknown }): AgentModelStatus[] {
  if (!Array.isArray(record.models)) return [];
  return record.models.filter(
    (m): m is AgentModelStatus =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as AgentModelStatus).endpoint === 'string' &&
      STATES.has((m as AgentModelStatus).state) &&
      typeof (m as AgentModelStatus).failures === 'number' &&
      optionalNumber((m as AgentModelStatus).since) &&
      optionalNumber((m as AgentModelStatus).unavailableSince) &&
      ((m as AgentModelStatus).lastError === undefined || typeof (m as AgentModelStatus).lastError === 'string'),
  );
}
