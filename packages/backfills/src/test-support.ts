/**
 * Test helpers for the planner: asset snapshots in one line, common partitions definitions, and a
 * driver that runs a plan to the end the way the daemon does (launch what may launch, end each
 * run, fold it in, skip what reads a failure) without storage, recording the launch order.
 */
import { AssetGraph, type AssetNodeSnapshot, type BackfillAssetProgress, type PartitionsSnapshot } from "@flyt/core";
import { rangeOf } from "@flyt/partitions";
import { nextLaunchableChunks, skipBlockedTargets } from "./launch.js";
import type { BackfillChunk } from "./plan-index.js";
import type { BackfillPlan } from "./plan.js";
import { applyRunOutcome, initialProgress, isBackfillComplete, markChunksLaunched } from "./progress.js";

export function asset(key: string, partitions: PartitionsSnapshot | null, deps: string[] = [], extra: Partial<AssetNodeSnapshot> = {}): AssetNodeSnapshot {
  return {
    key,
    deps,
    description: null,
    group: "default",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions,
    retryPolicy: null,
    stepKey: key,
    metadata: {},
    ...extra,
  };
}

export function graphOf(...nodes: AssetNodeSnapshot[]): AssetGraph {
  return new AssetGraph(nodes);
}

export function timeWindows(cadence: "hourly" | "daily" | "monthly" | "yearly", start: string, timezone = "UTC", end: string | null = null): PartitionsSnapshot {
  const format = { hourly: "yyyy-MM-dd-HH:mm", daily: "yyyy-MM-dd", monthly: "yyyy-MM", yearly: "yyyy" }[cadence];
  return { kind: "time-window", cadence, start, end, timezone, format };
}

export function staticKeys(...keys: string[]): PartitionsSnapshot {
  return { kind: "static", keys };
}

/** An instant well after every window the tests use. */
export const LATER = Date.parse("2026-06-01T00:00:00Z");

export interface Simulation {
  /** Run keys in launch order, one batch (the chunks launchable together) per step. */
  batches: string[][];
  progress: BackfillAssetProgress[];
  complete: boolean;
}

/**
 * Drives a plan to the end: each step launches every launchable chunk (at most `perStep`), then
 * ends them all — FAILURE for a chunk holding a position `fails(asset, position)` names, else
 * SUCCESS — and skips what reads a failure.
 */
export function simulate(plan: BackfillPlan, options: { fails?: (asset: string, position: number) => boolean; perStep?: number; maxSteps?: number } = {}): Simulation {
  let progress = initialProgress(plan);
  const batches: string[][] = [];
  for (let step = 0; step < (options.maxSteps ?? 10_000); step++) {
    progress = skipBlockedTargets(plan, progress).progress;
    const chunks = nextLaunchableChunks(plan, progress, options.perStep ?? 1_000);
    if (chunks.length === 0) break;
    batches.push(chunks.map((c) => c.runKey));
    progress = markChunksLaunched(plan, progress, chunks);
    for (const chunk of chunks) progress = end(plan, progress, chunk, options.fails);
  }
  return { batches, progress, complete: isBackfillComplete(plan, progress) };
}

function end(plan: BackfillPlan, progress: BackfillAssetProgress[], chunk: BackfillChunk, fails?: (asset: string, position: number) => boolean): BackfillAssetProgress[] {
  const failing = fails === undefined ? [] : chunk.assetKeys.filter((key) => [...rangeOf(chunk.start, chunk.end).indices()].some((p) => fails(key, p)));
  if (failing.length === 0) return applyRunOutcome(plan, progress, { runKey: chunk.runKey, status: "SUCCESS" });
  // The assets before the failing one in the run materialized their positions; it and those after did not.
  const firstFailing = chunk.assetKeys.indexOf(failing[0]!);
  const materialized = Object.fromEntries(chunk.assetKeys.slice(0, firstFailing).map((key) => [key, rangeOf(chunk.start, chunk.end)]));
  return applyRunOutcome(plan, progress, { runKey: chunk.runKey, status: "FAILURE", materialized });
}
