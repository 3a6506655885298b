/**
 * `schedule({...})`: declares that a selection of assets runs on a cron. The daemon evaluates
 * schedules; here the declaration is checked (cron syntax via croner, IANA zone, target syntax)
 * so a typo fails when the code location loads, not at 06:00 the next morning.
 */
import { isValidTimeZone, parseCron } from "@flyt/partitions";
import { abbreviate, DEFINITION_LIMITS, didYouMeanSuffix, InvalidSelectionError, parseSelection } from "@flyt/core";
import type { CatchUpPolicy, ScheduleDefinition, ScheduleEvaluationContext, ScheduleResult } from "./types.js";
import { callerLocation, definitionsError, lengthProblem, nameSchema, tagProblems } from "./validation.js";

export interface ScheduleSpec {
  /** Unique among the code location's schedules. */
  name: string;
  /**
   * Standard 5-field cron (minute hour day-of-month month day-of-week) or a nickname like `@daily`;
   * a 6-field cron with a leading seconds field is accepted too (tests, fast pipelines).
   */
  cron: string;
  /** IANA zone the cron is read in; default "UTC". */
  timezone?: string;
  /** Selection expression of the assets to run (docs/selection.md). */
  target: string;
  tags?: Record<string, string>;
  /** Whether the schedule runs before anyone toggles it; default "STOPPED". */
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  /** Ticks missed while the daemon was down: "latest" (default) runs the newest, "all" up to maxCatchUpTicks, "none" none. */
  catchUp?: CatchUpPolicy;
  /** With catchUp "all": the most missed ticks run (the newest ones); default 10, at most 1000. */
  maxCatchUpTicks?: number;
  /** The partition each run materializes: a fixed key, or a function of the tick time (e.g. the previous month). */
  partition?: string | ((scheduledAt: Date) => string | null);
  /** Decides per tick what to run or why to skip; without it each tick requests one run of `target`. */
  evaluate?: (context: ScheduleEvaluationContext) => ScheduleResult | Promise<ScheduleResult>;
}

export const CATCH_UP_POLICIES: readonly CatchUpPolicy[] = ["latest", "all", "none"];
export const DEFAULT_MAX_CATCH_UP_TICKS = 10;

/** Checks an IANA zone name, with a suggestion for a near miss. */
export function timezoneProblem(timezone: unknown): string | null {
  if (typeof timezone === "string" && isValidTimeZone(timezone)) return null;
  let suggestion = "";
  if (typeof timezone === "string") {
    try {
      suggestion = didYouMeanSuffix(timezone, Intl.supportedValuesOf("timeZone"));
    } catch {
      suggestion = "";
    }
  }
  return `timezone ${JSON.stringify(timezone)} is not a known IANA time zone${suggestion} (e.g. "UTC", "Europe/Oslo")`;
}

/** Problems with a selection's syntax (resolution against the graph happens in defineDefinitions). */
export function targetProblem(target: unknown): string | null {
  if (typeof target !== "string" || target.trim() === "") return 'target must be a selection expression like "group:ssb" or "*"';
  try {
    parseSelection(target);
    return null;
  } catch (error) {
    if (error instanceof InvalidSelectionError) return `target: ${error.message}`;
    throw error;
  }
}

export function statusProblem(status: unknown): string | null {
  return status === undefined || status === "RUNNING" || status === "STOPPED" ? null : `defaultStatus must be "RUNNING" or "STOPPED", got ${JSON.stringify(status)}`;
}

/** The limits schedules and sensors share: a target and tags the protocol's snapshot can carry. */
export function instigatorLimitProblems(spec: { target?: unknown; tags?: Record<string, unknown> | undefined }): string[] {
  const target = lengthProblem("target", spec.target, DEFINITION_LIMITS.selectionChars);
  return [...(target ? [target] : []), ...tagProblems(spec.tags)];
}

export function nameProblem(name: unknown): string | null {
  const parsed = nameSchema.safeParse(name);
  return parsed.success ? null : `name ${parsed.error.issues[0]?.message ?? "is invalid"}`;
}

/**
 * Declares a schedule: run `target` whenever `cron` fires in `timezone`.
 * @throws InvalidDefinitionsError naming the schedule and each problem.
 * @example
 * export const monthly = schedule({
 *   name: "ssb_monthly",
 *   cron: "0 6 2 * *",           // 06:00 on the 2nd of every month
 *   timezone: "Europe/Oslo",
 *   target: "group:ssb+",
 *   defaultStatus: "RUNNING",
 * });
 */
export function schedule(spec: ScheduleSpec): ScheduleDefinition {
  const definedAt = callerLocation();
  const problems: string[] = [];
  const name = typeof spec === "object" && spec !== null ? spec.name : undefined;
  const subject = `schedule ${JSON.stringify(typeof name === "string" ? abbreviate(name) : "(missing name)")}`;
  if (typeof spec !== "object" || spec === null) {
    throw definitionsError([{ subject, message: "the spec must be an object like { name, cron, target }" }], definedAt);
  }
  const timezone = spec.timezone ?? "UTC";
  for (const problem of [nameProblem(spec.name), timezoneProblem(timezone), targetProblem(spec.target), statusProblem(spec.defaultStatus)]) {
    if (problem) problems.push(problem);
  }
  if (typeof spec.cron !== "string") problems.push('cron must be a string like "0 6 * * *"');
  else if (problems.every((p) => !p.startsWith("timezone"))) {
    try {
      parseCron(spec.cron, timezone);
    } catch (error) {
      problems.push(`cron ${JSON.stringify(spec.cron)} is invalid: ${error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error)}`);
    }
  }
  if (spec.tags !== undefined && (typeof spec.tags !== "object" || spec.tags === null || Object.values(spec.tags).some((v) => typeof v !== "string"))) {
    problems.push("tags must be an object of string values");
  }
  if (spec.description !== undefined && typeof spec.description !== "string") problems.push("description must be a string");
  for (const problem of [
    lengthProblem("description", spec.description, DEFINITION_LIMITS.descriptionChars),
    lengthProblem("cron", spec.cron, DEFINITION_LIMITS.cronChars),
    ...instigatorLimitProblems(spec),
  ]) {
    if (problem) problems.push(problem);
  }
  if (spec.catchUp !== undefined && !CATCH_UP_POLICIES.includes(spec.catchUp)) {
    problems.push(`catchUp must be one of ${CATCH_UP_POLICIES.map((p) => JSON.stringify(p)).join(", ")}, got ${JSON.stringify(spec.catchUp)}`);
  }
  const maxCatchUp = spec.maxCatchUpTicks ?? DEFAULT_MAX_CATCH_UP_TICKS;
  if (typeof maxCatchUp !== "number" || !Number.isInteger(maxCatchUp) || maxCatchUp < 1 || maxCatchUp > 1000) {
    problems.push(`maxCatchUpTicks must be an integer from 1 to 1000, got ${String(maxCatchUp)}`);
  }
  if (spec.partition !== undefined && typeof spec.partition !== "function" && (typeof spec.partition !== "string" || spec.partition === "")) {
    problems.push("partition must be a partition key or a function (scheduledAt: Date) => string");
  }
  if (spec.evaluate !== undefined && typeof spec.evaluate !== "function") problems.push("evaluate must be a function");
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject, message })), definedAt);
  return Object.freeze({
    kind: "schedule",
    name: spec.name,
    cron: spec.cron,
    timezone,
    target: spec.target,
    tags: Object.freeze({ ...(spec.tags ?? {}) }),
    defaultStatus: spec.defaultStatus ?? "STOPPED",
    description: spec.description ?? null,
    catchUp: spec.catchUp ?? "latest",
    maxCatchUpTicks: maxCatchUp,
    partition: spec.partition ?? null,
    evaluate: spec.evaluate ?? null,
  });
}
