/**
 * The platform side of a run's event stream, shared by the launchers. It appends batches to
 * storage strictly in arrival order (retrying transient failures; appends are idempotent on
 * (runId, seq)), writes the platform's own events (seq null), forwards stored events to
 * `onEvent`, and keeps just enough state — step status, the plan, whether the run ended — to
 * finish the record honestly when a worker dies or is killed.
 */
import type { EventBody, EventRecord, RunRecord } from "@flyt/core";
import { RunNotFoundError, StorageError, coerceError } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { outsideSteps } from "./capture-scope.js";
import type { EventTransport } from "./event-writer.js";
import type { PlannedStepInfo } from "./ipc.js";
import { sleep } from "./retry.js";

const APPEND_RETRY_DELAYS_MS = [100, 500, 2000];

const STEP_END_TYPES: ReadonlySet<EventBody["type"]> = new Set(["STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "STEP_CANCELED"]);

type StepState = { status: "RUNNING"; startedAt: number } | { status: "DONE" };

export class RunEventSink implements EventTransport {
  private chain: Promise<void> = Promise.resolve();
  private readonly steps = new Map<string, StepState>();
  private plan: PlannedStepInfo[] | null = null;
  private terminal: EventBody["type"] | null = null;
  private fenced = false;
  private failure: Error | null = null;

  constructor(
    private readonly storage: Storage,
    readonly runId: string,
    private readonly onEvent?: (event: EventRecord) => void,
  ) {}

  /** The terminal run event seen so far (from the worker or written here), if any. */
  get terminalEvent(): EventBody["type"] | null {
    return this.terminal;
  }

  /** The first append that failed even after retries. */
  get error(): Error | null {
    return this.failure;
  }

  setPlan(steps: PlannedStepInfo[]): void {
    this.plan = steps;
  }

  /** Steps with a STEP_START but no end event yet. */
  runningSteps(): string[] {
    return [...this.steps].filter(([, state]) => state.status === "RUNNING").map(([key]) => key);
  }

  /** Worker batches. Ignored once fenced (a killed or abandoned worker must not write after its run ended). */
  send(batch: EventRecord[]): Promise<void> {
    return this.enqueue(batch, true);
  }

  /** Appends an event the platform writes itself: seq null. */
  writePlatformEvent(body: EventBody, stepKey: string | null = null): Promise<void> {
    return this.enqueue([{ runId: this.runId, seq: null, timestamp: Date.now(), stepKey, body }], false);
  }

  /** Stops accepting worker batches. */
  fence(): void {
    this.fenced = true;
  }

  /** Waits until everything enqueued so far is written. */
  async drain(): Promise<void> {
    await this.chain;
  }

  /**
   * Ends a run whose worker stopped without a terminal event: running steps fail (or are
   * canceled), planned steps that never started are skipped, then the run event. All seq null.
   */
  async finishAbandoned(outcome: "FAILURE" | "CANCELED", message: string): Promise<void> {
    this.fence();
    await this.drain();
    if (this.terminal !== null) return;
    const now = Date.now();
    for (const [stepKey, state] of this.steps) {
      if (state.status !== "RUNNING") continue;
      const assetKeys = this.plan?.find((step) => step.stepKey === stepKey)?.assetKeys ?? [];
      await this.writePlatformEvent(
        outcome === "CANCELED"
          ? { type: "STEP_CANCELED" }
          : {
              type: "STEP_FAILURE",
              durationMs: Math.max(0, now - state.startedAt),
              error: { name: "RunWorkerCrash", message },
              assetKeys,
            },
        stepKey,
      );
    }
    for (const step of this.plan ?? []) {
      if (this.steps.has(step.stepKey)) continue;
      await this.writePlatformEvent(
        {
          type: "STEP_SKIPPED",
          reason: outcome === "CANCELED" ? "the run was canceled before the step started" : "the run worker stopped before the step started",
        },
        step.stepKey,
      );
    }
    await this.writePlatformEvent(
      outcome === "CANCELED" ? { type: "RUN_CANCELED", message } : { type: "RUN_FAILURE", message },
    );
  }

  /** The run as stored now. */
  async getRun(): Promise<RunRecord> {
    const run = await this.storage.getRun(this.runId);
    if (run === null) throw new RunNotFoundError(this.runId);
    return run;
  }

  private enqueue(batch: EventRecord[], fromWorker: boolean): Promise<void> {
    const next = this.chain.then(async () => {
      if (fromWorker && this.fenced) return;
      await this.append(batch);
      for (const event of batch) this.track(event);
      if (this.onEvent) {
        for (const event of batch) {
          try {
            outsideSteps(() => this.onEvent!(event));
          } catch {
            // A failing progress callback must not break the run's record.
          }
        }
      }
    });
    // Keep the chain alive after a failure; the error is reported through `error` and the returned promise.
    this.chain = next.catch((error: unknown) => {
      this.failure ??= coerceError(error);
    });
    return next;
  }

  private async append(batch: EventRecord[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.storage.appendEvents(batch);
        return;
      } catch (error) {
        const delay = APPEND_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          throw new StorageError(`Could not store ${batch.length} event(s) of run ${this.runId}: ${coerceError(error).message}`, {
            cause: error,
          });
        }
        await sleep(delay);
      }
    }
  }

  private track(event: EventRecord): void {
    const { body, stepKey } = event;
    // STEP_RETRY leaves the step running: it waits and starts again.
    if (body.type === "STEP_START") {
      if (stepKey !== null) this.steps.set(stepKey, { status: "RUNNING", startedAt: event.timestamp });
    } else if (STEP_END_TYPES.has(body.type)) {
      if (stepKey !== null) this.steps.set(stepKey, { status: "DONE" });
    } else if (body.type === "RUN_SUCCESS" || body.type === "RUN_FAILURE" || body.type === "RUN_CANCELED") {
      this.terminal ??= body.type;
    }
  }
}
