/**
 * A backfill's progress: per asset, range-encoded sets of its targets that were launched,
 * materialized, failed, skipped (an upstream target failed) and canceled. Every helper takes and
 * returns the stored form (`BackfillAssetProgress[]`) and is idempotent — applying a run's outcome
 * twice changes nothing the second time — which is what lets a new leader re-read recent runs and
 * re-apply them without counting anything twice.
 */
import type { BackfillAssetProgress, BackfillCounts, BackfillStatus } from "@flyt/core";
import { decodeRanges, emptyRanges, rangeOf, type IndexRanges } from "@flyt/partitions";
import { BackfillPlanningError } from "./errors.js";
import { chunkAt, indexPlan, type BackfillChunk } from "./plan-index.js";
import type { BackfillPlan } from "./plan.js";

/** Decoded progress of one asset. */
export interface AssetState {
  targets: IndexRanges;
  launched: IndexRanges;
  materialized: IndexRanges;
  failed: IndexRanges;
  skipped: IndexRanges;
  canceled: IndexRanges;
}

const EMPTY_COUNTS: BackfillCounts = Object.freeze({ total: 0, requested: 0, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 });

/** Decodes progress; plan assets it lacks start with nothing done. */
export function decodeProgress(plan: BackfillPlan, progress: readonly BackfillAssetProgress[]): Map<string, AssetState> {
  const index = indexPlan(plan);
  const stored = new Map(progress.map((p) => [p.assetKey, p]));
  const states = new Map<string, AssetState>();
  for (const [key, asset] of index.assets) {
    const entry = stored.get(key);
    const read = (field: keyof Omit<BackfillAssetProgress, "assetKey" | "partitions" | "targets">): IndexRanges => (entry === undefined ? emptyRanges() : decodeRanges(entry[field]).intersect(asset.targets));
    states.set(key, {
      targets: asset.targets,
      launched: read("launched"),
      materialized: read("materialized"),
      failed: read("failed"),
      skipped: read("skipped"),
      canceled: read("canceled"),
    });
  }
  return states;
}

/** The stored form, in plan order. */
export function encodeProgress(plan: BackfillPlan, states: ReadonlyMap<string, AssetState>): BackfillAssetProgress[] {
  return plan.assets.map((asset) => {
    const state = states.get(asset.assetKey)!;
    return {
      assetKey: asset.assetKey,
      partitions: asset.partitions === null ? "unpartitioned" : "partitioned",
      targets: asset.targets,
      launched: state.launched.encode(),
      materialized: state.materialized.encode(),
      failed: state.failed.encode(),
      skipped: state.skipped.encode(),
      canceled: state.canceled.encode(),
    };
  });
}

/**
 * Progress of a plan nothing has happened to yet.
 * @example
 * await storage.updateBackfill(id, { status: "IN_PROGRESS", plan, progress: initialProgress(plan), counts: backfillCounts(plan, initialProgress(plan)) });
 */
export function initialProgress(plan: BackfillPlan): BackfillAssetProgress[] {
  return encodeProgress(plan, decodeProgress(plan, []));
}

/**
 * The chunk a run key names (`<unit>:<first position>`), or null when the plan has no such chunk
 * (a run key of another plan, or a malformed one).
 * @example
 * chunkForRunKey(plan, "atlas/met/daily:730"); // { unit: "atlas/met/daily", start: 730, end: 731, … }
 */
export function chunkForRunKey(plan: BackfillPlan, runKey: string): BackfillChunk | null {
  const at = runKey.lastIndexOf(":");
  if (at <= 0) return null;
  const unit = indexPlan(plan).units.get(runKey.slice(0, at));
  const text = runKey.slice(at + 1);
  if (unit === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) return null;
  const chunk = chunkAt(unit, Number(text));
  return chunk !== null && chunk.start === Number(text) ? chunk : null;
}

/** Positions of `asset` the chunk covers. */
function chunkTargets(state: AssetState, chunk: BackfillChunk): IndexRanges {
  return rangeOf(chunk.start, chunk.end).intersect(state.targets);
}

/**
 * Records that these chunks' runs exist (created now, or found existing by their run key).
 * @example
 * progress = markChunksLaunched(plan, progress, chunks);
 */
export function markChunksLaunched(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], chunks: readonly BackfillChunk[]): BackfillAssetProgress[] {
  const states = decodeProgress(plan, progress);
  for (const chunk of chunks) {
    for (const key of chunk.assetKeys) {
      const state = states.get(key);
      if (state !== undefined) state.launched = state.launched.union(chunkTargets(state, chunk));
    }
  }
  return encodeProgress(plan, states);
}

/** How a run of the backfill ended, with what it materialized. */
export interface RunOutcome {
  /** The run's key (`<unit>:<first position>`); for a retry of a backfill run, its original run's key. */
  runKey: string;
  status: "SUCCESS" | "FAILURE" | "CANCELED";
  /**
   * FAILURE and CANCELED: per asset, the positions of the chunk the run did materialize (storage's
   * partition status: materialized and not failed). Ignored on SUCCESS, where the whole chunk is.
   */
  materialized?: Readonly<Record<string, IndexRanges | string>>;
}

/**
 * Applies a finished run to the progress: SUCCESS materializes its chunk; FAILURE keeps what the
 * run reported materialized and fails the rest; CANCELED keeps what it materialized and cancels
 * the rest. A later success (a retry) turns failed targets materialized. Idempotent.
 * @throws BackfillPlanningError when the run key names no chunk of the plan.
 * @example
 * progress = applyRunOutcome(plan, progress, { runKey: run.runKey!, status: "SUCCESS" });
 */
export function applyRunOutcome(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], outcome: RunOutcome): BackfillAssetProgress[] {
  return applyRunOutcomes(plan, progress, [outcome]);
}

/**
 * `applyRunOutcome` for many runs, in order, decoding and encoding the progress once (a new
 * leader re-applies every ended run of a backfill).
 * @example
 * progress = applyRunOutcomes(plan, progress, ended.map((run) => ({ runKey: run.runKey!, status: "SUCCESS" })));
 */
export function applyRunOutcomes(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], outcomes: readonly RunOutcome[]): BackfillAssetProgress[] {
  const chunks = outcomes.map((outcome) => {
    const chunk = chunkForRunKey(plan, outcome.runKey);
    if (chunk === null) throw new BackfillPlanningError("runKey", `${JSON.stringify(outcome.runKey)} names no chunk of this backfill's plan`);
    return chunk;
  });
  const states = decodeProgress(plan, progress);
  outcomes.forEach((outcome, i) => applyTo(states, chunks[i]!, outcome));
  return encodeProgress(plan, states);
}

function applyTo(states: Map<string, AssetState>, chunk: BackfillChunk, outcome: RunOutcome): void {
  for (const key of chunk.assetKeys) {
    const state = states.get(key)!;
    const covered = chunkTargets(state, chunk);
    state.launched = state.launched.union(covered);
    if (outcome.status === "SUCCESS") {
      state.materialized = state.materialized.union(covered);
    } else {
      const given = outcome.materialized?.[key];
      const done = given === undefined ? emptyRanges() : (typeof given === "string" ? decodeRanges(given) : given).intersect(covered);
      state.materialized = state.materialized.union(done);
      const rest = covered.subtract(state.materialized);
      if (outcome.status === "FAILURE") state.failed = state.failed.union(rest);
      else state.canceled = state.canceled.union(rest);
    }
    // Materialized wins: a target a retry materialized is no longer failed, skipped or canceled.
    state.failed = state.failed.subtract(state.materialized);
    state.canceled = state.canceled.subtract(state.materialized).subtract(state.failed);
    state.skipped = state.skipped.subtract(state.materialized);
  }
}

/**
 * Of these run keys, those whose chunk still has a target not materialized, failed or canceled:
 * the runs whose failure or cancel is worth reading back (the others were applied already).
 * @example
 * const pending = unsettledRunKeys(plan, progress, ended.map((r) => r.runKey!));
 */
export function unsettledRunKeys(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], runKeys: readonly string[]): Set<string> {
  const states = decodeProgress(plan, progress);
  const out = new Set<string>();
  for (const runKey of runKeys) {
    const chunk = chunkForRunKey(plan, runKey);
    if (chunk === null) continue;
    for (const key of chunk.assetKeys) {
      const state = states.get(key)!;
      if (!chunkTargets(state, chunk).subtract(state.materialized).subtract(state.failed).subtract(state.canceled).isEmpty()) {
        out.add(runKey);
        break;
      }
    }
  }
  return out;
}

/**
 * Cancels every target not launched yet (the backfill was canceled: nothing more starts). Targets
 * in runs still going are canceled or materialized as those runs end.
 * @example
 * progress = cancelUnlaunched(plan, progress);
 */
export function cancelUnlaunched(plan: BackfillPlan, progress: readonly BackfillAssetProgress[]): BackfillAssetProgress[] {
  const states = decodeProgress(plan, progress);
  for (const state of states.values()) {
    state.canceled = state.canceled.union(state.targets.subtract(state.launched).subtract(state.skipped).subtract(state.materialized));
  }
  return encodeProgress(plan, states);
}

/** Targets that reached an end: materialized, failed, skipped or canceled. */
function settled(state: AssetState): IndexRanges {
  return state.materialized.union(state.failed).union(state.skipped).union(state.canceled);
}

/**
 * Counts of targets by state. `live` lists the backfill's runs that have not ended (run key and
 * status): their targets count as queued (QUEUED) or in progress; launched targets whose run is
 * not listed count as in progress (its end has not been applied yet). The counts add up to `total`.
 * @example
 * const counts = backfillCounts(plan, progress, [{ runKey: "a:3", status: "QUEUED" }]);
 */
export function backfillCounts(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], live: ReadonlyArray<{ runKey: string; status: string }> = []): BackfillCounts {
  const states = decodeProgress(plan, progress);
  const queuedChunks = live.filter((r) => r.status === "QUEUED").map((r) => chunkForRunKey(plan, r.runKey)).filter((c): c is BackfillChunk => c !== null);
  const counts = { ...EMPTY_COUNTS };
  for (const [key, state] of states) {
    const materialized = state.materialized;
    const failed = state.failed.subtract(materialized);
    const canceled = state.canceled.subtract(materialized).subtract(failed);
    const skipped = state.skipped.subtract(materialized).subtract(failed).subtract(canceled);
    const done = settled(state);
    const inFlight = state.launched.subtract(done);
    let queued = emptyRanges();
    for (const chunk of queuedChunks) if (chunk.assetKeys.includes(key)) queued = queued.union(rangeOf(chunk.start, chunk.end));
    queued = inFlight.intersect(queued);
    counts.total += state.targets.size;
    counts.materialized += materialized.size;
    counts.failed += failed.size;
    counts.canceled += canceled.size;
    counts.skipped += skipped.size;
    counts.queued += queued.size;
    counts.inProgress += inFlight.size - queued.size;
    counts.requested += state.targets.subtract(state.launched).subtract(done).size;
  }
  return counts;
}

/**
 * Whether every target reached an end (materialized, failed, skipped or canceled).
 * @example
 * if (isBackfillComplete(plan, progress)) await storage.updateBackfill(id, { status: completionStatus(plan, progress) });
 */
export function isBackfillComplete(plan: BackfillPlan, progress: readonly BackfillAssetProgress[]): boolean {
  for (const state of decodeProgress(plan, progress).values()) if (!state.targets.subtract(settled(state)).isEmpty()) return false;
  return true;
}

/**
 * How a complete backfill ended: COMPLETED_SUCCESS when every target was materialized, else
 * COMPLETED_FAILED (some failed, were skipped or canceled).
 * @example
 * completionStatus(plan, progress); // "COMPLETED_FAILED"
 */
export function completionStatus(plan: BackfillPlan, progress: readonly BackfillAssetProgress[]): Extract<BackfillStatus, "COMPLETED_SUCCESS" | "COMPLETED_FAILED"> {
  for (const state of decodeProgress(plan, progress).values()) if (!state.targets.subtract(state.materialized).isEmpty()) return "COMPLETED_FAILED";
  return "COMPLETED_SUCCESS";
}
