/**
 * The sensor loop: each RUNNING sensor is evaluated when its minimum interval has passed since
 * its last tick. Custom sensors run user code through the evaluator (with a timeout); asset and
 * run-status sensors are evaluated here from storage. A tick's runs are created with the
 * sensor's run keys (deduplicated per sensor), and the cursor moves only when the tick
 * succeeds. A sensor that throws or times out records a FAILURE tick; the others carry on.
 */
import { coerceError, LeaseLostError } from "@flyt/core";
import { instigatorId, type InstigatorState, type Storage } from "@flyt/storage";
import type { Clock } from "./clock.js";
import type { EvaluationResult, InstigatorEvaluator, ResolvedRunRequest, ResolvedSensor } from "./evaluator.js";
import { applyDynamicPartitionsRequests, createRequestedBackfills } from "./backfills/requests.js";
import { createRequestedRuns, effectiveState, fenced, type FenceSource } from "./instigators.js";
import { METRICS, type MetricRegistry } from "./metrics.js";
import { runPool, withTimeout } from "./scheduler.js";

export const SENSOR_TAG = "flyt/sensor";
export const TRIGGERING_RUN_TAG = "flyt/triggering_run";
export const TRIGGERING_ASSET_TAG = "flyt/triggering_asset";
export const DEFAULT_SENSOR_TIMEOUT_MS = 60_000;
/** Run-status sensors re-read this far behind their cursor: run keys drop what was already seen. */
const RUN_STATUS_OVERLAP_MS = 60_000;

export interface SensorLoopOptions {
  storage: Storage;
  evaluator: InstigatorEvaluator;
  clock: Clock;
  metrics: MetricRegistry;
  timeoutMs?: number;
  concurrency?: number;
  isActive?: () => boolean;
  /** The leader's fence: ticks, runs and cursors written with it are refused once another daemon leads. */
  fence?: FenceSource;
  onError: (error: Error) => void;
}

export class SensorLoop {
  /** Last evaluation time per sensor (from the tick history on first sight). */
  private readonly lastTick = new Map<string, number | null>();
  nextDueAt: number | null = null;

  constructor(private readonly options: SensorLoopOptions) {}

  reset(): void {
    this.lastTick.clear();
  }

  async pass(sensors: ResolvedSensor[]): Promise<void> {
    const { storage, clock } = this.options;
    const now = clock.now();
    const states = new Map((await storage.listInstigatorStates("sensor")).map((s) => [s.id, s]));
    let nextDue: number | null = null;
    const jobs = sensors.map((sensor) => async () => {
      const id = instigatorId(sensor.location, sensor.name);
      try {
        const state = await effectiveState(storage, states.get(id), id, "sensor", sensor.defaultStatus, now, this.options.fence);
        if (state === null) return;
        const last = await this.lastTickOf(id);
        const dueAt = last === null ? now : last + sensor.minimumIntervalSeconds * 1000;
        if (dueAt <= now) {
          if (this.options.isActive && !this.options.isActive()) return;
          await this.tick(id, sensor, state, now, last);
          this.lastTick.set(id, now);
        }
        const next = (this.lastTick.get(id) ?? now) + sensor.minimumIntervalSeconds * 1000;
        if (nextDue === null || next < nextDue) nextDue = next;
      } catch (error) {
        this.options.onError(new Error(`sensor ${id}: ${coerceError(error).message}`, { cause: error }));
      }
    });
    await runPool(jobs, this.options.concurrency ?? 8);
    this.nextDueAt = nextDue;
  }

  private async lastTickOf(id: string): Promise<number | null> {
    if (!this.lastTick.has(id)) {
      const latest = (await this.options.storage.listTicks(id, { limit: 1 })).items[0];
      // Left STARTED by a leader that died mid-evaluation: close it (its cursor never moved).
      if (latest?.status === "STARTED") {
        await this.options.storage.updateTick(
          latest.tickId,
          { status: "FAILURE", error: "interrupted: the daemon evaluating this sensor stopped before it finished; the cursor was not moved" },
          fenced(this.options.fence),
        );
      }
      this.lastTick.set(id, latest?.tickTime ?? null);
    }
    return this.lastTick.get(id) ?? null;
  }

  /** Evaluates one sensor now, whatever its interval (`flyt sensors tick`); returns the tick's outcome. */
  async tick(id: string, sensor: ResolvedSensor, state: InstigatorState, now: number, lastTickTime: number | null): Promise<EvaluationResult | Error> {
    const { storage, metrics } = this.options;
    const fence = fenced(this.options.fence);
    const tick = await storage.createTick(id, now, fence);
    metrics.increment(METRICS.sensorTicks);
    let result: EvaluationResult;
    const evaluationStarted = performance.now();
    try {
      try {
        result = await withTimeout(
          (signal) => this.evaluate(id, sensor, state.cursor, lastTickTime, signal),
          this.options.timeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS,
          `sensor ${id} evaluation`,
        );
      } finally {
        metrics.observe(METRICS.sensorEvaluationMs, performance.now() - evaluationStarted);
      }
      // Keys first: the tick's runs and backfills may name the keys it adds.
      await applyDynamicPartitionsRequests(storage, result);
      let runIds: string[] = [];
      let created = 0;
      if (result.runRequests.length > 0) {
        ({ runIds, created } = await createRequestedRuns(storage, {
          id,
          location: sensor.location,
          origin: "sensor",
          baseTags: { ...sensor.tags, [SENSOR_TAG]: sensor.name },
          requests: result.runRequests,
          defaultRunKey: null,
          runKeyPrefix: "",
          fence: this.options.fence,
        }));
      }
      const backfillIds = await createRequestedBackfills(storage, result, { instigatorId: id, kind: "sensor", tickTime: now, cursor: state.cursor });
      const acted = created > 0 || backfillIds.length > 0 || (result.dynamicPartitionsRequests?.length ?? 0) > 0;
      const cursorChanged = result.cursor !== undefined && result.cursor !== state.cursor;
      if (cursorChanged) {
        // Re-read right before writing: an operator may have stopped the sensor meanwhile.
        const current = await storage.getInstigatorState(id);
        await storage.upsertInstigatorState({
          id,
          kind: "sensor",
          status: current?.status ?? state.status,
          startedAt: current?.startedAt ?? state.startedAt,
          cursor: result.cursor ?? null,
        }, fence);
      }
      await storage.updateTick(
        tick.tickId,
        acted
          ? { status: "SUCCESS", runIds, ...(result.cursor !== undefined ? { cursor: result.cursor } : {}) }
          : {
              status: "SKIPPED",
              skipReason: runIds.length > 0 ? "every requested run key already has a run" : (result.skipReason ?? "no run requested"),
              ...(result.cursor !== undefined ? { cursor: result.cursor } : {}),
            },
        fence,
      );
      return result;
    } catch (thrown) {
      // Deposed mid-evaluation: the new leader closes this tick.
      if (thrown instanceof LeaseLostError) throw thrown;
      const error = coerceError(thrown);
      metrics.increment(METRICS.sensorFailures);
      await storage.updateTick(tick.tickId, { status: "FAILURE", error: error.message }, fence);
      return error;
    }
  }

  private evaluate(id: string, sensor: ResolvedSensor, cursor: string | null, lastTickTime: number | null, signal: AbortSignal): Promise<EvaluationResult> {
    switch (sensor.sensorType) {
      case "custom":
        return this.options.evaluator.evaluateSensor(sensor, { cursor, lastTickTime, signal });
      case "asset":
        return evaluateAssetSensor(this.options.storage, sensor, cursor);
      case "run_status":
        return evaluateRunStatusSensor(this.options.storage, id, sensor, cursor, this.options.clock.now());
    }
  }
}

function parseCursor<T>(cursor: string | null, what: string): T | null {
  if (cursor === null) return null;
  try {
    return JSON.parse(cursor) as T;
  } catch (error) {
    throw new Error(`${what} cursor ${JSON.stringify(cursor)} is not valid JSON`, { cause: error });
  }
}

/**
 * Asset sensor: cursor `{ "<asset key>": <last event id seen> }`. The first evaluation records
 * where the history stands without firing (no storm of requests for old materializations).
 */
export async function evaluateAssetSensor(storage: Storage, sensor: ResolvedSensor, cursor: string | null): Promise<EvaluationResult> {
  const seen = parseCursor<Record<string, number>>(cursor, `asset sensor ${sensor.name}`) ?? {};
  const next: Record<string, number> = { ...seen };
  const requests: ResolvedRunRequest[] = [];
  for (const asset of sensor.assets) {
    const history = await storage.getMaterializationHistory(asset, { limit: 100 });
    const newest = history.items[0]?.id;
    if (newest === undefined) continue;
    const since = seen[asset];
    next[asset] = Math.max(newest, since ?? 0);
    if (since === undefined) continue;
    for (const event of history.items.filter((e) => e.id > since).reverse()) {
      const partition = event.body.type === "ASSET_MATERIALIZATION" ? event.body.partition : null;
      requests.push({
        runKey: `${asset}:${event.id}`,
        partitionKey: partition,
        tags: { [TRIGGERING_ASSET_TAG]: asset, [TRIGGERING_RUN_TAG]: event.runId },
        selection: sensor.target,
        assetKeys: sensor.targetAssetKeys,
      });
    }
  }
  return {
    runRequests: requests,
    skipReason: requests.length === 0 ? "no new materialization of the watched assets" : null,
    cursor: JSON.stringify(next),
  };
}

/**
 * Run-status sensor: cursor `{ "endedAfter": <ms> }`. Each run that ended in a watched status
 * (and targeted the monitored selection) requests one run, keyed by the triggering run id.
 */
export async function evaluateRunStatusSensor(
  storage: Storage,
  id: string,
  sensor: ResolvedSensor,
  cursor: string | null,
  now: number,
): Promise<EvaluationResult> {
  const parsed = parseCursor<{ endedAfter: number }>(cursor, `run-status sensor ${sensor.name}`);
  if (parsed === null) return { runRequests: [], skipReason: "started watching runs", cursor: JSON.stringify({ endedAfter: now }) };
  const monitored = sensor.monitoredAssetKeys === null ? null : new Set(sensor.monitoredAssetKeys);
  const requests: ResolvedRunRequest[] = [];
  let newest = parsed.endedAfter;
  let pageCursor: string | null = null;
  do {
    const page = await storage.listRuns(
      { statuses: sensor.runStatuses, endedAfter: parsed.endedAfter - RUN_STATUS_OVERLAP_MS },
      { limit: 500, cursor: pageCursor },
    );
    for (const run of page.items) {
      // Never react to our own runs: a failing alert run would otherwise fire the sensor forever.
      if (run.instigator === id) continue;
      if (monitored !== null && !run.assetKeys.some((k) => monitored.has(k))) continue;
      newest = Math.max(newest, run.endedAt ?? 0);
      requests.push({
        runKey: run.runId,
        partitionKey: null,
        tags: { [TRIGGERING_RUN_TAG]: run.runId, "flyt/triggering_status": run.status },
        selection: sensor.target,
        assetKeys: sensor.targetAssetKeys,
      });
    }
    pageCursor = page.nextCursor;
  } while (pageCursor !== null);
  return {
    runRequests: requests.reverse(),
    skipReason: requests.length === 0 ? "no matching run ended" : null,
    cursor: JSON.stringify({ endedAfter: newest }),
  };
}
