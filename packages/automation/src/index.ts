/**
 * @flyt/automation: declarative automation and staleness (docs/automation.md,
 * docs/staleness.md, decision 0022). With no I/O: whether each asset is in sync with its code and
 * inputs and why not (`syncStatus`; per partition of one partitioned asset:
 * `partitionSyncStatus`), automation conditions validated and described, the ready-made ones
 * (`eagerCondition`, `onCronCondition`, `onMissingCondition`), and the evaluator
 * (`evaluateAutomation`) that decides per partition what to request, explains every decision,
 * and coalesces requests into runs. `evaluateAutomationTick` gathers a tick's input from storage
 * (any object with the Storage methods it names) and evaluates. The daemon runs the loop, the
 * webserver and the CLI show and dry-run it.
 */
export { syncStatus, describeStalenessCause, dependencyOrder, type LatestMaterialization } from "./staleness.js";
export {
  partitionSyncStatus,
  DEFAULT_MAX_CAUSES_PER_PARTITION,
  type PartitionStalenessInput,
  type PartitionSyncStatus,
  type UnsyncedPartition,
} from "./partition-staleness.js";
export {
  automationConditionProblem,
  describeAutomationCondition,
  conditionChildren,
  eagerCondition,
  onCronCondition,
  onMissingCondition,
  MAX_LOOKBACK_MINUTES,
} from "./conditions.js";
export { evaluateAutomation } from "./evaluate.js";
export { attachRunIds } from "./coalesce.js";
export { decodeAutomationCursor, type AutomationCursor } from "./cursor.js";
export {
  IN_PROGRESS_RUN_STATUSES,
  UPDATE_OVERLAP_MS,
  type AutomationInput,
  type AutomationOutput,
  type AutomationAssetFacts,
  type AutomationEvaluationResult,
  type AutomationRunRequest,
  type AutomationRun,
  type RecentMaterialization,
  type PartitionStatusInput,
} from "./input.js";
export { SpaceCache, type DynamicPartitionsInput } from "./space.js";
export { evaluateAutomationTick, type AutomationReader, type AutomationTickOptions, type AutomationTickStats } from "./tick.js";
