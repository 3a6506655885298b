/**
 * @flyt/sdk: what applications import to declare assets, partitions, resources, schedules,
 * sensors and their definitions. See docs/sdk.md for the reference with examples.
 */
export type * from "./types.js";
export { asset, isAssetDefinition, normalizeRetryPolicy, DEFAULT_GROUP, DEFAULT_RETRY_DELAY_MS } from "./asset.js";
export { singleRunBackfill, multiRunBackfill, backfillPolicyProblem, MAX_PARTITIONS_PER_RUN } from "./backfill-policy.js";
export { multiAsset } from "./multi-asset.js";
export { AutomationCondition, isAutomationCondition, automationConditionProblem } from "./automation-condition.js";
/** Condition trees and evaluation results as plain data (shared with the platform). */
export type { AutomationConditionSnapshot, AutomationConditionKind } from "@flyt/core";
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
  nextScheduleTimes,
  emptyRanges,
  rangeOf,
  rangesOf,
  rangesFromIndices,
  decodeRanges,
  isIndexRanges,
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
  MAX_PARTITION_MAPPING_OFFSET,
  type TimeWindowPartitionsOptions,
  type CadenceOptions,
  type DynamicPartitionsOptions,
  type TimeWindowPartitionMappingOptions,
  type StaticPartitionMap,
} from "@flyt/partitions";
export {
  env,
  secret,
  resource,
  resolveResources,
  redactor,
  isResourceDefinition,
  ResourceError,
  REDACTED,
  MIN_REDACTED_LENGTH,
  type ResolvedResources,
} from "./resources.js";
export { schedule, CATCH_UP_POLICIES, DEFAULT_MAX_CATCH_UP_TICKS, type ScheduleSpec } from "./schedules.js";
export {
  sensor,
  assetSensor,
  runStatusSensor,
  DEFAULT_MINIMUM_INTERVAL_SECONDS,
  type SensorSpec,
  type AssetSensorSpec,
  type RunStatusSensorSpec,
} from "./sensors.js";
export { meta, normalizeMetadata, InvalidMetadataError, PREVIEW_NOTE_SUFFIX } from "./metadata.js";
export { defineDefinitions, isDefinitions, findCycles } from "./definitions.js";
export { externalAsset, upstreamAsset, isExternalAssetRef } from "./external-asset.js";
export { normalizeFreshnessPolicy, freshnessPolicySchema, type FreshnessPolicy } from "./freshness.js";
export {
  check,
  isCheckDefinition,
  checkSnapshot,
  normalizeCheckResult,
  type CheckSpec,
  type CheckDefinition,
  type CheckContext,
  type CheckResult,
  type CheckSeverity,
} from "./checks.js";
