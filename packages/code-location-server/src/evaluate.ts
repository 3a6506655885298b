/**
 * Evaluating schedules and sensors on behalf of the daemon. Both may run user code: whatever
 * it does — throw, hang past the timeout, return nonsense — comes back as data (`error`),
 * never as a crashed server or a 500.
 */
import { coerceError, serializeError } from "@flyt/core";
import type {
  EvaluateScheduleRequest,
  EvaluateScheduleResponse,
  EvaluateSensorRequest,
  EvaluateSensorResponse,
  ProtocolRunRequest,
} from "@flyt/protocol";
import { DEFAULT_SENSOR_TIMEOUT_MS } from "@flyt/protocol";
import type { AssetLogger, RunRequest, ScheduleDefinition, SensorDefinition } from "@flyt/sdk";

interface Checked {
  runRequests: ProtocolRunRequest[];
  skipReason: string | null;
  cursor?: string | null;
}

/** Runs user code with a deadline; the signal aborts at the deadline. */
async function withTimeout<T>(what: string, timeoutMs: number, fn: (signal: AbortSignal) => T | Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(`timed out after ${timeoutMs} ms`);
      reject(new Error(`${what} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function checkRunRequests(raw: unknown, what: string, defaults: { selection: string; tags: Record<string, string>; partitionKey: string | null }): ProtocolRunRequest[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new TypeError(`${what}: runRequests must be an array`);
  return raw.map((item: unknown, index) => {
    if (typeof item !== "object" || item === null) throw new TypeError(`${what}: runRequests[${index}] must be an object`);
    const request = item as RunRequest;
    const tags = request.tags ?? {};
    if (typeof tags !== "object" || Object.values(tags).some((v) => typeof v !== "string")) {
      throw new TypeError(`${what}: runRequests[${index}].tags must map strings to strings`);
    }
    for (const field of ["runKey", "partitionKey", "selection"] as const) {
      if (request[field] !== undefined && typeof request[field] !== "string") throw new TypeError(`${what}: runRequests[${index}].${field} must be a string`);
    }
    return {
      runKey: request.runKey ?? null,
      partitionKey: request.partitionKey ?? defaults.partitionKey,
      tags: { ...defaults.tags, ...tags },
      selection: request.selection ?? defaults.selection,
    };
  });
}

function checkResult(result: unknown, what: string, defaults: { selection: string; tags: Record<string, string>; partitionKey: string | null }): Checked {
  if (result === undefined || result === null) return { runRequests: [], skipReason: `${what} returned nothing` };
  if (typeof result !== "object") throw new TypeError(`${what} must return an object like { runRequests, skipReason }`);
  const r = result as { runRequests?: unknown; skipReason?: unknown; cursor?: unknown };
  if (r.skipReason !== undefined && typeof r.skipReason !== "string") throw new TypeError(`${what}: skipReason must be a string`);
  if (r.cursor !== undefined && r.cursor !== null && typeof r.cursor !== "string") throw new TypeError(`${what}: cursor must be a string or null`);
  const runRequests = checkRunRequests(r.runRequests, what, defaults);
  const out: Checked = { runRequests, skipReason: (r.skipReason) ?? (runRequests.length === 0 ? `${what} requested no runs` : null) };
  if (r.cursor !== undefined) out.cursor = r.cursor;
  return out;
}

export async function evaluateSchedule(schedule: ScheduleDefinition, request: EvaluateScheduleRequest, timeoutMs = DEFAULT_SENSOR_TIMEOUT_MS): Promise<EvaluateScheduleResponse> {
  const scheduledAt = new Date(request.scheduledTime);
  const what = `schedule ${schedule.name}`;
  try {
    const partitionKey = schedule.partition === null ? null : typeof schedule.partition === "string" ? schedule.partition : schedule.partition(scheduledAt);
    if (partitionKey !== null && typeof partitionKey !== "string") throw new TypeError(`${what}: partition() must return a string or null`);
    const defaults = { selection: schedule.target, tags: { ...schedule.tags, "flyt/schedule": schedule.name }, partitionKey };
    if (schedule.evaluate === null) {
      return { runRequests: [{ runKey: scheduledAt.toISOString(), ...defaults }], skipReason: null, error: null };
    }
    const evaluate = schedule.evaluate;
    const result = await withTimeout(what, timeoutMs, (signal) => evaluate({ scheduledAt, partitionKey, signal }));
    const checked = checkResult(result, what, defaults);
    // Schedule runs are deduplicated per tick: default the run key to the tick (plus an index).
    const runRequests = checked.runRequests.map((r, i) => ({ ...r, runKey: r.runKey ?? `${scheduledAt.toISOString()}${i === 0 ? "" : `#${i}`}` }));
    return { runRequests, skipReason: checked.skipReason, error: null };
  } catch (thrown) {
    return { runRequests: [], skipReason: null, error: serializeError(coerceError(thrown)) };
  }
}

export async function evaluateSensor(sensor: SensorDefinition, request: EvaluateSensorRequest): Promise<EvaluateSensorResponse> {
  const started = performance.now();
  const lines: string[] = [];
  const logAt = (level: string) => (message: string) => {
    if (lines.length < 100) lines.push(`${level}: ${message}`);
  };
  const log: AssetLogger = { debug: logAt("debug"), info: logAt("info"), warn: logAt("warn"), error: logAt("error") };
  const what = `sensor ${sensor.name}`;
  try {
    const result = await withTimeout(what, request.timeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS, (signal) =>
      sensor.evaluate({ cursor: request.cursor, lastTickTime: request.lastTickTime === null ? null : new Date(request.lastTickTime), log, signal }),
    );
    const checked = checkResult(result, what, { selection: sensor.target, tags: { ...(sensor.tags ?? {}), "flyt/sensor": sensor.name }, partitionKey: null });
    return {
      runRequests: checked.runRequests,
      skipReason: checked.skipReason,
      cursor: checked.cursor === undefined ? request.cursor : checked.cursor,
      error: null,
      durationMs: performance.now() - started,
    };
  } catch (thrown) {
    return { runRequests: [], skipReason: null, cursor: request.cursor, error: serializeError(coerceError(thrown)), durationMs: performance.now() - started };
  }
}
