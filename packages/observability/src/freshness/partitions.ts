/**
 * How time-window partitions relate to wall-clock time, for `partitions: "latest"` freshness
 * policies: which partition is the latest complete one at an instant, and when the next one
 * completes. Windows follow the partitions' IANA zone (luxon), like the SDK's definitions.
 */
import { DateTime } from "luxon";
import type { PartitionsSnapshot } from "@flyt/core";

export interface PartitionClock {
  /** The latest partition whose window ended at or before `time`, with that end (epoch ms). */
  latestCompleteAt(time: number): { key: string; end: number } | null;
  /** The first window end strictly after `time`, or null when no window ends later. */
  nextEndAfter(time: number): number | null;
}

const UNIT = { hourly: "hour", daily: "day", monthly: "month", yearly: "year" } as const;

/** A clock for a time-window partitions snapshot; null for static partitions (no notion of "latest"). */
export function partitionClock(snapshot: PartitionsSnapshot | null): PartitionClock | null {
  if (snapshot === null || snapshot.kind !== "time-window") return null;
  const unit = UNIT[snapshot.cadence];
  const zone = snapshot.timezone;
  const first = DateTime.fromISO(snapshot.start, { zone });
  if (!first.isValid) return null;
  const firstStart = first.startOf(unit).toMillis();
  const last = snapshot.end === null ? null : DateTime.fromISO(snapshot.end, { zone });
  const lastEnd = last !== null && last.isValid ? last.toMillis() : null;

  const windowStartContaining = (time: number): DateTime => DateTime.fromMillis(time, { zone }).startOf(unit);
  return {
    latestCompleteAt(time) {
      let end = windowStartContaining(time);
      if (lastEnd !== null && end.toMillis() > lastEnd) end = DateTime.fromMillis(lastEnd, { zone }).startOf(unit);
      const start = end.minus({ [unit]: 1 });
      if (start.toMillis() < firstStart) return null;
      return { key: start.toFormat(snapshot.format), end: end.toMillis() };
    },
    nextEndAfter(time) {
      let next = windowStartContaining(time).plus({ [unit]: 1 }).toMillis();
      if (next <= firstStart) next = DateTime.fromMillis(firstStart, { zone }).plus({ [unit]: 1 }).toMillis();
      if (lastEnd !== null && next > lastEnd) return null;
      return next;
    },
  };
}
