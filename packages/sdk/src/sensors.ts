/**
 * `sensor({...})`: declares a function the daemon calls every `minimumIntervalSeconds` to
 * decide whether to request runs (new files, an upstream API's "last updated" changing…).
 */
import type { SensorDefinition, SensorEvaluationContext, SensorResult } from "./types.js";
import { nameProblem, statusProblem, targetProblem } from "./schedules.js";
import { callerLocation, definitionsError } from "./validation.js";

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
  const subject = `sensor ${JSON.stringify(typeof name === "string" ? name : "(missing name)")}`;
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
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject, message })), definedAt);
  return Object.freeze({
    kind: "sensor",
    name: spec.name,
    target: spec.target,
    minimumIntervalSeconds: interval,
    defaultStatus: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    evaluate: spec.evaluate,
  });
}
