/**
 * @flyt/partitions: the time and partition math the SDK, the daemon and the webserver share, with
 * no user code and no I/O — partitions definitions (static keys, time windows in an IANA zone),
 * partition keys and their limits, rebuilding a definition from its snapshot, and cron fire times.
 * Applications get all of it through `@flyt/sdk` (docs/sdk.md); the platform imports it here, so
 * that reading partitions or a schedule's next ticks does not load the SDK. luxon and croner load
 * on first use.
 */
export type { PartitionsDefinition, TimeWindow, TimeWindowCadence } from "./types.js";
export {
  staticPartitions,
  timeWindowPartitions,
  yearlyPartitions,
  monthlyPartitions,
  dailyPartitions,
  hourlyPartitions,
  partitionsFromSnapshot,
  isPartitionsDefinition,
  partitionKeyProblem,
  DEFAULT_PARTITION_FORMATS,
  MAX_PARTITION_KEYS,
  MAX_PARTITION_KEY_LENGTH,
  type TimeWindowPartitionsOptions,
  type CadenceOptions,
} from "./partitions.js";
export { nextScheduleTimes, parseCron, type CronSchedule } from "./cron.js";
export { isValidTimeZone } from "./lazy-deps.js";
