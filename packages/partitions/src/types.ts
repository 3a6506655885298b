/**
 * The shapes of partitions: a partitions definition (static keys, time windows or dynamic keys),
 * the cadences of time windows, the window a key names, keys by position (key spaces), sets of
 * positions (index ranges) and partition mappings. The SDK re-exports them as part of its API.
 */
import type { PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";

export interface TimeWindow {
  /** Inclusive start. */
  start: Date;
  /** Exclusive end. */
  end: Date;
}

export type TimeWindowCadence = "hourly" | "daily" | "monthly" | "yearly";

/** A partitions definition: static keys, time windows, or dynamic keys (kept in storage). */
export interface PartitionsDefinition {
  readonly kind: "static" | "time-window" | "dynamic";
  /**
   * All partition keys that exist at `now` (time windows: complete windows only), oldest first.
   * For small uses: it lists (at most MAX_LISTED_PARTITION_KEYS keys); page with `keySpace`.
   * @throws Error for dynamic partitions (their keys live in storage).
   */
  keys(now?: Date): string[];
  /** Whether `key` is a valid partition at `now` (dynamic partitions: whether it is a valid key). */
  has(key: string, now?: Date): boolean;
  /** The time window of a key (null for static and dynamic partitions). @throws InvalidPartitionError for a bad key. */
  timeWindow(key: string): TimeWindow | null;
  snapshot(): PartitionsSnapshot;
  /** Keys by position at `now`, without listing them (static and time windows; absent for dynamic). */
  keySpace?(now?: Date): PartitionKeySpace;
}

/**
 * Partition keys by position, without listing them: how the platform pages, counts and plans over
 * a million partitions. Index 0 is the oldest (time windows) or first listed (static) key.
 * Dynamic partitions have no key space here: their keys and positions live in storage.
 */
export interface PartitionKeySpace {
  /** How many partitions exist (time windows: complete at `now` given when the space was made). */
  readonly count: number;
  /** The key at `index` (0 ≤ index < count). @throws RangeError outside. */
  keyAt(index: number): string;
  /** The position of `key`, or -1 when it is not a partition of this space. */
  indexOf(key: string): number;
  /** Keys at positions [from, to), at most `to - from` of them. */
  keysBetween(from: number, to: number): string[];
  /** Time windows only: the window of the partition at `index`; null for static keys. */
  windowAt(index: number): TimeWindow | null;
  /**
   * Time windows only: the position of the partition containing instant `ms` (may be < 0 or ≥ count
   * when `ms` is before the first or after the last window); null for static keys.
   */
  indexAtTime(ms: number): number | null;
}

/**
 * A set of non-negative integers stored as sorted, disjoint, non-adjacent half-open intervals
 * [start, end): how partition sets over a million keys stay small (one interval for "all").
 * Immutable: every operation returns a new set.
 */
export interface IndexRanges {
  readonly intervals: ReadonlyArray<readonly [number, number]>;
  /** How many integers the set holds. */
  readonly size: number;
  has(index: number): boolean;
  union(other: IndexRanges): IndexRanges;
  intersect(other: IndexRanges): IndexRanges;
  subtract(other: IndexRanges): IndexRanges;
  /** The first `limit` intervals (for "the first N missing ranges"). */
  firstIntervals(limit: number): Array<readonly [number, number]>;
  /** Ascending, lazily. */
  indices(): IterableIterator<number>;
  isEmpty(): boolean;
  /** "0-24,30-31" (inclusive ends, compact); "" for the empty set. Round-trips with `decodeRanges`. */
  encode(): string;
}

/**
 * The positions of dynamic partitions, for mapping positions between assets: positions are given
 * out by storage in the order keys are added and never reused, so `count` is one past the highest
 * position given so far; a deleted key leaves a hole that the caller removes (by intersecting with
 * the live positions it reads from storage).
 */
export interface DynamicPartitionsSpace {
  readonly kind: "dynamic";
  /** The dynamic partitions definition's name. */
  readonly name: string;
  /** One past the highest position given so far. */
  readonly count: number;
}

/**
 * The partitions of one asset as the position mappings see them: a key space (static, time
 * windows), the positions of a dynamic set, or null for an unpartitioned asset (one target, at
 * position 0).
 */
export type MappingSpace = PartitionKeySpace | DynamicPartitionsSpace | null;

/**
 * How a downstream asset's partitions read an upstream dependency's partitions, as declared in
 * the SDK (`partitionMappings: { "<dep key>": mapping }` on the asset). Resolved once per load into plain data.
 */
export interface PartitionMapping {
  readonly kind: PartitionMappingSnapshot["kind"];
  /**
   * The plain mapping between these two assets' partitions (null: unpartitioned), or the problem
   * that makes it invalid for them (a time-window mapping between static partitions, a static map
   * naming keys that do not exist, …). `upstream` undefined: not known here (an asset of another
   * code location), so only this asset's side is checked.
   */
  resolve(
    upstream: PartitionsSnapshot | PartitionsDefinition | null | undefined,
    downstream: PartitionsSnapshot | PartitionsDefinition | null,
  ): PartitionMappingSnapshot | { problem: string };
}
