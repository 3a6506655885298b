/**
 * What one automation evaluation reads and what it decides: the facts storage holds about each
 * asset (as plain data, so the pure evaluator can be tested without a database and the tick
 * reader can gather them with few queries), and the evaluations, requested partitions, coalesced
 * runs and next cursor it returns.
 */
import type { AssetGraph, AutomationAssetEvaluation, NewRun, PartitionsSnapshot, RunStatus } from "@flyt/core";
import type { IndexRanges } from "@flyt/partitions";
import type { DynamicPartitionsInput } from "./space.js";
import type { LatestMaterialization } from "./staleness.js";

/** Run statuses that count as "in progress". */
export const IN_PROGRESS_RUN_STATUSES: readonly RunStatus[] = ["QUEUED", "STARTING", "STARTED", "CANCELING"];

/**
 * How far before the previous tick materializations are read again: an event is stored with its
 * producer's time, which may be a little before the moment it is written, so a materialization
 * written just after a tick with a time just before it is still counted (once: the cursor
 * remembers the ones it counted within this window).
 */
export const UPDATE_OVERLAP_MS = 60_000;

/** A run that has not ended (storage's RunRecord is one). */
export interface AutomationRun {
  runId: string;
  status: RunStatus;
  assetKeys: readonly string[];
  partitionKey: string | null;
  tags: Readonly<Record<string, string>>;
}

/** A materialization stored recently (storage's PartitionMaterialization is one). */
export interface RecentMaterialization {
  assetKey: string;
  /** null for an unpartitioned asset. */
  partition: string | null;
  timestamp: number;
  runId: string;
}

/** A partitioned asset's status as storage keeps it (storage's PartitionStatusRanges is one). */
export interface PartitionStatusInput {
  /** The definition the positions refer to, or null when storage has none registered. */
  partitions: PartitionsSnapshot | null;
  /** Encoded positions ("0-24,30"). */
  materialized: string;
  failed: string;
}

/** What storage knows of one asset. */
export interface AutomationAssetFacts {
  /** Its latest materialization (any partition); absent or null: never materialized. */
  latest?: LatestMaterialization | null;
  /** Partitioned assets: their status; absent or null: not known (nothing counts as missing or failed). */
  partitionStatus?: PartitionStatusInput | null;
  /** Unpartitioned assets: their latest failed run (absent or null: none known). */
  latestFailure?: { runId: string; at: number } | null;
}

/** Everything one evaluation reads. Pure data (and two pure functions): no I/O happens in the evaluator. */
export interface AutomationInput {
  /** The workspace's assets; those with an `automationCondition` are evaluated. */
  graph: AssetGraph;
  /** Epoch ms of this evaluation. */
  now: number;
  /** The tick this evaluation belongs to (its runs are tagged with it and keyed `<tickId>:<n>`). */
  tickId: number;
  /** The previous evaluation's cursor (null before the first). */
  cursor: string | null;
  /** Per asset key (every asset with a condition and every dependency of one). */
  facts: ReadonlyMap<string, AutomationAssetFacts>;
  /** Runs not ended (QUEUED, STARTING, STARTED, CANCELING) that target any of the assets. */
  runsInProgress: readonly AutomationRun[];
  /**
   * Materializations (latest per asset and partition) with a time after the previous tick minus
   * UPDATE_OVERLAP_MS — earlier too when a cron condition needs the time since its latest tick
   * (`materializationsSinceFor` says from when).
   */
  materializations: readonly RecentMaterialization[];
  /** Live keys of the dynamic partitions definitions the assets use, by name. */
  dynamicPartitions?: ReadonlyMap<string, DynamicPartitionsInput>;
  /** The code location of an asset (a run holds assets of one location). */
  locationOf: (assetKey: string) => string;
  /** Whether automation is on for a location (default: on everywhere); assets of others are not evaluated. */
  enabled?: (location: string) => boolean;
}

/** One asset's evaluation, with whether it needs storing. */
export interface AutomationEvaluationResult extends AutomationAssetEvaluation {
  /** True when the explanation differs from the previous tick's or something was requested: only these need storing. */
  changed: boolean;
  /** Run keys of the runs requested for it (`runIds` is filled by `attachRunIds` once the runs have ids). */
  runKeys: string[];
}

/** A run the tick requests: a NewRun with its run key, instigator, origin and tick tag. */
export interface AutomationRunRequest extends NewRun {
  selection: string;
  assetKeys: string[];
  partitionKey: string | null;
  tags: Record<string, string>;
  location: string;
  origin: "automation";
  instigator: string;
  /** `<tickId>:<n>`: a crashed or doubled tick never creates the same run twice. */
  runKey: string;
}

/** What one evaluation decided. */
export interface AutomationOutput {
  /** Every evaluated asset, in dependency order. */
  evaluations: AutomationEvaluationResult[];
  /** Requested positions per asset (only assets with some). */
  requested: Map<string, IndexRanges>;
  /** One run per (location, partition key or none), holding every asset requested for it. */
  runRequests: AutomationRunRequest[];
  /** The cursor the next evaluation starts from. */
  cursor: string;
  /** Problems that did not stop the evaluation (an unreadable cursor, an invalid condition), for the tick's log. */
  warnings: string[];
}
