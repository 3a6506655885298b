/**
 * The worker side of the event stream. It owns the run's sequence numbers (1, 2, 3…),
 * stamps and redacts each event, and hands batches to a transport: storage directly
 * (in-process) or IPC to the parent (subprocess). Batches go out when they reach
 * `maxBatchSize`, after `flushIntervalMs`, or at once for `urgent` events (step starts and
 * run lifecycle), so a worker that dies mid-step has already told the parent which step ran.
 *
 * It also keeps the event limits every receiver enforces (core's EVENT_LIMITS), so a worker never
 * sends what the platform refuses: over-long log messages, fields, output chunks and error texts
 * are cut with a marker, and once the run's output budget (LOG and STEP_OUTPUT bytes and events) is
 * spent further output is dropped after one notice saying how much.
 */
import { EVENT_LIMITS, eventLimitProblem, isRunOutput, outputBytes, truncateUtf8, type EventBody, type EventRecord, type SerializedError } from "@flyt/core";
import { outsideSteps } from "./capture-scope.js";
import type { Redactor } from "./redact.js";

/**
 * Delivers batches in the order `send` is called. Implementations serialise internally; the
 * writer calls `send` synchronously when it flushes so nothing is lost to a microtask delay.
 */
export interface EventTransport {
  send(batch: EventRecord[]): Promise<void>;
}

export interface EventWriterOptions {
  runId: string;
  transport: EventTransport;
  redactor?: Redactor;
  /** First seq to assign; default 1. */
  firstSeq?: number;
  maxBatchSize?: number;
  flushIntervalMs?: number;
  now?: () => number;
}

export const DEFAULT_MAX_BATCH_SIZE = 200;
export const DEFAULT_FLUSH_INTERVAL_MS = 50;

export class EventWriter {
  readonly runId: string;
  private readonly transport: EventTransport;
  private readonly redactor: Redactor | undefined;
  private readonly maxBatchSize: number;
  private readonly flushIntervalMs: number;
  private readonly now: () => number;
  private nextSeq: number;
  private queue: EventRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pending = new Set<Promise<void>>();
  private failure: Error | null = null;
  private closed = false;
  private outputBytesUsed = 0;
  private outputEventsUsed = 0;
  private droppedOutput = { events: 0, bytes: 0 };

  constructor(options: EventWriterOptions) {
    this.runId = options.runId;
    this.transport = options.transport;
    this.redactor = options.redactor;
    this.nextSeq = options.firstSeq ?? 1;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The seq the next event will get. */
  get seq(): number {
    return this.nextSeq;
  }

  /** The first delivery error, if any batch could not be delivered. */
  get error(): Error | null {
    return this.failure;
  }

  /** Output dropped because the run's output budget was spent. */
  get dropped(): { events: number; bytes: number } {
    return { ...this.droppedOutput };
  }

  /**
   * Queues one event; returns the record as it will be delivered (seq assigned, redacted, cut to
   * the limits), or null when it was output beyond the run's budget and was dropped.
   */
  emit(stepKey: string | null, body: EventBody, options: { urgent?: boolean } = {}): EventRecord | null {
    if (this.closed) throw new Error(`Event writer of run ${this.runId} is closed; cannot emit ${body.type}`);
    let fitted = fitToLimits(this.redactor ? this.redactor.redactDeep(body) : body);
    if (isRunOutput(fitted)) {
      const bytes = outputBytes(fitted);
      if (this.outputBytesUsed + bytes > EVENT_LIMITS.runOutputBytes || this.outputEventsUsed + 1 > EVENT_LIMITS.runOutputEvents) {
        if (this.droppedOutput.events === 0) {
          // The one notice (not counted against the budget): from here on output is only counted.
          this.push(null, {
            type: "LOG",
            level: "warn",
            message: `This run's output budget (${EVENT_LIMITS.runOutputEvents} log and output events, ${EVENT_LIMITS.runOutputBytes / 1024 / 1024} MiB) is spent: further log lines and captured output are dropped; the run itself goes on.`,
          });
        }
        this.droppedOutput.events += 1;
        this.droppedOutput.bytes += bytes;
        return null;
      }
      this.outputBytesUsed += bytes;
      this.outputEventsUsed += 1;
    } else {
      // Cut fields above cannot fix an event that is still too large (metadata: the executor refuses it first).
      const problem = eventLimitProblem(fitted);
      if (problem !== null) fitted = { type: "LOG", level: "error", message: `A ${fitted.type} event was not sent: ${problem}` };
    }
    return this.push(stepKey, fitted, options.urgent === true);
  }

  private push(stepKey: string | null, body: EventBody, urgent = false): EventRecord {
    const record: EventRecord = {
      runId: this.runId,
      seq: this.nextSeq++,
      timestamp: this.now(),
      stepKey,
      body,
    };
    this.queue.push(record);
    if (urgent || this.queue.length >= this.maxBatchSize) this.flushNow();
    else if (this.timer === null) {
      this.timer = outsideSteps(() => setTimeout(() => this.flushNow(), this.flushIntervalMs));
    }
    return record;
  }

  /** Sends what is queued and waits until every batch sent so far is delivered. */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failure) throw this.failure;
  }

  /** Flushes and refuses further events. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
    }
  }

  private flushNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const sent = outsideSteps(() => this.transport.send(batch)).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }
}

function fitError(error: SerializedError): SerializedError {
  const half = EVENT_LIMITS.errorBytes / 2;
  const out: SerializedError = { name: truncateUtf8(error.name, 1024), message: truncateUtf8(error.message, half) };
  if (error.stack !== undefined) out.stack = truncateUtf8(error.stack, half / 2);
  if (error.cause !== undefined) out.cause = { name: truncateUtf8(error.cause.name, 1024), message: truncateUtf8(error.cause.message, half / 4) };
  return out;
}

/** The event cut to the per-event limits where a cut keeps it meaningful (text), unchanged otherwise. */
export function fitToLimits(body: EventBody): EventBody {
  switch (body.type) {
    case "LOG": {
      const message = truncateUtf8(body.message, EVENT_LIMITS.logMessageBytes);
      const fieldsText = body.fields === undefined ? "" : JSON.stringify(body.fields);
      const fields =
        body.fields !== undefined && Buffer.byteLength(fieldsText, "utf8") > EVENT_LIMITS.logFieldsBytes
          ? { truncated: `fields of ${Buffer.byteLength(fieldsText, "utf8")} bytes dropped (limit ${EVENT_LIMITS.logFieldsBytes})` }
          : body.fields;
      return message === body.message && fields === body.fields ? body : { ...body, message, ...(fields === undefined ? {} : { fields }) };
    }
    case "STEP_OUTPUT": {
      const text = truncateUtf8(body.text, EVENT_LIMITS.outputChunkBytes);
      return text === body.text ? body : { ...body, text };
    }
    case "STEP_FAILURE":
    case "STEP_RETRY":
      return eventLimitProblem(body) === null ? body : { ...body, error: fitError(body.error) };
    case "RUN_FAILURE":
      return eventLimitProblem(body) === null ? body : { ...body, message: truncateUtf8(body.message, EVENT_LIMITS.errorBytes / 4), ...(body.error ? { error: fitError(body.error) } : {}) };
    // Metadata is refused by the SDK before it gets here; lifecycle events are small by construction.
    case "ASSET_MATERIALIZATION":
    case "ASSET_OBSERVATION":
    case "ASSET_CHECK_EVALUATION":
    case "RUN_QUEUED":
    case "RUN_STARTING":
    case "RUN_STARTED":
    case "RUN_PLANNED":
    case "RUN_SUCCESS":
    case "RUN_CANCELING":
    case "RUN_CANCELED":
    case "STEP_START":
    case "STEP_SUCCESS":
    case "STEP_SKIPPED":
    case "STEP_CANCELED":
    case "DYNAMIC_PARTITIONS_CHANGED": // ctx.addDynamicPartitions splits its keys into events far below the limit (executor.ts)
      return body;
  }
}
