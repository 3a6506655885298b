/**
 * Coalescing: the partitions one tick requests, turned into as few runs as the run model allows —
 * one run per (code location, partition key), or per location for unpartitioned assets, holding
 * every asset requested for it. A chain updated together therefore runs once, in dependency
 * order inside the run, instead of one run per asset.
 */
import { AUTOMATION_INSTIGATOR_ID } from "@flyt/core";
import type { IndexRanges } from "@flyt/partitions";
import type { AutomationRunRequest } from "./input.js";
import type { AssetSpace } from "./space.js";

/** One asset's request in a tick. */
export interface AssetRequest {
  assetKey: string;
  location: string;
  space: AssetSpace;
  requested: IndexRanges;
}

/**
 * The runs for `requests` (given in dependency order; runs come out in the order their first
 * asset appears), each with run key `<tickId>:<n>`. Dynamic positions whose key is not known are
 * left out and named in `problems`.
 * @example
 * coalesceRuns([{ assetKey: "a", location: "atlas", space, requested: rangeOf(0, 1) }, { assetKey: "b", … }], 7).runs;
 * // [{ selection: "a, b", assetKeys: ["a", "b"], partitionKey: null, runKey: "7:0", … }]
 */
export function coalesceRuns(requests: readonly AssetRequest[], tickId: number): { runs: AutomationRunRequest[]; problems: string[] } {
  const groups = new Map<string, { location: string; partitionKey: string | null; assetKeys: string[] }>();
  const problems: string[] = [];
  const add = (location: string, partitionKey: string | null, assetKey: string): void => {
    // Location names and partition keys cannot hold NUL, so the pair is a safe map key.
    const id = `${location}\u0000${partitionKey === null ? "\u0001" : partitionKey}`;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { location, partitionKey, assetKeys: [assetKey] });
    else if (group.assetKeys[group.assetKeys.length - 1] !== assetKey) group.assetKeys.push(assetKey);
  };
  for (const request of requests) {
    if (request.space.partitions === null) {
      if (!request.requested.isEmpty()) add(request.location, null, request.assetKey);
      continue;
    }
    for (const position of request.requested.indices()) {
      const key = request.space.keyAt(position);
      if (key === null) {
        problems.push(`${request.assetKey}: no partition key is known at position ${position}; it is not requested`);
        continue;
      }
      add(request.location, key, request.assetKey);
    }
  }
  const runs: AutomationRunRequest[] = [];
  for (const group of groups.values()) {
    runs.push({
      selection: group.assetKeys.join(", "),
      assetKeys: group.assetKeys,
      partitionKey: group.partitionKey,
      tags: {},
      location: group.location,
      origin: "automation",
      instigator: AUTOMATION_INSTIGATOR_ID,
      runKey: `${tickId}:${runs.length}`,
    });
  }
  return { runs, problems };
}

/**
 * Fills each evaluation's `runIds` from the runs' ids, once the caller has given the requested
 * runs their ids (before storing the tick's decision, so evaluations and runs name each other).
 * @throws Error when a run request has no runId yet.
 * @example
 * for (const run of out.runRequests) run.runId = randomUUID();
 * attachRunIds(out.evaluations, out.runRequests);
 */
export function attachRunIds(evaluations: Array<{ runKeys: string[]; runIds: string[] }>, runs: ReadonlyArray<{ runKey: string; runId?: string }>): void {
  const ids = new Map<string, string>();
  for (const run of runs) {
    if (run.runId === undefined) throw new Error(`attachRunIds: run ${run.runKey} has no runId yet; give every run request an id first`);
    ids.set(run.runKey, run.runId);
  }
  for (const evaluation of evaluations) evaluation.runIds = evaluation.runKeys.map((key) => ids.get(key)).filter((id): id is string => id !== undefined);
}
