/**
 * The freshness evaluator: a pure function from (policy, materialization history, now) to a
 * state — FRESH / WARN / STALE / UNKNOWN — with the moment it went stale and the moment it stops
 * being fresh. No I/O and no clock of its own, so the daemon can call it after every event and
 * tests can walk it across DST changes and deadlines instantly. Semantics: docs/freshness.md.
 */
import { Cron } from "croner";
import type { FreshnessPolicySnapshot } from "@flyt/core";
import type { PartitionClock } from "./partitions.js";

export const FRESHNESS_STATES = ["FRESH", "WARN", "STALE", "UNKNOWN"] as const;
export type FreshnessState = (typeof FRESHNESS_STATES)[number];

export interface FreshnessInput {
  policy: FreshnessPolicySnapshot | null;
  /** Epoch ms of the newest materialization of the asset (any partition), or null if none. */
  lastMaterializedAt: number | null;
  /**
   * For `partitions: "latest"`: when each partition was last materialized (key → epoch ms),
   * and how partitions relate to time. Without them such a policy judges any materialization.
   */
  partitionMaterializedAt?: ReadonlyMap<string, number>;
  partitionClock?: PartitionClock | null;
  now: number;
}

export interface FreshnessEvaluation {
  state: FreshnessState;
  /** When the asset became STALE (the missed deadline, or last materialization + maximum lag). */
  staleSince: number | null;
  /** While FRESH or WARN: the moment it becomes STALE unless materialized again (null: never). */
  freshUntil: number | null;
  /** While FRESH: when it turns WARN (null when there is no warning stage). */
  warnAt: number | null;
  /** The partition the policy judged (`partitions: "latest"`), else null. */
  partition: string | null;
  /** One sentence for the UI and alerts. */
  reason: string;
}

const MINUTE = 60_000;
/** Bounds the deadline walks: a cron firing every minute for a week. */
const MAX_DEADLINE_STEPS = 10_080;

/**
 * Evaluates one asset's freshness.
 *
 * @example
 * evaluateFreshness({ policy: { kind: "time-window", maximumLagMinutes: 1560, warnAfterMinutes: null, partitions: "any" },
 *   lastMaterializedAt: Date.parse("2025-01-01T06:00Z"), now: Date.now() });
 */
export function evaluateFreshness(input: FreshnessInput): FreshnessEvaluation {
  const { policy } = input;
  if (policy === null) return unknown("the asset has no freshness policy");
  if (policy.partitions === "latest" && input.partitionClock && input.partitionMaterializedAt) {
    return policy.kind === "cron"
      ? cronLatestPartition(policy, input.partitionClock, input.partitionMaterializedAt, input.now)
      : windowLatestPartition(policy, input.partitionClock, input.partitionMaterializedAt, input.now);
  }
  if (input.lastMaterializedAt === null) return unknown("the asset has never been materialized");
  return policy.kind === "cron"
    ? cronAny(policy, input.lastMaterializedAt, input.now)
    : windowAny(policy, input.lastMaterializedAt, input.now);
}

function unknown(reason: string): FreshnessEvaluation {
  return { state: "UNKNOWN", staleSince: null, freshUntil: null, warnAt: null, partition: null, reason };
}

type WindowPolicy = Extract<FreshnessPolicySnapshot, { kind: "time-window" }>;
type CronPolicy = Extract<FreshnessPolicySnapshot, { kind: "cron" }>;

function windowAny(policy: WindowPolicy, last: number, now: number): FreshnessEvaluation {
  const staleAt = last + policy.maximumLagMinutes * MINUTE;
  const warnAt = policy.warnAfterMinutes === null ? null : last + policy.warnAfterMinutes * MINUTE;
  const lag = formatMinutes(policy.maximumLagMinutes);
  if (now >= staleAt) {
    return { state: "STALE", staleSince: staleAt, freshUntil: null, warnAt: null, partition: null, reason: `last materialized more than ${lag} ago` };
  }
  if (warnAt !== null && now >= warnAt) {
    return { state: "WARN", staleSince: null, freshUntil: staleAt, warnAt, partition: null, reason: `last materialized more than ${formatMinutes(policy.warnAfterMinutes ?? 0)} ago; stale after ${lag}` };
  }
  return { state: "FRESH", staleSince: null, freshUntil: staleAt, warnAt, partition: null, reason: `materialized within the last ${lag}` };
}

function cronAny(policy: CronPolicy, last: number, now: number): FreshnessEvaluation {
  // Deadline d is met when the data is no older than the lag at d: last >= d - lag. So the first
  // missed deadline is the first cron instant strictly after last + lag.
  const lagMs = policy.maximumLagMinutes * MINUTE;
  const cron = makeCron(policy);
  const firstMissed = nextRun(cron, last + lagMs);
  if (firstMissed !== null && firstMissed <= now) {
    return {
      state: "STALE",
      staleSince: firstMissed,
      freshUntil: null,
      warnAt: null,
      partition: null,
      reason: `missed the deadline of ${new Date(firstMissed).toISOString()} (${policy.cron} ${policy.timezone}): data older than ${formatMinutes(policy.maximumLagMinutes)}`,
    };
  }
  return warnOrFresh(policy, firstMissed, now, null, `meets its deadlines (${policy.cron} ${policy.timezone})`);
}

function warnOrFresh(policy: CronPolicy, freshUntil: number | null, now: number, partition: string | null, reason: string): FreshnessEvaluation {
  const warnAt = freshUntil === null || policy.warnBeforeMinutes === null ? null : freshUntil - policy.warnBeforeMinutes * MINUTE;
  if (warnAt !== null && now >= warnAt) {
    return { state: "WARN", staleSince: null, freshUntil, warnAt, partition, reason: `will miss the deadline of ${new Date(freshUntil!).toISOString()} unless materialized` };
  }
  return { state: "FRESH", staleSince: null, freshUntil, warnAt, partition, reason };
}

/** Latest partition + time window: the partition completed at `end` must be materialized by end + lag. */
function windowLatestPartition(policy: WindowPolicy, clock: PartitionClock, done: ReadonlyMap<string, number>, now: number): FreshnessEvaluation {
  const lagMs = policy.maximumLagMinutes * MINUTE;
  const required = clock.latestCompleteAt(now - lagMs);
  const nextEnd = clock.nextEndAfter(now - lagMs);
  const freshUntil = nextEnd === null ? null : nextEnd + lagMs;
  if (required === null) {
    return { state: "FRESH", staleSince: null, freshUntil, warnAt: null, partition: null, reason: "no partition is due yet" };
  }
  if (!done.has(required.key)) {
    return {
      state: "STALE",
      staleSince: required.end + lagMs,
      freshUntil: null,
      warnAt: null,
      partition: required.key,
      reason: `partition ${required.key} was due ${formatMinutes(policy.maximumLagMinutes)} after its window closed and has not been materialized`,
    };
  }
  // The next partition falls due at freshUntil; WARN once it has been complete for warnAfter minutes.
  const upcoming = clock.latestCompleteAt(now);
  if (policy.warnAfterMinutes !== null && upcoming !== null && upcoming.key !== required.key && !done.has(upcoming.key)) {
    const warnAt = upcoming.end + policy.warnAfterMinutes * MINUTE;
    if (now >= warnAt) {
      return { state: "WARN", staleSince: null, freshUntil, warnAt, partition: upcoming.key, reason: `partition ${upcoming.key} is complete but not yet materialized` };
    }
  }
  return { state: "FRESH", staleSince: null, freshUntil, warnAt: null, partition: required.key, reason: `partition ${required.key} is materialized` };
}

/** Latest partition + cron: at each deadline d the latest partition complete at d must exist. */
function cronLatestPartition(policy: CronPolicy, clock: PartitionClock, done: ReadonlyMap<string, number>, now: number): FreshnessEvaluation {
  const cron = makeCron(policy);
  const lastDeadline = previousRun(cron, now);
  const required = lastDeadline === null ? null : clock.latestCompleteAt(lastDeadline);
  if (lastDeadline !== null && required !== null && !done.has(required.key)) {
    // Walk back to the first deadline that already demanded this partition.
    let since = lastDeadline;
    for (let i = 0; i < MAX_DEADLINE_STEPS; i++) {
      const before = previousRun(cron, since - 1);
      if (before === null || clock.latestCompleteAt(before)?.key !== required.key) break;
      since = before;
    }
    return {
      state: "STALE",
      staleSince: since,
      freshUntil: null,
      warnAt: null,
      partition: required.key,
      reason: `partition ${required.key} was due by ${new Date(since).toISOString()} (${policy.cron} ${policy.timezone}) and has not been materialized`,
    };
  }
  // Fresh until the first upcoming deadline whose required partition is missing.
  let freshUntil: number | null = null;
  let cursor = now;
  for (let i = 0; i < MAX_DEADLINE_STEPS; i++) {
    const deadline = nextRun(cron, cursor);
    if (deadline === null) break;
    const key = clock.latestCompleteAt(deadline)?.key;
    if (key !== undefined && !done.has(key)) {
      freshUntil = deadline;
      break;
    }
    cursor = deadline;
  }
  return warnOrFresh(policy, freshUntil, now, required?.key ?? null, required === null ? "no partition is due yet" : `partition ${required.key} is materialized`);
}

function makeCron(policy: CronPolicy): Cron {
  return new Cron(policy.cron, { timezone: policy.timezone, paused: true, mode: "5-or-6-parts" });
}

/** The first cron instant strictly after `time`. */
function nextRun(cron: Cron, time: number): number | null {
  return cron.nextRun(new Date(time))?.getTime() ?? null;
}

/** The latest cron instant at or before `time`. */
function previousRun(cron: Cron, time: number): number | null {
  // croner has no "previous": step back in widening windows and take the last instant <= time.
  for (let span = 60 * MINUTE; span <= 800 * 24 * 60 * MINUTE; span *= 4) {
    let best: number | null = null;
    let cursor = time - span;
    for (let i = 0; i < MAX_DEADLINE_STEPS; i++) {
      const t = nextRun(cron, cursor);
      if (t === null || t > time) break;
      best = t;
      cursor = t;
    }
    if (best !== null) return best;
  }
  return null;
}

export function formatMinutes(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}
