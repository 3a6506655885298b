/**
 * Planning a backfill: from a request (selection × partition set) and what storage knows (which
 * partitions are materialized, the previous backfill's progress, the positions of dynamic keys),
 * the targets of every selected asset as index ranges, read through the partition mappings, and
 * the *units* that run them: assets of the selection with the same partitions, joined by identity
 * mappings, in the same code location and with the same policy, run together, one run per chunk.
 *
 * The plan is plain JSON (stored on the backfill record) and compact: ranges, never one object per
 * partition, so "all missing" over a million hourly partitions plans in well under a second. It
 * carries everything the daemon needs later (definitions, mappings, policies, locations, dynamic
 * positions), so a backfill runs to the end on the plan it was given even if the code changes.
 */
import {
  InvalidSelectionError,
  resolveSelection,
  type AssetGraph,
  type AssetNodeSnapshot,
  type BackfillAssetProgress,
  type BackfillPartitionSet,
  type BackfillPolicySnapshot,
  type BackfillRequest,
  type PartitionMappingSnapshot,
  type PartitionsSnapshot,
} from "@flyt/core";
import { decodeRanges, emptyRanges, rangeOf, rangesFromIndices, type IndexRanges } from "@flyt/partitions";
import { BackfillPlanningError } from "./errors.js";
import { downstreamPositions, mappingOn } from "./mapping.js";
import { assetSpace, canonical, samePartitions, type AssetSpace } from "./space.js";

/** The default policy: one run per partition. */
export const DEFAULT_BACKFILL_POLICY: BackfillPolicySnapshot = Object.freeze({ kind: "multi-run", maxPartitionsPerRun: 1 });

/** What the planner needs from storage, read by the caller (the daemon) first. */
export interface BackfillPlanInputs {
  /** Time windows that exist are those complete at this instant (epoch ms); stored as the plan's `plannedAt`. */
  now: number;
  /**
   * Per asset key, the encoded (or decoded) positions materialized, for `missing` (storage's
   * `getPartitionStatus`; for an unpartitioned asset "0" when it has been materialized). Absent: none.
   */
  materialized?: Readonly<Record<string, IndexRanges | string>>;
  /** For `failed`: the progress of the backfill it retries. */
  previous?: { backfillId: string; progress: readonly BackfillAssetProgress[] } | null;
  /** Per dynamic partitions definition: the positions its keys hold (storage's `getDynamicPartitionsIndex`). Absent: none. */
  dynamicPartitions?: Readonly<Record<string, IndexRanges | string>>;
  /** Per dynamic definition: the position of each key the request names that exists (`requestedPartitionKeys`). */
  dynamicKeyPositions?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The code location of an asset; a unit never spans two. Absent: every asset in location null. */
  locationOf?: (assetKey: string) => string | null;
}

/** A dependency of a planned asset on another target of the same backfill. */
export interface PlannedEdge {
  assetKey: string;
  mapping: PartitionMappingSnapshot;
  /**
   * Inside the asset's own unit but not identity (a self-dependency on the previous partition, a
   * rolling window inside a unit): checked chunk by chunk, so chunks run in the order it implies.
   */
  ordered: boolean;
}

export interface PlannedAsset {
  assetKey: string;
  partitions: PartitionsSnapshot | null;
  /** Encoded positions this backfill materializes. */
  targets: string;
  unit: string;
  /** Upstream assets with targets in this backfill, and how this asset reads them. */
  upstream: PlannedEdge[];
}

/** Assets that run together, one run per chunk; `id` is its first asset's key. */
export interface PlannedUnit {
  id: string;
  /** In dependency order. */
  assetKeys: string[];
  partitions: PartitionsSnapshot | null;
  policy: BackfillPolicySnapshot;
  location: string | null;
}

/** The stored plan (BackfillRecord.plan). */
export interface BackfillPlan {
  version: 1;
  /** The `now` it was planned at: the key spaces of time windows are read at this instant ever after. */
  plannedAt: number;
  partitionSet: BackfillPartitionSet["kind"];
  totalTargets: number;
  /** Dependency order. */
  assets: PlannedAsset[];
  /** In the order of their first asset. */
  units: PlannedUnit[];
  /** Positions of the dynamic definitions involved, as planned (keys added later are not targets). */
  dynamicPartitions: Record<string, string>;
}

function toRanges(value: IndexRanges | string | undefined): IndexRanges {
  if (value === undefined) return emptyRanges();
  return typeof value === "string" ? decodeRanges(value) : value;
}

/** Topological order of `keys` in which a self-dependency does not count (a partitioned asset may read its own previous partition). */
function dependencyOrder(graph: AssetGraph, keys: ReadonlySet<string>): string[] {
  const indegree = new Map<string, number>();
  for (const key of keys) indegree.set(key, graph.upstreamOf(key).filter((d) => d !== key && keys.has(d)).length);
  const ready = [...keys].filter((k) => indegree.get(k) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const key = ready.shift()!;
    order.push(key);
    for (const down of graph.downstreamOf(key)) {
      if (down === key || !keys.has(down)) continue;
      const left = indegree.get(down)! - 1;
      indegree.set(down, left);
      if (left === 0) {
        const at = ready.findIndex((k) => k > down);
        ready.splice(at === -1 ? ready.length : at, 0, down);
      }
    }
  }
  if (order.length !== keys.size) {
    const stuck = [...keys].filter((k) => !order.includes(k)).sort();
    throw new BackfillPlanningError("selection", `the dependencies of ${stuck.slice(0, 5).join(", ")} form a cycle`);
  }
  return order;
}

function policyOf(request: BackfillRequest, node: AssetNodeSnapshot): BackfillPolicySnapshot {
  return request.policy ?? node.backfillPolicy ?? DEFAULT_BACKFILL_POLICY;
}

/** The positions of the request's keys in one asset's partitions (-1 entries: not a partition of it). */
function positionsOf(keys: readonly string[], space: AssetSpace, inputs: BackfillPlanInputs): number[] {
  const partitions = space.partitions;
  if (partitions === null) return keys.map(() => -1);
  if (partitions.kind === "dynamic") {
    const known = inputs.dynamicKeyPositions?.[partitions.name] ?? {};
    return keys.map((key) => {
      const position = Object.hasOwn(known, key) ? known[key]! : -1;
      return position >= 0 && space.universe.has(position) ? position : -1;
    });
  }
  return keys.map((key) => space.keys!.indexOf(key));
}

/** Targets of the anchors of a `range` or `keys` set: the assets whose partitions hold the keys. */
function anchorTargets(set: Extract<BackfillPartitionSet, { kind: "range" | "keys" }>, order: readonly string[], spaces: ReadonlyMap<string, AssetSpace>, inputs: BackfillPlanInputs): Map<string, IndexRanges> {
  const anchors = new Map<string, IndexRanges>();
  for (const key of order) {
    const space = spaces.get(key)!;
    if (space.partitions === null) continue;
    if (set.kind === "range") {
      const [from, to] = positionsOf([set.from, set.to], space, inputs) as [number, number];
      if (from === -1 || to === -1) continue;
      if (from > to) throw new BackfillPlanningError("partitions.from", `${JSON.stringify(set.from)} comes after partitions.to ${JSON.stringify(set.to)} in the partitions of ${key}`);
      // Dynamic keys deleted inside the range leave holes: only existing positions are targets.
      anchors.set(key, rangeOf(from, to + 1).intersect(space.universe));
    } else {
      const positions = positionsOf(set.keys, space, inputs).filter((p) => p >= 0);
      if (positions.length > 0) anchors.set(key, rangesFromIndices(positions));
    }
  }
  if (anchors.size === 0) {
    const what = set.kind === "range" ? `both ${JSON.stringify(set.from)} and ${JSON.stringify(set.to)}` : `any of the keys ${set.keys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ")}${set.keys.length > 5 ? ", …" : ""}`;
    throw new BackfillPlanningError("partitions", `no selected asset has ${what} among its partitions now`);
  }
  return anchors;
}

/** Per asset, the positions the partition set asks for. */
function targetsOf(
  request: BackfillRequest,
  graph: AssetGraph,
  order: readonly string[],
  spaces: ReadonlyMap<string, AssetSpace>,
  inputs: BackfillPlanInputs,
): Map<string, IndexRanges> {
  const targets = new Map<string, IndexRanges>();
  const set = request.partitions;
  switch (set.kind) {
    case "all":
      for (const key of order) targets.set(key, spaces.get(key)!.universe);
      return targets;
    case "missing":
      for (const key of order) targets.set(key, spaces.get(key)!.universe.subtract(toRanges(inputs.materialized?.[key])));
      return targets;
    case "failed": {
      if (inputs.previous === null || inputs.previous === undefined) throw new BackfillPlanningError("partitions", "a `failed` set needs the backfill it retries, and none was found");
      const previous = new Map(inputs.previous.progress.map((p) => [p.assetKey, p]));
      for (const key of order) {
        const entry = previous.get(key);
        if (entry === undefined) continue;
        const redo = decodeRanges(entry.failed).union(decodeRanges(entry.skipped)).subtract(decodeRanges(entry.materialized));
        targets.set(key, redo.intersect(spaces.get(key)!.universe));
      }
      return targets;
    }
    case "range":
    case "keys": {
      const anchors = anchorTargets(set, order, spaces, inputs);
      const selected = new Set(order);
      for (const key of order) {
        const space = spaces.get(key)!;
        const anchored = anchors.get(key);
        if (anchored !== undefined) {
          targets.set(key, anchored);
          continue;
        }
        // An unpartitioned asset of the selection runs once, wherever it sits.
        if (space.partitions === null) {
          targets.set(key, space.universe);
          continue;
        }
        // The others get what their selected upstreams' targets map to (a monthly rollup of a daily
        // range gets the months the range touches).
        const node = graph.get(key)!;
        let mapped = emptyRanges();
        for (const dep of node.deps) {
          if (dep === key || !selected.has(dep)) continue;
          const upstream = targets.get(dep);
          if (upstream === undefined || upstream.isEmpty()) continue;
          mapped = mapped.union(downstreamPositions(mappingOn(node, graph.get(dep)!), space, spaces.get(dep)!, upstream));
        }
        targets.set(key, mapped);
      }
      return targets;
    }
  }
}

/** Whether each partition of `node` reads exactly the same partition of `dep` (so both can run in one run per chunk). */
function readsSamePartition(mapping: PartitionMappingSnapshot, node: AssetNodeSnapshot, dep: AssetNodeSnapshot): boolean {
  const a = node.partitions ?? null;
  const b = dep.partitions ?? null;
  if (a === null || b === null) return a === b;
  return mapping.kind === "identity" && samePartitions(a, b);
}

/** Greedy grouping into units, in dependency order, that never lets units depend on each other in a cycle. */
function groupUnits(
  request: BackfillRequest,
  graph: AssetGraph,
  order: readonly string[],
  targets: ReadonlyMap<string, IndexRanges>,
  inputs: BackfillPlanInputs,
): { unitOf: Map<string, string>; units: PlannedUnit[] } {
  const unitOf = new Map<string, string>();
  const units = new Map<string, PlannedUnit>();
  /** Direct dependencies between units. */
  const edges = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const unit = stack.pop()!;
      if (unit === to) return true;
      if (seen.has(unit)) continue;
      seen.add(unit);
      for (const next of edges.get(unit) ?? []) stack.push(next);
    }
    return false;
  };
  for (const key of order) {
    if (targets.get(key)?.isEmpty() !== false) continue;
    const node = graph.get(key)!;
    const policy = policyOf(request, node);
    const location = inputs.locationOf?.(key) ?? null;
    const deps = node.deps.filter((d) => d !== key && unitOf.has(d));
    const depUnits = new Set(deps.map((d) => unitOf.get(d)!));
    let chosen: string | null = null;
    for (const dep of deps) {
      const candidate = units.get(unitOf.get(dep)!)!;
      const upstream = graph.get(dep)!;
      if (!readsSamePartition(mappingOn(node, upstream), node, upstream)) continue;
      if (canonical(candidate.policy) !== canonical(policy) || candidate.location !== location) continue;
      // Joining must not make the unit wait on a unit that waits on it.
      if ([...depUnits].some((other) => other !== candidate.id && reaches(other, candidate.id))) continue;
      chosen = candidate.id;
      break;
    }
    if (chosen === null) {
      chosen = key;
      units.set(key, { id: key, assetKeys: [], partitions: node.partitions ?? null, policy, location });
      edges.set(key, new Set());
    }
    units.get(chosen)!.assetKeys.push(key);
    unitOf.set(key, chosen);
    for (const other of depUnits) if (other !== chosen) edges.get(chosen)!.add(other);
  }
  return { unitOf, units: [...units.values()] };
}

/**
 * Plans a validated request against the graph as it is now.
 * @throws BackfillPlanningError naming the field the workspace no longer agrees with (an unknown
 *   selection, keys that are no partition of any selected asset now, a dependency between
 *   different partitions with no mapping, a `failed` set without its previous backfill).
 * @example
 * const plan = planBackfill(request, graph, { now: Date.now(), materialized: { "atlas/met/daily": "0-99" } });
 * const progress = initialProgress(plan);
 * const chunks = nextLaunchableChunks(plan, progress, 10);
 */
export function planBackfill(request: BackfillRequest, graph: AssetGraph, inputs: BackfillPlanInputs): BackfillPlan {
  let selected: Set<string>;
  try {
    selected = resolveSelection(graph, request.selection);
  } catch (error) {
    if (error instanceof InvalidSelectionError) throw new BackfillPlanningError("selection", error.message, { cause: error });
    throw error;
  }
  const order = dependencyOrder(graph, selected);
  const dynamicUniverses = new Map<string, IndexRanges>();
  const dynamicUniverse = (name: string): IndexRanges => {
    let universe = dynamicUniverses.get(name);
    if (universe === undefined) {
      universe = toRanges(inputs.dynamicPartitions?.[name]);
      dynamicUniverses.set(name, universe);
    }
    return universe;
  };
  const spaces = new Map(order.map((key) => [key, assetSpace(graph.get(key)!.partitions, inputs.now, dynamicUniverse)] as const));
  const targets = targetsOf(request, graph, order, spaces, inputs);
  const { unitOf, units } = groupUnits(request, graph, order, targets, inputs);

  const assets: PlannedAsset[] = [];
  let totalTargets = 0;
  for (const key of order) {
    const own = targets.get(key);
    if (own === undefined || own.isEmpty()) continue;
    const node = graph.get(key)!;
    const unit = unitOf.get(key)!;
    const upstream: PlannedEdge[] = [];
    for (const dep of new Set(node.deps)) {
      if (!unitOf.has(dep)) continue;
      const mapping = mappingOn(node, graph.get(dep)!);
      if (dep === key && mapping.kind === "identity") throw new BackfillPlanningError("selection", `${key} depends on itself with an identity mapping (it would wait for itself); a self-dependency needs a mapping to earlier partitions, e.g. the previous one`);
      const sameUnit = unitOf.get(dep) === unit;
      // Partition k reading partition k inside a unit: the same run computes both, in dependency order.
      if (sameUnit && dep !== key && readsSamePartition(mapping, node, graph.get(dep)!)) continue;
      upstream.push({ assetKey: dep, mapping, ordered: sameUnit });
    }
    assets.push({ assetKey: key, partitions: node.partitions ?? null, targets: own.encode(), unit, upstream });
    totalTargets += own.size;
  }
  const dynamicPartitions: Record<string, string> = {};
  for (const [name, universe] of dynamicUniverses) dynamicPartitions[name] = universe.encode();
  return { version: 1, plannedAt: inputs.now, partitionSet: request.partitions.kind, totalTargets, assets, units, dynamicPartitions };
}

/**
 * Whether a stored value is a plan this package can read (a record written by a newer version is refused).
 * @example
 * if (!isBackfillPlan(record.plan)) throw new Error("unknown plan format");
 */
export function isBackfillPlan(value: unknown): value is BackfillPlan {
  if (typeof value !== "object" || value === null) return false;
  const plan = value as Record<string, unknown>;
  return plan.version === 1 && Array.isArray(plan.assets) && Array.isArray(plan.units) && typeof plan.plannedAt === "number";
}
