/**
 * Runs the worker inside the calling process (dev, tests): the executor writes straight to
 * storage through a RunEventSink. Cancellation aborts the run's signal; user code that ignores
 * it cannot be killed here, so after the grace period the run is recorded CANCELED and the
 * straggler's later events are dropped.
 */
import { coerceError, type RunRecord } from "@flyt/core";
import { RunEventSink } from "./event-sink.js";
import {
  claimForLaunch,
  DEFAULT_CANCEL_GRACE_MS,
  validateLaunchRequest,
  type CancelOptions,
  type LaunchRequest,
  type LocalLaunchRequest,
  type RunHandle,
  type RunLauncher,
} from "@flyt/contracts";
import { runWorker } from "./worker.js";

/** How often an in-process run records a heartbeat (the subprocess worker's default interval). */
const IN_PROCESS_HEARTBEAT_MS = 5_000;

export class InProcessLauncher implements RunLauncher {
  readonly name = "in-process";

  launch(request: LaunchRequest): RunHandle {
    validateLaunchRequest(request);
    return new InProcessRunHandle(request);
  }
}

class InProcessRunHandle implements RunHandle {
  readonly runId: string;
  readonly done: Promise<RunRecord>;
  private readonly sink: RunEventSink;
  private readonly controller = new AbortController();
  private readonly graceMs: number;
  private canceling = false;
  private settled = false;
  private abandon: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly request: LocalLaunchRequest) {
    this.runId = request.run.runId;
    this.graceMs = request.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
    this.sink = new RunEventSink(request.storage, this.runId, request.onEvent);
    this.done = this.start().finally(() => {
      this.settled = true;
      if (this.heartbeat !== null) clearInterval(this.heartbeat);
    });
  }

  async cancel(reason?: string, options: CancelOptions = {}): Promise<void> {
    if (this.settled || this.canceling) return;
    this.canceling = true;
    const message = reason ?? "Run canceled";
    // Queued before the worker's reply, so it is stored first; the abort does not wait for the
    // write, which waits while storage is unreachable. Recorded elsewhere already: nothing to write.
    const written = options.recorded === true ? Promise.resolve() : this.sink.writePlatformEvent({ type: "RUN_CANCELING", message });
    this.controller.abort(message);
    const timer = setTimeout(() => this.abandon?.(), this.graceMs);
    timer.unref();
    void this.done.finally(() => clearTimeout(timer));
    await written;
  }

  private async start(): Promise<RunRecord> {
    const { request, sink } = this;
    if ((await claimForLaunch(request.storage, request.run)) === null) {
      sink.fence();
      return sink.getRun();
    }
    // Heartbeats in storage, like a subprocess worker's, so the run monitor sees this run as alive
    // while this process lives, and as lost if it dies.
    const beat = (): void => void request.storage.recordRunHeartbeat(this.runId).catch(() => undefined);
    beat();
    this.heartbeat = setInterval(beat, IN_PROCESS_HEARTBEAT_MS);
    this.heartbeat.unref();

    const abandoned = new Promise<"abandoned">((resolve) => {
      this.abandon = () => resolve("abandoned");
    });
    const worker = runWorker({
      run: request.run,
      definitionsFile: request.definitionsFile,
      transport: sink,
      parallelism: request.parallelism,
      signal: this.controller.signal,
      environment: request.environment,
      outputCapBytes: request.outputCapBytes,
    }).then(
      () => "finished" as const,
      (error: unknown) => coerceError(error),
    );

    const result = await Promise.race([worker, abandoned]);
    if (result === "abandoned") {
      await sink.finishAbandoned(
        "CANCELED",
        `Run canceled; its steps did not stop within ${this.graceMs} ms and were abandoned (in-process runs cannot be killed)`,
      );
    } else if (result instanceof Error) {
      await sink.finishAbandoned("FAILURE", `The in-process run worker failed: ${result.message}`);
    } else if (sink.terminalEvent === null) {
      await sink.finishAbandoned("FAILURE", "The run worker ended without reporting a result");
    }
    await sink.drain();
    return sink.getRun();
  }
}
