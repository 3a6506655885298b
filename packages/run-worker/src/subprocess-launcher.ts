/**
 * The default launcher: each run gets its own Node process (`dist/worker-main.js`), forked
 * with an IPC channel and leading its own process group. The worker reports over IPC and this
 * side writes to storage, so user code never sees database credentials and a crashing asset
 * cannot take the caller down. When the worker exits, its whole process group is killed to
 * reap stray grandchildren; a worker that ends without a terminal event gets one written for
 * it (exit code or signal, the step that was running, the tail of its stderr).
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { coerceError, type RunRecord } from "@flyt/core";
import { RunEventSink } from "./event-sink.js";
import { parseWorkerMessage, type ParentMessage } from "./ipc.js";
import {
  claimForLaunch,
  DEFAULT_CANCEL_GRACE_MS,
  DEFAULT_PARALLELISM,
  validateLaunchRequest,
  workerEnvironment,
  type CancelOptions,
  type LaunchRequest,
  type LocalLaunchRequest,
  type RunHandle,
  type RunLauncher,
} from "@flyt/contracts";

const WORKER_MAIN = fileURLToPath(new URL("./worker-main.js", import.meta.url));
const OUTPUT_TAIL_BYTES = 8 * 1024;
/** After the worker exits, how long to wait for its pipes and IPC channel to close. */
const CLOSE_TIMEOUT_MS = 5_000;

export interface SubprocessLauncherOptions {
  /** Path of the worker entry point (default: this package's dist/worker-main.js). */
  workerMain?: string;
  /** Extra node flags for the worker, e.g. ["--max-old-space-size=512"]. */
  execArgv?: string[];
  /** How often workers send a heartbeat (default 5000 ms). */
  heartbeatIntervalMs?: number;
}

export class SubprocessLauncher implements RunLauncher {
  readonly name = "subprocess";

  constructor(private readonly options: SubprocessLauncherOptions = {}) {}

  launch(request: LaunchRequest): RunHandle {
    validateLaunchRequest(request);
    return new SubprocessRunHandle(request, this.options);
  }
}


class OutputTail {
  private text = "";
  add(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > OUTPUT_TAIL_BYTES * 2) this.text = this.text.slice(-OUTPUT_TAIL_BYTES);
  }
  get value(): string {
    return this.text.slice(-OUTPUT_TAIL_BYTES).trim();
  }
}

export class SubprocessRunHandle implements RunHandle {
  readonly runId: string;
  readonly done: Promise<RunRecord>;
  /** Epoch ms of the worker's last heartbeat (or any message); null before the first. */
  lastHeartbeatAt: number | null = null;
  /** Heartbeat messages received (for the run monitor and tests). */
  heartbeats = 0;
  /** The worker's pid once forked. */
  pid: number | null = null;
  private readonly sink: RunEventSink;
  private readonly graceMs: number;
  private child: ChildProcess | null = null;
  private exited = false;
  private cancelRequested: string | null = null;
  private killedAfterGrace = false;
  private readonly stderrTail = new OutputTail();
  private readonly stdoutTail = new OutputTail();
  private protocolProblem: string | null = null;

  constructor(
    private readonly request: LocalLaunchRequest,
    private readonly options: SubprocessLauncherOptions,
  ) {
    this.runId = request.run.runId;
    this.graceMs = request.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
    this.sink = new RunEventSink(request.storage, this.runId, request.onEvent);
    this.done = this.start();
  }

  async cancel(reason?: string, options: CancelOptions = {}): Promise<void> {
    if (this.cancelRequested !== null || this.sink.terminalEvent !== null) return;
    const message = reason ?? "Run canceled";
    this.cancelRequested = message;
    // Queued before anything the worker sends in reply, so it is stored first; the worker is told
    // at once rather than after the write, which waits while storage is unreachable. Recorded
    // elsewhere already (the UI, the CLI following the run): nothing to write.
    const written = options.recorded === true ? Promise.resolve() : this.sink.writePlatformEvent({ type: "RUN_CANCELING", message });
    // Before the fork, start() forwards the request once the worker exists.
    if (this.child !== null) this.forwardCancel();
    await written;
  }

  private forwardCancel(): void {
    const child = this.child;
    if (child === null || this.exited || this.cancelRequested === null) return;
    if (child.connected) child.send({ type: "cancel", reason: this.cancelRequested } satisfies ParentMessage, () => undefined);
    const timer = setTimeout(() => {
      if (this.exited) return;
      this.killedAfterGrace = true;
      this.killGroup();
    }, this.graceMs);
    timer.unref();
    void this.done.finally(() => clearTimeout(timer));
  }

  private async start(): Promise<RunRecord> {
    const { request, sink } = this;
    if ((await claimForLaunch(request.storage, request.run)) === null) {
      sink.fence();
      return sink.getRun();
    }

    let child: ChildProcess;
    try {
      child = fork(this.options.workerMain ?? WORKER_MAIN, [], {
        detached: true,
        env: workerEnvironment(request.environment ?? process.env),
        execArgv: [...(this.options.execArgv ?? [])],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "json",
      });
    } catch (error) {
      await sink.finishAbandoned("FAILURE", `Could not start the run worker: ${coerceError(error).message}`);
      return sink.getRun();
    }
    this.child = child;
    this.pid = child.pid ?? null;
    // A first beat at fork: the monitor's clock for this worker starts now, not at the first interval.
    request.storage.recordRunHeartbeat(this.runId).catch(() => undefined);

    child.stdout?.on("data", (chunk: Buffer) => this.stdoutTail.add(chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.stderrTail.add(chunk));
    child.stdout?.on("error", () => undefined);
    child.stderr?.on("error", () => undefined);

    child.on("message", (raw: unknown) => {
      this.lastHeartbeatAt = Date.now();
      const message = parseWorkerMessage(raw, this.runId);
      switch (message.type) {
        case "events":
          sink.send(message.events).catch(() => undefined);
          break;
        case "heartbeat":
          this.heartbeats += 1;
          // Stored so the run monitor (possibly in another process) can tell a live worker from a lost one.
          request.storage.recordRunHeartbeat(this.runId).catch(() => undefined);
          break;
        case "invalid":
          this.protocolProblem ??= message.problem;
          break;
      }
    });

    const start: ParentMessage = {
      type: "start",
      run: request.run,
      definitionsFile: request.definitionsFile,
      parallelism: request.parallelism ?? DEFAULT_PARALLELISM,
    };
    if (request.outputCapBytes !== undefined) start.outputCapBytes = request.outputCapBytes;
    if (this.options.heartbeatIntervalMs !== undefined) start.heartbeatIntervalMs = this.options.heartbeatIntervalMs;
    child.send(start, () => undefined);
    if (this.cancelRequested !== null) this.forwardCancel();

    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>(
      (resolve) => {
        let spawnError: Error | null = null;
        let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
        let closeTimer: NodeJS.Timeout | null = null;
        const finish = (): void => {
          if (closeTimer !== null) clearTimeout(closeTimer);
          resolve({ code: exitInfo?.code ?? null, signal: exitInfo?.signal ?? null, spawnError });
        };
        child.once("error", (error) => {
          spawnError = error;
          if (child.pid === undefined) finish();
        });
        child.once("exit", (code, signal) => {
          this.exited = true;
          exitInfo = { code, signal };
          // Reap grandchildren left in the worker's process group; they may hold our pipes open.
          this.killGroup();
          closeTimer = setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish();
          }, CLOSE_TIMEOUT_MS);
        });
        // 'close' comes after the IPC channel and both pipes closed: every message has been read.
        child.once("close", finish);
      },
    );

    await sink.drain();
    if (sink.terminalEvent === null) {
      if (this.cancelRequested !== null) {
        await sink.finishAbandoned(
          "CANCELED",
          this.killedAfterGrace
            ? `${this.cancelRequested}; the worker did not stop within ${this.graceMs} ms and was killed`
            : this.cancelRequested,
        );
      } else {
        await sink.finishAbandoned("FAILURE", this.crashMessage(exit));
      }
    } else {
      sink.fence();
    }
    await sink.drain();
    return sink.getRun();
  }

  private crashMessage(exit: { code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }): string {
    const parts: string[] = [];
    if (exit.spawnError !== null && this.pid === null) parts.push(`The run worker could not be started: ${exit.spawnError.message}`);
    else {
      const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
      const running = this.sink.runningSteps();
      const during =
        running.length === 0
          ? ""
          : ` while step${running.length === 1 ? "" : "s"} ${running.join(", ")} ${running.length === 1 ? "was" : "were"} running`;
      parts.push(`The run worker ${how}${during}, before the run finished.`);
    }
    if (this.protocolProblem !== null) parts.push(`It also sent an invalid message: ${this.protocolProblem}.`);
    const stderr = this.stderrTail.value;
    if (stderr !== "") parts.push(`Last stderr of the worker:\n${stderr}`);
    return parts.join(" ");
  }

  /** SIGKILL to the worker's process group (it leads one: detached). */
  private killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}
