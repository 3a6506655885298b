/**
 * Launching and re-executing runs from the API: the one path GraphQL (`launchRun`, `reexecuteRun`)
 * and REST (`POST /api/v1/runs`, `…/reexecute`) share. It validates the request against the
 * loaded code locations (selection, the one location it belongs to, partitions, tags), creates the
 * run QUEUED and hands it to the `RunController` — which leaves it to the daemon's queue in
 * production or claims and launches it at once without a daemon. Expected failures come back as
 * union members (`__typename`), never as thrown errors.
 */
import {
  AssetGraph,
  FlytError,
  InvalidPartitionError,
  InvalidSelectionError,
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  resolveSelection,
  runTagProblem,
  type NewRun,
  type PartitionsSnapshot,
  type RunRecord,
} from "@flyt/core";
import { createReexecution, ReexecutionError } from "@flyt/contracts";
import { partitionKeySpace } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import { LocationUnavailable, type DefinitionsProvider, type RunController } from "./context.js";

export interface LaunchDeps {
  storage: Storage;
  definitions: DefinitionsProvider;
  runs: RunController;
}

export interface LaunchRequest {
  selection: string;
  partition: string | null;
  /** One run over the partitions from `start` to `end` inclusive (range tags; the compute sees the range). */
  partitionRange?: { start: string; end: string } | null;
  tags: Record<string, string>;
  /** Resolve the selection within this location only (REST names one; GraphQL infers it). */
  location?: string;
}

export type LaunchOutcome =
  | { __typename: "LaunchRunSuccess"; run: RunRecord }
  | { __typename: "InvalidSelectionError"; message: string }
  | { __typename: "InvalidPartitionError"; message: string }
  | { __typename: "InvalidTagError"; key: string; message: string }
  | { __typename: "LocationUnavailableError"; location: string; message: string }
  | { __typename: "RunNotFoundError"; runId: string; message: string }
  | { __typename: "ReexecutionError"; message: string };

function unavailable(deps: LaunchDeps, location: string): LaunchOutcome | null {
  const entry = deps.definitions.list().find((l) => l.name === location);
  if (entry && entry.status === "LOADED") return null;
  return {
    __typename: "LocationUnavailableError",
    location,
    message: `Code location ${location} is ${entry?.status ?? "not configured"}${entry?.error ? `: ${entry.error.message}` : ""}; reload it and try again.`,
  };
}

export async function launchSelection(deps: LaunchDeps, request: LaunchRequest): Promise<LaunchOutcome> {
  const { selection, partition } = request;
  for (const [key, value] of Object.entries(request.tags)) {
    const problem = runTagProblem(key, value);
    if (problem !== null) return { __typename: "InvalidTagError", key, message: problem };
  }
  const merged = deps.definitions.graph();
  if (request.location !== undefined) {
    const missing = unavailable(deps, request.location);
    if (missing !== null) return missing;
  }
  // Within one named location, or across every location (then it must resolve into one).
  const graph =
    request.location === undefined
      ? merged.graph
      : new AssetGraph([...merged.assets.values()].filter((a) => a.location === request.location));
  let keys: Set<string>;
  try {
    keys = resolveSelection(graph, selection);
  } catch (error) {
    if (error instanceof InvalidSelectionError) return { __typename: "InvalidSelectionError", message: error.message };
    throw error;
  }
  const locations = new Set([...keys].map((k) => merged.locationOf.get(k) ?? "?"));
  if (locations.size > 1) {
    return {
      __typename: "InvalidSelectionError",
      message: `Selection ${JSON.stringify(selection)} spans code locations ${[...locations].sort().join(", ")}; a run belongs to one location, so launch one run per location.`,
    };
  }
  const location = request.location ?? [...locations][0]!;
  const missing = unavailable(deps, location);
  if (missing !== null) return missing;
  const partitioned = [...keys].map((k) => merged.assets.get(k)!).filter((a) => a.partitions !== null);
  const range = request.partitionRange ?? null;
  if (partition !== null && range !== null) {
    return { __typename: "InvalidPartitionError", message: `Give a partition or a partition range, not both (got partition ${JSON.stringify(partition)} and range ${JSON.stringify(range.start)}…${JSON.stringify(range.end)}).` };
  }
  if (partition === null && range === null && partitioned.length > 0) {
    return { __typename: "InvalidPartitionError", message: `Assets ${partitioned.map((a) => a.key).slice(0, 5).join(", ")} are partitioned: pick a partition (or a partition range) to materialize.` };
  }
  const wanted = range === null ? (partition === null ? [] : [partition]) : [range.start, range.end];
  if (wanted.length > 0) {
    if (partitioned.length === 0) {
      return { __typename: "InvalidPartitionError", message: `No selected asset is partitioned, so ${range === null ? `partition ${JSON.stringify(partition)}` : "a partition range"} cannot apply.` };
    }
    for (const asset of partitioned) {
      const positions = await positionsIn(deps.storage, asset.partitions!, wanted, Date.now());
      const badAt = positions.findIndex((position) => position < 0);
      if (badAt >= 0) {
        const where = range === null ? "" : badAt === 0 ? "the start of the range is " : "the end of the range is ";
        const dynamic = asset.partitions!.kind === "dynamic" ? ` (dynamic partitions ${JSON.stringify(asset.partitions!.name)} has no such key)` : "";
        return { __typename: "InvalidPartitionError", message: new InvalidPartitionError(wanted[badAt]!, asset.key, `${where}not a partition of this asset${dynamic}`).message };
      }
      if (range !== null && positions[0]! > positions[1]!) {
        return { __typename: "InvalidPartitionError", message: new InvalidPartitionError(range.start, asset.key, `the range starts after its end ${JSON.stringify(range.end)}; swap them`).message };
      }
    }
  }
  const rangeTags: Record<string, string> = range === null ? {} : { [PARTITION_RANGE_START_TAG]: range.start, [PARTITION_RANGE_END_TAG]: range.end };
  return submit(deps, {
    selection,
    assetKeys: [...keys].sort(),
    partitionKey: partition,
    tags: { ...request.tags, ...rangeTags },
    origin: "manual",
    location,
  });
}

/**
 * The positions of `keys` among an asset's partitions (-1: not a partition), by key space — never
 * by listing keys, so a million hourly partitions cost two calendar computations. Dynamic keys are
 * looked up in storage.
 */
async function positionsIn(storage: Storage, partitions: PartitionsSnapshot, keys: string[], now: number): Promise<number[]> {
  if (partitions.kind === "dynamic") {
    const found = new Map((await storage.getDynamicPartitions(partitions.name, keys)).map((p) => [p.key, p.index]));
    return keys.map((key) => found.get(key) ?? -1);
  }
  const space = partitionKeySpace(partitions, new Date(now));
  return keys.map((key) => space.indexOf(key));
}

export async function reexecute(deps: LaunchDeps, runId: string, fromFailure: boolean): Promise<LaunchOutcome> {
  let next: NewRun;
  try {
    next = await createReexecution(deps.storage, runId, { fromFailure });
  } catch (error) {
    if (error instanceof ReexecutionError) return { __typename: "ReexecutionError", message: error.message };
    if (error instanceof FlytError && error.code === "RUN_NOT_FOUND") return { __typename: "RunNotFoundError", runId, message: error.message };
    throw error;
  }
  const missing = unavailable(deps, next.location ?? "?");
  if (missing !== null) return missing;
  return submit(deps, next);
}

async function submit(deps: LaunchDeps, newRun: NewRun): Promise<LaunchOutcome> {
  const { run } = await deps.storage.createRun(newRun);
  try {
    await deps.runs.submit(run);
  } catch (error) {
    if (error instanceof LocationUnavailable) {
      await deps.storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_FAILURE", message: error.message } }]);
      return { __typename: "LocationUnavailableError", location: error.location, message: error.message };
    }
    throw error;
  }
  return { __typename: "LaunchRunSuccess", run: (await deps.storage.getRun(run.runId)) ?? run };
}
