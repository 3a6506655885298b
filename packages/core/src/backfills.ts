/**
 * Backfills: one operation over a selection × a partition set, planned as (asset, partition)
 * targets through partition mappings and driven by the daemon through the run queue
 * (docs/backfills.md). Plain data only: the planner lives in @flyt/backfills, the loop in the daemon.
 */
import type { BackfillPolicySnapshot } from "./asset-graph.js";

/** Tag on every run a backfill launches (its value: the backfill id); per-backfill concurrency limits key on it. */
export const BACKFILL_TAG = "flyt/backfill";
/** First and last partition key (inclusive) of a run over a range of partitions. Dagster's `asset_partition_range_start/end`. */
export const PARTITION_RANGE_START_TAG = "flyt/partition_range_start";
export const PARTITION_RANGE_END_TAG = "flyt/partition_range_end";

/**
 * Which partitions a backfill targets, read against each selected asset's partitions:
 * - `range`: the keys from `from` to `to` inclusive, of the assets whose partitions have both keys;
 *   the other selected assets get the partitions their selected upstreams map to.
 * - `keys`: these keys (same rule).
 * - `all`: every partition that exists now; `missing`: those never materialized.
 * - `failed`: the targets that failed or were skipped in backfill `backfillId` (default: the newest
 *   backfill of the same selection).
 */
export type BackfillPartitionSet =
  | { kind: "range"; from: string; to: string }
  | { kind: "keys"; keys: string[] }
  | { kind: "all" }
  | { kind: "missing" }
  | { kind: "failed"; backfillId?: string };

/** What a caller asks for; the webserver validates it and stores it REQUESTED, the daemon plans and runs it. */
export interface BackfillRequest {
  /** Selection syntax (docs/selection.md). */
  selection: string;
  partitions: BackfillPartitionSet;
  /** Overrides every selected asset's own policy (their compute must read `ctx.partitionKeys`). */
  policy?: BackfillPolicySnapshot | null;
  /** Added to every run (keys under `flyt/` are refused, as for runs). */
  tags?: Record<string, string>;
  /** Runs of this backfill the queue lets run at once (null: only the queue's own limits). */
  maxConcurrentRuns?: number | null;
  /** Free text: who asked (CLI user, API token name, sensor id). */
  requestedBy?: string | null;
}

export const BACKFILL_STATUSES = ["REQUESTED", "IN_PROGRESS", "CANCELING", "CANCELED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED"] as const;
/**
 * REQUESTED (stored, not planned yet) → IN_PROGRESS (planned, launching) → COMPLETED_SUCCESS |
 * COMPLETED_FAILED (every target done; some failed or were skipped) | CANCELING → CANCELED.
 * FAILED: it could not be planned (the error says why).
 */
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];

export function isTerminalBackfillStatus(status: BackfillStatus): boolean {
  return status === "CANCELED" || status === "COMPLETED_SUCCESS" || status === "COMPLETED_FAILED" || status === "FAILED";
}

/** Counts of targets ((asset, partition) pairs) by state. */
export interface BackfillCounts {
  total: number;
  /** Planned, not yet in a run. */
  requested: number;
  /** In a QUEUED run. */
  queued: number;
  /** In a run that has started and not ended. */
  inProgress: number;
  materialized: number;
  failed: number;
  /** Not launched because an upstream target failed or was canceled. */
  skipped: number;
  canceled: number;
}

/**
 * Per-asset target state, range-encoded over the asset's partition indices (see
 * `encodeRanges` in @flyt/partitions: "0-24,30-31"): each string is one set.
 */
export interface BackfillAssetProgress {
  assetKey: string;
  /** null for an unpartitioned asset (its one target is index 0). */
  partitions: "partitioned" | "unpartitioned";
  targets: string;
  launched: string;
  materialized: string;
  failed: string;
  skipped: string;
  canceled: string;
}

/** A backfill as stored. Times are epoch milliseconds. */
export interface BackfillRecord {
  backfillId: string;
  status: BackfillStatus;
  request: BackfillRequest;
  /** The plan the daemon made (null while REQUESTED): opaque JSON owned by @flyt/backfills. */
  plan: unknown;
  /** One entry per planned asset (empty while REQUESTED). */
  progress: BackfillAssetProgress[];
  counts: BackfillCounts;
  /** Why it FAILED to plan, or the last launch error. */
  error: string | null;
  createdAt: number;
  updatedAt: number;
  endedAt: number | null;
}
