/**
 * Evaluating schedules and sensors on behalf of the daemon. Both may run user code: whatever
 * it does — throw, hang past the timeout, return nonsense — comes back as data (`error`),
 * never as a crashed server or a 500.
 */
import { coerceError, serializeError } from "@flyt/core";
import type {
  DynamicPartitionsRequest,
  EvaluateScheduleRequest,
  EvaluateScheduleResponse,
  EvaluateSensorRequest,
  EvaluateSensorResponse,
  EvaluationBackfillRequest,
  ProtocolRunRequest,
} from "@flyt/protocol";
import {
  BackfillPartitionSetSchema,
  BackfillPolicySnapshotSchema,
  DEFAULT_SENSOR_TIMEOUT_MS,
  DynamicPartitionsRequestSchema,
  EvaluationBackfillRequestSchema,
  MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST,
  MAX_EVALUATION_BACKFILL_REQUESTS,
  MAX_EVALUATION_DYNAMIC_PARTITIONS_REQUESTS,
  RESERVED_TAG_PREFIX,
} from "@flyt/protocol";
import { dynamicPartitionsNameProblem, partitionKeyProblem, type AssetLogger, type RunRequest, type ScheduleDefinition, type SensorDefinition } from "@flyt/sdk";

interface Checked {
  runRequests: ProtocolRunRequest[];
  /** Present only when the function returned some, so answers without them keep their old shape. */
  dynamicPartitionsRequests?: DynamicPartitionsRequest[];
  backfillRequests?: EvaluationBackfillRequest[];
  skipReason: string | null;
  cursor?: string | null;
}

/** What requests of an evaluation default to: the instigator's target, tags and tick partition. */
interface Defaults {
  selection: string;
  tags: Record<string, string>;
  partitionKey: string | null;
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

function checkRunRequests(raw: unknown, what: string, defaults: Defaults): ProtocolRunRequest[] {
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

/** The first problem zod found, as "field: message" under `label`. */
function firstIssue(error: { issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }> }, label: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${label} is invalid`;
  const path = issue.path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${part}`), label);
  return `${path}: ${issue.message}`;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * `dynamicPartitionsRequests` of a result: `{ name, add?, delete? }` each, with at most 10,000
 * keys to add and 10,000 to delete, every key a valid partition key.
 */
export function checkDynamicPartitionsRequests(raw: unknown, what: string): DynamicPartitionsRequest[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new TypeError(`${what}: dynamicPartitionsRequests must be an array of { name, add?, delete? }`);
  if (raw.length > MAX_EVALUATION_DYNAMIC_PARTITIONS_REQUESTS) {
    throw new TypeError(`${what}: ${raw.length} dynamicPartitionsRequests, over the limit of ${MAX_EVALUATION_DYNAMIC_PARTITIONS_REQUESTS}; merge the keys of one name into one request`);
  }
  return raw.map((item: unknown, index) => {
    const label = `${what}: dynamicPartitionsRequests[${index}]`;
    if (typeof item !== "object" || item === null) throw new TypeError(`${label} must be an object like { name, add?, delete? }`);
    const request = item as { name?: unknown; add?: unknown; delete?: unknown };
    for (const field of ["add", "delete"] as const) {
      const keys = request[field];
      if (keys === undefined) continue;
      if (!isStringArray(keys)) throw new TypeError(`${label}.${field} must be an array of partition keys`);
      if (keys.length > MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST) {
        throw new TypeError(`${label}.${field} has ${keys.length} keys, over the limit of ${MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST}; split them over several requests`);
      }
    }
    const unknownField = Object.keys(request).find((key) => !["name", "add", "delete"].includes(key));
    if (unknownField !== undefined) throw new TypeError(`${label} has unknown field ${JSON.stringify(unknownField)} (expected name, add, delete)`);
    const parsed = DynamicPartitionsRequestSchema.safeParse({
      name: request.name,
      add: [...new Set((request.add as string[] | undefined) ?? [])],
      delete: [...new Set((request.delete as string[] | undefined) ?? [])],
    });
    if (!parsed.success) throw new TypeError(firstIssue(parsed.error, label));
    const nameProblem = dynamicPartitionsNameProblem(parsed.data.name);
    if (nameProblem !== null) throw new TypeError(`${label}.name ${JSON.stringify(parsed.data.name)} ${nameProblem}`);
    for (const field of ["add", "delete"] as const) {
      for (const key of parsed.data[field]) {
        const problem = partitionKeyProblem(key);
        if (problem !== null) throw new TypeError(`${label}.${field}: key ${JSON.stringify(key)} ${problem}`);
      }
    }
    return parsed.data;
  });
}

/**
 * `backfillRequests` of a result: `{ selection?, partitions, policy?, tags? }` each; the selection
 * defaults to the instigator's target, tags are the instigator's (none under `flyt/`) then the request's.
 */
export function checkBackfillRequests(raw: unknown, what: string, defaults: Defaults): EvaluationBackfillRequest[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new TypeError(`${what}: backfillRequests must be an array of { selection?, partitions, policy?, tags? }`);
  if (raw.length > MAX_EVALUATION_BACKFILL_REQUESTS) {
    throw new TypeError(`${what}: ${raw.length} backfillRequests, over the limit of ${MAX_EVALUATION_BACKFILL_REQUESTS}; one backfill covers a whole selection and partition set`);
  }
  const instigatorTags = Object.fromEntries(Object.entries(defaults.tags).filter(([key]) => !key.startsWith(RESERVED_TAG_PREFIX)));
  return raw.map((item: unknown, index) => {
    const label = `${what}: backfillRequests[${index}]`;
    if (typeof item !== "object" || item === null) throw new TypeError(`${label} must be an object like { partitions: { kind: "range", from, to } }`);
    const request = item as { selection?: unknown; partitions?: unknown; policy?: unknown; tags?: unknown };
    const unknownField = Object.keys(request).find((key) => !["selection", "partitions", "policy", "tags"].includes(key));
    if (unknownField !== undefined) throw new TypeError(`${label} has unknown field ${JSON.stringify(unknownField)} (expected selection, partitions, policy, tags)`);
    if (request.selection !== undefined && typeof request.selection !== "string") throw new TypeError(`${label}.selection must be a selection expression`);
    const partitions = BackfillPartitionSetSchema.safeParse(request.partitions);
    if (!partitions.success) {
      throw new TypeError(
        `${firstIssue(partitions.error, `${label}.partitions`)} (expected { kind: "range", from, to }, { kind: "keys", keys }, { kind: "all" }, { kind: "missing" } or { kind: "failed", backfillId? })`,
      );
    }
    if (request.policy !== undefined && request.policy !== null) {
      const policy = BackfillPolicySnapshotSchema.safeParse(request.policy);
      if (!policy.success) throw new TypeError(`${firstIssue(policy.error, `${label}.policy`)} (use singleRunBackfill() or multiRunBackfill(n))`);
    }
    const tags = request.tags ?? {};
    if (typeof tags !== "object" || tags === null || Object.values(tags).some((value) => typeof value !== "string")) {
      throw new TypeError(`${label}.tags must map strings to strings`);
    }
    const reserved = Object.keys(tags).find((key) => key.startsWith(RESERVED_TAG_PREFIX));
    if (reserved !== undefined) throw new TypeError(`${label}.tags: ${JSON.stringify(reserved)} is under "${RESERVED_TAG_PREFIX}", which is reserved for the platform`);
    const parsed = EvaluationBackfillRequestSchema.safeParse({
      selection: request.selection ?? defaults.selection,
      partitions: partitions.data,
      policy: request.policy ?? null,
      tags: { ...instigatorTags, ...(tags as Record<string, string>) },
    });
    if (!parsed.success) throw new TypeError(firstIssue(parsed.error, label));
    return parsed.data;
  });
}

function checkResult(result: unknown, what: string, defaults: Defaults): Checked {
  if (result === undefined || result === null) return { runRequests: [], skipReason: `${what} returned nothing` };
  if (typeof result !== "object") throw new TypeError(`${what} must return an object like { runRequests, skipReason }`);
  const r = result as { runRequests?: unknown; dynamicPartitionsRequests?: unknown; backfillRequests?: unknown; skipReason?: unknown; cursor?: unknown };
  if (r.skipReason !== undefined && typeof r.skipReason !== "string") throw new TypeError(`${what}: skipReason must be a string`);
  if (r.cursor !== undefined && r.cursor !== null && typeof r.cursor !== "string") throw new TypeError(`${what}: cursor must be a string or null`);
  const runRequests = checkRunRequests(r.runRequests, what, defaults);
  const dynamicPartitionsRequests = checkDynamicPartitionsRequests(r.dynamicPartitionsRequests, what);
  const backfillRequests = checkBackfillRequests(r.backfillRequests, what, defaults);
  const requestedNothing = runRequests.length === 0 && dynamicPartitionsRequests.length === 0 && backfillRequests.length === 0;
  const out: Checked = { runRequests, skipReason: r.skipReason ?? (requestedNothing ? `${what} requested no runs` : null) };
  if (dynamicPartitionsRequests.length > 0) out.dynamicPartitionsRequests = dynamicPartitionsRequests;
  if (backfillRequests.length > 0) out.backfillRequests = backfillRequests;
  if (r.cursor !== undefined) out.cursor = r.cursor;
  return out;
}

/** The optional request lists of a checked result, for a response (absent when empty). */
function extraRequests(checked: Checked): Pick<EvaluateSensorResponse, "dynamicPartitionsRequests" | "backfillRequests"> {
  return {
    ...(checked.dynamicPartitionsRequests === undefined ? {} : { dynamicPartitionsRequests: checked.dynamicPartitionsRequests }),
    ...(checked.backfillRequests === undefined ? {} : { backfillRequests: checked.backfillRequests }),
  };
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
    return { runRequests, ...extraRequests(checked), skipReason: checked.skipReason, error: null };
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
      ...extraRequests(checked),
      skipReason: checked.skipReason,
      cursor: checked.cursor === undefined ? request.cursor : checked.cursor,
      error: null,
      durationMs: performance.now() - started,
    };
  } catch (thrown) {
    return { runRequests: [], skipReason: null, cursor: request.cursor, error: serializeError(coerceError(thrown)), durationMs: performance.now() - started };
  }
}
