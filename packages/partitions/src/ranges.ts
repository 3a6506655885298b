/**
 * Sets of partition positions as sorted, disjoint, non-adjacent half-open intervals (IndexRanges):
 * every partition set the platform stores or passes — backfill targets, per-partition status,
 * "missing" — is one of these, so "all of a million partitions" is one interval, not a million
 * keys. Every operation walks the intervals once (linear in their number, never in the number
 * of positions), and the text form ("0-24,30-31", inclusive ends) is strict and canonical, so a
 * stored value either round-trips exactly or is refused with the bad part named.
 */
import type { IndexRanges } from "./types.js";

type Interval = readonly [number, number];

class Ranges implements IndexRanges {
  readonly intervals: ReadonlyArray<Interval>;
  readonly size: number;

  /** `intervals` must already be sorted, disjoint and non-adjacent (every constructor below makes them so). */
  constructor(intervals: Interval[]) {
    this.intervals = Object.freeze(intervals);
    let size = 0;
    for (const [start, end] of intervals) size += end - start;
    this.size = size;
  }

  has(index: number): boolean {
    let lo = 0;
    let hi = this.intervals.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.intervals[mid]![1] <= index) lo = mid + 1;
      else hi = mid;
    }
    const hit = this.intervals[lo];
    return hit !== undefined && hit[0] <= index && Number.isInteger(index);
  }

  union(other: IndexRanges): IndexRanges {
    const a = this.intervals;
    const b = other.intervals;
    const out: Array<[number, number]> = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const next = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!;
      const last = out[out.length - 1];
      if (last && next[0] <= last[1]) last[1] = Math.max(last[1], next[1]);
      else out.push([next[0], next[1]]);
    }
    return new Ranges(out);
  }

  intersect(other: IndexRanges): IndexRanges {
    const a = this.intervals;
    const b = other.intervals;
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const start = Math.max(a[i]![0], b[j]![0]);
      const end = Math.min(a[i]![1], b[j]![1]);
      if (start < end) out.push([start, end]);
      if (a[i]![1] < b[j]![1]) i++;
      else j++;
    }
    return new Ranges(out);
  }

  subtract(other: IndexRanges): IndexRanges {
    const b = other.intervals;
    const out: Interval[] = [];
    let j = 0;
    for (const [start, end] of this.intervals) {
      let from = start;
      while (j < b.length && b[j]![1] <= from) j++;
      let k = j;
      while (k < b.length && b[k]![0] < end) {
        if (b[k]![0] > from) out.push([from, b[k]![0]]);
        from = Math.max(from, b[k]![1]);
        if (from >= end) break;
        k++;
      }
      if (from < end) out.push([from, end]);
    }
    return new Ranges(out);
  }

  firstIntervals(limit: number): Array<readonly [number, number]> {
    return this.intervals.slice(0, Math.max(0, limit));
  }

  *indices(): IterableIterator<number> {
    for (const [start, end] of this.intervals) for (let i = start; i < end; i++) yield i;
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  encode(): string {
    return this.intervals.map(([start, end]) => (end - start === 1 ? String(start) : `${start}-${end - 1}`)).join(",");
  }

  toString(): string {
    return `IndexRanges(${this.encode() || "empty"})`;
  }

  toJSON(): string {
    return this.encode();
  }
}

const EMPTY = new Ranges([]);

function checkPosition(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

/**
 * The empty set of positions.
 * @example
 * emptyRanges().encode(); // ""
 */
export function emptyRanges(): IndexRanges {
  return EMPTY;
}

/**
 * Positions start, start + 1, …, end - 1 (half-open; empty when `end <= start`).
 * @example
 * rangeOf(0, 25).encode(); // "0-24"
 */
export function rangeOf(start: number, end: number): IndexRanges {
  checkPosition(start, "rangeOf: start");
  checkPosition(end, "rangeOf: end");
  return end > start ? new Ranges([[start, end]]) : EMPTY;
}

/**
 * The union of half-open intervals given in any order, overlapping or adjacent: they are
 * sorted and merged. Empty intervals ([5, 5)) are ignored.
 * @example
 * rangesOf([[30, 32], [0, 10], [10, 25]]).encode(); // "0-24,30-31"
 */
export function rangesOf(intervals: Iterable<readonly [number, number]>): IndexRanges {
  const list: Array<[number, number]> = [];
  let index = 0;
  let sorted = true;
  for (const interval of intervals) {
    if (!Array.isArray(interval) || interval.length !== 2) throw new RangeError(`rangesOf: interval ${index} must be a [start, end) pair`);
    const start = checkPosition(interval[0], `rangesOf: interval ${index} start`);
    const end = checkPosition(interval[1], `rangesOf: interval ${index} end`);
    if (end < start) throw new RangeError(`rangesOf: interval ${index} [${start}, ${end}) ends before it starts`);
    if (end > start) {
      const last = list[list.length - 1];
      if (last && start < last[0]) sorted = false;
      list.push([start, end]);
    }
    index++;
  }
  if (!sorted) list.sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const interval of list) {
    const last = out[out.length - 1];
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else out.push(interval);
  }
  return out.length === 0 ? EMPTY : new Ranges(out);
}

/**
 * The set of the given positions (any order, duplicates allowed).
 * @example
 * rangesFromIndices([3, 1, 2, 7]).encode(); // "1-3,7"
 */
export function rangesFromIndices(indices: Iterable<number>): IndexRanges {
  const all: number[] = [];
  let sorted = true;
  for (const value of indices) {
    const index = checkPosition(value, "rangesFromIndices: index");
    if (all.length > 0 && index < all[all.length - 1]!) sorted = false;
    all.push(index);
  }
  if (!sorted) all.sort((x, y) => x - y);
  const out: Array<[number, number]> = [];
  for (const index of all) {
    const last = out[out.length - 1];
    if (last && index <= last[1]) last[1] = Math.max(last[1], index + 1);
    else out.push([index, index + 1]);
  }
  return out.length === 0 ? EMPTY : new Ranges(out);
}

const PART = /^(0|[1-9][0-9]*)(?:-(0|[1-9][0-9]*))?$/;

/**
 * Reads the text form `encode()` writes: comma-separated positions ("7") and inclusive ranges
 * ("0-24"), ascending, disjoint and non-adjacent ("1-3,4" must be written "1-4"), no spaces or
 * leading zeros; "" is the empty set. Anything else throws, naming the part at fault.
 * @example
 * decodeRanges("0-24,30-31").size; // 27
 * decodeRanges("3-1"); // throws: part 1 "3-1" ends before it starts
 */
export function decodeRanges(text: string): IndexRanges {
  if (typeof text !== "string") throw new TypeError(`decodeRanges: expected a string like "0-24,30-31", got ${typeof text}`);
  if (text === "") return EMPTY;
  const out: Interval[] = [];
  const parts = text.split(",");
  let previousEnd = -2;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const shown = part.length > 40 ? `${part.slice(0, 40)}…` : part;
    const bad = (why: string): never => {
      throw new RangeError(`decodeRanges: part ${i + 1} ${JSON.stringify(shown)} ${why} (in ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)})`);
    };
    const match = PART.exec(part);
    if (!match) bad(part === "" ? "is empty" : 'is not a position like "7" or an inclusive range like "0-24"');
    const first = Number(match![1]);
    const last = match![2] === undefined ? first : Number(match![2]);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last + 1)) bad("is beyond the largest safe integer");
    if (last < first) bad("ends before it starts");
    if (match![2] !== undefined && last === first) bad(`must be written ${JSON.stringify(String(first))}`);
    if (first <= previousEnd + 1) bad(first <= previousEnd ? "overlaps or is below the part before it (parts must ascend)" : "touches the part before it (merge them into one range)");
    out.push([first, last + 1]);
    previousEnd = last;
  }
  return new Ranges(out);
}

/**
 * Whether `value` is an IndexRanges (shape check).
 * @example
 * isIndexRanges(rangeOf(0, 3)); // true
 */
export function isIndexRanges(value: unknown): value is IndexRanges {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.intervals) && typeof v.size === "number" && typeof v.union === "function" && typeof v.encode === "function";
}
