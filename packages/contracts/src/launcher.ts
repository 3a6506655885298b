/**
 * The launcher contract: how the platform starts a run worker and follows it. Implementations:
 * InProcessLauncher (this process; dev and tests) and SubprocessLauncher (a separate Node
 * process; the default).
 */
import type { EventRecord, RunRecord } from "@flyt/core";
import type { Storage } from "@flyt/storage";

/**
 * The claim every launcher makes before it starts a worker, so exactly one party ever runs a run:
 * a QUEUED run is moved to STARTING here (storage's compare-and-set; of two launchers racing, or
 * a launcher and the daemon's queue, one wins); a STARTING run was claimed by the caller (the
 * queue claims in batches, the CLI creates its runs claimed). Null: someone else has it, or it
 * ended (canceled while queued) — start nothing.
 */
export async function claimForLaunch(storage: Storage, run: RunRecord): Promise<RunRecord | null> {
  if (run.status === "STARTING") return run;
  if (run.status !== "QUEUED") return null;
  return storage.claimQueuedRun(run.runId);
}

export interface LaunchRequest {
  /**
   * Already created in storage: STARTING when the caller claimed it, or QUEUED for the launcher to
   * claim (`claimForLaunch`); a run someone else claimed is not started (`done` gives its record).
   */
  run: RunRecord;
  /**
   * Absolute path of the user's definitions module, for launchers that run the worker on this
   * machine (in-process, subprocess). Launchers that hand the run to where the code lives — the
   * location's code server, a Kubernetes Job from its image — do not need it.
   */
  definitionsFile?: string;
  /** Platform-side storage; the launcher writes the worker's events into it. */
  storage: Storage;
  /** Max concurrently running steps, default 4. */
  parallelism?: number;
  /** Live progress (the CLI prints steps from these); called after each event is stored. */
  onEvent?: (event: EventRecord) => void;
  /** Environment for user code (subprocess), default process.env. */
  environment?: NodeJS.ProcessEnv;
  /** After cancel, how long before a hard kill (default 10000). */
  cancelGraceMs?: number;
  /** Per-step, per-stream cap of captured stdout/stderr in bytes (default 1 MiB). */
  outputCapBytes?: number;
  /**
   * The run was claimed by a daemon leader that stopped before its worker started, and an earlier
   * launch may have happened (storage's `reclaimStartingRuns`). A launcher that can tell — a code
   * server knows its workers by run id, Kubernetes its Jobs by name — follows a worker that is
   * already there instead of starting a second. Local launchers start a fresh one: their workers
   * stop with the process that launched them (docs/failover.md).
   */
  relaunch?: boolean;
}

export interface RunHandle {
  readonly runId: string;
  /** Resolves with the final run record from storage; never rejects for run failures. */
  readonly done: Promise<RunRecord>;
  /**
   * Writes RUN_CANCELING and tells the worker to stop; resolves once the request is delivered.
   * `recorded`: someone else already wrote RUN_CANCELING (the UI, the CLI following the run), so
   * only the worker is told.
   */
  cancel(reason?: string, options?: CancelOptions): Promise<void>;
}

export interface CancelOptions {
  recorded?: boolean;
}

export interface RunLauncher {
  readonly name: string;
  launch(request: LaunchRequest): RunHandle;
}

export const DEFAULT_CANCEL_GRACE_MS = 10_000;

/** Environment variables a worker must never see: the platform's database credentials. */
export const WORKER_ENV_DENYLIST: readonly string[] = ["FLYT_DATABASE_URL", "FLYT_TEST_DATABASE_URL"];

/** A request a local launcher can run: it names the definitions module. */
export type LocalLaunchRequest = LaunchRequest & { definitionsFile: string };

export function validateLaunchRequest(request: LaunchRequest): asserts request is LocalLaunchRequest {
  if (request === null || typeof request !== "object") throw new TypeError("launch() needs a LaunchRequest object");
  if (!request.run || typeof request.run.runId !== "string") throw new TypeError("LaunchRequest.run must be a stored run record");
  if (typeof request.definitionsFile !== "string" || request.definitionsFile === "") {
    throw new TypeError("LaunchRequest.definitionsFile must be the path of the definitions module");
  }
  if (!request.storage || typeof request.storage.appendEvents !== "function") {
    throw new TypeError("LaunchRequest.storage must be a Storage");
  }
  if (request.parallelism !== undefined && (!Number.isInteger(request.parallelism) || request.parallelism < 1)) {
    throw new RangeError(`LaunchRequest.parallelism must be a positive integer, got ${String(request.parallelism)}`);
  }
  if (request.cancelGraceMs !== undefined && !(request.cancelGraceMs >= 0)) {
    throw new RangeError(`LaunchRequest.cancelGraceMs must be ≥ 0, got ${String(request.cancelGraceMs)}`);
  }
  if (request.outputCapBytes !== undefined && !(Number.isInteger(request.outputCapBytes) && request.outputCapBytes >= 0)) {
    throw new RangeError(`LaunchRequest.outputCapBytes must be a non-negative integer, got ${String(request.outputCapBytes)}`);
  }
}

/** Steps run at once when the caller does not say (executor and launchers). */
export const DEFAULT_PARALLELISM = 4;

/** The worker's environment: the caller's, minus the platform's database credentials. */
export function workerEnvironment(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...environment };
  for (const name of WORKER_ENV_DENYLIST) delete env[name];
  return env;
}
