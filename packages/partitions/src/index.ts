/**
 * @flyt/partitions: the time and partition math the SDK, the daemon, storage and the webserver
 * share, with no user code and no I/O — partitions definitions (static keys, time windows in an
 * IANA zone, dynamic keys), partition keys and their limits, keys by position (key spaces, so a
 * million partitions are never listed), sets of positions (index ranges), partition mappings
 * between assets, rebuilding a definition from its snapshot, and cron fire times.
 * Applications get all of it through `@flyt/sdk` (docs/sdk.md, docs/partitions.md); the
 * platform imports it here, so that reading partitions or a schedule's next ticks does not load
 * the SDK. luxon and croner load on first use.
 */
export type {
  PartitionsDefinition,
  TimeWindow,
  TimeWindowCadence,
  PartitionKeySpace,
  IndexRanges,
  DynamicPartitionsSpace,
  MappingSpace,
  PartitionMapping,
} from "./types.js";
export {
  staticPartitions,
  timeWindowPartitions,
  yearlyPartitions,
  monthlyPartitions,
  dailyPartitions,
  hourlyPartitions,
  dynamicPartitions,
  dynamicPartitionsNameProblem,
  partitionsFromSnapshot,
  partitionKeySpace,
  isPartitionsDefinition,
  partitionKeyProblem,
  DEFAULT_PARTITION_FORMATS,
  MAX_PARTITION_KEYS,
  MAX_LISTED_PARTITION_KEYS,
  MAX_PARTITION_KEY_LENGTH,
  type TimeWindowPartitionsOptions,
  type CadenceOptions,
  type DynamicPartitionsOptions,
} from "./partitions.js";
export { emptyRanges, rangeOf, rangesOf, rangesFromIndices, decodeRanges, isIndexRanges } from "./ranges.js";
export {
  identityPartitionMapping,
  timeWindowPartitionMapping,
  previousPartitionMapping,
  lastPartitionsMapping,
  allPartitionsMapping,
  staticPartitionMapping,
  defaultPartitionMapping,
  partitionMappingProblem,
  describePartitionMapping,
  isPartitionMapping,
  dynamicPartitionsSpace,
  upstreamRangesFor,
  downstreamRangesFor,
  MAX_PARTITION_MAPPING_OFFSET,
  type TimeWindowPartitionMappingOptions,
  type StaticPartitionMap,
  type MappingSides,
} from "./mappings.js";
export { nextScheduleTimes, parseCron, type CronSchedule } from "./cron.js";
export { isValidTimeZone } from "./lazy-deps.js";
