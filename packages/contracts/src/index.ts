export {
  createCatalogue,
  formatIssues,
  invalidExamples,
  messageContract,
  type Catalogue,
  type CatalogueEntry,
  type ContractDecodeResult,
  type MessageContract,
} from './catalogue.js';
export { checkCompatibility, compatSnapshot, type CompatSnapshot } from './compat.js';
export {
  DAY_MS,
  defineMessage,
  defineStream,
  formatRetention,
  HOUR_MS,
  MAX_SHARDS,
  physicalStreams,
  previousVersion,
  scaleRetention,
  type Partitions,
  type Retention,
  type ExternalParties,
  type MessageDefinition,
  type PreviousVersion,
  type StreamDefinition,
} from './define.js';
export { ContractDefinitionError, ContractError, IncompatibleContractError, TopologyError, type ContractErrorCode } from './errors.js';
export { contractsMarkdown, generatedFiles, streamSchema } from './generate.js';
export { catalogue } from './hive.js';
export { toJsonSchema, type JsonSchema } from './json-schema.js';
export * as common from './common.js';
export * from './streams/index.js';
export {
  assertTopology,
  checkTopology,
  deriveTopology,
  topologyJson,
  type AgentTopology,
  type StreamTopology,
  type Topology,
  type TopologyAgent,
  type TopologyEdge,
} from './topology.js';
