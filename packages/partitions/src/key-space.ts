/**
 * Key spaces: the partitions of a static or time-window definition by position, without listing
 * them. The platform (storage, the backfill planner, the API) holds only snapshots, so
 * `partitionKeySpace(snapshot, now)` is its entry point; it keeps the definitions it rebuilt, as
 * storage asks for the same few snapshots on every write.
 */
import type { PartitionsSnapshot } from "@flyt/core";
import type { PartitionKeySpace, TimeWindow } from "./types.js";
import type { Timeline } from "./time-windows.js";

function checkIndex(index: number, count: number, what: string): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${what}: position ${index} is outside the ${count} partitions (0 to ${count - 1})`);
  }
}

function clip(from: number, to: number, count: number): [number, number] {
  const a = Math.max(0, Math.min(count, Math.floor(from)));
  const b = Math.max(a, Math.min(count, Math.floor(to)));
  return [a, b];
}

/** The key space of a static key list: positions are the list's order. */
export class StaticKeySpace implements PartitionKeySpace {
  readonly count: number;
  private readonly positions: Map<string, number>;

  constructor(private readonly list: readonly string[]) {
    this.count = list.length;
    this.positions = new Map();
    list.forEach((key, index) => {
      if (this.positions.has(key)) throw new Error(`static partitions list key ${JSON.stringify(key)} twice (positions ${this.positions.get(key)!} and ${index})`);
      this.positions.set(key, index);
    });
  }

  keyAt(index: number): string {
    checkIndex(index, this.count, "keyAt");
    return this.list[index]!;
  }

  indexOf(key: string): number {
    return this.positions.get(key) ?? -1;
  }

  keysBetween(from: number, to: number): string[] {
    const [a, b] = clip(from, to, this.count);
    return this.list.slice(a, b);
  }

  windowAt(index: number): TimeWindow | null {
    checkIndex(index, this.count, "windowAt");
    return null;
  }

  indexAtTime(): number | null {
    return null;
  }
}

/** Resolves a key of a time-window definition to its position, or names why it is none. */
export type ResolveTimeWindowKey = (key: string) => { index: number } | { problem: string };

/** The key space of a time-window definition at one `now`: `count` complete windows (within the end). */
export class TimeWindowKeySpace implements PartitionKeySpace {
  constructor(
    private readonly timeline: Timeline,
    readonly count: number,
    private readonly resolve: ResolveTimeWindowKey,
  ) {}

  keyAt(index: number): string {
    checkIndex(index, this.count, "keyAt");
    return this.timeline.keyAt(index);
  }

  indexOf(key: string): number {
    const resolved = this.resolve(key);
    return "index" in resolved && resolved.index < this.count ? resolved.index : -1;
  }

  keysBetween(from: number, to: number): string[] {
    const [a, b] = clip(from, to, this.count);
    return this.timeline.keysBetween(a, b);
  }

  windowAt(index: number): TimeWindow {
    checkIndex(index, this.count, "windowAt");
    return this.timeline.windowAt(index);
  }

  indexAtTime(ms: number): number {
    if (typeof ms !== "number" || Number.isNaN(ms)) throw new TypeError(`indexAtTime: expected epoch milliseconds, got ${String(ms)}`);
    return this.timeline.indexAtTime(Math.max(-8.64e15, Math.min(8.64e15, ms)));
  }
}

/** Whether a snapshot is of a kind with a key space (static or time-window). */
export function hasKeySpace(snapshot: PartitionsSnapshot): snapshot is Exclude<PartitionsSnapshot, { kind: "dynamic" }> {
  return snapshot.kind === "static" || snapshot.kind === "time-window";
}
