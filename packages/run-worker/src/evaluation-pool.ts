/**
 * Runs schedule and sensor code off the caller's event loop, in worker threads that stay warm
 * between evaluations (docs/decisions/0018-evaluation-isolation.md). A worker evaluates one thing
 * at a time, so a sensor stuck in `while (true) {}` holds one worker and nothing else: the pool
 * answers the caller at the deadline and terminates that worker (V8 stops even a synchronous
 * loop), other evaluations go to other workers, and the process's own event loop never waits.
 *
 * The worker side is `serveEvaluations` (evaluation-worker-support.ts); the messages between the
 * two are private to this package.
 */
import { SHARE_ENV, Worker, type ResourceLimits } from "node:worker_threads";
import { coerceError, FlytError, type SerializedError } from "@flyt/core";

export const DEFAULT_EVALUATION_WORKERS = 4;
export const DEFAULT_EVALUATION_IDLE_MS = 60_000;
/** The last worker lives longer: a sensor ticking every 30 s (the default) keeps it warm. */
export const DEFAULT_EVALUATION_LAST_IDLE_MS = 10 * 60_000;
/** Heap for one evaluation worker: a sensor that allocates without bound ends its worker, not the process. */
export const DEFAULT_EVALUATION_HEAP_MB = 256;

export interface EvaluationPoolOptions {
  /** The worker's entry module (it calls `serveEvaluations`). */
  script: URL;
  /** Passed to every worker as `workerData` (structured-cloned). */
  workerData?: unknown;
  /** Evaluations at once, one per worker; more wait in line (default 4). */
  maxWorkers?: number;
  /** A worker beyond the first that has been idle this long is ended (default 60 s). */
  idleMs?: number;
  /**
   * The last worker is ended after this long without evaluations (default 10 min): a warm worker
   * costs ~14 MiB of RSS, worth it only while instigators tick.
   */
  lastIdleMs?: number;
  resourceLimits?: ResourceLimits;
  /** Environment of the workers (default: shared with this thread, as when user code ran here). */
  env?: NodeJS.ProcessEnv | typeof SHARE_ENV;
  /** Names the pool in errors ("code location atlas"). */
  label?: string;
}

export interface EvaluationCall {
  /** Names the evaluation in errors: "sensor ssb_release". */
  what: string;
  payload: unknown;
  /** The evaluation's deadline (the one errors name). */
  timeoutMs: number;
  /**
   * How long past the deadline the worker may still answer before it is terminated: for workers
   * that time out asynchronous user code themselves and stay usable (default 0).
   */
  graceMs?: number;
  /** Aborting ends the evaluation the same way (its worker is terminated). */
  signal?: AbortSignal;
  /** Non-answer messages the worker sends for this evaluation (sensor log lines). */
  onNotice?: (notice: unknown) => void;
}

/** The evaluation ran past its deadline; its worker was terminated. */
export class EvaluationTimeoutError extends FlytError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("EVALUATION", message, options);
  }
}

/** The worker ended (crash, out of memory, `process.exit` in user code) before it answered. */
export class EvaluationWorkerError extends FlytError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("EVALUATION", message, options);
  }
}

/** What user code threw inside the worker, rebuilt on this side with the worker's stack. */
export class UserCodeError extends Error {
  constructor(readonly serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack !== undefined) this.stack = serialized.stack;
    if (serialized.cause !== undefined) this.cause = new UserCodeError(serialized.cause);
  }
}

type ToWorker = { type: "evaluate"; id: number; payload: unknown };
type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; error: SerializedError }
  | { type: "notice"; id: number; notice: unknown };

interface Job {
  id: number;
  call: EvaluationCall;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** Deadline timer: while queued it limits the wait, once running it terminates the worker. */
  timer: NodeJS.Timeout | null;
  onAbort: (() => void) | null;
  slot: Slot | null;
}

interface Slot {
  worker: Worker;
  /** Booted and prepared (definitions loaded): only ready workers take jobs. */
  ready: boolean;
  job: Job | null;
  idleTimer: NodeJS.Timeout | null;
  /** Set once the pool let go of this worker (terminated, crashed): ignore its late messages. */
  gone: boolean;
}

export class EvaluationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readyWaiters: Array<() => void> = [];
  private nextId = 1;
  private closed = false;
  private readonly maxWorkers: number;
  private readonly idleMs: number;
  private readonly lastIdleMs: number;

  constructor(private readonly options: EvaluationPoolOptions) {
    const max = options.maxWorkers ?? DEFAULT_EVALUATION_WORKERS;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxWorkers must be an integer ≥ 1, got ${String(max)}`);
    this.maxWorkers = max;
    this.idleMs = options.idleMs ?? DEFAULT_EVALUATION_IDLE_MS;
    this.lastIdleMs = options.lastIdleMs ?? DEFAULT_EVALUATION_LAST_IDLE_MS;
  }

  /** Workers alive (idle or busy), for tests and metrics. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Starts one worker ahead of the first evaluation, so that evaluation does not pay the start-up
   * (~100 ms: a thread, its own module graph, the definitions). Resolves once a worker is ready
   * (at once when one is); never rejects.
   */
  warm(): Promise<void> {
    if (this.closed || this.slots.some((s) => s.ready)) return Promise.resolve();
    if (this.slots.length === 0) this.spawn();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  run(call: EvaluationCall): Promise<unknown> {
    if (this.closed) return Promise.reject(new EvaluationWorkerError(`${call.what}: the evaluation pool is closed`));
    if (!Number.isFinite(call.timeoutMs) || call.timeoutMs <= 0) return Promise.reject(new RangeError(`${call.what}: timeoutMs must be a positive number, got ${String(call.timeoutMs)}`));
    if (call.signal?.aborted) return Promise.reject(coerceError(call.signal.reason));
    return new Promise<unknown>((resolve, reject) => {
      const job: Job = { id: this.nextId++, call, resolve, reject, timer: null, onAbort: null, slot: null };
      // The wait for a free worker is bounded by the same deadline, so a location whose workers
      // are all stuck answers every caller instead of piling requests up.
      job.timer = setTimeout(() => {
        this.dequeue(job);
        job.reject(new EvaluationTimeoutError(`${call.what} did not start within ${call.timeoutMs} ms: all ${this.maxWorkers} evaluation workers${this.labelSuffix()} were busy`));
      }, call.timeoutMs);
      if (call.signal) {
        job.onAbort = () => {
          if (job.slot) {
            void this.discard(job.slot);
            this.replenish();
          } else this.dequeue(job);
          this.settle(job);
          job.reject(coerceError(call.signal!.reason));
        };
        call.signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Terminates every worker; evaluations in flight or waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    for (const job of this.queue.splice(0)) {
      this.settle(job);
      job.reject(new EvaluationWorkerError(`${job.call.what}: the evaluation pool was closed`));
    }
    await Promise.all([...this.slots].map((slot) => {
      const job = slot.job;
      const exited = this.discard(slot);
      if (job) {
        this.settle(job);
        job.reject(new EvaluationWorkerError(`${job.call.what}: the evaluation pool was closed`));
      }
      return exited;
    }));
  }

  private labelSuffix(): string {
    return this.options.label === undefined ? "" : ` of ${this.options.label}`;
  }

  private dequeue(job: Job): void {
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private settle(job: Job): void {
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    if (job.onAbort !== null) job.call.signal?.removeEventListener("abort", job.onAbort);
    job.onAbort = null;
    if (job.slot !== null && job.slot.job === job) job.slot.job = null;
    job.slot = null;
  }

  /**
   * Jobs wait in line and go to whichever worker is ready first. A new worker is started for each
   * job no booting worker will take, but a warm worker that frees up meanwhile takes the job
   * instead: fast evaluations never wait for a start-up they do not need.
   */
  private dispatch(): void {
    if (this.closed) return;
    for (;;) {
      const slot = this.slots.find((s) => s.ready && s.job === null);
      if (slot === undefined || this.queue.length === 0) break;
      this.start(slot, this.queue.shift()!);
    }
    const booting = this.slots.filter((s) => !s.ready).length;
    for (let i = booting; i < this.queue.length && this.slots.length < this.maxWorkers; i += 1) this.spawn();
  }

  private start(slot: Slot, job: Job): void {
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    slot.job = job;
    job.slot = slot;
    // A busy worker keeps the process alive (the caller awaits it); an idle one must not.
    slot.worker.ref();
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = setTimeout(() => {
      void this.discard(slot);
      this.settle(job);
      job.reject(new EvaluationTimeoutError(`${job.call.what} did not finish within ${job.call.timeoutMs} ms; its evaluation worker was stopped`));
      this.replenish();
      this.dispatch();
    }, job.call.timeoutMs + (job.call.graceMs ?? 0));
    try {
      slot.worker.postMessage({ type: "evaluate", id: job.id, payload: job.call.payload } satisfies ToWorker);
    } catch (error) {
      this.settle(job);
      this.idle(slot);
      job.reject(new TypeError(`${job.call.what}: the request could not be passed to the evaluation worker: ${coerceError(error).message}`));
    }
  }

  /** After a worker was stopped: start its successor now, so the next evaluation finds it warm. */
  private replenish(): void {
    if (this.closed || this.slots.some((s) => s.job === null)) return;
    if (this.slots.length < this.maxWorkers) this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.script, {
      workerData: this.options.workerData,
      env: this.options.env ?? SHARE_ENV,
      resourceLimits: this.options.resourceLimits ?? { maxOldGenerationSizeMb: DEFAULT_EVALUATION_HEAP_MB },
      // false: user code's console output goes straight to this process's stdout/stderr, where
      // the operator reads the code server's own output.
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, ready: false, job: null, idleTimer: null, gone: false };
    // Idle until it has a job: a booting worker must not keep the process alive on its own.
    worker.unref();
    this.slots.push(slot);
    worker.on("message", (message: FromWorker) => this.onMessage(slot, message));
    let failure: Error | null = null;
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      if (slot.gone) return;
      this.remove(slot);
      if (this.slots.length === 0) for (const resolve of this.readyWaiters.splice(0)) resolve();
      const why = failure === null ? `exited with code ${code}` : `failed: ${failure.message}`;
      const job = slot.job;
      if (job) {
        this.settle(job);
        job.reject(new EvaluationWorkerError(`${job.call.what}: its evaluation worker ${why} before answering`, { cause: failure ?? undefined }));
      } else if (!slot.ready && this.queue.length > 0) {
        // A worker that cannot even start fails the job it was started for, rather than being
        // restarted for it forever.
        const waiting = this.queue.shift()!;
        this.settle(waiting);
        waiting.reject(new EvaluationWorkerError(`${waiting.call.what}: the evaluation worker${this.labelSuffix()} ${why} while starting`, { cause: failure ?? undefined }));
      }
      this.dispatch();
    });
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === "ready") {
      if (slot.gone || slot.ready) return;
      slot.ready = true;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      this.idle(slot);
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (slot.gone || job === null || message.id !== job.id) return;
    if (message.type === "notice") {
      try {
        job.call.onNotice?.(message.notice);
      } catch {
        // A notice sink that throws must not take the evaluation down with it.
      }
      return;
    }
    this.settle(job);
    this.idle(slot);
    if (message.ok) job.resolve(message.value);
    else job.reject(new UserCodeError(message.error));
    this.dispatch();
  }

  private idle(slot: Slot): void {
    if (slot.gone) return;
    slot.worker.unref();
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    this.armIdle(slot, this.slots.length > 1 ? this.idleMs : this.lastIdleMs);
  }

  private armIdle(slot: Slot, ms: number): void {
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = null;
      if (slot.job !== null || slot.gone) return;
      // The others went meanwhile: this one is now the last and gets the last one's grace.
      if (this.slots.length === 1 && ms !== this.lastIdleMs) this.armIdle(slot, this.lastIdleMs);
      else void this.discard(slot);
    }, ms);
    slot.idleTimer.unref();
  }

  private remove(slot: Slot): void {
    slot.gone = true;
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }

  private discard(slot: Slot): Promise<void> {
    this.remove(slot);
    return slot.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }
}
