/**
 * Run retries by policy: a run that ends in FAILURE with tag `flyt/max_retries` = N (and fewer
 * than N retries before it) gets a new run, linked to its parent and root, re-executing either
 * the steps that did not succeed (`flyt/retry_strategy=from_failure`, the default) or all steps
 * (`all_steps`). The new run carries a run key derived from the failed run, so two daemons, or a
 * pass repeated after a crash, never create a second retry of the same failure.
 */
import { coerceError, type NewRun, type RunRecord } from "@flyt/core";
import { createReexecution, ReexecutionError } from "@flyt/contracts";
import type { Storage } from "@flyt/storage";
import type { Clock } from "./clock.js";
import { fenced, type FenceSource } from "./instigators.js";
import { METRICS, type MetricRegistry } from "./metrics.js";

export const MAX_RETRIES_TAG = "flyt/max_retries";
export const RETRY_STRATEGY_TAG = "flyt/retry_strategy";
export const RETRY_NUMBER_TAG = "flyt/retry_number";
/** The instigator name retry runs are deduplicated under. */
export const RETRY_INSTIGATOR = "flyt/run-retries";
/** How far back the first pass looks for failures it may have missed while no daemon ran. */
const DEFAULT_LOOKBACK_MS = 24 * 3600_000;

export interface RunRetriesOptions {
  storage: Storage;
  clock: Clock;
  metrics: MetricRegistry;
  lookbackMs?: number;
  /** The leader's fence: a deposed leader creates no retry runs. */
  fence?: FenceSource;
  onError: (error: Error) => void;
}

/** The retry a failed run is owed, or null (no policy, policy exhausted, bad tag values). */
export function retryPolicy(run: RunRecord): { attempt: number; strategy: "from_failure" | "all_steps" } | null {
  if (run.status !== "FAILURE") return null;
  const max = Number(run.tags[MAX_RETRIES_TAG]);
  if (!Number.isInteger(max) || max < 1) return null;
  const done = Number(run.tags[RETRY_NUMBER_TAG] ?? "0");
  if (!Number.isInteger(done) || done >= max) return null;
  const strategy = run.tags[RETRY_STRATEGY_TAG] === "all_steps" ? "all_steps" : "from_failure";
  return { attempt: done + 1, strategy };
}

export class RunRetries {
  /** Failed runs already handled by this process (storage's run key is the real guard). */
  private readonly handled = new Set<string>();
  private watermark: number;

  constructor(private readonly options: RunRetriesOptions) {
    this.watermark = options.clock.now() - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS);
  }

  /** One pass over recent failures; returns the retry runs created. */
  async pass(): Promise<RunRecord[]> {
    const { storage } = this.options;
    const created: RunRecord[] = [];
    const startedAt = this.options.clock.now();
    let cursor: string | null = null;
    do {
      const page = await storage.listRuns({ statuses: ["FAILURE"], endedAfter: this.watermark }, { limit: 500, cursor });
      for (const run of page.items) {
        if (this.handled.has(run.runId)) continue;
        try {
          const retry = await this.retry(run);
          if (retry !== null) created.push(retry);
          this.handled.add(run.runId);
        } catch (error) {
          this.options.onError(coerceError(error));
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    // Runs ending from now on are newer than this; keep a margin for writers with late clocks.
    this.watermark = Math.max(this.watermark, startedAt - 60_000);
    if (this.handled.size > 100_000) this.handled.clear();
    return created;
  }

  private async retry(run: RunRecord): Promise<RunRecord | null> {
    const policy = retryPolicy(run);
    if (policy === null) return null;
    let next: NewRun;
    try {
      next = await createReexecution(this.options.storage, run.runId, { fromFailure: policy.strategy === "from_failure" });
    } catch (error) {
      // Nothing failed at step level (e.g. the worker was lost after its last step): run it all again.
      if (!(error instanceof ReexecutionError)) throw error;
      next = await createReexecution(this.options.storage, run.runId, { fromFailure: false });
    }
    const result = await this.options.storage.createRun({
      ...next,
      origin: run.origin,
      tags: { ...next.tags, [RETRY_NUMBER_TAG]: String(policy.attempt) },
      instigator: RETRY_INSTIGATOR,
      runKey: `retry-of:${run.runId}`,
    }, fenced(this.options.fence));
    if (!result.created) return null;
    this.options.metrics.increment(METRICS.retries);
    return result.run;
  }
}
