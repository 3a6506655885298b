/**
 * The platform side of a run's event stream, shared by the launchers. It appends batches to
 * storage strictly in arrival order, writes the platform's own events (seq null), forwards stored
 * events to `onEvent`, and keeps just enough state — step status, the plan, whether the run
 * ended — to finish the record honestly when a worker dies or is killed.
 *
 * Storage may be unreachable for a while (a PostgreSQL restart). Batches then wait here, in order,
 * and each is retried with capped backoff (100 ms doubling to 5 s) for as long as the outage lasts
 * (appends are idempotent on (runId, seq), so a retry after a lost answer stores nothing twice).
 * A subprocess worker may exit meanwhile: its events are already here, and the launcher decides
 * whether the run ended without a terminal event only after `drain()`, when everything is stored.
 * Errors that are not an outage are retried briefly (`OTHER_ERROR_DELAYS_MS`), invalid input not
 * at all; such a batch is recorded in `error` and the following ones still go in.
 *
 * Memory is bounded: at most `MAX_BUFFERED_EVENTS` events, or about `MAX_BUFFERED_CHARS` of text,
 * wait at once. Past either bound, LOG and STEP_OUTPUT events of the worker are dropped (counted
 * in `droppedEvents`, and a warning LOG with the count is stored where the gap is); lifecycle,
 * materialization, observation and check events are always kept: a handful per step, they cannot
 * grow the way output can (the worker already caps output per step and stream). The same bound
 * and rule as the remote worker's HTTP transport.
 */
import type { EventBody, EventRecord, RunRecord } from "@flyt/core";
import { RunNotFoundError, StepLedger, StorageError, coerceError } from "@flyt/core";
import { Backoff, StorageInputError, StorageUnavailableError, retryWhileUnavailable, type Storage } from "@flyt/storage";
import { outsideSteps } from "./capture-scope.js";
import type { EventTransport } from "./event-writer.js";
import { sleep } from "./retry.js";

/** Events waiting for storage at most; beyond, worker LOG/STEP_OUTPUT events are dropped. */
export const MAX_BUFFERED_EVENTS = 10_000;
/** Estimated text (JSON characters) of waiting events at most: about 64 MiB. */
export const MAX_BUFFERED_CHARS = 64 * 1024 * 1024;
/** Failures that are neither an outage nor bad input (a deadlock, a bug): retried this often, then given up. */
const OTHER_ERROR_DELAYS_MS = [100, 200, 400, 800, 1_600];

const DROPPABLE: ReadonlySet<EventBody["type"]> = new Set(["LOG", "STEP_OUTPUT"]);


interface Settle {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A batch to append, or the place where dropped events would have been (a warning is written there). */
type Entry =
  | ({ kind: "batch"; events: EventRecord[]; fromWorker: boolean; chars: number } & Settle)
  | ({ kind: "dropped"; count: number } & Settle);

/** A cheap size estimate: output and log text dominate; other events are small and few. */
function estimateChars(event: EventRecord): number {
  const { body } = event;
  if (body.type === "STEP_OUTPUT") return 200 + body.text.length;
  if (body.type === "LOG") return 200 + body.message.length + (body.fields === undefined ? 0 : JSON.stringify(body.fields).length);
  return 200 + JSON.stringify(body).length;
}

export class RunEventSink implements EventTransport {
  /** Worker events dropped because the buffer was full while storage was unreachable. */
  droppedEvents = 0;
  /** Appends that failed and were tried again (for tests and logs). */
  retries = 0;
  private readonly queue: Entry[] = [];
  private bufferedEvents = 0;
  private bufferedChars = 0;
  private pumping = false;
  /** The gap marker waiting in the queue (not yet being written), if any. */
  private gap: { kind: "dropped"; count: number } | null = null;
  /** Settles when the newest entry is written (entries are written in order). */
  private tail: Promise<void> = Promise.resolve();
  /** Step lifecycle, the plan (RUN_PLANNED) and the run's end, from the events stored so far. */
  private readonly ledger = new StepLedger();
  private fenced = false;
  private failure: Error | null = null;

  constructor(
    private readonly storage: Storage,
    readonly runId: string,
    private readonly onEvent?: (event: EventRecord) => void,
  ) {}

  /** The terminal run event stored so far (from the worker or written here), if any. */
  get terminalEvent(): EventBody["type"] | null {
    return this.ledger.terminalEvent;
  }

  /** The first batch that could not be stored (invalid, or failing for another reason than an outage). */
  get error(): Error | null {
    return this.failure;
  }

  /** Events waiting to be stored. */
  get pendingEvents(): number {
    return this.bufferedEvents;
  }

  /** Steps with a stored STEP_START but no end event yet. */
  runningSteps(): string[] {
    return this.ledger.runningSteps();
  }

  /** Worker batches. Ignored once fenced (a killed or abandoned worker must not write after its run ended). */
  send(batch: EventRecord[]): Promise<void> {
    return this.enqueue(batch, true);
  }

  /** Appends an event the platform writes itself: seq null. */
  writePlatformEvent(body: EventBody, stepKey: string | null = null): Promise<void> {
    return this.enqueue([{ runId: this.runId, seq: null, timestamp: Date.now(), stepKey, body }], false);
  }

  /** Stops accepting worker batches (those still waiting are discarded when their turn comes). */
  fence(): void {
    this.fenced = true;
  }

  /** Waits until everything enqueued so far is stored (or given up), however long storage is down. */
  async drain(): Promise<void> {
    await this.tail;
  }

  /**
   * Ends a run whose worker stopped without a terminal event, by core's StepLedger rule: running
   * steps fail (or are canceled), planned steps that never started are skipped, then the run
   * event — one batch, all seq null.
   */
  async finishAbandoned(outcome: "FAILURE" | "CANCELED", message: string): Promise<void> {
    this.fence();
    await this.drain();
    const now = Date.now();
    const endings = this.ledger.endings(outcome, message, now).map(({ stepKey, body }) => ({ runId: this.runId, seq: null, timestamp: now, stepKey, body }));
    if (endings.length > 0) await this.enqueue(endings, false);
  }

  /** The run as stored now (waiting out an outage). */
  async getRun(): Promise<RunRecord> {
    const run = await retryWhileUnavailable(() => this.storage.getRun(this.runId));
    if (run === null) throw new RunNotFoundError(this.runId);
    return run;
  }

  private enqueue(batch: EventRecord[], fromWorker: boolean): Promise<void> {
    let events = batch;
    let chars = 0;
    for (const event of events) chars += estimateChars(event);
    if (fromWorker && (this.bufferedEvents + events.length > MAX_BUFFERED_EVENTS || this.bufferedChars + chars > MAX_BUFFERED_CHARS)) {
      events = batch.filter((event) => !DROPPABLE.has(event.body.type));
      const dropped = batch.length - events.length;
      if (dropped > 0) {
        this.droppedEvents += dropped;
        this.markDropped(dropped);
        chars = 0;
        for (const event of events) chars += estimateChars(event);
      }
      if (events.length === 0) return Promise.resolve();
    }
    this.bufferedEvents += events.length;
    this.bufferedChars += chars;
    return this.push({ kind: "batch", events, fromWorker, chars });
  }

  /**
   * Counts dropped events into the waiting gap marker, or queues one. At most one marker waits at
   * a time, so a long outage with a chatty worker adds one warning, not one per batch.
   */
  private markDropped(count: number): void {
    if (this.gap !== null) {
      this.gap.count += count;
      return;
    }
    const gap = { kind: "dropped" as const, count };
    this.gap = gap;
    void this.push(gap).catch(() => undefined);
  }

  private push(item: { kind: "batch"; events: EventRecord[]; fromWorker: boolean; chars: number } | { kind: "dropped"; count: number }): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      // The entry keeps its identity (markDropped adds to a waiting marker's count).
      this.queue.push(Object.assign(item, { resolve, reject }));
    });
    this.tail = done.catch(() => undefined);
    void this.pump();
    return done;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let entry = this.queue[0]; entry !== undefined; entry = this.queue[0]) {
        try {
          if (entry.kind === "dropped") {
            // From here on, new drops start a new marker: this one's count is being written.
            if (this.gap === entry) this.gap = null;
            await this.append([this.droppedWarning(entry.count)]);
          } else if (!(entry.fromWorker && this.fenced)) {
            await this.append(entry.events);
            this.stored(entry.events);
          }
          entry.resolve();
        } catch (error) {
          const failure = coerceError(error);
          this.failure ??= failure;
          entry.reject(failure);
        } finally {
          this.queue.shift();
          if (entry.kind === "batch") {
            this.bufferedEvents -= entry.events.length;
            this.bufferedChars -= entry.chars;
          }
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private droppedWarning(count: number): EventRecord {
    const message =
      `${count} LOG/STEP_OUTPUT event(s) of this run were dropped here: storage was unreachable and the launcher's buffer ` +
      `was full (${MAX_BUFFERED_EVENTS} events or ${Math.round(MAX_BUFFERED_CHARS / (1024 * 1024))} MiB)`;
    return { runId: this.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "LOG", level: "warn", message } };
  }

  /** Appends one batch: while storage is unreachable, until it is back; other failures a few times. */
  private async append(batch: EventRecord[]): Promise<void> {
    const backoff = new Backoff();
    let otherFailures = 0;
    for (;;) {
      try {
        await this.storage.appendEvents(batch);
        return;
      } catch (error) {
        let delay: number | undefined;
        if (error instanceof StorageUnavailableError) delay = backoff.next();
        else if (!(error instanceof StorageInputError)) delay = OTHER_ERROR_DELAYS_MS[otherFailures++];
        if (delay === undefined) {
          throw new StorageError(`Could not store ${batch.length} event(s) of run ${this.runId}: ${coerceError(error).message}`, {
            cause: error,
          });
        }
        this.retries += 1;
        await sleep(delay);
      }
    }
  }

  /** After a batch is stored: what it says about steps and the run, then the progress callback. */
  private stored(batch: EventRecord[]): void {
    for (const event of batch) this.track(event);
    if (!this.onEvent) return;
    for (const event of batch) {
      try {
        outsideSteps(() => this.onEvent!(event));
      } catch {
        // A failing progress callback must not break the run's record.
      }
    }
  }

  private track(event: EventRecord): void {
    this.ledger.add(event);
  }
}
