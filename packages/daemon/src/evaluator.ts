/**
 * How the daemon learns about schedules and sensors and runs their user code. The daemon sees
 * only `InstigatorEvaluator`: snapshots (plain data: cron, zone, resolved target…) and two
 * evaluation calls. `LocalEvaluator` loads definitions files in this process (single host, tests)
 * and runs their schedule and sensor code in worker threads; a code-location client implements
 * the same interface for remote locations.
 */
import { coerceError, type AssetGraph } from "@flyt/core";
import { buildSnapshot, checkBackfillRequests, checkDynamicPartitionsRequests } from "@flyt/code-location-server";
import type { DynamicPartitionsRequest, EvaluationBackfillRequest } from "@flyt/protocol";
import { EvaluationPool, loadDefinitions } from "@flyt/run-worker";
import { orderedKeys, resolveInstigators } from "./resolve-instigators.js";
import type { AssetLogger, CatchUpPolicy, Definitions, RunRequest, ScheduleDefinition, ScheduleResult, SensorDefinition, SensorResult, SensorType } from "@flyt/sdk";
import type { LocalEvaluationPayload, LocalEvaluationWorkerData, LocalScheduleAnswer, LogNotice } from "./evaluation-worker.js";

/**
 * A schedule as the daemon runs it: a location's schedule (the protocol's `ScheduleSnapshot`, or
 * in-process definitions) with its location and its target resolved to asset keys on the graph.
 */
export interface ResolvedSchedule {
  location: string;
  name: string;
  cron: string;
  timezone: string;
  target: string;
  /** The target resolved to asset keys, in dependency order. */
  targetAssetKeys: string[];
  tags: Record<string, string>;
  defaultStatus: "RUNNING" | "STOPPED";
  description: string | null;
  catchUp: CatchUpPolicy;
  maxCatchUpTicks: number;
  /** A fixed partition key, when the schedule gives one. */
  partition: string | null;
  /** True when a tick needs user code (an evaluate function or a computed partition). */
  needsCode: boolean;
}

/** A sensor as the daemon runs it: its location's sensor with its location and targets resolved. */
export interface ResolvedSensor {
  location: string;
  name: string;
  sensorType: SensorType;
  target: string;
  targetAssetKeys: string[];
  minimumIntervalSeconds: number;
  defaultStatus: "RUNNING" | "STOPPED";
  description: string | null;
  tags: Record<string, string>;
  assets: string[];
  runStatuses: ("SUCCESS" | "FAILURE" | "CANCELED")[];
  /** Run-status sensors: asset keys of the monitored selection, or null for every run. */
  monitoredAssetKeys: string[] | null;
}

/** A run request with its selection resolved, ready to become a run. */
export interface ResolvedRunRequest {
  runKey: string | null;
  partitionKey: string | null;
  tags: Record<string, string>;
  selection: string;
  assetKeys: string[];
}

export interface EvaluationResult {
  runRequests: ResolvedRunRequest[];
  skipReason: string | null;
  /** Sensors: the new cursor; undefined leaves it as it was. */
  cursor?: string | null;
  /** Keys to add to and delete from dynamic partitions, applied before the runs and backfills are created. */
  dynamicPartitionsRequests?: DynamicPartitionsRequest[];
  /** Backfills to start (stored REQUESTED, one per request and tick: see backfills/requests.ts). */
  backfillRequests?: EvaluationBackfillRequest[];
}

export interface InstigatorEvaluator {
  listInstigators(): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] }>;
  evaluateSchedule(schedule: ResolvedSchedule, scheduledAt: number, signal: AbortSignal): Promise<EvaluationResult>;
  evaluateSensor(
    sensor: ResolvedSensor,
    context: { cursor: string | null; lastTickTime: number | null; signal: AbortSignal },
  ): Promise<EvaluationResult>;
  /** Ends what the evaluator keeps running (evaluation workers); optional. */
  close?(): Promise<void>;
}

export interface LocalLocation {
  name: string;
  definitionsFile: string;
}

const silentLogger: AssetLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Backstop for a caller whose signal never aborts: the daemon's loops abort at their own
 * (configured) timeout, which is what normally ends a stuck evaluation.
 */
const MAX_EVALUATION_MS = 10 * 60_000;

export interface LocalEvaluatorOptions {
  /** Evaluations at once per location, each in its own worker thread (default 4). */
  maxWorkers?: number;
}

/**
 * Evaluates instigators of definitions files: the files are imported in this process for the
 * snapshots and graphs, and the schedule and sensor code runs in warm worker threads (one pool
 * per location) so a sensor stuck in a loop cannot stop the daemon's event loop. When the
 * caller's signal aborts (the loop's timeout), the worker is terminated and the evaluation
 * rejects with the signal's reason.
 */
export class LocalEvaluator implements InstigatorEvaluator {
  private readonly loaded = new Map<string, Promise<Definitions>>();
  private readonly pools = new Map<string, EvaluationPool>();

  constructor(
    private readonly locations: readonly LocalLocation[],
    private readonly logger: AssetLogger = silentLogger,
    private readonly options: LocalEvaluatorOptions = {},
  ) {
    const names = new Set<string>();
    for (const location of locations) {
      if (names.has(location.name)) throw new RangeError(`two code locations are named ${JSON.stringify(location.name)}`);
      names.add(location.name);
    }
  }

  private definitions(location: string): Promise<Definitions> {
    let pending = this.loaded.get(location);
    if (pending === undefined) {
      const spec = this.locations.find((l) => l.name === location);
      if (spec === undefined) return Promise.reject(new Error(`unknown code location ${JSON.stringify(location)}`));
      pending = loadDefinitions(spec.definitionsFile);
      // A failed load is retried on the next call rather than cached.
      pending.catch(() => this.loaded.delete(location));
      this.loaded.set(location, pending);
    }
    return pending;
  }

  async listInstigators(): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] }> {
    const schedules: ResolvedSchedule[] = [];
    const sensors: ResolvedSensor[] = [];
    const warming: Promise<void>[] = [];
    for (const location of this.locations) {
      const defs = await this.definitions(location.name);
      // The snapshot a code server would serve for these definitions, resolved the same way.
      const resolved = resolveInstigators(location.name, buildSnapshot(defs, location.name), defs.graph);
      schedules.push(...resolved.schedules);
      sensors.push(...resolved.sensors);
      // Listed instigators are about to be evaluated: their first evaluation should not spend its
      // timeout starting a worker.
      const needsCode = defs.schedules.some((s) => s.evaluate !== null || typeof s.partition === "function") || defs.sensors.some((s) => (s.sensorType ?? "custom") === "custom");
      if (needsCode) warming.push(this.pool(location.name).warm());
    }
    await Promise.all(warming);
    return { schedules, sensors };
  }

  private async find<T extends ScheduleDefinition | SensorDefinition>(location: string, kind: T["kind"], name: string): Promise<{ defs: Definitions; def: T }> {
    const defs = await this.definitions(location);
    const list = (kind === "schedule" ? defs.schedules : defs.sensors) as readonly T[];
    const def = list.find((d) => d.name === name);
    if (def === undefined) throw new Error(`${kind} ${JSON.stringify(name)} is not defined in code location ${JSON.stringify(location)} any more`);
    return { defs, def };
  }

  private pool(location: string): EvaluationPool {
    let pool = this.pools.get(location);
    if (pool === undefined) {
      const spec = this.locations.find((l) => l.name === location);
      if (spec === undefined) throw new Error(`unknown code location ${JSON.stringify(location)}`);
      const workerData: LocalEvaluationWorkerData = { definitionsFile: spec.definitionsFile };
      pool = new EvaluationPool({
        script: new URL("./evaluation-worker.js", import.meta.url),
        workerData,
        label: `code location ${location}`,
        ...(this.options.maxWorkers === undefined ? {} : { maxWorkers: this.options.maxWorkers }),
      });
      this.pools.set(location, pool);
    }
    return pool;
  }

  private inWorker(location: string, what: string, payload: LocalEvaluationPayload, signal: AbortSignal, onNotice?: (notice: unknown) => void): Promise<unknown> {
    return this.pool(location).run({ what, payload, timeoutMs: MAX_EVALUATION_MS, signal, ...(onNotice ? { onNotice } : {}) });
  }

  async evaluateSchedule(schedule: ResolvedSchedule, scheduledAt: number, signal: AbortSignal): Promise<EvaluationResult> {
    const { defs, def } = await this.find<ScheduleDefinition>(schedule.location, "schedule", schedule.name);
    if (def.evaluate === null && typeof def.partition !== "function") {
      return { runRequests: [{ runKey: null, partitionKey: def.partition, tags: {}, selection: def.target, assetKeys: schedule.targetAssetKeys }], skipReason: null };
    }
    const answer = (await this.inWorker(schedule.location, `schedule ${schedule.name}`, { kind: "schedule", name: def.name, scheduledAt }, signal)) as LocalScheduleAnswer;
    const { partitionKey } = answer;
    if (partitionKey !== null && typeof partitionKey !== "string") throw new TypeError(`schedule ${schedule.name}: partition() must return a string or null`);
    if (def.evaluate === null) {
      return { runRequests: [{ runKey: null, partitionKey, tags: {}, selection: def.target, assetKeys: schedule.targetAssetKeys }], skipReason: null };
    }
    const result = (answer.result ?? {}) as ScheduleResult;
    return withRequests(resolveResult(defs.graph, def.target, partitionKey, result), result, `schedule ${schedule.name}`, { selection: def.target, tags: schedule.tags, partitionKey });
  }

  async evaluateSensor(
    sensor: ResolvedSensor,
    context: { cursor: string | null; lastTickTime: number | null; signal: AbortSignal },
  ): Promise<EvaluationResult> {
    const { defs, def } = await this.find<SensorDefinition>(sensor.location, "sensor", sensor.name);
    const onNotice = (notice: unknown): void => {
      const { level, message } = notice as LogNotice;
      if (level in this.logger) this.logger[level](message);
    };
    const payload: LocalEvaluationPayload = { kind: "sensor", name: def.name, cursor: context.cursor, lastTickTime: context.lastTickTime };
    const result = (await this.inWorker(sensor.location, `sensor ${sensor.name}`, payload, context.signal, onNotice)) as SensorResult | null | undefined;
    const resolved = withRequests(resolveResult(defs.graph, def.target, null, result ?? {}), result ?? {}, `sensor ${sensor.name}`, { selection: def.target, tags: sensor.tags, partitionKey: null });
    if (result && Object.hasOwn(result, "cursor")) resolved.cursor = result.cursor ?? null;
    return resolved;
  }

  /** Terminates the evaluation workers (idle ones never keep the process alive either way). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/**
 * Adds an evaluation's dynamic partitions and backfill requests, checked as a code server checks
 * them (the same limits and messages), when it returned any.
 */
function withRequests(
  resolved: EvaluationResult,
  result: { dynamicPartitionsRequests?: unknown; backfillRequests?: unknown },
  what: string,
  defaults: { selection: string; tags: Record<string, string>; partitionKey: string | null },
): EvaluationResult {
  const dynamic = checkDynamicPartitionsRequests(result.dynamicPartitionsRequests, what);
  const backfills = checkBackfillRequests(result.backfillRequests, what, defaults);
  if (dynamic.length > 0) resolved.dynamicPartitionsRequests = dynamic;
  if (backfills.length > 0) resolved.backfillRequests = backfills;
  // An evaluation that only changed partitions or asked for a backfill did not skip.
  if (resolved.runRequests.length === 0 && (dynamic.length > 0 || backfills.length > 0) && resolved.skipReason === "the evaluation requested no runs") resolved.skipReason = null;
  return resolved;
}

function resolveResult(
  graph: AssetGraph,
  target: string,
  partitionKey: string | null,
  result: { runRequests?: RunRequest[]; skipReason?: string },
): EvaluationResult {
  if (typeof result !== "object" || result === null) throw new TypeError("the evaluation returned neither run requests nor a skip reason");
  const requests = result.runRequests ?? [];
  if (!Array.isArray(requests)) throw new TypeError("runRequests must be an array");
  const runRequests = requests.map((r, i): ResolvedRunRequest => {
    if (typeof r !== "object" || r === null) throw new TypeError(`runRequests[${i}] must be an object`);
    const selection = r.selection ?? target;
    let assetKeys: string[];
    try {
      assetKeys = orderedKeys(graph, selection);
    } catch (error) {
      throw new Error(`runRequests[${i}]: ${coerceError(error).message}`, { cause: error });
    }
    return { runKey: r.runKey ?? null, partitionKey: r.partitionKey ?? partitionKey, tags: { ...(r.tags ?? {}) }, selection, assetKeys };
  });
  const skipReason = typeof result.skipReason === "string" ? result.skipReason : null;
  if (runRequests.length === 0 && skipReason === null) return { runRequests, skipReason: "the evaluation requested no runs" };
  return { runRequests, skipReason };
}
