/**
 * The code-location server: loads one application's definitions and serves them over protocol
 * v1 (docs/protocol/README.md) — health, snapshot with content hash, schedule and sensor
 * evaluation, and launching a remote run worker per run. A definitions file that fails to load
 * does not stop the server: health reports ERROR with the load error and the snapshot answers
 * 503 DEFINITIONS_LOAD, so the platform can show why.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, extname, resolve } from "node:path";
import { coerceError, DefinitionsLoadError, type SerializedError } from "@flyt/core";
import {
  ApiError,
  boundedLocationError,
  CancelRunRequestSchema,
  checkedBody,
  contentHash,
  EvaluateScheduleRequestSchema,
  EvaluateScheduleResponseSchema,
  EvaluateSensorRequestSchema,
  EvaluateSensorResponseSchema,
  HealthResponseSchema,
  LaunchRunRequestSchema,
  LaunchRunResponseSchema,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  readValidBody,
  RunProcessStatusSchema,
  sendError,
  sendJson,
  SnapshotResponseSchema,
  versionProblem,
  type RunProcessStatus,
  type Snapshot,
} from "@flyt/protocol";
import { loadDefinitions, spawnRemoteWorker, StandbyWorker, userFrame, type RemoteWorkerHandle } from "@flyt/run-worker/remote";
import type { Definitions } from "@flyt/sdk";
import { IsolatedEvaluations } from "./isolated-evaluation.js";
import { buildSnapshot, snapshotProblems } from "./snapshot.js";

export interface CodeLocationServerOptions {
  /** The definitions module (TypeScript or JavaScript). */
  definitionsFile: string;
  /** Location name in the snapshot; default: the file's base name without extension. */
  name?: string;
  host?: string;
  /** 0 picks a free port (see `url` after start). */
  port?: number;
  /** Environment for run workers (default process.env; database credentials are always removed). */
  environment?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL when a run is canceled (default 10 s). */
  cancelGraceMs?: number;
  /**
   * Keep one warm spare worker (booted, definitions loaded) so a launch skips process start-up.
   * Costs one idle worker process's memory. Default false.
   */
  warmWorker?: boolean;
  /** Log line sink (default: JSON lines on stdout). */
  log?: (record: Record<string, unknown>) => void;
  /**
   * Schedule and sensor evaluations at once, each in its own warm worker thread (default 4);
   * more wait for a free worker within their timeout.
   */
  evaluationWorkers?: number;
}

type LoadState = { status: "LOADED"; definitions: Definitions; snapshot: Snapshot; hash: string } | { status: "ERROR"; error: SerializedError };

const RUN_PATH = /^\/v1\/runs\/([^/]+)(\/cancel)?$/;
const INSTIGATOR_PATH = /^\/v1\/(schedules|sensors)\/([^/]+)\/evaluate$/;

export class CodeLocationServer {
  readonly definitionsFile: string;
  readonly name: string;
  private readonly server: Server;
  private state: LoadState = { status: "ERROR", error: { name: "NotLoaded", message: "definitions not loaded yet" } };
  private readonly runs = new Map<string, RemoteWorkerHandle>();
  private readonly startedAt = Date.now();
  private readonly log: (record: Record<string, unknown>) => void;
  private address: AddressInfo | null = null;
  private spare: StandbyWorker | null = null;
  private closed = false;
  /** Created with the first evaluation, for the definitions that are loaded then. */
  private evaluations: { hash: string; isolated: IsolatedEvaluations } | null = null;

  constructor(private readonly options: CodeLocationServerOptions) {
    this.definitionsFile = resolve(options.definitionsFile);
    this.name = options.name ?? basename(this.definitionsFile, extname(this.definitionsFile));
    this.log = options.log ?? ((record) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), component: "code-server", location: this.name, ...record })}\n`));
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!(error instanceof ApiError)) this.log({ level: "error", msg: "request failed", error: coerceError(error).stack });
        sendError(response, error);
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Loads the definitions (a failure is kept as state, not thrown) and starts listening. */
  async start(): Promise<this> {
    try {
      const definitions = await loadDefinitions(this.definitionsFile);
      const snapshot = buildSnapshot(definitions, this.name);
      // Checked now, not when the snapshot is first asked for: a snapshot the protocol refuses
      // would otherwise be LOADED on /v1/health and a 500 on /v1/snapshot, hiding the location.
      const problems = snapshotProblems(snapshot);
      if (problems !== null) throw new DefinitionsLoadError(this.definitionsFile, problems);
      this.state = { status: "LOADED", definitions, snapshot, hash: contentHash(snapshot) };
      this.log({ level: "info", msg: "definitions loaded", assets: snapshot.assets.length, hash: this.state.hash });
      this.refillSpare();
    } catch (thrown) {
      const error = coerceError(thrown);
      this.state = { status: "ERROR", error: loadErrorForPlatform(error) };
      this.log({ level: "error", msg: "definitions failed to load", error: error.message, stack: error.stack });
    }
    await new Promise<void>((resolvePromise, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => {
        this.server.off("error", reject);
        resolvePromise();
      });
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  get url(): string {
    if (this.address === null) throw new Error("the code-location server is not listening yet");
    const host = this.address.family === "IPv6" ? `[${this.address.address}]` : this.address.address;
    return `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${this.address.port}`;
  }

  get loadStatus(): "LOADED" | "ERROR" {
    return this.state.status;
  }

  /** Stops listening. Run workers keep running and keep reporting to the platform unless `killWorkers`. */
  private refillSpare(): void {
    if (!this.options.warmWorker || this.closed || this.state.status !== "LOADED") return;
    if (this.spare?.usable) return;
    this.spare = StandbyWorker.spawn({ definitionsFile: this.definitionsFile, environment: this.options.environment ?? process.env });
  }

  async close(options: { killWorkers?: boolean } = {}): Promise<void> {
    this.closed = true;
    this.spare?.discard();
    this.spare = null;
    const evaluations = this.evaluations;
    this.evaluations = null;
    await evaluations?.isolated.close();
    if (options.killWorkers) {
      for (const handle of this.runs.values()) handle.killGroup();
      await Promise.all([...this.runs.values()].map((h) => h.exited));
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolvePromise) => this.server.close(() => resolvePromise()));
  }

  /** Resolves once every run worker this server started has exited. */
  async workersEnded(): Promise<void> {
    await Promise.all([...this.runs.values()].map((handle) => handle.exited));
  }

  private activeRuns(): number {
    return [...this.runs.values()].filter((h) => h.exit === null).length;
  }

  private loaded(): Extract<LoadState, { status: "LOADED" }> {
    if (this.state.status === "ERROR") throw new ApiError("DEFINITIONS_LOAD", this.state.error.message);
    return this.state;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://code-server");
    const path = url.pathname;
    const problem = versionProblem(request.headers[PROTOCOL_VERSION_HEADER], PROTOCOL_VERSION);
    if (problem !== null) throw new ApiError("UNSUPPORTED_VERSION", problem);
    const pathVersion = /^\/v(\d+)\//.exec(path);
    if (pathVersion && Number(pathVersion[1]) !== PROTOCOL_VERSION) {
      throw new ApiError("UNSUPPORTED_VERSION", `This code-location server speaks protocol v${PROTOCOL_VERSION}; ${path} asks for v${pathVersion[1]}.`);
    }
    const method = request.method ?? "GET";

    if (path === "/v1/health" && method === "GET") {
      const state = this.state;
      sendJson(
        response,
        200,
        checkedBody(
          HealthResponseSchema,
          {
            status: state.status,
            protocolVersion: PROTOCOL_VERSION,
            location: this.name,
            hash: state.status === "LOADED" ? state.hash : null,
            error: state.status === "ERROR" ? state.error : null,
            pid: process.pid,
            uptimeMs: Date.now() - this.startedAt,
            activeRuns: this.activeRuns(),
          },
          "health response",
        ),
      );
      return;
    }
    if (path === "/v1/snapshot" && method === "GET") {
      const state = this.loaded();
      const etag = `"${state.hash}"`;
      const inm = request.headers["if-none-match"];
      if (inm !== undefined && inm.split(",").map((t) => t.trim()).includes(etag)) {
        response.writeHead(304, { etag, [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION) });
        response.end();
        return;
      }
      sendJson(response, 200, checkedBody(SnapshotResponseSchema, { hash: state.hash, snapshot: state.snapshot }, "snapshot response"), { etag });
      return;
    }
    const instigator = INSTIGATOR_PATH.exec(path);
    if (instigator && method === "POST") {
      const state = this.loaded();
      const name = decodeURIComponent(instigator[2]!);
      if (instigator[1] === "schedules") {
        const body = await readValidBody(request, EvaluateScheduleRequestSchema, "schedule evaluation request");
        const schedule = state.definitions.schedules.find((s) => s.name === name);
        if (!schedule) throw new ApiError("NOT_FOUND", `No schedule named ${JSON.stringify(name)} in location ${this.name}.`);
        sendJson(response, 200, checkedBody(EvaluateScheduleResponseSchema, await this.isolated(state).evaluateSchedule(name, body), "schedule evaluation"));
      } else {
        const body = await readValidBody(request, EvaluateSensorRequestSchema, "sensor evaluation request");
        const sensor = state.definitions.sensors.find((s) => s.name === name);
        if (!sensor) throw new ApiError("NOT_FOUND", `No sensor named ${JSON.stringify(name)} in location ${this.name}.`);
        sendJson(response, 200, checkedBody(EvaluateSensorResponseSchema, await this.isolated(state).evaluateSensor(name, body), "sensor evaluation"));
      }
      return;
    }
    if (path === "/v1/runs" && method === "POST") {
      this.loaded();
      const body = await readValidBody(request, LaunchRunRequestSchema, "launch request");
      const existing = this.runs.get(body.run.runId);
      if (existing && existing.exit === null) throw new ApiError("CONFLICT", `Run ${body.run.runId} already has a running worker (pid ${existing.pid ?? "?"}).`);
      if (body.run.location !== this.name) {
        throw new ApiError("BAD_REQUEST", `Run ${body.run.runId} belongs to location ${JSON.stringify(body.run.location)}, not ${JSON.stringify(this.name)}.`, "run.location");
      }
      const assignment = {
        run: body.run,
        ingestUrl: body.ingestUrl,
        token: body.runToken,
        parallelism: body.parallelism,
        heartbeatIntervalMs: body.heartbeatIntervalMs,
      };
      const spare = this.spare?.usable ? this.spare : null;
      this.spare = null;
      const handle = spare
        ? spare.assign(assignment)
        : spawnRemoteWorker({ ...assignment, definitionsFile: this.definitionsFile, environment: this.options.environment ?? process.env });
      setImmediate(() => this.refillSpare());
      this.runs.set(body.run.runId, handle);
      this.log({ level: "info", msg: "run worker started", runId: body.run.runId, pid: handle.pid });
      void handle.exited.then((exit) => {
        this.log({ level: exit.code === 0 ? "info" : "warn", msg: "run worker exited", runId: body.run.runId, ...exit });
        // Keep finished workers' status for a while so the platform can read a crash report.
        setTimeout(() => {
          if (this.runs.get(body.run.runId) === handle) this.runs.delete(body.run.runId);
        }, 10 * 60_000).unref();
      });
      sendJson(response, 201, checkedBody(LaunchRunResponseSchema, { runId: body.run.runId, pid: handle.pid }, "launch response"));
      return;
    }
    const run = RUN_PATH.exec(path);
    if (run) {
      const runId = decodeURIComponent(run[1]!);
      const handle = this.runs.get(runId);
      if (run[2] === "/cancel" && method === "POST") {
        const body = await readValidBody(request, CancelRunRequestSchema, "cancel request");
        if (!handle) throw new ApiError("NOT_FOUND", `This code-location server has no worker for run ${runId}.`);
        this.log({ level: "info", msg: "cancel requested", runId, reason: body.reason ?? null });
        handle.cancel(this.options.cancelGraceMs);
        sendJson(response, 200, checkedBody(RunProcessStatusSchema, this.processStatus(handle), "run status"));
        return;
      }
      if (run[2] === undefined && method === "GET") {
        if (!handle) throw new ApiError("NOT_FOUND", `This code-location server has no worker for run ${runId}.`);
        sendJson(response, 200, checkedBody(RunProcessStatusSchema, this.processStatus(handle), "run status"));
        return;
      }
    }
    throw new ApiError("NOT_FOUND", `No endpoint ${method} ${path}. See docs/protocol/README.md.`);
  }

  /**
   * Starts an evaluation worker now when the location has schedule or sensor code, so the first
   * tick does not spend its timeout on the worker's start-up. Resolves when it is ready.
   */
  async warmEvaluations(): Promise<void> {
    const state = this.state;
    if (state.status !== "LOADED" || this.closed) return;
    const needsCode = state.snapshot.sensors.some((s) => s.sensorType === "custom") || state.snapshot.schedules.some((s) => s.hasEvaluate || s.partition?.kind === "computed");
    if (needsCode) await this.isolated(state).warm();
  }

  /** User code never runs on this thread: a sensor stuck in a loop must not stop the server answering. */
  private isolated(state: Extract<LoadState, { status: "LOADED" }>): IsolatedEvaluations {
    if (this.closed) throw new ApiError("UNAVAILABLE", `The code-location server of ${this.name} is shutting down.`);
    if (this.evaluations?.hash !== state.hash) {
      void this.evaluations?.isolated.close();
      this.evaluations = {
        hash: state.hash,
        isolated: new IsolatedEvaluations({
          definitionsFile: this.definitionsFile,
          location: this.name,
          hash: state.hash,
          ...(this.options.evaluationWorkers === undefined ? {} : { maxWorkers: this.options.evaluationWorkers }),
        }),
      };
    }
    return this.evaluations.isolated;
  }

  private processStatus(handle: RemoteWorkerHandle): RunProcessStatus {
    return {
      runId: handle.runId,
      state: handle.exit === null ? "RUNNING" : "EXITED",
      pid: handle.pid,
      exitCode: handle.exit?.code ?? null,
      signal: handle.exit?.signal ?? null,
      stderrTail: handle.stderrTail,
      cancelRequested: handle.cancelRequested,
    };
  }
}

/**
 * What the platform is told about a failed load: the message (it names the file, the culprit
 * and, for an import error, the line) and the user's frame where the error came from, but no
 * frames of Flyt's own modules — those are in this server's log.
 */
export function loadErrorForPlatform(error: Error): SerializedError {
  // The innermost cause was thrown where the user's code went wrong; the wrappers were thrown by Flyt.
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 10; current = current.cause) chain.push(current);
  let frame: string | null = null;
  for (const link of chain.reverse()) frame ??= userFrame(link);
  return boundedLocationError({
    name: error.name,
    message: error.message,
    stack: frame === null ? null : `${error.name}: ${error.message.split("\n")[0] ?? ""}\n    at ${frame}`,
  });
}

/** Creates and starts a code-location server. */
export function startCodeLocationServer(options: CodeLocationServerOptions): Promise<CodeLocationServer> {
  return new CodeLocationServer(options).start();
}
