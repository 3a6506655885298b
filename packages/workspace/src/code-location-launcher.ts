/**
 * `CodeLocationLauncher`: runs a run on its code location's server. The platform mints a
 * run-scoped token (random 256 bits; only its SHA-256 is stored), asks the location to start a
 * remote worker with the run record, the ingest URL and the token, and follows the run through
 * storage — the worker's events arrive through the ingest API, not through this object. If the
 * worker process ends without a terminal event, the run is failed here with its exit status and
 * stderr tail; when the run ends, its tokens are revoked. A storage outage (a PostgreSQL restart)
 * is waited out with capped backoff at every step: it never fails the run or rejects `done`.
 */
import { createHash, randomBytes } from "node:crypto";
import { isTerminalRunStatus, type EventBody, type RunRecord } from "@flyt/core";
import { claimForLaunch, type CancelOptions, type LaunchRequest, type RunHandle, type RunLauncher } from "@flyt/contracts";
import { Backoff, StorageUnavailableError, retryWhileUnavailable, type Storage } from "@flyt/storage";
import type { RunProcessStatus } from "@flyt/protocol";
import { CodeLocationError, type CodeLocationClient } from "./client.js";

/** Where the launcher finds a location's code server: a `Workspace`, or the daemon's own clients of its `url:` locations. */
export interface LocationClients {
  /** @throws when the location is unknown (the run is then failed with the message). */
  client(location: string): CodeLocationClient;
}

export interface CodeLocationLauncherOptions {
  workspace: LocationClients;
  /** Base URL of the webserver's ingest API as workers reach it, e.g. `http://127.0.0.1:3000/ingest/v1`. */
  ingestUrl: string | (() => string);
  /** Token lifetime (default 24 h); tokens are revoked earlier, when the run ends. */
  tokenTtlMs?: number;
  /** How often the run is checked in storage (default 100 ms). */
  pollIntervalMs?: number;
  /** How often the worker process is checked on the code server (default 2 s). */
  processCheckIntervalMs?: number;
  heartbeatIntervalMs?: number;
}

/** A fresh token and the hash that is stored. */
export function mintRunToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashRunToken(token) };
}

export function hashRunToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export class CodeLocationLauncher implements RunLauncher {
  readonly name = "code-location";

  constructor(private readonly options: CodeLocationLauncherOptions) {}

  launch(request: LaunchRequest): RunHandle {
    if (!request?.run?.runId || !request.storage) throw new TypeError("launch() needs { run, storage }");
    return new CodeLocationRunHandle(request, this.options);
  }
}

class CodeLocationRunHandle implements RunHandle {
  readonly runId: string;
  readonly done: Promise<RunRecord>;
  private readonly storage: Storage;
  private lastEventId = 0;
  private cancelReason: string | null = null;
  private launched = false;

  constructor(
    private readonly request: LaunchRequest,
    private readonly options: CodeLocationLauncherOptions,
  ) {
    this.runId = request.run.runId;
    this.storage = request.storage;
    this.done = this.start();
  }

  async cancel(reason?: string, options: CancelOptions = {}): Promise<void> {
    if (this.cancelReason !== null) return;
    const message = reason ?? "Run canceled";
    this.cancelReason = message;
    const run = await this.storage.getRun(this.runId);
    if (run === null || isTerminalRunStatus(run.status)) return;
    if (options.recorded !== true) await this.platformEvent({ type: "RUN_CANCELING", message });
    if (!this.launched) return;
    try {
      await this.options.workspace.client(this.request.run.location).cancelRun(this.runId, message);
    } catch (error) {
      // No worker to stop (already gone, or the code server was restarted): end the run here.
      if (error instanceof CodeLocationError && error.status === 404) await this.platformEvent({ type: "RUN_CANCELED", message });
      else throw error;
    }
  }

  private async platformEvent(body: EventBody): Promise<void> {
    await this.storage.appendEvents([{ runId: this.runId, seq: null, timestamp: Date.now(), stepKey: null, body }]);
  }

  private async start(): Promise<RunRecord> {
    const { run } = this.request;
    const location = run.location;
    // Launching waits out a storage outage rather than failing the run for it.
    if ((await retryWhileUnavailable(() => claimForLaunch(this.storage, run))) === null) {
      // Claimed by someone else (or ended while queued): their run, not ours to start.
      const current = await retryWhileUnavailable(() => this.storage.getRun(this.runId));
      if (current === null) throw new Error(`run ${this.runId} disappeared from storage`);
      return current;
    }
    if (this.request.relaunch === true && (await this.workerAlreadyThere())) {
      // The earlier leader's launch did reach the code server: follow that worker (its token is valid until the run ends).
      this.launched = true;
      return this.follow();
    }
    const { token, hash } = mintRunToken();
    try {
      await retryWhileUnavailable(() =>
        this.storage.createRunToken({
          tokenHash: hash,
          runId: this.runId,
          location,
          assetKeys: run.assetKeys,
          expiresAt: Date.now() + (this.options.tokenTtlMs ?? 24 * 3600_000),
        }),
      );
      const ingestUrl = typeof this.options.ingestUrl === "function" ? this.options.ingestUrl() : this.options.ingestUrl;
      await this.options.workspace.client(location).launchRun({
        run,
        ingestUrl,
        runToken: token,
        ...(this.request.parallelism !== undefined ? { parallelism: this.request.parallelism } : {}),
        ...(this.options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: this.options.heartbeatIntervalMs } : {}),
      });
      this.launched = true;
    } catch (error) {
      if (this.request.relaunch === true && error instanceof CodeLocationError && error.status === 409) {
        // Started meanwhile by the earlier launch (the code server refuses a second worker): follow it.
        this.launched = true;
        return this.follow();
      }
      await retryWhileUnavailable(() => this.storage.revokeRunTokens(this.runId));
      const message = `Could not launch the run on code location ${JSON.stringify(location)}: ${(error as Error).message}`;
      await retryWhileUnavailable(() => this.platformEvent({ type: "RUN_FAILURE", message, error: { name: (error as Error).name, message } }));
      return this.finish();
    }
    if (this.cancelReason !== null) await this.options.workspace.client(location).cancelRun(this.runId, this.cancelReason).catch(() => undefined);
    return this.follow();
  }

  /** A relaunch asks first: a worker the code server still runs for this run is the earlier launch's. */
  private async workerAlreadyThere(): Promise<boolean> {
    try {
      return (await this.options.workspace.client(this.request.run.location).runStatus(this.runId)).state === "RUNNING";
    } catch {
      // No worker for it (404), or no answer: launch, which refuses a second worker (409) or fails the run as any launch would.
      return false;
    }
  }

  /**
   * Polls the run until it ends. Storage may be unreachable for a while (a PostgreSQL restart):
   * every storage call here is a read, or a platform event that is only written after the run
   * was re-read as not ended, so a failed round is simply tried again after a backoff. Giving up
   * would stop forwarding events and leave the run's token unrevoked.
   */
  private async follow(): Promise<RunRecord> {
    const poll = this.options.pollIntervalMs ?? 100;
    const checkEvery = this.options.processCheckIntervalMs ?? 2_000;
    const backoff = new Backoff();
    let lastCheck = Date.now();
    let exitedSeenAt: number | null = null;
    for (;;) {
      let wait = poll;
      try {
        const run = await this.storage.getRun(this.runId);
        await this.forwardEvents();
        if (run === null || isTerminalRunStatus(run.status)) return await this.finish();
        if (Date.now() - lastCheck >= checkEvery) {
          lastCheck = Date.now();
          let status: RunProcessStatus | null = null;
          try {
            status = await this.options.workspace.client(run.location).runStatus(this.runId);
          } catch {
            // The code server may be restarting; the worker reports on its own. The daemon's run
            // monitor fails runs whose heartbeats stop.
          }
          if (status?.state === "EXITED") {
            // Give in-flight deliveries a moment before declaring the worker lost.
            exitedSeenAt ??= Date.now();
            if (Date.now() - exitedSeenAt >= checkEvery) {
              const how = status.signal !== null ? `was killed by ${status.signal}` : `exited with code ${String(status.exitCode)}`;
              const message = `The run worker ${how} before the run finished.${status.stderrTail ? ` Last stderr of the worker:\n${status.stderrTail}` : ""}`;
              await this.platformEvent(this.cancelReason !== null ? { type: "RUN_CANCELED", message: this.cancelReason } : { type: "RUN_FAILURE", message });
            }
          }
        }
        backoff.reset();
      } catch (error) {
        if (!(error instanceof StorageUnavailableError)) throw error;
        wait = backoff.next();
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async forwardEvents(): Promise<void> {
    if (!this.request.onEvent) return;
    const events = await this.storage.getEvents(this.runId, { afterId: this.lastEventId });
    for (const event of events) {
      this.lastEventId = event.id;
      try {
        this.request.onEvent(event);
      } catch {
        // A failing progress callback must not break the run.
      }
    }
  }

  private async finish(): Promise<RunRecord> {
    await retryWhileUnavailable(() => this.storage.revokeRunTokens(this.runId));
    await retryWhileUnavailable(() => this.forwardEvents());
    const run = await retryWhileUnavailable(() => this.storage.getRun(this.runId));
    if (run === null) throw new Error(`run ${this.runId} disappeared from storage`);
    return run;
  }
}
