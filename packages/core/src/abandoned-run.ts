/**
 * Ending a run whose worker is gone (killed, OOM, node lost, launcher died): the one rule every
 * party that does it follows — the subprocess launcher, the code-location and Kubernetes
 * launchers, and the daemon's run monitor. Steps that were running fail (or are canceled), steps
 * of the plan that never started are skipped, and only then the run event, so `flyt runs show`
 * and re-execution from failure see every step, not just the run's end.
 */
import type { EventBody, EventRecord } from "./events.js";

export type AbandonedOutcome = "FAILURE" | "CANCELED";

/** The step lifecycle a run's events describe: what was planned, what started, what ended. */
export class StepLedger {
  private planned: { stepKey: string; assetKeys: string[] }[] | null = null;
  private readonly running = new Map<string, { startedAt: number; assetKeys: string[] }>();
  private readonly ended = new Set<string>();
  private terminal: EventBody["type"] | null = null;

  /** Folds events in write order. */
  static of(events: Iterable<Pick<EventRecord, "stepKey" | "body" | "timestamp">>): StepLedger {
    const ledger = new StepLedger();
    for (const event of events) ledger.add(event);
    return ledger;
  }

  add(event: Pick<EventRecord, "stepKey" | "body" | "timestamp">): void {
    const { body, stepKey } = event;
    switch (body.type) {
      case "RUN_PLANNED":
        this.planned ??= body.steps.map((step) => ({ stepKey: step.stepKey, assetKeys: [...step.assetKeys] }));
        break;
      case "STEP_START":
        // A retried step starts again; its first start is when it began.
        if (stepKey !== null && !this.ended.has(stepKey) && !this.running.has(stepKey)) {
          this.running.set(stepKey, { startedAt: event.timestamp, assetKeys: [...body.assetKeys] });
        }
        break;
      case "STEP_SUCCESS":
      case "STEP_FAILURE":
      case "STEP_SKIPPED":
      case "STEP_CANCELED":
        if (stepKey !== null) {
          this.running.delete(stepKey);
          this.ended.add(stepKey);
        }
        break;
      case "RUN_SUCCESS":
      case "RUN_FAILURE":
      case "RUN_CANCELED":
        this.terminal ??= body.type;
        break;
      // A retry leaves its step running; the rest says nothing about step lifecycle.
      case "STEP_RETRY":
      case "RUN_QUEUED":
      case "RUN_STARTING":
      case "RUN_STARTED":
      case "RUN_CANCELING":
      case "LOG":
      case "STEP_OUTPUT":
      case "DYNAMIC_PARTITIONS_CHANGED":
      case "ASSET_MATERIALIZATION":
      case "ASSET_OBSERVATION":
      case "ASSET_CHECK_EVALUATION":
        break;
    }
  }

  /** The terminal run event seen, if any. */
  get terminalEvent(): EventBody["type"] | null {
    return this.terminal;
  }

  /** Steps with a start and no end. */
  runningSteps(): string[] {
    return [...this.running.keys()];
  }

  /** The planned steps (null when the worker never reported a plan). */
  plan(): readonly { stepKey: string; assetKeys: string[] }[] | null {
    return this.planned;
  }

  /**
   * The events that end the run honestly, in the order to write them (all seq null, the
   * platform's own): a failure or cancellation for every running step, a skip for every planned
   * step that never started, then the run event. Empty when the run already ended.
   */
  endings(outcome: AbandonedOutcome, message: string, now: number): { stepKey: string | null; body: EventBody }[] {
    if (this.terminal !== null) return [];
    const out: { stepKey: string | null; body: EventBody }[] = [];
    for (const [stepKey, step] of this.running) {
      out.push({
        stepKey,
        body:
          outcome === "CANCELED"
            ? { type: "STEP_CANCELED" }
            : { type: "STEP_FAILURE", durationMs: Math.max(0, now - step.startedAt), error: { name: "RunWorkerLost", message }, assetKeys: step.assetKeys },
      });
    }
    for (const step of this.planned ?? []) {
      if (this.running.has(step.stepKey) || this.ended.has(step.stepKey)) continue;
      out.push({
        stepKey: step.stepKey,
        body: {
          type: "STEP_SKIPPED",
          reason: outcome === "CANCELED" ? "the run was canceled before the step started" : "the run worker stopped before the step started",
        },
      });
    }
    out.push({ stepKey: null, body: outcome === "CANCELED" ? { type: "RUN_CANCELED", message } : { type: "RUN_FAILURE", message } });
    return out;
  }
}

/** `StepLedger.endings` as event records of `runId`, ready for `appendEvents` (one transaction). */
export function abandonedRunEvents(
  runId: string,
  events: Iterable<Pick<EventRecord, "stepKey" | "body" | "timestamp">>,
  outcome: AbandonedOutcome,
  message: string,
  now: number = Date.now(),
): EventRecord[] {
  return StepLedger.of(events)
    .endings(outcome, message, now)
    .map(({ stepKey, body }) => ({ runId, seq: null, timestamp: now, stepKey, body }));
}

/** Event types a StepLedger reads: ask storage for only these. */
export const STEP_LEDGER_EVENT_TYPES = [
  "RUN_PLANNED",
  "STEP_START",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "STEP_CANCELED",
  "RUN_SUCCESS",
  "RUN_FAILURE",
  "RUN_CANCELED",
] as const satisfies readonly EventBody["type"][];
