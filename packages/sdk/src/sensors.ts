/**
 * `sensor({...})`: declares a function the daemon calls every `minimumIntervalSeconds` to
 * decide whether to request runs (new files, an upstream API's "last updated" changing…).
 */
import type { SensorDefinition, SensorEvaluationContext, SensorResult } from "./types.js";
import { abbreviate, DEFINITION_LIMITS, InvalidAssetKeyError, normalizeAssetKey } from "@flyt/core";
import { instigatorLimitProblems, nameProblem, statusProblem, targetProblem } from "./schedules.js";
import { callerLocation, definitionsError, lengthProblem } from "./validation.js";

/**
 * Seconds between sensor evaluations when a sensor gives none.
 * @example
 * sensor({ name: "s", target: "*", evaluate }).minimumIntervalSeconds; // 30
 */
export const DEFAULT_MINIMUM_INTERVAL_SECONDS = 30;

export interface SensorSpec {
  /** Unique among the code location's sensors. */
  name: string;
  /** Selection expression of the assets its run requests materialize (a request may override it). */
  target: string;
  /** Seconds between evaluations; default 30, at least 1. */
  minimumIntervalSeconds?: number;
  /** Whether the sensor runs before anyone toggles it; default "STOPPED". */
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  evaluate: (context: SensorEvaluationContext) => SensorResult | Promise<SensorResult>;
}

/**
 * Declares a sensor.
 * @throws InvalidDefinitionsError naming the sensor and each problem.
 * @example
 * export const newSsbRelease = sensor({
 *   name: "ssb_release",
 *   target: "group:ssb",
 *   minimumIntervalSeconds: 3600,
 *   evaluate: async ({ cursor }) => {
 *     const updated = await lastUpdated("08764");
 *     if (updated === cursor) return { skipReason: "no new release" };
 *     return { runRequests: [{ runKey: updated }], cursor: updated };
 *   },
 * });
 */
export function sensor(spec: SensorSpec): SensorDefinition {
  const definedAt = callerLocation();
  const name = typeof spec === "object" && spec !== null ? spec.name : undefined;
  const subject = `sensor ${JSON.stringify(typeof name === "string" ? abbreviate(name) : "(missing name)")}`;
  if (typeof spec !== "object" || spec === null) {
    throw definitionsError([{ subject, message: "the spec must be an object like { name, target, evaluate }" }], definedAt);
  }
  const problems: string[] = [];
  for (const problem of [nameProblem(spec.name), targetProblem(spec.target), statusProblem(spec.defaultStatus)]) {
    if (problem) problems.push(problem);
  }
  const interval = spec.minimumIntervalSeconds ?? DEFAULT_MINIMUM_INTERVAL_SECONDS;
  if (typeof interval !== "number" || !Number.isFinite(interval) || interval < 1) {
    problems.push(`minimumIntervalSeconds must be a number ≥ 1, got ${String(interval)}`);
  }
  if (typeof spec.evaluate !== "function") problems.push("evaluate must be a function");
  if (spec.description !== undefined && typeof spec.description !== "string") problems.push("description must be a string");
  problems.push(...limitProblems(spec));
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject, message })), definedAt);
  return Object.freeze({
    kind: "sensor",
    name: spec.name,
    target: spec.target,
    minimumIntervalSeconds: interval,
    defaultStatus: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    evaluate: spec.evaluate,
    sensorType: "custom",
  });
}

/** Options shared by the built-in sensor kinds, which the daemon evaluates from storage. */
interface BuiltInSensorSpec {
  name: string;
  /** Selection expression of the assets each fired request materializes. */
  target: string;
  minimumIntervalSeconds?: number;
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  /** Tags added to every run the sensor requests. */
  tags?: Record<string, string>;
}

export interface AssetSensorSpec extends BuiltInSensorSpec {
  /** Printed keys of the assets to watch; each new materialization of one requests a run. */
  assets: string[];
}

export interface RunStatusSensorSpec extends BuiltInSensorSpec {
  /** Run statuses that fire the sensor; default ["FAILURE"]. */
  statuses?: ("SUCCESS" | "FAILURE" | "CANCELED")[];
  /** Only runs that targeted an asset of this selection; default every run. */
  monitoredSelection?: string;
}

const RUN_END_STATUSES = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

function builtInEvaluate(kind: string): SensorDefinition["evaluate"] {
  return () => {
    throw new Error(`${kind} sensors are evaluated by the daemon from storage, not by calling evaluate()`);
  };
}

/** What the protocol's snapshot bounds for every sensor kind. */
function limitProblems(spec: SensorSpec | BuiltInSensorSpec): string[] {
  const description = lengthProblem("description", spec.description, DEFINITION_LIMITS.descriptionChars);
  const monitored = lengthProblem("monitoredSelection", (spec as RunStatusSensorSpec).monitoredSelection, DEFINITION_LIMITS.selectionChars);
  return [...(description ? [description] : []), ...(monitored ? [monitored] : []), ...instigatorLimitProblems({ target: spec.target, tags: (spec as BuiltInSensorSpec).tags })];
}

function builtIn(spec: BuiltInSensorSpec, label: string, extraProblems: string[]): { base: SensorSpec } {
  const definedAt = callerLocation();
  const name = typeof spec === "object" && spec !== null ? spec.name : undefined;
  const subject = `${label} ${JSON.stringify(typeof name === "string" ? abbreviate(name) : "(missing name)")}`;
  if (typeof spec !== "object" || spec === null) {
    throw definitionsError([{ subject, message: "the spec must be an object like { name, target, ... }" }], definedAt);
  }
  const problems = [...extraProblems];
  for (const problem of [nameProblem(spec.name), targetProblem(spec.target), statusProblem(spec.defaultStatus)]) {
    if (problem) problems.push(problem);
  }
  const interval = spec.minimumIntervalSeconds ?? DEFAULT_MINIMUM_INTERVAL_SECONDS;
  if (typeof interval !== "number" || !Number.isFinite(interval) || interval < 1) {
    problems.push(`minimumIntervalSeconds must be a number ≥ 1, got ${String(interval)}`);
  }
  if (spec.tags !== undefined && (typeof spec.tags !== "object" || spec.tags === null || Object.values(spec.tags).some((v) => typeof v !== "string"))) {
    problems.push("tags must be an object of string values");
  }
  if (spec.description !== undefined && typeof spec.description !== "string") problems.push("description must be a string");
  problems.push(...limitProblems(spec));
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject, message })), definedAt);
  return { base: { ...spec, evaluate: builtInEvaluate(label) } };
}

/**
 * Declares an asset sensor: each new materialization of one of `assets` requests a run of
 * `target` (for the same partition when the materialization had one). No user code runs: the
 * daemon reads the asset index, and the cursor remembers the last event seen per asset.
 * @throws InvalidDefinitionsError naming the sensor and each problem.
 * @example
 * export const afterPopulation = assetSensor({
 *   name: "after_population",
 *   assets: ["atlas/ssb/population"],
 *   target: "atlas/marts/municipality_profile",
 * });
 */
export function assetSensor(spec: AssetSensorSpec): SensorDefinition {
  const assetsOk = Array.isArray(spec?.assets) && spec.assets.length > 0 && spec.assets.every((a) => typeof a === "string" && a.length > 0);
  const keyProblems: string[] = [];
  if (assetsOk) {
    spec.assets.forEach((key, index) => {
      try {
        normalizeAssetKey(key);
      } catch (error) {
        if (!(error instanceof InvalidAssetKeyError)) throw error;
        keyProblems.push(`assets[${index}] ${JSON.stringify(abbreviate(key))} is not a valid asset key: ${error.reason}`);
      }
    });
  }
  const { base } = builtIn(spec, "asset sensor", assetsOk ? keyProblems : ["assets must be a non-empty list of printed asset keys"]);
  return Object.freeze({
    kind: "sensor",
    name: base.name,
    target: base.target,
    minimumIntervalSeconds: base.minimumIntervalSeconds ?? DEFAULT_MINIMUM_INTERVAL_SECONDS,
    defaultStatus: base.defaultStatus ?? "STOPPED",
    description: base.description ?? null,
    evaluate: base.evaluate,
    sensorType: "asset",
    assets: Object.freeze([...spec.assets]),
    tags: Object.freeze({ ...(spec.tags ?? {}) }),
  });
}

/**
 * Declares a run-status sensor: each run that ends in one of `statuses` (and targeted
 * `monitoredSelection`, when given) requests a run of `target`, tagged with the run that fired
 * it (`flyt/triggering_run`). The hook for alerts: point `target` at an asset that notifies.
 * @throws InvalidDefinitionsError naming the sensor and each problem.
 * @example
 * export const onFailure = runStatusSensor({
 *   name: "alert_on_failure",
 *   statuses: ["FAILURE"],
 *   target: "ops/alert",
 * });
 */
export function runStatusSensor(spec: RunStatusSensorSpec): SensorDefinition {
  const statuses = spec?.statuses ?? ["FAILURE"];
  const problems: string[] = [];
  if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every((s) => RUN_END_STATUSES.has(s))) {
    problems.push('statuses must be a non-empty list of "SUCCESS", "FAILURE", "CANCELED"');
  }
  if (spec?.monitoredSelection !== undefined) {
    const problem = targetProblem(spec.monitoredSelection);
    if (problem) problems.push(`monitoredSelection: ${problem}`);
  }
  const { base } = builtIn(spec, "run-status sensor", problems);
  return Object.freeze({
    kind: "sensor",
    name: base.name,
    target: base.target,
    minimumIntervalSeconds: base.minimumIntervalSeconds ?? DEFAULT_MINIMUM_INTERVAL_SECONDS,
    defaultStatus: base.defaultStatus ?? "STOPPED",
    description: base.description ?? null,
    evaluate: base.evaluate,
    sensorType: "run_status",
    runStatuses: Object.freeze([...statuses]),
    monitoredSelection: spec.monitoredSelection ?? null,
    tags: Object.freeze({ ...(spec.tags ?? {}) }),
  });
}
