/**
 * What the resolvers of each mapped GraphQL type receive as `parent`: the records storage and the
 * code location snapshots hold, not the GraphQL shapes. scripts/generate-graphql.mjs names these
 * as codegen mappers, so a resolver that returns an `Asset` is checked to return an `AssetNode`.
 */
import type { IndexRanges } from "@flyt/partitions";
import type { AssetSnapshot, ScheduleSnapshot, SensorSnapshot } from "@flyt/protocol";
import type { AssetStatus, CodeLocation } from "../generated/resolvers.js";
import type { PartitionPositions } from "../partition-positions.js";

export type { AutomationAssetEvaluation as AutomationEvaluationRecord, BackfillRecord, RunRecord } from "@flyt/core";
export type { Tick as TickRecord } from "@flyt/storage";

export type AssetNode = AssetSnapshot & { location: string };
export type ScheduleNode = ScheduleSnapshot & { location: string; kind: "schedule" };
export type SensorNode = SensorSnapshot & { location: string; kind: "sensor" };
export type InstigatorNode = ScheduleNode | SensorNode;

/** A node of the asset graph; `freshness` is resolved from the asset's policy and the daemon's verdict. */
export interface AssetGraphNodeParent {
  key: string;
  group: string;
  location: string;
  status: AssetStatus;
  kinds: string[];
  partitioned: boolean;
}

/** One partition of an asset with its status; `runId` and `timestamp` are resolved on demand. */
export interface PartitionStateParent {
  assetKey: string;
  key: string;
  status: "MATERIALIZED" | "FAILED" | "MISSING";
}

/**
 * An asset's partition status as position sets over its partitions (partition-positions.ts):
 * counts are set sizes, pages are decoded position by position, nothing lists every key.
 */
export interface PartitionStatusParent {
  assetKey: string;
  positions: PartitionPositions;
  /** Positions that are partitions now. */
  live: IndexRanges;
  /** Each within `live`; disjoint (a materialization clears an earlier failure). */
  materialized: IndexRanges;
  failed: IndexRanges;
  missing: IndexRanges;
}

/** One asset's part of a backfill, its sets decoded (storage keeps them range-encoded). */
export interface BackfillAssetProgressParent {
  backfillId: string;
  assetKey: string;
  partitioned: boolean;
  targets: IndexRanges;
  /** Disjoint sets within `targets`, by the precedence of `BackfillTargetStatus` (materialized first). */
  materialized: IndexRanges;
  failed: IndexRanges;
  canceled: IndexRanges;
  skipped: IndexRanges;
  inProgress: IndexRanges;
  requested: IndexRanges;
}

/** A code location as the API shows it; `warnings` is resolved from the merged graph. */
export type CodeLocationParent = Omit<CodeLocation, "warnings">;
