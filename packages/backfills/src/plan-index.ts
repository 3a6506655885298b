/**
 * A plan made ready to drive: targets decoded, spaces rebuilt at the plan's instant, each unit's
 * *segments* (maximal stretches of positions over which the same assets of the unit are targets)
 * and its chunk size. Built once per plan object and cached, so a daemon tick over a million-target
 * plan decodes it once, not per call.
 */
import type { PartitionsSnapshot } from "@flyt/core";
import { decodeRanges, emptyRanges, type IndexRanges } from "@flyt/partitions";
import type { BackfillPlan, PlannedAsset, PlannedUnit } from "./plan.js";
import { assetSpace, type AssetSpace } from "./space.js";

/** Positions [start, end) over which the same assets of a unit are targets. */
export interface Segment {
  start: number;
  end: number;
  assetKeys: string[];
}

export interface UnitIndex {
  unit: PlannedUnit;
  /** Positions per run: the policy's maxPartitionsPerRun, or null for single-run (a whole segment). */
  chunkSize: number | null;
  segments: Segment[];
  /** Union of the unit's assets' targets. */
  targets: IndexRanges;
  /** True when some asset of the unit has an ordered edge (checked chunk by chunk). */
  ordered: boolean;
}

export interface AssetIndex {
  planned: PlannedAsset;
  targets: IndexRanges;
  space: AssetSpace;
}

export interface PlanIndex {
  plan: BackfillPlan;
  assets: Map<string, AssetIndex>;
  units: Map<string, UnitIndex>;
}

/** One run's worth of a unit: positions [start, end) of `assetKeys`. */
export interface BackfillChunk {
  unit: string;
  /** First position (inclusive). */
  start: number;
  /** Last position + 1. */
  end: number;
  /** The unit's assets that are targets over these positions, in dependency order: the run's selection. */
  assetKeys: string[];
  partitions: PartitionsSnapshot | null;
  location: string | null;
  /** `<unit>:<start>`: with instigator `backfill:<id>`, what makes creating its run idempotent. */
  runKey: string;
}

const cache = new WeakMap<BackfillPlan, PlanIndex>();

/** Segments of a unit: a sweep over every boundary of its assets' targets, merging equal neighbours. */
function segmentsOf(assetKeys: readonly string[], targets: ReadonlyMap<string, IndexRanges>): Segment[] {
  const points = new Set<number>();
  for (const key of assetKeys) for (const [start, end] of targets.get(key)!.intervals) points.add(start).add(end);
  const sorted = [...points].sort((a, b) => a - b);
  const cursors = assetKeys.map(() => 0);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i]!;
    const end = sorted[i + 1]!;
    const present: string[] = [];
    assetKeys.forEach((key, a) => {
      const intervals = targets.get(key)!.intervals;
      while (cursors[a]! < intervals.length && intervals[cursors[a]!]![1] <= start) cursors[a]! += 1;
      const interval = intervals[cursors[a]!];
      if (interval !== undefined && interval[0] <= start) present.push(key);
    });
    if (present.length === 0) continue;
    const last = segments[segments.length - 1];
    if (last !== undefined && last.end === start && last.assetKeys.length === present.length && last.assetKeys.every((k, j) => k === present[j])) last.end = end;
    else segments.push({ start, end, assetKeys: present });
  }
  return segments;
}

/** The plan, indexed (cached per plan object). */
export function indexPlan(plan: BackfillPlan): PlanIndex {
  const cached = cache.get(plan);
  if (cached !== undefined) return cached;
  const dynamic = new Map<string, IndexRanges>();
  const dynamicUniverse = (name: string): IndexRanges => {
    let universe = dynamic.get(name);
    if (universe === undefined) {
      const encoded = plan.dynamicPartitions[name];
      universe = encoded === undefined ? emptyRanges() : decodeRanges(encoded);
      dynamic.set(name, universe);
    }
    return universe;
  };
  const assets = new Map<string, AssetIndex>();
  for (const planned of plan.assets) {
    assets.set(planned.assetKey, { planned, targets: decodeRanges(planned.targets), space: assetSpace(planned.partitions, plan.plannedAt, dynamicUniverse) });
  }
  const targets = new Map([...assets].map(([key, a]) => [key, a.targets] as const));
  const units = new Map<string, UnitIndex>();
  for (const unit of plan.units) {
    let union = emptyRanges();
    for (const key of unit.assetKeys) union = union.union(targets.get(key)!);
    units.set(unit.id, {
      unit,
      chunkSize: unit.policy.kind === "single-run" ? null : unit.policy.maxPartitionsPerRun,
      segments: segmentsOf(unit.assetKeys, targets),
      targets: union,
      ordered: unit.assetKeys.some((key) => assets.get(key)!.planned.upstream.some((e) => e.ordered)),
    });
  }
  const index = { plan, assets, units };
  cache.set(plan, index);
  return index;
}

/** Index of the first segment that ends after `position` (segments.length when none does). */
export function firstSegmentEndingAfter(unit: UnitIndex, position: number): number {
  let lo = 0;
  let hi = unit.segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (unit.segments[mid]!.end <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The segment holding `position`, or null. */
export function segmentAt(unit: UnitIndex, position: number): Segment | null {
  const segment = unit.segments[firstSegmentEndingAfter(unit, position)];
  return segment !== undefined && segment.start <= position ? segment : null;
}

/** The chunk of `unit` holding `position`, or null when the position is no target of the unit. */
export function chunkAt(unit: UnitIndex, position: number): BackfillChunk | null {
  const segment = segmentAt(unit, position);
  if (segment === null) return null;
  let start = segment.start;
  let end = segment.end;
  if (unit.chunkSize !== null) {
    start = segment.start + Math.floor((position - segment.start) / unit.chunkSize) * unit.chunkSize;
    end = Math.min(segment.end, start + unit.chunkSize);
  }
  return {
    unit: unit.unit.id,
    start,
    end,
    assetKeys: segment.assetKeys,
    partitions: unit.unit.partitions,
    location: unit.unit.location,
    runKey: `${unit.unit.id}:${start}`,
  };
}
