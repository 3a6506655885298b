/**
 * Partitions by position, for the API: which positions of an asset's partitions exist now, the
 * keys at a few positions, and the asset's status sets — all without listing keys, so a page of
 * an hourly asset since 1910 (a million partitions) costs a few arithmetic key computations and
 * one status read. Static and time-window partitions are positions in their key space
 * (`partitionKeySpace` of @flyt/partitions); dynamic partitions' positions live in storage (a
 * deleted key leaves a hole that is never reused).
 */
import { InvalidInputError, type PartitionsSnapshot } from "@flyt/core";
import { decodeRanges, partitionKeySpace, rangeOf, type IndexRanges } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";

/** The partitions of one definition as positions. */
export interface PartitionPositions {
  /** Every position that is a partition now. */
  readonly live: IndexRanges;
  /** The keys at these positions, by position (positions that are no partition, e.g. a dynamic key deleted meanwhile, are absent). */
  keysAt(positions: readonly number[]): Promise<Map<number, string>>;
  /** The position of `key`, or -1 when it is not a partition now. */
  indexOf(key: string): Promise<number>;
}

/** The positions of `partitions` at `now` (time windows: the complete ones). */
export async function positionsOf(storage: Storage, partitions: PartitionsSnapshot, now: number): Promise<PartitionPositions> {
  if (partitions.kind === "dynamic") {
    const { name } = partitions;
    const index = await storage.getDynamicPartitionsIndex(name);
    return {
      live: decodeRanges(index.indices),
      async keysAt(positions) {
        if (positions.length === 0) return new Map();
        return new Map((await storage.getDynamicPartitionsAt(name, [...new Set(positions)])).map((p) => [p.index, p.key]));
      },
      async indexOf(key) {
        const [entry] = await storage.getDynamicPartitions(name, [key]);
        return entry?.index ?? -1;
      },
    };
  }
  const space = partitionKeySpace(partitions, new Date(now));
  return {
    live: rangeOf(0, space.count),
    keysAt: async (positions) => new Map(positions.flatMap((position) => (position >= 0 && position < space.count ? [[position, space.keyAt(position)] as const] : []))),
    indexOf: async (key) => space.indexOf(key),
  };
}

/** Up to `limit` positions of `set`, ascending after `after` (or descending before it when `descending`). */
export function pagePositions(set: IndexRanges, after: number | null, limit: number, descending: boolean): number[] {
  const intervals = set.intervals;
  const out: number[] = [];
  if (!descending) {
    const from = after === null ? 0 : after + 1;
    // The first interval whose end lies past `from` (binary search: a million partitions may be a
    // few hundred thousand intervals when every other one failed).
    let lo = 0;
    let hi = intervals.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (intervals[mid]![1] <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < intervals.length && out.length < limit; i++) {
      const [start, end] = intervals[i]!;
      for (let p = Math.max(start, from); p < end && out.length < limit; p++) out.push(p);
    }
    return out;
  }
  const before = after === null ? Number.POSITIVE_INFINITY : after;
  // The last interval whose start lies before `before`.
  let lo = 0;
  let hi = intervals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (intervals[mid]![0] < before) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && out.length < limit; i--) {
    const [start, end] = intervals[i]!;
    for (let p = Math.min(end, before) - 1; p >= start && out.length < limit; p--) out.push(p);
  }
  return out;
}

const POSITION_CURSOR = /^pos:(0|[1-9][0-9]{0,15})$/;

/** An opaque cursor for a listing by position (partitions, backfill targets). */
export function encodePositionCursor(position: number): string {
  return Buffer.from(`pos:${position}`, "utf8").toString("base64url");
}

/** @throws InvalidInputError when the cursor was not issued by a listing by position. */
export function decodePositionCursor(cursor: string | null): number | null {
  if (cursor === null) return null;
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = POSITION_CURSOR.exec(decoded);
  if (match === null || !Number.isSafeInteger(Number(match[1]))) {
    throw new InvalidInputError("'after'", "not a valid cursor; pass the endCursor of a previous page of the same partitions listing unchanged");
  }
  return Number(match[1]);
}
