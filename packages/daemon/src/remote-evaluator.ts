/**
 * Evaluates the schedules and sensors of code locations that run as servers (protocol v1): the
 * daemon reads each location's snapshot (re-fetched only when its hash changed), resolves
 * targets on the graph merged across locations, and asks the location to run the user code
 * (`POST /v1/schedules/{name}/evaluate`, `/v1/sensors/{name}/evaluate`). A user-code failure the
 * server reports as `error` becomes a thrown error, so the tick is recorded FAILURE as with
 * LocalEvaluator. A location that cannot be reached keeps its last snapshot.
 */
import { coerceError, type AssetGraph, type AssetNodeSnapshot } from "@flyt/core";
import type { EvaluateScheduleResponse, EvaluateSensorRequest, EvaluateSensorResponse, ProtocolRunRequest, Snapshot, SnapshotResponse } from "@flyt/protocol";
import { mergeSnapshots, type MergedGraph } from "@flyt/workspace";
import type { EvaluationResult, InstigatorEvaluator, ResolvedRunRequest, ResolvedSchedule, ResolvedSensor } from "./evaluator.js";
import { orderedKeys, resolveInstigators } from "./resolve-instigators.js";

/** What the evaluator needs of a location's client (`CodeLocationClient` from @flyt/workspace). */
export interface RemoteLocationClient {
  snapshot(knownHash?: string | null): Promise<SnapshotResponse | null>;
  evaluateSchedule(name: string, scheduledTime: number): Promise<EvaluateScheduleResponse>;
  evaluateSensor(name: string, request: EvaluateSensorRequest): Promise<EvaluateSensorResponse>;
}

export interface RemoteLocation {
  name: string;
  client: RemoteLocationClient;
}

export interface RemoteEvaluatorOptions {
  /** Sent to the server as the sensor's timeout (the daemon also times the call out itself). */
  sensorTimeoutMs?: number;
  /** A location whose snapshot could not be read (its last one, if any, stays in use). */
  onError?: (error: Error) => void;
}

/** Runs `promise` until `signal` aborts: the HTTP call has its own timeout, this frees the tick now. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(coerceError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(coerceError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Carries a server's dynamic partitions and backfill requests (checked by the server and the protocol schema) into the result. */
function withRequests(result: EvaluationResult, response: Pick<EvaluationResult, "dynamicPartitionsRequests" | "backfillRequests">): EvaluationResult {
  if (response.dynamicPartitionsRequests !== undefined && response.dynamicPartitionsRequests.length > 0) result.dynamicPartitionsRequests = response.dynamicPartitionsRequests;
  if (response.backfillRequests !== undefined && response.backfillRequests.length > 0) result.backfillRequests = response.backfillRequests;
  if (result.runRequests.length === 0 && (result.dynamicPartitionsRequests !== undefined || result.backfillRequests !== undefined) && result.skipReason === "the evaluation requested no runs") result.skipReason = null;
  return result;
}

export class RemoteEvaluator implements InstigatorEvaluator {
  private readonly snapshots = new Map<string, SnapshotResponse>();
  private graph: AssetGraph | null = null;
  private merged: MergedGraph | null = null;

  constructor(
    private readonly locations: readonly RemoteLocation[],
    private readonly options: RemoteEvaluatorOptions = {},
  ) {
    const names = new Set<string>();
    for (const location of locations) {
      if (names.has(location.name)) throw new RangeError(`two code locations are named ${JSON.stringify(location.name)}`);
      names.add(location.name);
    }
  }

  private location(name: string): RemoteLocation {
    const location = this.locations.find((l) => l.name === name);
    if (location === undefined) throw new Error(`unknown code location ${JSON.stringify(name)}`);
    return location;
  }

  private async refresh(): Promise<AssetGraph> {
    let changed = this.graph === null;
    await Promise.all(
      this.locations.map(async (location) => {
        try {
          const known = this.snapshots.get(location.name)?.hash ?? null;
          const fresh = await location.client.snapshot(known);
          if (fresh !== null) {
            this.snapshots.set(location.name, fresh);
            changed = true;
          }
        } catch (error) {
          this.options.onError?.(new Error(`code location ${location.name}: snapshot: ${coerceError(error).message}`, { cause: error }));
        }
      }),
    );
    if (changed || this.graph === null) {
      // The server names its snapshot after --name; the daemon's configured name is what counts here.
      const snapshots: Snapshot[] = [...this.snapshots.entries()].map(([name, r]) => ({ ...r.snapshot, location: name }));
      this.merged = mergeSnapshots(snapshots);
      this.graph = this.merged.graph;
    }
    return this.graph;
  }

  async listInstigators(): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] }> {
    const graph = await this.refresh();
    const schedules: ResolvedSchedule[] = [];
    const sensors: ResolvedSensor[] = [];
    for (const location of this.locations) {
      const snapshot = this.snapshots.get(location.name)?.snapshot;
      if (snapshot === undefined) continue;
      const resolved = resolveInstigators(location.name, snapshot, graph);
      schedules.push(...resolved.schedules);
      sensors.push(...resolved.sensors);
    }
    return { schedules, sensors };
  }

  /** The assets of the last snapshots read, each with its location (the freshness monitor's input). */
  assets(): { node: AssetNodeSnapshot; location: string }[] {
    const merged = this.merged;
    if (merged === null) return [];
    return [...merged.graph.nodes.values()].map((node) => ({ node, location: merged.locationOf.get(node.key) ?? "" }));
  }

  async evaluateSchedule(schedule: ResolvedSchedule, scheduledAt: number, signal: AbortSignal): Promise<EvaluationResult> {
    const { client } = this.location(schedule.location);
    const response = await abortable(client.evaluateSchedule(schedule.name, scheduledAt), signal);
    if (response.error !== null) throw new Error(response.error.message);
    return withRequests(await this.resolve(response.runRequests, response.skipReason), response);
  }

  async evaluateSensor(sensor: ResolvedSensor, context: { cursor: string | null; lastTickTime: number | null; signal: AbortSignal }): Promise<EvaluationResult> {
    const { client } = this.location(sensor.location);
    const request: EvaluateSensorRequest = { cursor: context.cursor, lastTickTime: context.lastTickTime };
    if (this.options.sensorTimeoutMs !== undefined) request.timeoutMs = this.options.sensorTimeoutMs;
    const response = await abortable(client.evaluateSensor(sensor.name, request), context.signal);
    if (response.error !== null) throw new Error(response.error.message);
    const result = withRequests(await this.resolve(response.runRequests, response.skipReason), response);
    result.cursor = response.cursor;
    return result;
  }

  private async resolve(requests: ProtocolRunRequest[], skipReason: string | null): Promise<EvaluationResult> {
    const graph = this.graph ?? (await this.refresh());
    const runRequests = requests.map((r, i): ResolvedRunRequest => {
      let assetKeys: string[];
      try {
        assetKeys = orderedKeys(graph, r.selection);
      } catch (error) {
        throw new Error(`runRequests[${i}]: ${coerceError(error).message}`, { cause: error });
      }
      return { runKey: r.runKey, partitionKey: r.partitionKey, tags: { ...r.tags }, selection: r.selection, assetKeys };
    });
    if (runRequests.length === 0 && skipReason === null) return { runRequests, skipReason: "the evaluation requested no runs" };
    return { runRequests, skipReason };
  }
}
