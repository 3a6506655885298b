/**
 * How the CLI shows a backfill: target counts in a line, a live progress bar on a terminal (plain
 * progress lines otherwise), and range-encoded partition sets as keys ("2000…2016, 2019").
 */
import type { BackfillCounts, BackfillRecord, BackfillRequest, PartitionsSnapshot } from "@flyt/core";
import { decodeRanges, partitionKeySpace } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import pc from "picocolors";
import { formatDuration } from "./format.js";

/** Targets that reached an end state (materialized, failed, skipped or canceled). */
export function doneTargets(counts: BackfillCounts): number {
  return counts.materialized + counts.failed + counts.skipped + counts.canceled;
}

/** Targets in runs that are queued or running. */
export function runningTargets(counts: BackfillCounts): number {
  return counts.queued + counts.inProgress;
}

export function colorBackfillStatus(status: BackfillRecord["status"]): string {
  switch (status) {
    case "COMPLETED_SUCCESS":
      return pc.green(status);
    case "COMPLETED_FAILED":
    case "FAILED":
      return pc.red(status);
    case "CANCELED":
    case "CANCELING":
      return pc.yellow(status);
    case "IN_PROGRESS":
      return pc.cyan(status);
    case "REQUESTED":
      return status;
  }
}

/** "12/25 done · 2 running · 1 failed · 1 skipped" (zero counts after "running" left out). */
export function countsLine(counts: BackfillCounts): string {
  const parts = [`${doneTargets(counts)}/${counts.total} done`, `${runningTargets(counts)} running`];
  if (counts.materialized !== doneTargets(counts)) parts.push(`${counts.materialized} materialized`);
  if (counts.failed > 0) parts.push(pc.red(`${counts.failed} failed`));
  if (counts.skipped > 0) parts.push(pc.yellow(`${counts.skipped} skipped`));
  if (counts.canceled > 0) parts.push(pc.yellow(`${counts.canceled} canceled`));
  return parts.join(" · ");
}

/** The partition set of a request as a user would type it: "2000..2024", "a, b", "all", "missing", "failed of <id>". */
export function describePartitionSet(request: BackfillRequest): string {
  const set = request.partitions;
  switch (set.kind) {
    case "range":
      return `${set.from}..${set.to}`;
    case "keys":
      return set.keys.length > 10 ? `${set.keys.slice(0, 10).join(", ")}, … (${set.keys.length} keys)` : set.keys.join(", ");
    case "all":
      return "all";
    case "missing":
      return "missing";
    case "failed":
      return set.backfillId === undefined ? "failed (of the newest backfill of this selection)" : `failed of ${set.backfillId}`;
  }
}

export function describePolicy(request: BackfillRequest): string {
  const policy = request.policy;
  if (policy === null || policy === undefined) return "each asset's own";
  return policy.kind === "single-run" ? "single-run" : `multi-run:${policy.maxPartitionsPerRun}`;
}

/** Finds the keys at partition positions: from the key space, or storage for dynamic partitions. */
export type KeysAt = (indices: number[]) => Promise<Map<number, string>>;

/**
 * The key lookup for an asset's partitions definition (as storage registered it): computed for
 * static and time-window partitions, read from storage for dynamic ones. Null partitions: the one
 * target of an unpartitioned asset.
 */
export function keysAtFor(storage: Storage, partitions: PartitionsSnapshot | null, now = Date.now()): KeysAt {
  if (partitions === null) return (indices) => Promise.resolve(new Map(indices.map((i) => [i, "(unpartitioned)"])));
  if (partitions.kind === "dynamic") {
    return async (indices) => new Map((await storage.getDynamicPartitionsAt(partitions.name, indices)).map((entry) => [entry.index, entry.key]));
  }
  const space = partitionKeySpace(partitions, new Date(now));
  return (indices) => Promise.resolve(new Map(indices.filter((i) => i >= 0 && i < space.count).map((i) => [i, space.keyAt(i)])));
}

/**
 * An encoded set of partition positions ("0-16,19") as keys: "2000…2016, 2019". At most `limit`
 * ranges are shown, then how many more. Positions without a key (a deleted dynamic key, a time
 * window not complete any more after a definition change) show as `#<position>`.
 */
export async function describeIndexRanges(encoded: string, keysAt: KeysAt, limit = 8): Promise<string> {
  const ranges = decodeRanges(encoded);
  if (ranges.isEmpty()) return "-";
  const shown = ranges.firstIntervals(limit);
  const ends = shown.flatMap(([start, end]) => (end - start === 1 ? [start] : [start, end - 1]));
  const keys = await keysAt(ends);
  const key = (i: number) => keys.get(i) ?? `#${i}`;
  const text = shown.map(([start, end]) => (end - start === 1 ? key(start) : `${key(start)}…${key(end - 1)}`)).join(", ");
  const more = ranges.intervals.length - shown.length;
  return more > 0 ? `${text}, … (${more} more range${more === 1 ? "" : "s"}; ${ranges.size} partitions in all)` : text;
}

export interface ProgressSink {
  /** Writes raw text (no newline added): the terminal the bar redraws on. */
  write(text: string): void;
  columns?: number | undefined;
}

/**
 * Live progress of a backfill. On a terminal, one line redrawn in place: a bar of targets done /
 * total, running, failed, and an ETA from the pace since following began. Otherwise a plain line
 * whenever the counts change (at most one every `minLineIntervalMs`, and always the last one).
 */
export class BackfillProgress {
  private startedAt = Date.now();
  private doneAtStart: number | null = null;
  private lastLine = "";
  private lastLineAt = 0;
  private drawn = false;

  constructor(
    private readonly options: { tty: ProgressSink | null; line: (text: string) => void; minLineIntervalMs?: number },
  ) {}

  update(backfill: BackfillRecord, now = Date.now()): void {
    const { counts } = backfill;
    const done = doneTargets(counts);
    if (this.doneAtStart === null && backfill.status !== "REQUESTED") {
      this.doneAtStart = done;
      this.startedAt = now;
    }
    if (this.options.tty !== null) {
      this.draw(this.barLine(backfill, now));
      return;
    }
    // A new line when the counts change (not the ETA alone).
    const line = backfill.status === "REQUESTED" ? "waiting for the backfill to be planned…" : countsLine(counts);
    if (line === this.lastLine) return;
    if (now - this.lastLineAt < (this.options.minLineIntervalMs ?? 1_000) && !isEnd(backfill)) return;
    this.lastLine = line;
    this.lastLineAt = now;
    this.options.line(`${line}${backfill.status === "REQUESTED" ? "" : this.eta(counts, now)}`);
  }

  /** Ends the bar's line so what follows starts on a new one. */
  finish(): void {
    if (this.drawn) this.options.tty?.write("\n");
    this.drawn = false;
  }

  private barLine(backfill: BackfillRecord, now: number): string {
    const { counts } = backfill;
    if (backfill.status === "REQUESTED") return pc.dim("waiting for the backfill to be planned…");
    const done = doneTargets(counts);
    const width = Math.max(10, Math.min(40, (this.options.tty?.columns ?? 80) - 60));
    const filled = counts.total === 0 ? width : Math.round((done / counts.total) * width);
    const bad = counts.total === 0 ? 0 : Math.min(filled, Math.round(((counts.failed + counts.skipped + counts.canceled) / counts.total) * width));
    const bar = pc.green("█".repeat(filled - bad)) + pc.red("█".repeat(bad)) + pc.dim("░".repeat(width - filled));
    return `${bar} ${countsLine(counts)}${this.eta(counts, now)}`;
  }

  private eta(counts: BackfillCounts, now: number): string {
    const done = doneTargets(counts);
    const since = done - (this.doneAtStart ?? done);
    const remaining = counts.total - done;
    if (remaining <= 0 || since <= 0) return "";
    return pc.dim(` · ETA ${formatDuration(((now - this.startedAt) / since) * remaining)}`);
  }

  private draw(line: string): void {
    // \r and clear-to-end-of-line: redraw in place without scrolling.
    this.options.tty?.write(`\r${line}\u001b[K`);
    this.drawn = true;
  }
}

function isEnd(backfill: BackfillRecord): boolean {
  return backfill.status !== "REQUESTED" && backfill.status !== "IN_PROGRESS" && backfill.status !== "CANCELING";
}
