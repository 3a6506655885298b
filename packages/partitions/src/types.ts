/**
 * The shapes of partitions: a partitions definition (static keys or time windows), the cadences
 * of time windows, and the window a key names. The SDK re-exports them as part of its API.
 */
import type { PartitionsSnapshot } from "@flyt/core";

export interface TimeWindow {
  /** Inclusive start. */
  start: Date;
  /** Exclusive end. */
  end: Date;
}

export type TimeWindowCadence = "hourly" | "daily" | "monthly" | "yearly";

/** A partitions definition: static keys or time windows. */
export interface PartitionsDefinition {
  readonly kind: "static" | "time-window";
  /** All partition keys that exist at `now` (time windows: complete windows only), oldest first. */
  keys(now?: Date): string[];
  /** Whether `key` is a valid partition at `now`. */
  has(key: string, now?: Date): boolean;
  /** The time window of a key (null for static partitions). @throws InvalidPartitionError for a bad key. */
  timeWindow(key: string): TimeWindow | null;
  snapshot(): PartitionsSnapshot;
}
