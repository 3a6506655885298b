/**
 * What to launch next and what can never run. A chunk may launch when every upstream target it
 * reads (through its assets' mappings, restricted to this backfill's targets) is materialized: a
 * month's rollup waits for its days. A chunk that reads a target that failed, was skipped or was
 * canceled is skipped, and so, in turn, is what reads it. Both work on index ranges: the positions
 * blocked by an upstream are computed per edge in one pass, so finding the next ten launchable
 * chunks of a million-target plan does not walk a million chunks. Ordered edges (a unit reading
 * its own earlier partitions) are checked chunk by chunk, in order.
 */
import type { BackfillAssetProgress } from "@flyt/core";
import { emptyRanges, rangeOf, type IndexRanges } from "@flyt/partitions";
import { downstreamPositions, upstreamPositions } from "./mapping.js";
import { chunkAt, firstSegmentEndingAfter, indexPlan, type BackfillChunk, type PlanIndex, type UnitIndex } from "./plan-index.js";
import type { BackfillPlan } from "./plan.js";
import { decodeProgress, encodeProgress, type AssetState } from "./progress.js";

/** Chunks of an ordered unit checked one by one per call at most: the rest wait for the next call. */
const MAX_ORDERED_CHECKS = 2_000;

/** Targets of an upstream that can never be read as materialized. */
function badOf(state: AssetState): IndexRanges {
  return state.failed.union(state.skipped).union(state.canceled).subtract(state.materialized);
}

/** Positions of a unit whose chunks were launched, skipped or canceled. */
function settledOf(index: PlanIndex, unit: UnitIndex, states: ReadonlyMap<string, AssetState>): IndexRanges {
  let settled = emptyRanges();
  for (const key of unit.unit.assetKeys) {
    const state = states.get(key)!;
    settled = settled.union(state.launched).union(state.skipped).union(state.canceled);
  }
  return settled.intersect(unit.targets);
}

/**
 * Positions of the unit that read, through an unordered edge, an upstream position in `which(state)`.
 * `which` = not yet materialized gives the blocked positions; = bad gives the doomed ones.
 */
function readingPositions(index: PlanIndex, unit: UnitIndex, states: ReadonlyMap<string, AssetState>, which: (state: AssetState) => IndexRanges): IndexRanges {
  let out = emptyRanges();
  for (const key of unit.unit.assetKeys) {
    const asset = index.assets.get(key)!;
    for (const edge of asset.planned.upstream) {
      if (edge.ordered) continue;
      const upstream = index.assets.get(edge.assetKey)!;
      const positions = which(states.get(edge.assetKey)!);
      if (positions.isEmpty()) continue;
      out = out.union(downstreamPositions(edge.mapping, asset.space, upstream.space, positions).intersect(asset.targets));
    }
  }
  return out;
}

/** For a chunk of an ordered unit: whether its ordered reads are all materialized ("ready"), some can never be ("doomed"), or it must wait. */
function orderedVerdict(index: PlanIndex, chunk: BackfillChunk, states: ReadonlyMap<string, AssetState>): "ready" | "wait" | "doomed" {
  const own = rangeOf(chunk.start, chunk.end);
  let verdict: "ready" | "wait" = "ready";
  for (const key of chunk.assetKeys) {
    const asset = index.assets.get(key)!;
    for (const edge of asset.planned.upstream) {
      if (!edge.ordered) continue;
      const upstream = index.assets.get(edge.assetKey)!;
      const state = states.get(edge.assetKey)!;
      let need = upstreamPositions(edge.mapping, asset.space, upstream.space, own.intersect(asset.targets)).intersect(upstream.targets);
      // What the run itself computes (the same positions of an asset in the run) is no wait.
      if (chunk.assetKeys.includes(edge.assetKey)) need = need.subtract(own);
      if (!need.intersect(badOf(state)).isEmpty()) return "doomed";
      if (!need.subtract(state.materialized).isEmpty()) verdict = "wait";
    }
  }
  return verdict;
}

/** Chunks of `unit` lying wholly inside `free`, in position order (lazily: callers stop early). */
function* chunksInside(unit: UnitIndex, free: IndexRanges): Generator<BackfillChunk> {
  for (const [start, end] of free.intervals) {
    let position = start;
    while (position < end) {
      const chunk = chunkAt(unit, position);
      if (chunk === null) break;
      if (chunk.start >= start && chunk.end <= end) yield chunk;
      position = chunk.end;
    }
  }
}

/**
 * Up to `limit` chunks whose runs may be created now: not launched, skipped or canceled, and every
 * upstream target they read materialized. Units in dependency order, chunks in position order.
 * Deterministic: the same plan and progress give the same chunks.
 * @example
 * for (const chunk of nextLaunchableChunks(plan, progress, capacity)) await createRunFor(chunk);
 */
export function nextLaunchableChunks(plan: BackfillPlan, progress: readonly BackfillAssetProgress[], limit: number): BackfillChunk[] {
  const out: BackfillChunk[] = [];
  if (limit <= 0) return out;
  const index = indexPlan(plan);
  const states = decodeProgress(plan, progress);
  for (const unit of index.units.values()) {
    const pending = unit.targets.subtract(settledOf(index, unit, states));
    if (pending.isEmpty()) continue;
    const blocked = readingPositions(index, unit, states, (s) => s.targets.subtract(s.materialized));
    let checks = 0;
    for (const chunk of chunksInside(unit, pending.subtract(blocked))) {
      if (unit.ordered) {
        if (checks++ >= MAX_ORDERED_CHECKS) break;
        if (orderedVerdict(index, chunk, states) !== "ready") continue;
      }
      out.push(chunk);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * Marks skipped every chunk not launched yet that reads a target that failed, was skipped or was
 * canceled (unit by unit in dependency order, so a failure skips everything downstream of it in
 * one call). Returns the progress and how many targets were newly skipped.
 * @example
 * const { progress: next, skipped } = skipBlockedTargets(plan, progress);
 */
export function skipBlockedTargets(plan: BackfillPlan, progress: readonly BackfillAssetProgress[]): { progress: BackfillAssetProgress[]; skipped: number } {
  const index = indexPlan(plan);
  const states = decodeProgress(plan, progress);
  let skipped = 0;
  const skip = (unit: UnitIndex, positions: IndexRanges): void => {
    for (const key of unit.unit.assetKeys) {
      const state = states.get(key)!;
      const add = positions.intersect(state.targets).subtract(state.skipped);
      skipped += add.size;
      state.skipped = state.skipped.union(add);
    }
  };
  for (const unit of index.units.values()) {
    let pending = unit.targets.subtract(settledOf(index, unit, states));
    if (pending.isEmpty()) continue;
    const doomed = readingPositions(index, unit, states, badOf).intersect(pending);
    if (!doomed.isEmpty()) {
      // A chunk runs whole or not at all: widen each doomed stretch to the edges of the chunks it
      // touches (chunks tile each segment, so only the stretch's ends need a lookup per segment).
      let area = emptyRanges();
      for (const [start, end] of doomed.intervals) {
        for (let i = firstSegmentEndingAfter(unit, start); i < unit.segments.length && unit.segments[i]!.start < end; i++) {
          const segment = unit.segments[i]!;
          const first = chunkAt(unit, Math.max(start, segment.start))!;
          const last = chunkAt(unit, Math.min(end, segment.end) - 1)!;
          area = area.union(rangeOf(first.start, last.end));
        }
      }
      skip(unit, area.intersect(pending));
      pending = pending.subtract(area);
    }
    if (!unit.ordered || pending.isEmpty()) continue;
    // Ordered units: a doomed chunk dooms the chunks that read it, so walk them in order.
    let checks = 0;
    for (const chunk of chunksInside(unit, pending)) {
      if (checks++ >= MAX_ORDERED_CHECKS) break;
      if (orderedVerdict(index, chunk, states) === "doomed") skip(unit, rangeOf(chunk.start, chunk.end));
    }
  }
  return { progress: skipped === 0 ? [...progress] : encodeProgress(plan, states), skipped };
}
