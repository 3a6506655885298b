/**
 * @flyt/backfills: backfill planning with no I/O (docs/backfills.md). A request — a selection ×
 * a partition set — is validated against the asset graph (`validateBackfillRequest`), planned into
 * range-encoded (asset, partition) targets through the partition mappings and grouped into units
 * and chunks (`planBackfill`); the daemon then launches `nextLaunchableChunks`, each as one run
 * with run key `<unit>:<first position>`, and folds finished runs into the progress
 * (`applyRunOutcome`, `skipBlockedTargets`, `backfillCounts`). The webserver and the CLI validate
 * with it; only the daemon plans and drives.
 */
export { InvalidBackfillRequestError, BackfillPlanningError } from "./errors.js";
export {
  validateBackfillRequest,
  validateBackfillPolicy,
  requestedPartitionKeys,
  MAX_BACKFILL_CONCURRENT_RUNS,
  MAX_BACKFILL_KEYS,
  MAX_PARTITIONS_PER_RUN,
  type BackfillValidationContext,
} from "./validate.js";
export {
  planBackfill,
  isBackfillPlan,
  DEFAULT_BACKFILL_POLICY,
  type BackfillPlan,
  type BackfillPlanInputs,
  type PlannedAsset,
  type PlannedEdge,
  type PlannedUnit,
} from "./plan.js";
export type { BackfillChunk } from "./plan-index.js";
export {
  initialProgress,
  chunkForRunKey,
  markChunksLaunched,
  applyRunOutcome,
  applyRunOutcomes,
  unsettledRunKeys,
  cancelUnlaunched,
  backfillCounts,
  isBackfillComplete,
  completionStatus,
  type RunOutcome,
} from "./progress.js";
export { nextLaunchableChunks, skipBlockedTargets } from "./launch.js";
export { keySpaceOf } from "./space.js";
