/**
 * The run monitor: fails runs whose worker stopped heartbeating ("worker lost": killed, OOM,
 * node gone, or the process that launched it died) and runs stuck in STARTING. The last sign of
 * life is the newest of the stored heartbeat, the run's start and its last status change, so a
 * run is never judged before its worker had a chance to beat. Terminal writes go through the
 * event log; a worker that reports in the same instant wins or loses cleanly (terminal is final).
 * A lost run's unfinished steps are ended with it (core's StepLedger rule, shared with the launchers).
 */
import { abandonedRunEvents, STEP_LEDGER_EVENT_TYPES, type RunRecord } from "@flyt/core";
import type { Fence, Storage } from "@flyt/storage";
import type { Clock } from "./clock.js";
import { METRICS, type MetricRegistry } from "./metrics.js";
import { ACTIVE_STATUSES, listRunsWithStatus } from "./run-queue.js";

export const DEFAULT_WORKER_TIMEOUT_MS = 60_000;
export const DEFAULT_STARTING_TIMEOUT_MS = 180_000;
/**
 * How long a run an earlier leader claimed may sit in STARTING, its worker silent, before the new
 * leader relaunches it. A worker reports RUN_STARTED within a second or two of its launch, so a
 * run this old was never launched, or its launch died with the leader (docs/failover.md).
 */
export const DEFAULT_RELAUNCH_AFTER_MS = 15_000;

export interface RunMonitorOptions {
  storage: Storage;
  clock: Clock;
  metrics: MetricRegistry;
  /** A run whose worker has not been heard from for this long is failed; default 60 s. */
  workerTimeoutMs?: number;
  /** A run still STARTING after this long is failed; default 180 s. */
  startingTimeoutMs?: number;
  /** A run an earlier leader claimed, still STARTING this long after, is relaunched; default 15 s. */
  relaunchAfterMs?: number;
}

export interface MonitorVerdict {
  runId: string;
  outcome: "FAILURE" | "CANCELED";
  message: string;
}

export class RunMonitor {
  readonly workerTimeoutMs: number;
  readonly startingTimeoutMs: number;
  readonly relaunchAfterMs: number;

  constructor(private readonly options: RunMonitorOptions) {
    this.workerTimeoutMs = options.workerTimeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
    this.startingTimeoutMs = options.startingTimeoutMs ?? DEFAULT_STARTING_TIMEOUT_MS;
    this.relaunchAfterMs = options.relaunchAfterMs ?? Math.min(DEFAULT_RELAUNCH_AFTER_MS, Math.floor(this.startingTimeoutMs / 2));
    for (const [name, value] of [
      ["workerTimeoutMs", this.workerTimeoutMs],
      ["startingTimeoutMs", this.startingTimeoutMs],
      ["relaunchAfterMs", this.relaunchAfterMs],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`run monitor ${name} must be a positive integer of ms, got ${value}`);
    }
    if (this.relaunchAfterMs >= this.startingTimeoutMs) {
      throw new RangeError(`run monitor relaunchAfterMs (${this.relaunchAfterMs}) must be below startingTimeoutMs (${this.startingTimeoutMs}): a run is relaunched before it would be failed`);
    }
  }

  /**
   * The leader's share of its predecessors' claims: runs an earlier leader claimed that are still
   * STARTING `relaunchAfterMs` later with no worker heard from, re-claimed under `fence` for
   * relaunching (runs in `except`, this process's own launches, are left alone).
   */
  async reclaim(fence: Fence, except: string[]): Promise<RunRecord[]> {
    const { storage, clock } = this.options;
    return storage.reclaimStartingRuns({ claimedBefore: clock.now() - this.relaunchAfterMs, except }, { fence });
  }

  /** One check of every active run; returns what it ended. */
  async pass(): Promise<MonitorVerdict[]> {
    const { storage, clock, metrics } = this.options;
    const active = await listRunsWithStatus(storage, [...ACTIVE_STATUSES]);
    if (active.length === 0) return [];
    const beats = new Map((await storage.getRunHeartbeats(active.map((r) => r.runId))).map((b) => [b.runId, b.at]));
    const now = clock.now();
    const verdicts: MonitorVerdict[] = [];
    for (const run of active) {
      const verdict = this.judge(run, beats.get(run.runId) ?? null, now);
      if (verdict !== null) verdicts.push(verdict);
    }
    for (const verdict of verdicts) {
      // Every step the worker left unfinished gets its end too (running → failed or canceled,
      // planned but never started → skipped), in the same transaction as the run's end, so
      // re-execution from failure sees them all.
      const events = await storage.getEvents(verdict.runId, { types: [...STEP_LEDGER_EVENT_TYPES] });
      const endings = abandonedRunEvents(verdict.runId, events, verdict.outcome, verdict.message, now);
      if (endings.length > 0) await storage.appendEvents(endings);
      metrics.increment(verdict.message.startsWith("worker lost") ? METRICS.workersLost : METRICS.startingTimeouts);
    }
    return verdicts;
  }

  judge(run: RunRecord, heartbeatAt: number | null, now: number): MonitorVerdict | null {
    const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
    if (run.status === "STARTING") {
      const since = Math.max(run.updatedAt, heartbeatAt ?? 0);
      if (now - since <= this.startingTimeoutMs) return null;
      return {
        runId: run.runId,
        outcome: "FAILURE",
        message: `run stuck in STARTING for ${seconds(now - since)} (timeout ${seconds(this.startingTimeoutMs)}): its worker never reported that it started`,
      };
    }
    const lastSign = Math.max(heartbeatAt ?? 0, run.startedAt ?? 0, run.updatedAt);
    if (now - lastSign <= this.workerTimeoutMs) return null;
    const message = `worker lost: no heartbeat for ${seconds(now - lastSign)} (timeout ${seconds(this.workerTimeoutMs)}); the worker process was killed, ran out of memory, or its node or launcher went away`;
    return { runId: run.runId, outcome: run.status === "CANCELING" ? "CANCELED" : "FAILURE", message };
  }
}
