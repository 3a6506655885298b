/**
 * Where an asset's partitions live as positions during one evaluation: the key space of static
 * and time-window partitions at `now` (computed by @flyt/partitions, never listed), the live
 * positions of a dynamic definition (from storage), the single position 0 of an unpartitioned
 * asset; and the position mappings between a dependency and its downstream asset (the declared
 * mapping, else the default). Key spaces and key lookups are cached: thousands of assets share a
 * few definitions, and explanations name the same few keys many times.
 */
import { createHash } from "node:crypto";
import type { AssetNodeSnapshot, PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";
import {
  defaultPartitionMapping,
  downstreamRangesFor,
  emptyRanges,
  partitionKeySpace,
  rangeOf,
  rangesFromIndices,
  type IndexRanges,
  type MappingSpace,
  type PartitionKeySpace,
} from "@flyt/partitions";

/** The keys of one dynamic partitions definition with their storage positions. */
export interface DynamicPartitionsInput {
  /** Live keys (deleted ones left out) with their stable positions. */
  keys: ReadonlyArray<{ key: string; index: number }>;
}

/** An asset's partitions as one evaluation sees them. */
export interface AssetSpace {
  partitions: PartitionsSnapshot | null;
  /** The candidate positions: [0, count) for static and time windows at `now`, the live ones for dynamic, {0} unpartitioned. */
  universe: IndexRanges;
  /** Time-window partitions only: their key space. */
  windows: PartitionKeySpace | null;
  mapping: MappingSpace;
  /** Canonical JSON of `partitions` ("null"): two assets with the same one share positions. */
  id: string;
  /** A short hash of `id` (for fingerprints). */
  hash: string;
  /** The key at a position (null for an unpartitioned asset or an unknown dynamic position). */
  keyAt(position: number): string | null;
  /** The position of a key, or -1. */
  positionOf(key: string): number;
}

/** JSON with sorted object keys, so equal snapshots compare equal whatever their field order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  });
}

function shortHash(text: string): string {
  return createHash("sha1").update(text).digest("base64url").slice(0, 8);
}

const UNPARTITIONED: AssetSpace = Object.freeze({
  partitions: null,
  universe: rangeOf(0, 1),
  windows: null,
  mapping: null,
  id: "null",
  hash: "-",
  keyAt: () => null,
  positionOf: () => -1,
});

/** Spaces for one evaluation (one instant): built once per distinct definition. */
export class SpaceCache {
  private readonly spaces = new Map<string, AssetSpace>();
  /** By snapshot object first: canonical JSON of each lookup would cost more than the rest. */
  private readonly byObject = new WeakMap<object, AssetSpace>();

  constructor(
    private readonly now: number,
    private readonly dynamic: ReadonlyMap<string, DynamicPartitionsInput>,
  ) {}

  of(partitions: PartitionsSnapshot | null | undefined): AssetSpace {
    if (partitions === null || partitions === undefined) return UNPARTITIONED;
    const known = this.byObject.get(partitions);
    if (known !== undefined) return known;
    const id = canonicalJson(partitions);
    let space = this.spaces.get(id);
    if (space === undefined) {
      space = partitions.kind === "dynamic" ? this.dynamicSpace(partitions, id) : this.keyedSpace(partitions, id);
      this.spaces.set(id, space);
    }
    this.byObject.set(partitions, space);
    return space;
  }

  private keyedSpace(partitions: PartitionsSnapshot, id: string): AssetSpace {
    const keys = partitionKeySpace(partitions, new Date(this.now));
    const memo = new Map<number, string>();
    return {
      partitions,
      universe: rangeOf(0, keys.count),
      windows: partitions.kind === "time-window" ? keys : null,
      mapping: keys,
      id,
      hash: shortHash(id),
      keyAt(position) {
        if (position < 0 || position >= keys.count) return null;
        let key = memo.get(position);
        if (key === undefined) {
          key = keys.keyAt(position);
          if (memo.size < 10_000) memo.set(position, key);
        }
        return key;
      },
      positionOf: (key) => keys.indexOf(key),
    };
  }

  private dynamicSpace(partitions: Extract<PartitionsSnapshot, { kind: "dynamic" }>, id: string): AssetSpace {
    const list = this.dynamic.get(partitions.name)?.keys ?? [];
    const byKey = new Map<string, number>();
    const byPosition = new Map<number, string>();
    for (const { key, index } of list) {
      byKey.set(key, index);
      byPosition.set(index, key);
    }
    const universe = rangesFromIndices(byPosition.keys());
    const count = universe.isEmpty() ? 0 : universe.intervals[universe.intervals.length - 1]![1];
    return {
      partitions,
      universe,
      windows: null,
      mapping: { kind: "dynamic", name: partitions.name, count },
      id,
      hash: shortHash(id),
      keyAt: (position) => byPosition.get(position) ?? null,
      positionOf: (key) => byKey.get(key) ?? -1,
    };
  }
}

/**
 * The mapping on `node`'s dependency `dep`: the one declared, else the default for the two
 * definitions, or the problem when they have none (the workspace refuses such a graph at load;
 * an asset of another location may still arrive here).
 */
export function mappingOn(node: AssetNodeSnapshot, dep: AssetNodeSnapshot): PartitionMappingSnapshot | { problem: string } {
  const declared = node.partitionMappings?.[dep.key];
  if (declared !== undefined) return declared;
  return defaultPartitionMapping(dep.partitions ?? null, node.partitions ?? null);
}

/**
 * Downstream positions (of `down`) that read any of the upstream positions `positions` (of
 * `up`) through `mapping`, within the downstream's candidates. An unpartitioned side reads, and
 * is read by, every position of the other.
 */
export function downstreamOf(mapping: PartitionMappingSnapshot, down: AssetSpace, up: AssetSpace, positions: IndexRanges): IndexRanges {
  if (positions.isEmpty()) return emptyRanges();
  if (down.partitions === null || up.partitions === null || mapping.kind === "all") return down.universe;
  if (mapping.kind === "identity" && down.id === up.id) return positions.intersect(down.universe);
  return downstreamRangesFor(mapping, up.mapping, down.mapping, positions).intersect(down.universe);
}
