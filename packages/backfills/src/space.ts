/**
 * Where an asset's partitions live as positions: the key space of static and time-window
 * partitions (computed by @flyt/partitions, never listed), the positions a dynamic definition has
 * in storage, and the single position 0 of an unpartitioned asset. Key spaces are cached per
 * definition and instant: validation and planning ask for the same few many times.
 */
import type { PartitionsSnapshot } from "@flyt/core";
import { partitionKeySpace, rangeOf, type IndexRanges, type MappingSpace, type PartitionKeySpace } from "@flyt/partitions";

const cache = new Map<string, PartitionKeySpace>();
const CACHE_LIMIT = 256;

function instant(now: number | Date): number {
  return typeof now === "number" ? now : now.getTime();
}

/**
 * The key space of static or time-window partitions at `now` (time windows: those complete then).
 * @throws TypeError for dynamic partitions, whose keys live in storage.
 */
export function keySpaceOf(snapshot: PartitionsSnapshot, now: number | Date): PartitionKeySpace {
  if (snapshot.kind === "dynamic") throw new TypeError(`dynamic partitions ${JSON.stringify(snapshot.name)} have no key space: their keys live in storage`);
  // Static keys do not depend on time; time windows only on the hour (none completes mid-hour… but
  // hourly ones do at the hour), so the exact instant is part of the key.
  const key = snapshot.kind === "static" ? JSON.stringify(snapshot) : `${JSON.stringify(snapshot)}@${instant(now)}`;
  let space = cache.get(key);
  if (space === undefined) {
    space = partitionKeySpace(snapshot, new Date(instant(now)));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, space);
  }
  return space;
}

/** An asset's partitions as the planner sees them: the positions that exist now. */
export interface AssetSpace {
  partitions: PartitionsSnapshot | null;
  /** Existing positions: [0, count) for static and time windows, storage's for dynamic, {0} unpartitioned. */
  universe: IndexRanges;
  /** Key space for static and time windows; null for dynamic and unpartitioned. */
  keys: PartitionKeySpace | null;
  /** What the position mappings of @flyt/partitions take for this asset. */
  mapping: MappingSpace;
}

/**
 * The space of one asset's partitions.
 * @param dynamicUniverse the positions a dynamic definition's keys hold in storage (absent: none).
 */
export function assetSpace(partitions: PartitionsSnapshot | null | undefined, now: number, dynamicUniverse: (name: string) => IndexRanges): AssetSpace {
  if (partitions === null || partitions === undefined) return { partitions: null, universe: rangeOf(0, 1), keys: null, mapping: null };
  if (partitions.kind === "dynamic") {
    const universe = dynamicUniverse(partitions.name);
    const count = universe.isEmpty() ? 0 : universe.intervals[universe.intervals.length - 1]![1];
    return { partitions, universe, keys: null, mapping: { kind: "dynamic", name: partitions.name, count } };
  }
  const keys = keySpaceOf(partitions, now);
  return { partitions, universe: rangeOf(0, keys.count), keys, mapping: keys };
}

/** Two definitions are the same partitions when their snapshots are equal field by field. */
export function samePartitions(a: PartitionsSnapshot | null, b: PartitionsSnapshot | null): boolean {
  if (a === null || b === null) return a === b;
  return canonical(a) === canonical(b);
}

/** JSON with sorted object keys, so equal snapshots compare equal whatever their field order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  });
}
