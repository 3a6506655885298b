/**
 * Runs: one execution of a selection of assets. Status values and transitions follow DESIGN §3.
 */

export const RUN_STATUSES = [
  "QUEUED",
  "STARTING",
  "STARTED",
  "SUCCESS",
  "FAILURE",
  "CANCELING",
  "CANCELED",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run never changes again. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export const RUN_ORIGINS = ["manual", "schedule", "sensor", "backfill", "automation"] as const;
export type RunOrigin = (typeof RUN_ORIGINS)[number];

export const STEP_STATUSES = ["PENDING", "RUNNING", "SUCCESS", "FAILURE", "SKIPPED", "CANCELED"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A run as stored. Times are epoch milliseconds. */
export interface RunRecord {
  runId: string;
  status: RunStatus;
  /** The selection expression the user gave (for display and re-execution). */
  selection: string;
  /** The asset keys the selection resolved to, printed form. */
  assetKeys: string[];
  /** Step keys to execute; null means every step planned from `assetKeys`. Set by from-failure re-execution. */
  stepKeys: string[] | null;
  partitionKey: string | null;
  tags: Record<string, string>;
  origin: RunOrigin;
  parentRunId: string | null;
  rootRunId: string | null;
  /** Name of the code location that owns the run. */
  location: string;
  /** Schedule or sensor name that created the run, with the run key that deduplicates it. */
  instigator: string | null;
  runKey: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** What a caller provides to create a run; storage fills ids, status and times. */
export interface NewRun {
  runId?: string;
  selection: string;
  assetKeys: string[];
  stepKeys?: string[] | null;
  partitionKey?: string | null;
  tags?: Record<string, string>;
  origin?: RunOrigin;
  parentRunId?: string | null;
  rootRunId?: string | null;
  location?: string;
  instigator?: string | null;
  runKey?: string | null;
  /** Defaults to QUEUED. */
  status?: RunStatus;
}

/** The location name used when runs come from a definitions file rather than a configured location. */
export const DEFAULT_LOCATION = "default";

/**
 * Tags under `flyt/` are the platform's: set by schedules, sensors, retries and the CLI, and read
 * by the daemon (a run's definitions file, its tick, its retry number). A caller may set only
 * these, each with the values the daemon understands (docs/daemon.md, docs/queue.md).
 */
export const USER_SETTABLE_SYSTEM_TAGS: Readonly<Record<string, { pattern: RegExp; expected: string }>> = {
  "flyt/max_retries": { pattern: /^(0|[1-9]\d{0,2})$/, expected: "an integer from 0 to 999" },
  "flyt/retry_strategy": { pattern: /^(from_failure|all_steps)$/, expected: "from_failure or all_steps" },
  "flyt/priority": { pattern: /^-?(0|[1-9]\d{0,8})$/, expected: "an integer" },
};

/** Why a caller may not set this tag (a reserved key, or a bad value for a system tag), or null when it may. */
export function runTagProblem(key: string, value: string): string | null {
  if (!key.startsWith("flyt/")) return null;
  const settable = USER_SETTABLE_SYSTEM_TAGS[key];
  if (settable === undefined) {
    return `tag keys starting with "flyt/" are reserved for the platform (got ${key}); the ones you may set are ${Object.keys(USER_SETTABLE_SYSTEM_TAGS).join(", ")}`;
  }
  if (!settable.pattern.test(value)) return `tag ${key} must be ${settable.expected}, got ${JSON.stringify(value)}`;
  return null;
}
