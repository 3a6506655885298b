/**
 * Staleness per partition (docs/staleness.md, decision 0022): which materialized partitions of
 * ONE partitioned asset are unsynced, and why — what "Materialize unsynced" backfills. Pure: it
 * reads the asset index as the caller passes it (the asset's latest materialization per
 * partition, its partitioned dependencies' too, the others' latest), never the event log, and
 * maps partitions through the declared partition mappings (else the default) with the
 * position math of @flyt/partitions. Linear in partitions plus mapped ranges: each upstream's
 * materialized partitions are summarised once in a segment tree, so a partition reading a month
 * of days (or every partition, mapping "all") costs a few lookups, not one per day.
 */
import type { AssetGraph, AssetNodeSnapshot, PartitionMappingSnapshot, StalenessCause } from "@flyt/core";
import { rangeOf, rangesFromIndices, upstreamRangesFor, type IndexRanges } from "@flyt/partitions";
import { mappingOn, SpaceCache, type AssetSpace, type DynamicPartitionsInput } from "./space.js";
import type { LatestMaterialization } from "./staleness.js";

/** Causes kept per partition by default (the rest are counted in `moreCauses`). */
export const DEFAULT_MAX_CAUSES_PER_PARTITION = 5;

export interface PartitionStalenessInput {
  /** The loaded graph: the asset's code version, dependencies, partitions and mappings, and its dependencies'. */
  graph: AssetGraph;
  /** A partitioned asset of `graph`. */
  assetKey: string;
  /** Its latest materialization per partition (storage's `getPartitionMaterializations(assetKey)`). */
  partitions: Iterable<LatestMaterialization>;
  /**
   * The latest materialization per asset (storage's `getLatestMaterializations()`, or a map of it by
   * asset key, used as it is): the current data version of each unpartitioned dependency, and of a
   * dependency the graph does not define.
   */
  latest: ReadonlyMap<string, LatestMaterialization> | Iterable<LatestMaterialization>;
  /**
   * Per partitioned dependency, its latest materialization per partition
   * (`getPartitionMaterializations(dep)`). A dependency left out counts as having none.
   */
  upstreamPartitions: ReadonlyMap<string, Iterable<LatestMaterialization>>;
  /** Epoch ms: time-window partitions are the complete windows at this instant. */
  now: number;
  /** Live keys of the dynamic partitions definitions the asset or its dependencies use. */
  dynamicPartitions?: ReadonlyMap<string, DynamicPartitionsInput>;
  /** Spaces already built for `now` (the evaluator's); built here otherwise. */
  spaces?: SpaceCache;
  /** Causes kept per partition (default DEFAULT_MAX_CAUSES_PER_PARTITION, at least 1). */
  maxCausesPerPartition?: number;
}

/** One unsynced partition. */
export interface UnsyncedPartition {
  key: string;
  /** Its position in the asset's partitions at `now`. */
  position: number;
  /** Why, in the order syncStatus lists them: code version, each upstream in dependency order, dependencies changed. */
  causes: StalenessCause[];
  /** Causes past the cap, left out of `causes`. */
  moreCauses: number;
}

export interface PartitionSyncStatus {
  assetKey: string;
  /** Materialized partitions compared: those that are partitions at `now`. */
  materializedCount: number;
  unsyncedCount: number;
  /** Materialized keys that are no partition at `now` (a static key removed, a dynamic key deleted): not compared. */
  notPartitionsCount: number;
  /** The unsynced partitions as positions of the asset's partitions at `now`. */
  unsyncedRanges: IndexRanges;
  /** `unsyncedRanges.encode()`: "0-24,30-31". */
  encodedRanges: string;
  /** Every unsynced partition, oldest (lowest position) first. */
  unsynced: UnsyncedPartition[];
}

/**
 * The materialized partitions of `assetKey` that are unsynced, and why. A partition is unsynced when:
 * - the asset's code version differs from its latest materialization's (`code_version_changed`);
 * - an unpartitioned dependency's current data version differs from the one recorded in its
 *   `inputDataVersions` (`upstream_data_version_changed`, from recorded to current);
 * - a partitioned dependency has, among the partitions this partition reads (through the declared
 *   partition mapping, else the default; a mapping that does not fit reads every partition), one
 *   materialized after it whose data version differs from the one recorded
 *   (`upstream_data_version_changed`, to: the newest such partition's data version);
 * - dependencies were added or removed since (`dependencies_changed`).
 * The last three only when the partition's inputs are known (`inputDataVersions` not null), as in
 * syncStatus. Storage records one input data version per dependency — its latest materialization
 * of any partition when this one was stored, not each partition read — hence the "materialized
 * after" test: an upstream partition re-materialized later with other data is a change; one
 * materialized earlier was read as it is (docs/staleness.md, "Per partition"). A self-dependency is
 * ignored; `upstream_unsynced` is not propagated partition by partition.
 * @throws RangeError when `assetKey` is not a partitioned asset of `graph`
 * @example
 * const status = partitionSyncStatus({
 *   graph, assetKey: "atlas/met/daily", now: Date.now(),
 *   partitions: await storage.getPartitionMaterializations("atlas/met/daily"),
 *   latest: await storage.getLatestMaterializations(),
 *   upstreamPartitions: new Map([["atlas/met/raw", await storage.getPartitionMaterializations("atlas/met/raw")]]),
 * });
 * status.encodedRanges; // "12-40,366"
 */
export function partitionSyncStatus(input: PartitionStalenessInput): PartitionSyncStatus {
  const { graph, assetKey } = input;
  const node = graph.get(assetKey);
  if (node === undefined || node.partitions === null || node.partitions === undefined) {
    throw new RangeError(`partitionSyncStatus: ${JSON.stringify(assetKey)} is not a partitioned asset of the graph (use syncStatus for unpartitioned ones)`);
  }
  const maxCauses = Math.max(1, Math.floor(input.maxCausesPerPartition ?? DEFAULT_MAX_CAUSES_PER_PARTITION));
  const spaces = input.spaces ?? new SpaceCache(input.now, input.dynamicPartitions ?? new Map());
  const space = spaces.of(node.partitions);

  // The newest materialization per partition, by position.
  const byPosition = new Map<number, LatestMaterialization>();
  let notPartitionsCount = 0;
  for (const entry of newestPerPartition(input.partitions).values()) {
    const position = space.positionOf(entry.partition ?? "");
    if (position < 0) notPartitionsCount++;
    else byPosition.set(position, entry);
  }
  const positions = [...byPosition.keys()].sort((a, b) => a - b);
  const rows = positions.map((position) => byPosition.get(position)!);
  const causes: Array<StalenessCause[] | undefined> = new Array(rows.length);
  const add = (i: number, cause: StalenessCause): void => {
    (causes[i] ??= []).push(cause);
  };

  const to = node.codeVersion ?? null;
  rows.forEach((row, i) => {
    const from = row.codeVersion ?? null;
    if (from !== to) add(i, { kind: "code_version_changed", from, to });
  });

  const deps = graph.upstreamOf(assetKey).filter((dep) => dep !== assetKey);
  const latest = input.latest instanceof Map ? (input.latest as ReadonlyMap<string, LatestMaterialization>) : newestPerAsset(input.latest as Iterable<LatestMaterialization>);
  for (const dep of deps) {
    const depNode = graph.get(dep);
    if (depNode === undefined || depNode.partitions === null || depNode.partitions === undefined) {
      // Unpartitioned (or not loaded): its current data version is its latest materialization's.
      const current = latest.get(dep)?.dataVersion ?? null;
      rows.forEach((row, i) => {
        const inputs = row.inputDataVersions;
        if (inputs === null || inputs === undefined || !Object.hasOwn(inputs, dep)) return;
        const recorded = inputs[dep] ?? null;
        if (recorded !== current) add(i, { kind: "upstream_data_version_changed", upstream: dep, from: recorded, to: current });
      });
      continue;
    }
    const upSpace = spaces.of(depNode.partitions);
    const upstream = UpstreamSummary.of(input.upstreamPartitions.get(dep) ?? [], upSpace);
    if (upstream.isEmpty()) continue;
    const read = readRanges(node, depNode, space, upSpace);
    rows.forEach((row, i) => {
      const inputs = row.inputDataVersions;
      if (inputs === null || inputs === undefined || !Object.hasOwn(inputs, dep)) return;
      const recorded = inputs[dep] ?? null;
      const changed = upstream.newestDifferentAfter(read(positions[i]!), row.timestamp, recorded);
      if (changed !== undefined) add(i, { kind: "upstream_data_version_changed", upstream: dep, from: recorded, to: changed });
    });
  }

  const depSet = new Set(deps);
  rows.forEach((row, i) => {
    const inputs = row.inputDataVersions;
    if (inputs === null || inputs === undefined) return;
    const added = deps.filter((dep) => !Object.hasOwn(inputs, dep));
    const removed = Object.keys(inputs).filter((dep) => dep !== assetKey && !depSet.has(dep));
    if (added.length > 0 || removed.length > 0) add(i, { kind: "dependencies_changed", added, removed: removed.sort() });
  });

  const unsynced: UnsyncedPartition[] = [];
  rows.forEach((row, i) => {
    const list = causes[i];
    if (list === undefined) return;
    unsynced.push({ key: row.partition!, position: positions[i]!, causes: list.slice(0, maxCauses), moreCauses: Math.max(0, list.length - maxCauses) });
  });
  const unsyncedRanges = rangesFromIndices(unsynced.map((p) => p.position));
  return {
    assetKey,
    materializedCount: rows.length,
    unsyncedCount: unsynced.length,
    notPartitionsCount,
    unsyncedRanges,
    encodedRanges: unsyncedRanges.encode(),
    unsynced,
  };
}

function newestPerPartition(entries: Iterable<LatestMaterialization>): Map<string, LatestMaterialization> {
  const out = new Map<string, LatestMaterialization>();
  for (const entry of entries) {
    if (entry.partition === null) continue;
    const seen = out.get(entry.partition);
    if (seen === undefined || entry.timestamp > seen.timestamp) out.set(entry.partition, entry);
  }
  return out;
}

function newestPerAsset(entries: Iterable<LatestMaterialization>): Map<string, LatestMaterialization> {
  const out = new Map<string, LatestMaterialization>();
  for (const entry of entries) {
    const seen = out.get(entry.assetKey);
    if (seen === undefined || entry.timestamp > seen.timestamp) out.set(entry.assetKey, entry);
  }
  return out;
}

/**
 * The upstream positions (of `up`) a downstream position (of `down`) reads: through the mapping
 * on the edge; every position when the mapping is "all", does not fit the pair, or cannot map it
 * (counted as changed rather than missed).
 */
function readRanges(node: AssetNodeSnapshot, dep: AssetNodeSnapshot, down: AssetSpace, up: AssetSpace): (position: number) => IndexRanges {
  const found = mappingOn(node, dep);
  const everything = (): IndexRanges => up.universe;
  if ("problem" in found || found.kind === "all") return everything;
  const mapping: PartitionMappingSnapshot = found;
  if (mapping.kind === "identity" && down.id === up.id) return (position) => rangeOf(position, position + 1);
  return (position) => {
    try {
      return upstreamRangesFor(mapping, up.mapping, down.mapping, rangeOf(position, position + 1));
    } catch {
      return everything();
    }
  };
}

/**
 * An upstream's materialized partitions, summarised for "the newest one in these ranges,
 * materialized after t, whose data version is not v": a segment tree over the materialized
 * positions (sorted) where each node keeps its newest materialization (time, data version) and
 * the newest one with another data version. Two such summaries merge exactly (the summary of the
 * union), so a query over any ranges costs O(intervals × log partitions).
 */
class UpstreamSummary {
  private static readonly NONE = -1;
  /** Interned data versions: index 0 is null. */
  private readonly versions: Array<string | null> = [null];

  private constructor(
    /** Materialized positions, ascending. */
    private readonly positions: number[],
    private readonly size: number,
    private readonly t1: Float64Array,
    private readonly v1: Int32Array,
    private readonly t2: Float64Array,
    private readonly v2: Int32Array,
    private readonly idOf: Map<string | null, number>,
  ) {}

  static of(entries: Iterable<LatestMaterialization>, space: AssetSpace): UpstreamSummary {
    const byPosition = new Map<number, LatestMaterialization>();
    for (const entry of newestPerPartition(entries).values()) {
      const position = space.positionOf(entry.partition ?? "");
      if (position >= 0) byPosition.set(position, entry);
    }
    const positions = [...byPosition.keys()].sort((a, b) => a - b);
    const n = positions.length;
    const t1 = new Float64Array(2 * n).fill(Number.NEGATIVE_INFINITY);
    const t2 = new Float64Array(2 * n).fill(Number.NEGATIVE_INFINITY);
    const v1 = new Int32Array(2 * n).fill(UpstreamSummary.NONE);
    const v2 = new Int32Array(2 * n).fill(UpstreamSummary.NONE);
    const idOf = new Map<string | null, number>([[null, 0]]);
    const summary = new UpstreamSummary(positions, n, t1, v1, t2, v2, idOf);
    positions.forEach((position, i) => {
      const entry = byPosition.get(position)!;
      t1[n + i] = entry.timestamp;
      v1[n + i] = summary.intern(entry.dataVersion ?? null);
    });
    const acc = new Accumulator();
    for (let i = n - 1; i >= 1; i--) {
      acc.reset();
      acc.merge(t1[2 * i]!, v1[2 * i]!, t2[2 * i]!, v2[2 * i]!);
      acc.merge(t1[2 * i + 1]!, v1[2 * i + 1]!, t2[2 * i + 1]!, v2[2 * i + 1]!);
      t1[i] = acc.t1;
      v1[i] = acc.v1;
      t2[i] = acc.t2;
      v2[i] = acc.v2;
    }
    return summary;
  }

  private intern(version: string | null): number {
    let id = this.idOf.get(version);
    if (id === undefined) {
      id = this.versions.length;
      this.versions.push(version);
      this.idOf.set(version, id);
    }
    return id;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  /**
   * The data version of the newest materialized partition among `ranges` stored after `after`
   * whose data version is not `recorded`; undefined when there is none.
   */
  newestDifferentAfter(ranges: IndexRanges, after: number, recorded: string | null): string | null | undefined {
    const acc = new Accumulator();
    for (const [start, end] of ranges.intervals) this.query(lowerBound(this.positions, start), lowerBound(this.positions, end), acc);
    if (!(acc.t1 > after)) return undefined;
    // A version never seen upstream differs from every one there.
    const recordedId = this.idOf.get(recorded) ?? -2;
    if (acc.v1 !== recordedId) return this.versions[acc.v1]!;
    return acc.t2 > after ? this.versions[acc.v2]! : undefined;
  }

  /** Merges the leaves [from, to) into `acc` (iterative segment tree; the merge is commutative). */
  private query(from: number, to: number, acc: Accumulator): void {
    let l = from + this.size;
    let r = to + this.size;
    while (l < r) {
      if (l & 1) {
        acc.merge(this.t1[l]!, this.v1[l]!, this.t2[l]!, this.v2[l]!);
        l++;
      }
      if (r & 1) {
        r--;
        acc.merge(this.t1[r]!, this.v1[r]!, this.t2[r]!, this.v2[r]!);
      }
      l >>= 1;
      r >>= 1;
    }
  }
}

/** The summary of a set: its newest (t1, v1), and the newest whose version is not v1 (t2, v2). */
class Accumulator {
  t1 = Number.NEGATIVE_INFINITY;
  v1 = -1;
  t2 = Number.NEGATIVE_INFINITY;
  v2 = -1;

  reset(): void {
    this.t1 = this.t2 = Number.NEGATIVE_INFINITY;
    this.v1 = this.v2 = -1;
  }

  /** Folds in another set's summary: the result summarises the union. */
  merge(t1: number, v1: number, t2: number, v2: number): void {
    if (t1 === Number.NEGATIVE_INFINITY) return;
    if (t1 > this.t1) {
      // Its newest is the union's; the newest with another version is the better of ours (when
      // our newest has another version, it; else our second) and its second.
      const ownT = this.v1 !== v1 ? this.t1 : this.t2;
      const ownV = this.v1 !== v1 ? this.v1 : this.v2;
      if (ownT > t2) {
        this.t2 = ownT;
        this.v2 = ownV;
      } else {
        this.t2 = t2;
        this.v2 = v2;
      }
      this.t1 = t1;
      this.v1 = v1;
      return;
    }
    const otherT = v1 !== this.v1 ? t1 : t2;
    const otherV = v1 !== this.v1 ? v1 : v2;
    if (otherT > this.t2) {
      this.t2 = otherT;
      this.v2 = otherV;
    }
  }
}

/** The first index of `sorted` whose value is ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
