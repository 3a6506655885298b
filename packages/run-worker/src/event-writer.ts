/**
 * The worker side of the event stream. It owns the run's sequence numbers (1, 2, 3…),
 * stamps and redacts each event, and hands batches to a transport: storage directly
 * (in-process) or IPC to the parent (subprocess). Batches go out when they reach
 * `maxBatchSize`, after `flushIntervalMs`, or at once for `urgent` events (step starts and
 * run lifecycle), so a worker that dies mid-step has already told the parent which step ran.
 */
import type { EventBody, EventRecord } from "@flyt/core";
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

  /** Queues one event; returns the record as it will be delivered (seq assigned, redacted). */
  emit(stepKey: string | null, body: EventBody, options: { urgent?: boolean } = {}): EventRecord {
    if (this.closed) throw new Error(`Event writer of run ${this.runId} is closed; cannot emit ${body.type}`);
    const record: EventRecord = {
      runId: this.runId,
      seq: this.nextSeq++,
      timestamp: this.now(),
      stepKey,
      body: this.redactor ? this.redactor.redactDeep(body) : body,
    };
    this.queue.push(record);
    if (options.urgent || this.queue.length >= this.maxBatchSize) this.flushNow();
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
