/**
 * Starting a remote run worker: the process a code-location server forks for each run. It gets
 * the run record, the ingest URL and the run-scoped token through its environment — and the
 * caller's environment minus the platform's database credentials — leads its own process group
 * (so cancellation reaches grandchildren), and is reaped with its group when it exits. It also
 * gets a parent pipe (@flyt/contracts), so it stops when the code server dies, even by SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { InvalidConfigError, type RunRecord } from "@flyt/core";
// Only light modules here: code servers import this (through ./remote.js) without the executor.
import { httpRequest } from "./http-request.js";
import { DEFAULT_CANCEL_GRACE_MS, DEFAULT_PARALLELISM, workerEnvironment } from "@flyt/contracts";
import { withParentPipe } from "@flyt/contracts";

export const REMOTE_WORKER_MAIN = fileURLToPath(new URL("./remote-worker-main.js", import.meta.url));

/** The environment variables a remote worker reads. */
export const REMOTE_WORKER_ENV = {
  ingestUrl: "FLYT_INGEST_URL",
  token: "FLYT_RUN_TOKEN",
  /** The run record as JSON; when absent, FLYT_RUN_ID names the run and the record is fetched from the ingest API. */
  run: "FLYT_RUN",
  runId: "FLYT_RUN_ID",
  definitionsFile: "FLYT_DEFINITIONS_FILE",
  parallelism: "FLYT_PARALLELISM",
  heartbeatIntervalMs: "FLYT_HEARTBEAT_INTERVAL_MS",
  /** "1": start as a warm spare that loads the definitions and waits for its run on stdin. */
  standby: "FLYT_WORKER_STANDBY",
} as const;

export const DEFAULT_REMOTE_HEARTBEAT_INTERVAL_MS = 5_000;
const STDERR_TAIL_BYTES = 8 * 1024;

export interface RemoteWorkerConfig {
  ingestUrl: string;
  token: string;
  /** Null when only the run id was given: fetch it with `fetchRunRecord`. */
  run: RunRecord | null;
  runId: string;
  definitionsFile: string;
  parallelism: number;
  heartbeatIntervalMs: number;
}

/** Reads and checks the remote worker's configuration. @throws InvalidConfigError naming the variable. */
export function readRemoteWorkerConfig(env: NodeJS.ProcessEnv): RemoteWorkerConfig {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === "") throw new InvalidConfigError(name, "the remote run worker needs this environment variable");
    return value;
  };
  const ingestUrl = need(REMOTE_WORKER_ENV.ingestUrl);
  if (!/^https?:\/\//.test(ingestUrl)) throw new InvalidConfigError(REMOTE_WORKER_ENV.ingestUrl, `expected an http(s) URL, got ${JSON.stringify(ingestUrl)}`);
  let run: RunRecord | null = null;
  const runText = env[REMOTE_WORKER_ENV.run];
  if (runText !== undefined && runText !== "") {
    try {
      run = JSON.parse(runText) as RunRecord;
    } catch (error) {
      throw new InvalidConfigError(REMOTE_WORKER_ENV.run, "not valid JSON", { cause: error });
    }
    if (typeof run?.runId !== "string" || !Array.isArray(run.assetKeys)) {
      throw new InvalidConfigError(REMOTE_WORKER_ENV.run, "expected a run record with runId and assetKeys");
    }
  } else if (!env[REMOTE_WORKER_ENV.runId]) {
    throw new InvalidConfigError(REMOTE_WORKER_ENV.run, `the remote run worker needs ${REMOTE_WORKER_ENV.run} (the run record) or ${REMOTE_WORKER_ENV.runId}`);
  }
  const number = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new InvalidConfigError(name, `expected a positive integer, got ${JSON.stringify(text)}`);
    return value;
  };
  return {
    ingestUrl,
    token: need(REMOTE_WORKER_ENV.token),
    run,
    runId: run?.runId ?? env[REMOTE_WORKER_ENV.runId]!,
    definitionsFile: need(REMOTE_WORKER_ENV.definitionsFile),
    parallelism: number(REMOTE_WORKER_ENV.parallelism, DEFAULT_PARALLELISM),
    heartbeatIntervalMs: number(REMOTE_WORKER_ENV.heartbeatIntervalMs, DEFAULT_REMOTE_HEARTBEAT_INTERVAL_MS),
  };
}

/** Reads the run record from the platform's ingest API with the run token (Kubernetes Jobs get only the id). */
export async function fetchRunRecord(ingestUrl: string, runId: string, token: string): Promise<RunRecord> {
  const url = `${ingestUrl.replace(/\/+$/, "")}/runs/${encodeURIComponent(runId)}`;
  let lastError = "";
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const response = await httpRequest(url, { method: "GET", headers: { authorization: `Bearer ${token}`, "flyt-protocol-version": "1" }, timeoutMs: 10_000 });
      const text = await response.text();
      if (response.ok) return (JSON.parse(text) as { run: RunRecord }).run;
      if (response.status < 500) throw new InvalidConfigError(REMOTE_WORKER_ENV.runId, `the platform refused to return run ${runId} (HTTP ${response.status}): ${text.slice(0, 300)}`);
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof InvalidConfigError) throw error;
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** attempt)));
  }
  throw new InvalidConfigError(REMOTE_WORKER_ENV.ingestUrl, `could not fetch run ${runId} from ${url}: ${lastError}`);
}

export interface SpawnRemoteWorkerOptions {
  run: RunRecord;
  definitionsFile: string;
  ingestUrl: string;
  token: string;
  parallelism?: number;
  heartbeatIntervalMs?: number;
  /** Base environment for user code (default process.env); database credentials are removed. */
  environment?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** Entry point override (tests). */
  workerMain?: string;
}

export interface RemoteWorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running (or finished) remote worker as its parent sees it. */
export class RemoteWorkerHandle {
  readonly runId: string;
  readonly exited: Promise<RemoteWorkerExit>;
  exit: RemoteWorkerExit | null = null;
  cancelRequested = false;
  private tail = "";

  constructor(
    private readonly child: ChildProcess,
    runId: string,
    stderrSoFar = "",
  ) {
    this.tail = stderrSoFar;
    this.runId = runId;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    child.stdout?.on("data", () => undefined);
    child.stdout?.on("error", () => undefined);
    child.stderr?.on("error", () => undefined);
    child.stdio[3]?.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      let settled = false;
      const finish = (exit: RemoteWorkerExit): void => {
        if (settled) return;
        settled = true;
        this.exit = exit;
        this.killGroup();
        resolve(exit);
      };
      child.once("error", (error) => {
        this.tail += `\n${error.message}`;
        if (child.pid === undefined) finish({ code: null, signal: null });
      });
      if (child.exitCode !== null || child.signalCode !== null) finish({ code: child.exitCode, signal: child.signalCode });
      else child.once("exit", (code, signal) => finish({ code, signal }));
    });
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  get stderrTail(): string {
    return this.tail.trim();
  }

  /** SIGTERM to the worker (it cancels the run); SIGKILL to its group after `graceMs`. */
  cancel(graceMs = DEFAULT_CANCEL_GRACE_MS): void {
    if (this.exit !== null) return;
    this.cancelRequested = true;
    try {
      this.child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.killGroup(), graceMs);
    timer.unref();
    void this.exited.then(() => clearTimeout(timer));
  }

  /** SIGKILL to the worker's process group. */
  killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}

/** Starts a remote worker process for one run. */
export function spawnRemoteWorker(options: SpawnRemoteWorkerOptions): RemoteWorkerHandle {
  const env = workerEnvironment(options.environment ?? process.env);
  env[REMOTE_WORKER_ENV.ingestUrl] = options.ingestUrl;
  env[REMOTE_WORKER_ENV.token] = options.token;
  env[REMOTE_WORKER_ENV.run] = JSON.stringify(options.run);
  env[REMOTE_WORKER_ENV.definitionsFile] = options.definitionsFile;
  env[REMOTE_WORKER_ENV.parallelism] = String(options.parallelism ?? DEFAULT_PARALLELISM);
  env[REMOTE_WORKER_ENV.heartbeatIntervalMs] = String(options.heartbeatIntervalMs ?? DEFAULT_REMOTE_HEARTBEAT_INTERVAL_MS);
  const child = spawn(process.execPath, [...(options.execArgv ?? []), options.workerMain ?? REMOTE_WORKER_MAIN], {
    detached: true,
    ...withParentPipe(["ignore", "pipe", "pipe"], env),
  });
  return new RemoteWorkerHandle(child, options.run.runId);
}

/**
 * A warm spare worker: booted, modules imported and definitions loaded before any run exists,
 * so a launch only hands it the run (one JSON line on stdin). One process still serves exactly
 * one run; the code server starts the next spare after each assignment.
 */
export class StandbyWorker {
  private stderr = "";
  private assigned = false;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL_BYTES);
    });
    child.stdin?.on("error", () => undefined);
  }

  static spawn(options: { definitionsFile: string; environment?: NodeJS.ProcessEnv; execArgv?: string[]; workerMain?: string }): StandbyWorker {
    const env = workerEnvironment(options.environment ?? process.env);
    env[REMOTE_WORKER_ENV.definitionsFile] = options.definitionsFile;
    env[REMOTE_WORKER_ENV.standby] = "1";
    const child = spawn(process.execPath, [...(options.execArgv ?? []), options.workerMain ?? REMOTE_WORKER_MAIN], {
      detached: true,
      ...withParentPipe(["pipe", "pipe", "pipe"], env),
    });
    child.once("error", () => undefined);
    return new StandbyWorker(child);
  }

  /** Whether the spare is still alive and unassigned. */
  get usable(): boolean {
    return !this.assigned && this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** Hands the spare its run. */
  assign(options: Omit<SpawnRemoteWorkerOptions, "definitionsFile" | "environment" | "execArgv" | "workerMain">): RemoteWorkerHandle {
    this.assigned = true;
    const handle = new RemoteWorkerHandle(this.child, options.run.runId, this.stderr);
    const assignment: Record<string, string> = {
      [REMOTE_WORKER_ENV.ingestUrl]: options.ingestUrl,
      [REMOTE_WORKER_ENV.token]: options.token,
      [REMOTE_WORKER_ENV.run]: JSON.stringify(options.run),
      [REMOTE_WORKER_ENV.parallelism]: String(options.parallelism ?? DEFAULT_PARALLELISM),
      [REMOTE_WORKER_ENV.heartbeatIntervalMs]: String(options.heartbeatIntervalMs ?? DEFAULT_REMOTE_HEARTBEAT_INTERVAL_MS),
    };
    this.child.stdin?.end(`${JSON.stringify(assignment)}\n`);
    return handle;
  }

  /** Stops an unused spare (SIGKILL to its group). */
  discard(): void {
    this.assigned = true;
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
