/**
 * Folds a run's events into a per-step summary (status, attempts, timings, error,
 * materializations): what `flyt runs show` prints and what re-execution from failure reads.
 * Steps of the run's plan (RUN_PLANNED) that never started stay PENDING.
 */
import type { Metadata, RunStatus, SerializedError, StepStatus, StoredEvent } from "@flyt/core";
import { RUN_STATUS_BY_EVENT } from "@flyt/core";

export interface StepMaterializationSummary {
  assetKey: string;
  partition: string | null;
  metadata: Metadata;
  timestamp: number;
}

export interface StepSummary {
  stepKey: string;
  status: StepStatus;
  /** Attempts started (1 unless retried). */
  attempts: number;
  /** Start of the first attempt; null for a step that never started. */
  startedAt: number | null;
  endedAt: number | null;
  /** From first start to end, including retry waits. */
  durationMs: number | null;
  /** The final error (failure) or the last retried error if the step succeeded after retries: null otherwise. */
  error: SerializedError | null;
  /** Why the step was skipped. */
  skipReason: string | null;
  materializations: StepMaterializationSummary[];
}

export interface RunSummary {
  /** The status implied by the last run lifecycle event; null without any. */
  status: RunStatus | null;
  startedAt: number | null;
  endedAt: number | null;
  /** The RUN_FAILURE / RUN_CANCELED message, if any. */
  message: string | null;
  /** In order of first appearance in the log. */
  steps: StepSummary[];
}

export function summarizeRun(events: StoredEvent[]): RunSummary {
  const summary: RunSummary = { status: null, startedAt: null, endedAt: null, message: null, steps: [] };
  const steps = new Map<string, StepSummary>();
  const stepOf = (stepKey: string): StepSummary => {
    let step = steps.get(stepKey);
    if (step === undefined) {
      step = {
        stepKey,
        status: "PENDING",
        attempts: 0,
        startedAt: null,
        endedAt: null,
        durationMs: null,
        error: null,
        skipReason: null,
        materializations: [],
      };
      steps.set(stepKey, step);
      summary.steps.push(step);
    }
    return step;
  };
  const end = (step: StepSummary, status: StepStatus, at: number): void => {
    step.status = status;
    step.endedAt = at;
    step.durationMs = step.startedAt === null ? null : Math.max(0, at - step.startedAt);
  };

  for (const event of events) {
    const { body } = event;
    if (body.type === "RUN_PLANNED") {
      // Planned steps show (PENDING) before they start, and stay visible if they never do.
      for (const planned of body.steps) stepOf(planned.stepKey);
      continue;
    }
    if (body.type in RUN_STATUS_BY_EVENT) {
      const status = RUN_STATUS_BY_EVENT[body.type as keyof typeof RUN_STATUS_BY_EVENT];
      summary.status = status;
      if (body.type === "RUN_STARTED") summary.startedAt ??= event.timestamp;
      if (body.type === "RUN_SUCCESS" || body.type === "RUN_FAILURE" || body.type === "RUN_CANCELED") {
        summary.endedAt = event.timestamp;
        summary.message = body.type === "RUN_SUCCESS" ? null : (body.message ?? null);
      }
      continue;
    }
    if (event.stepKey === null) continue;
    const step = stepOf(event.stepKey);
    switch (body.type) {
      case "STEP_START":
        step.attempts = Math.max(step.attempts + 1, body.attempt);
        step.startedAt ??= event.timestamp;
        step.status = "RUNNING";
        break;
      case "STEP_RETRY":
        step.error = body.error;
        break;
      case "STEP_SUCCESS":
        end(step, "SUCCESS", event.timestamp);
        break;
      case "STEP_FAILURE":
        step.error = body.error;
        end(step, "FAILURE", event.timestamp);
        break;
      case "STEP_SKIPPED":
        step.skipReason = body.reason;
        end(step, "SKIPPED", event.timestamp);
        break;
      case "STEP_CANCELED":
        end(step, "CANCELED", event.timestamp);
        break;
      case "ASSET_MATERIALIZATION":
        step.materializations.push({
          assetKey: body.assetKey,
          partition: body.partition,
          metadata: body.metadata,
          timestamp: event.timestamp,
        });
        break;
      // Run lifecycle was handled above; output and checks do not change a step's status.
      case "RUN_QUEUED":
      case "RUN_STARTING":
      case "RUN_STARTED":
      case "RUN_SUCCESS":
      case "RUN_FAILURE":
      case "RUN_CANCELING":
      case "RUN_CANCELED":
      case "LOG":
      case "STEP_OUTPUT":
      case "ASSET_OBSERVATION":
      case "ASSET_CHECK_EVALUATION":
      case "DYNAMIC_PARTITIONS_CHANGED":
        break;
    }
  }
  return summary;
}
