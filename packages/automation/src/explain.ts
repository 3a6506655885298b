/**
 * Words for explanations: partition sets named by their keys ("2024-01-02 … 2024-01-31 and 2
 * more"), times, and the one-line reason an asset was or was not requested, read off its
 * evaluated tree ("not requested: upstream atlas/met/forecast is in progress").
 */
import type { AutomationNodeResult } from "@flyt/core";
import type { IndexRanges } from "@flyt/partitions";
import type { AssetSpace } from "./space.js";

/** "2024-01-02", "2024-01-01 … 2024-01-31, 2024-03-01 and 4 more" (positions when a key is unknown). */
export function describePositions(space: AssetSpace, set: IndexRanges, limit = 2): string {
  const name = (position: number): string => space.keyAt(position) ?? `position ${position}`;
  const parts: string[] = [];
  let shown = 0;
  for (const [start, end] of set.intervals) {
    if (parts.length === limit) break;
    parts.push(end - start === 1 ? name(start) : `${name(start)} … ${name(end - 1)}`);
    shown += end - start;
  }
  const rest = set.size - shown;
  return rest > 0 ? `${parts.join(", ")} and ${rest} more` : parts.join(", ");
}

/** "1 partition", "3 partitions". */
export function partitionsCount(n: number): string {
  return `${thousands(n)} partition${n === 1 ? "" : "s"}`;
}

/** 1062 → "1,062" (toLocaleString costs an Intl lookup per call; this runs for every partitioned leaf). */
export function thousands(n: number): string {
  const digits = String(n);
  return digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Epoch ms as ISO 8601 UTC without milliseconds: "2024-01-02T06:30:00Z". */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A run id shortened as the UI shows it. */
export function shortRun(runId: string): string {
  return runId.length > 8 ? runId.slice(0, 8) : runId;
}

/** Why `result` is false (for an unpartitioned asset) or false everywhere (partitioned), in words. */
export function whyFalse(result: AutomationNodeResult, depth = 0): string {
  if (depth > 20) return result.description;
  switch (result.kind) {
    case "and": {
      const failing = result.children.find((child) => child.trueCount === 0);
      return failing === undefined ? "its parts hold for different partitions, none for all of them at once" : whyFalse(failing, depth + 1);
    }
    case "or":
      return result.children.slice(0, 2).map((child) => whyFalse(child, depth + 1)).join("; ");
    case "not":
      return result.children[0] === undefined ? result.description : whyTrue(result.children[0], depth + 1);
    case "all_deps_match":
    case "any_deps_match":
    case "newly_true":
    case "since":
    case "missing":
    case "in_progress":
    case "execution_failed":
    case "newly_updated":
    case "newly_requested":
    case "code_version_changed":
    case "unsynced":
    case "will_be_requested":
    case "cron_tick_passed":
    case "updated_since_cron":
    case "in_latest_time_window":
      return result.detail ?? `not ${result.description}`;
  }
}

/** Why `result` is true, in words. */
export function whyTrue(result: AutomationNodeResult, depth = 0): string {
  if (depth > 20) return result.description;
  switch (result.kind) {
    case "and":
      return result.children.slice(0, 3).map((child) => whyTrue(child, depth + 1)).join("; ");
    case "or": {
      const holding = result.children.find((child) => child.trueCount > 0);
      return holding === undefined ? result.description : whyTrue(holding, depth + 1);
    }
    case "not":
      return result.children[0] === undefined ? result.description : whyFalse(result.children[0], depth + 1);
    case "all_deps_match":
    case "any_deps_match":
    case "newly_true":
    case "since":
    case "missing":
    case "in_progress":
    case "execution_failed":
    case "newly_updated":
    case "newly_requested":
    case "code_version_changed":
    case "unsynced":
    case "will_be_requested":
    case "cron_tick_passed":
    case "updated_since_cron":
    case "in_latest_time_window":
      return result.detail ?? result.description;
  }
}
