/**
 * The topology suite's harness: Flyt as a deployment runs it, every component its own OS process
 * started from the built CLI (`node packages/cli/bin/flyt.js …`) — one `flyt webserver`, two
 * `flyt daemon`s, and two `url:` code locations each served by its own `flyt code-server` — on a
 * real PostgreSQL (a database on the shared test server, or a server of the drill's own that it
 * can stop and start again on the same data directory).
 *
 * What the drills get from it: processes they can kill -9 and restart, a tiny GraphQL/REST client,
 * counts read straight from the database (runs, events, ticks, the leader lease), the executions
 * the fixtures recorded, a process-tree check, and a JSON file of figures under test-artifacts/.
 *
 * Nothing leaks: every process the harness starts carries FLYT_TOPOLOGY_TAG=<random> in its
 * environment, which its children (code servers' run workers, flyt dev's code servers) inherit;
 * disposing a ProcessSet stops its processes and then SIGKILLs anything still carrying the tag,
 * and reports it, so a drill can assert that no child outlived its parent.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createTestDatabase, startRestartablePostgres, type RestartablePostgres, type TestDatabase } from "@flyt/storage/testing";
import { descendants, describeProcesses, processesWithEnv, survivorsAfter, type ProcessInfo } from "./process-tree.js";
import { EXECUTIONS_ENV, type ExecutionLine } from "./test-fixtures/record.js";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const FLYT_BIN = join(REPO, "packages/cli/bin/flyt.js");
export const ARTIFACTS = join(REPO, "test-artifacts", "topology");
const TAG_ENV = "FLYT_TOPOLOGY_TAG";

/** A compiled fixture of src/test-fixtures/ (alpha, beta, cli, dev). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./test-fixtures/${name}.js`, import.meta.url));
}

export const TERMINAL = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `fn` until it returns non-null; throws naming `what` after `timeoutMs`. */
export async function waitUntil<T>(fn: () => Promise<T | null> | T | null, timeoutMs: number, what: string, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await fn();
      if (value !== null) return value;
    } catch (error) {
      // A query during an outage fails: keep polling, and say why if time runs out.
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
    }
    await sleep(intervalMs);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ─── processes ───────────────────────────────────────────────────────────────────────────────

/** At most this much output is kept per process (the tail; the ready lines come first and are parsed as they arrive). */
const OUTPUT_CAP = 4 * 1024 * 1024;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `flyt …` child process: its output, its JSON log records, kill -9 and a graceful stop. */
export class FlytProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  readonly startedAt = Date.now();
  private text = "";
  private readonly records: Record<string, unknown>[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    this.child = spawn(process.execPath, [FLYT_BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const onText = (chunk: string): void => {
      this.text = (this.text + chunk).slice(-OUTPUT_CAP);
      this.notify();
    };
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      if (line.startsWith("{")) {
        try {
          this.records.push(JSON.parse(line) as Record<string, unknown>);
          if (this.records.length > 20_000) this.records.splice(0, 10_000);
        } catch {
          // Not a log record: kept as text only.
        }
      }
      // After the record is stored: waiters woken here look at both.
      onText(`${line}\n`);
    });
    this.child.stderr!.on("data", (chunk: Buffer) => onText(chunk.toString()));
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        resolve({ code, signal });
        this.notify();
      });
      this.child.once("error", () => undefined);
    });
  }

  private notify(): void {
    for (const wake of this.waiters) wake();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.text;
  }

  tail(lines = 40): string {
    return this.text.split("\n").slice(-lines).join("\n");
  }

  /** How it ended, with the error it printed last (for "process X died" messages). */
  exitSummary(): string {
    const how = this.running ? "running" : `exit ${this.child.exitCode ?? this.child.signalCode}`;
    // The thrown error's own line ("StorageError: …") over its cause's and the stack's.
    const lines = this.tail(80).split("\n").reverse();
    const error = lines.find((line) => /^[A-Za-z]*Error: /.test(line)) ?? lines.find((line) => /Error\b|error:/.test(line));
    return `${this.name} (${how})${error ? `: ${error.trim().slice(0, 300)}` : ""}`;
  }

  /** Waits for a log record (JSON line) matching `test`; fails at once if the process exits. */
  async waitForRecord(test: (record: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
    return this.waitForState(() => this.records.find(test) ?? null, timeoutMs, what);
  }

  /** Waits for output matching `pattern`; fails at once if the process exits. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
    return this.waitForState(() => pattern.exec(this.text), timeoutMs, what);
  }

  private async waitForState<T>(probe: () => T | null, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name} (pid ${this.pid}): timed out after ${timeoutMs} ms waiting for ${what}; last output:\n${this.tail()}`))), timeoutMs);
      const finish = (act: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        act();
      };
      const check = (): void => {
        const value = probe();
        if (value !== null) finish(() => resolve(value));
        else if (!this.running) finish(() => reject(new Error(`${this.name} (pid ${this.pid}) exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for ${what}; last output:\n${this.tail()}`)));
      };
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILL, after noting the process's descendants (so the caller can check none survives it). */
  async kill9(): Promise<ProcessInfo[]> {
    const tree = descendants(this.pid);
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
    return tree;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 10_000): Promise<ExitStatus> {
    if (this.running) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      const status = await this.exited;
      clearTimeout(timer);
      return status;
    }
    return this.exited;
  }
}

/** The environment every spawned process starts from: ours minus Flyt's settings and secrets, plus the tag. */
function baseEnvironment(tag: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("FLYT_") || key.startsWith("NODE_TEST")) continue;
    env[key] = value;
  }
  env[TAG_ENV] = tag;
  env.FLYT_LOG_LEVEL = "info";
  env.FLYT_LOG_PRETTY = "0";
  // Drills read CLI output with regular expressions; picocolors colours it whenever CI is set.
  env.NO_COLOR = "1";
  return env;
}

/**
 * The processes one drill started. Disposing it stops them all (SIGTERM, SIGKILL after 10 s), then
 * finds any process still carrying the drill's tag — a child that outlived its parent — and
 * SIGKILLs it; `shutdown()` returns those leftovers so a test can assert there were none.
 */
export class ProcessSet implements AsyncDisposable {
  readonly tag = randomBytes(8).toString("hex");
  readonly processes: FlytProcess[] = [];
  private leftovers: ProcessInfo[] | null = null;

  /** `group`: each process's output is saved to test-artifacts/topology/logs/<group>/ on shutdown, to read after a failure. */
  constructor(private readonly group: string) {}

  environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...baseEnvironment(this.tag), ...extra };
  }

  start(name: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): FlytProcess {
    const proc = new FlytProcess(name, args, { cwd: options.cwd, env: this.environment(options.env) });
    this.processes.push(proc);
    return proc;
  }

  /** Every live process with this set's tag (the flyt processes and everything they started). */
  tagged(): ProcessInfo[] {
    return processesWithEnv(TAG_ENV, this.tag);
  }

  /** Stops everything; returns (and kills) what was still alive afterwards. Idempotent. */
  async shutdown(): Promise<ProcessInfo[]> {
    if (this.leftovers !== null) return this.leftovers;
    await Promise.all(this.processes.map((p) => p.stop()));
    const logDir = join(ARTIFACTS, "logs", this.group);
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    this.processes.forEach((p, i) => writeFileSync(join(logDir, `${String(i + 1).padStart(2, "0")}-${p.name.replace(/[^A-Za-z0-9_.-]+/g, "-")}.log`), p.output()));
    // Give children a moment to notice their parent is gone (a worker finishing its last post).
    const leftovers = await survivorsAfter(this.tagged(), 2_000);
    for (const p of leftovers) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Ended meanwhile.
      }
    }
    this.leftovers = leftovers;
    return leftovers;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const leftovers = await this.shutdown();
    if (leftovers.length > 0) process.stderr.write(`# topology: killed ${leftovers.length} leftover process(es):\n${describeProcesses(leftovers)}\n`);
  }
}

// ─── PostgreSQL ──────────────────────────────────────────────────────────────────────────────
// A drill that restarts PostgreSQL uses a server of its own: @flyt/storage/testing's
// startRestartablePostgres (stopped and started on the same data directory, deleted at the end).

// ─── what the drills read from the database ──────────────────────────────────────────────────

export interface RunRow {
  runId: string;
  status: string;
  location: string;
  origin: string;
  instigator: string | null;
  runKey: string | null;
  parentRunId: string | null;
  tags: Record<string, string>;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface EventRow {
  id: number;
  seq: number | null;
  type: string;
  stepKey: string | null;
  message: string | null;
}

export interface TickRow {
  tickTime: number;
  status: string;
  runIds: string[];
}

const RUN_COLUMNS = "run_id, status, location, origin, instigator, run_key, parent_run_id, tags, created_at, started_at, ended_at";

function runRow(row: Record<string, unknown>): RunRow {
  const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    runId: String(row.run_id),
    status: String(row.status),
    location: String(row.location),
    origin: String(row.origin),
    instigator: (row.instigator as string | null) ?? null,
    runKey: (row.run_key as string | null) ?? null,
    parentRunId: (row.parent_run_id as string | null) ?? null,
    tags: (row.tags as Record<string, string>) ?? {},
    createdAt: Number(row.created_at),
    startedAt: n(row.started_at),
    endedAt: n(row.ended_at),
  };
}

/** Reads Flyt's tables on PostgreSQL directly (pg), so counts do not depend on any Flyt process. */
export class Database implements AsyncDisposable {
  readonly pool: pg.Pool;

  constructor(readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // Idle clients see the server go away during a PostgreSQL restart: not an error of the test.
    this.pool.on("error", () => undefined);
  }

  async query<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async runs(where = "TRUE", params: unknown[] = []): Promise<RunRow[]> {
    return (await this.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE ${where} ORDER BY id`, params)).map(runRow);
  }

  async runsById(runIds: readonly string[]): Promise<RunRow[]> {
    const rows = await this.runs("run_id = ANY($1)", [runIds]);
    const byId = new Map(rows.map((r) => [r.runId, r]));
    return runIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  /** Waits until every run is terminal, or `timeoutMs` passes; returns their rows either way (the caller asserts). */
  async settle(runIds: readonly string[], timeoutMs: number): Promise<RunRow[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: RunRow[] = [];
    for (;;) {
      try {
        rows = await this.runsById(runIds);
        if (rows.length === runIds.length && rows.every((r) => TERMINAL.has(r.status))) return rows;
      } catch {
        // Outage: try again.
      }
      if (Date.now() > deadline) return rows;
      await sleep(100);
    }
  }

  async events(runId: string): Promise<EventRow[]> {
    const rows = await this.query(`SELECT id, seq, type, step_key, body->>'message' AS message FROM event_log WHERE run_id = $1 ORDER BY id`, [runId]);
    return rows.map((r) => ({ id: Number(r.id), seq: r.seq === null ? null : Number(r.seq), type: String(r.type), stepKey: (r.step_key as string | null) ?? null, message: (r.message as string | null) ?? null }));
  }

  /** The RUN_FAILURE message of a run (the newest), or null. */
  async failureMessage(runId: string): Promise<string | null> {
    const rows = await this.query(`SELECT body->>'message' AS message FROM event_log WHERE run_id = $1 AND type = 'RUN_FAILURE' ORDER BY id DESC LIMIT 1`, [runId]);
    return (rows[0]?.message as string | undefined) ?? null;
  }

  async ticks(instigatorId: string): Promise<TickRow[]> {
    const rows = await this.query(`SELECT tick_time, status, run_ids FROM ticks WHERE instigator_id = $1 ORDER BY tick_time, id`, [instigatorId]);
    return rows.map((r) => ({ tickTime: Number(r.tick_time), status: String(r.status), runIds: (r.run_ids as string[]) ?? [] }));
  }

  /** The daemon lease if it is unexpired by the database's clock: the leader's pid and fencing token. */
  async leader(): Promise<{ holder: string; pid: number; fencingToken: number } | null> {
    const rows = await this.query(
      `SELECT holder, fencing_token FROM leases WHERE name = 'flyt-daemon' AND expires_at > (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)`,
    );
    const row = rows[0];
    if (row === undefined) return null;
    const holder = String(row.holder);
    return { holder, pid: Number(holder.split(":")[1]), fencingToken: Number(row.fencing_token) };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * Every instant of a schedule between its first and last tick: exactly one tick and exactly one
 * run (run key = the instant), instants `periodMs` apart. Returns the problems found (empty when
 * none) and the instants, so the assertion message lists every lost or doubled instant.
 */
export function checkInstants(instigatorId: string, ticks: readonly TickRow[], runs: readonly RunRow[], periodMs: number): { instants: number[]; problems: string[] } {
  const instants = [...new Set(ticks.map((t) => t.tickTime))].sort((a, b) => a - b);
  const problems: string[] = [];
  const at = (t: number): string => new Date(t).toISOString();
  for (let i = 1; i < instants.length; i++) {
    const gap = instants[i]! - instants[i - 1]!;
    if (gap !== periodMs) problems.push(`${instigatorId}: ${gap / periodMs - 1} instant(s) lost between ${at(instants[i - 1]!)} and ${at(instants[i]!)}`);
  }
  const mine = runs.filter((r) => r.instigator === instigatorId);
  for (const instant of instants) {
    const tickCount = ticks.filter((t) => t.tickTime === instant).length;
    if (tickCount !== 1) problems.push(`${instigatorId} ${at(instant)}: ${tickCount} ticks (${ticks.filter((t) => t.tickTime === instant).map((t) => t.status).join(", ")})`);
    const runCount = mine.filter((r) => r.runKey === String(instant)).length;
    if (runCount !== 1) problems.push(`${instigatorId} ${at(instant)}: ${runCount} runs`);
  }
  for (const run of mine) {
    if (!instants.includes(Number(run.runKey))) problems.push(`${instigatorId}: run ${run.runId} has run key ${String(run.runKey)}, which no tick has`);
  }
  return { instants, problems };
}

/**
 * A run of `alpha/chatty` that crossed an outage: problems with its event log, empty when none.
 * The worker numbers its events (seq 1, 2, …; platform events have none): every seq from 1 to the
 * highest must be stored exactly once (none lost), each "chatty i" line exactly once (none
 * duplicated under a new seq by a redelivery), and the run's end recorded once.
 */
export function checkChattyEvents(runId: string, events: readonly EventRow[], lines: number): string[] {
  const problems: string[] = [];
  const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq!);
  const max = seqs.length === 0 ? 0 : Math.max(...seqs);
  if (new Set(seqs).size !== seqs.length) problems.push(`${runId}: a seq stored twice`);
  if (seqs.length !== max) problems.push(`${runId}: ${max - new Set(seqs).size} of seqs 1..${max} missing`);
  const logs = events.filter((e) => e.type === "LOG" && e.message?.startsWith("chatty "));
  const byLine = new Map<string, number>();
  for (const e of logs) byLine.set(e.message!, (byLine.get(e.message!) ?? 0) + 1);
  const missing = Array.from({ length: lines }, (_, i) => `chatty ${i + 1}`).filter((m) => !byLine.has(m));
  const doubled = [...byLine].filter(([, n]) => n > 1).map(([m]) => m);
  if (missing.length > 0) problems.push(`${runId}: ${missing.length} of ${lines} log lines missing (first: ${missing[0]})`);
  if (doubled.length > 0) problems.push(`${runId}: ${doubled.length} log lines stored more than once (first: ${doubled[0]})`);
  const ends = events.filter((e) => e.type === "RUN_SUCCESS" || e.type === "RUN_FAILURE" || e.type === "RUN_CANCELED");
  if (ends.length !== 1) problems.push(`${runId}: ${ends.length} run-end events (${ends.map((e) => e.type).join(", ")})`);
  return problems;
}

// ─── HTTP ────────────────────────────────────────────────────────────────────────────────────

/** Posts a GraphQL document; returns `data`, throws on transport or GraphQL errors. */
export async function graphql<T>(baseUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    // X-Flyt-Request: the CSRF guard's header for non-browser clients (docs/auth.md).
    headers: { "content-type": "application/json", "x-flyt-request": "1" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((e) => e.message).join("; ")}`);
  if (body.data === undefined || body.data === null) throw new Error(`GraphQL: no data (HTTP ${response.status})`);
  return body.data;
}

export async function rest(baseUrl: string, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-flyt-request": "1" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: returned as text.
  }
  return { status: response.status, body: parsed };
}

/**
 * Keeps a run page's live event stream (`GET /api/runs/<id>/events`, server-sent events) open
 * as the UI does, until `signal` aborts or the server ends it; resolves with the bytes received.
 * Transport errors end it quietly: the drills assert on the server, not on this client.
 */
export async function watchRunEvents(baseUrl: string, runId: string, signal: AbortSignal): Promise<number> {
  let bytes = 0;
  try {
    const response = await fetch(`${baseUrl}/api/runs/${encodeURIComponent(runId)}/events`, { headers: { accept: "text/event-stream" }, signal });
    if (!response.body) return 0;
    for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
  } catch {
    // Aborted, or the connection was cut.
  }
  return bytes;
}

type LaunchResult = { __typename: string; message?: string; run?: { runId: string; location: string } };

const LAUNCH_FIELDS = `__typename ... on LaunchRunSuccess { run { runId location } } ... on Error { message }`;

/** `launchRun` through GraphQL; the run id, or an error naming the union member. */
export async function launchRunGraphql(baseUrl: string, selection: string): Promise<{ runId: string; location: string }> {
  const { launchRun } = await graphql<{ launchRun: LaunchResult }>(baseUrl, `mutation ($s: String!) { launchRun(selection: $s) { ${LAUNCH_FIELDS} } }`, { s: selection });
  if (launchRun.__typename !== "LaunchRunSuccess" || !launchRun.run) throw new Error(`launchRun(${selection}): ${launchRun.__typename}: ${launchRun.message ?? ""}`);
  return launchRun.run;
}

export async function reexecuteRunGraphql(baseUrl: string, runId: string, fromFailure: boolean): Promise<{ runId: string; location: string }> {
  const { reexecuteRun } = await graphql<{ reexecuteRun: LaunchResult }>(
    baseUrl,
    `mutation ($id: String!, $f: Boolean) { reexecuteRun(runId: $id, fromFailure: $f) { ${LAUNCH_FIELDS} } }`,
    { id: runId, f: fromFailure },
  );
  if (reexecuteRun.__typename !== "LaunchRunSuccess" || !reexecuteRun.run) throw new Error(`reexecuteRun(${runId}): ${reexecuteRun.__typename}: ${reexecuteRun.message ?? ""}`);
  return reexecuteRun.run;
}

/** `POST /api/v1/runs` for a location; the run id. */
export async function launchRunRest(baseUrl: string, location: string, selection: string): Promise<string> {
  const { status, body } = await rest(baseUrl, "POST", "/api/v1/runs", { location, selection });
  if (status !== 201) throw new Error(`POST /api/v1/runs ${location} ${selection}: HTTP ${status} ${JSON.stringify(body)}`);
  return String(body.runId);
}

export async function setInstigatorStatus(baseUrl: string, id: string, status: "RUNNING" | "STOPPED"): Promise<void> {
  const { setInstigatorStatus: result } = await graphql<{ setInstigatorStatus: { __typename: string; message?: string } }>(
    baseUrl,
    `mutation ($id: String!, $s: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $s) { __typename ... on Error { message } } }`,
    { id, s: status },
  );
  if (result.__typename !== "Schedule" && result.__typename !== "Sensor") throw new Error(`setInstigatorStatus(${id}): ${result.__typename}: ${result.message ?? ""}`);
}

// ─── executions and figures ──────────────────────────────────────────────────────────────────

/** Lines the fixtures appended (see test-fixtures/record.ts). */
export function readExecutions(file: string): ExecutionLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as ExecutionLine);
}

/** Executions per `runId asset`, for "exactly once per run and asset" assertions. */
export function executionCounts(lines: readonly ExecutionLine[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(`${line.runId} ${line.asset}`, (counts.get(`${line.runId} ${line.asset}`) ?? 0) + 1);
  return counts;
}

/**
 * Writes a drill group's figures to test-artifacts/topology/<group>.json (one file per test file:
 * the runner runs two at a time), with the machine they were measured on, for docs to quote.
 */
export function writeFigures(group: string, figures: Record<string, unknown>): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const record = { group, recordedAt: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, ...figures };
  writeFileSync(join(ARTIFACTS, `${group}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

// ─── the deployment topology ─────────────────────────────────────────────────────────────────

export interface TopologyOptions {
  /** Names the temp folder (and is the figures' group). */
  name: string;
  /** `shared`: a new database on the suite's test server; `restartable`: a server of this drill's own. */
  postgres: "shared" | "restartable";
  /** Daemons to start (default 2). */
  daemons?: number;
  /** FLYT_DAEMON_LEASE_TTL_MS (default 3000: takeovers in ~3–4 s instead of ~12 s). */
  leaseTtlMs?: number;
  /** daemon.workerTimeoutSeconds (default 15: three missed 5-second remote heartbeats). */
  workerTimeoutSeconds?: number;
  /** Extra environment of the code servers (and so of their run workers), e.g. the chatty asset's knobs. */
  codeServerEnv?: NodeJS.ProcessEnv;
  /** daemon.automationIntervalSeconds (default: the daemon's 30 s). */
  automationIntervalSeconds?: number;
}

/** The two url locations every topology serves. */
export const LOCATIONS = ["alpha", "beta"] as const;

/**
 * One deployment: two `flyt code-server`s (alpha, beta; no database URL in their environment),
 * then flyt.yaml naming them as `url:` locations with `webserver.publicUrl`, then one
 * `flyt webserver` and the daemons on PostgreSQL. `start` resolves once the webserver is ready
 * with both locations LOADED, every daemon has started and one holds the lease.
 */
export class Topology implements AsyncDisposable {
  readonly processes: ProcessSet;
  readonly codeServers = new Map<string, { process: FlytProcess; url: string }>();
  daemons: FlytProcess[] = [];
  webserver: FlytProcess | null = null;
  readonly executionsFile: string;
  readonly configFile: string;
  readonly webserverUrl: string;
  db!: Database;
  postgres: RestartablePostgres | null = null;
  private testDatabase: TestDatabase | null = null;
  private daemonCount = 0;

  private constructor(
    readonly options: TopologyOptions,
    readonly dir: string,
    readonly webserverPort: number,
  ) {
    this.processes = new ProcessSet(options.name);
    this.executionsFile = join(dir, "executions.jsonl");
    this.configFile = join(dir, "flyt.yaml");
    this.webserverUrl = `http://127.0.0.1:${webserverPort}`;
  }

  static async start(options: TopologyOptions): Promise<Topology> {
    const dir = mkdtempSync(join(tmpdir(), `flyt-topology-${options.name}-`));
    const topology = new Topology(options, dir, await freePort());
    try {
      await topology.boot();
      return topology;
    } catch (error) {
      await topology[Symbol.asyncDispose]();
      throw error;
    }
  }

  private async boot(): Promise<void> {
    let url: string;
    if (this.options.postgres === "restartable") {
      this.postgres = await startRestartablePostgres();
      url = (await this.postgres.createDatabase()).url;
    } else {
      this.testDatabase = await createTestDatabase();
      url = this.testDatabase.url;
    }
    this.db = new Database(url);
    await Promise.all(LOCATIONS.map((name) => this.startCodeServer(name)));
    this.writeConfig();
    const daemons = Array.from({ length: this.options.daemons ?? 2 }, () => this.startDaemon());
    await Promise.all([this.startWebserver(), ...daemons]);
    await waitUntil(() => this.db.leader(), 30_000, "a daemon to hold the leader lease");
  }

  /** The database URL the platform processes use (never given to code servers). */
  get databaseUrl(): string {
    return this.db.url;
  }

  private async startCodeServer(name: string): Promise<void> {
    const cwd = join(this.dir, `code-${name}`);
    mkdirSync(cwd, { recursive: true });
    const proc = this.processes.start(`code-server ${name}`, ["code-server", "-f", fixture(name), "--port", "0", "--name", name], {
      cwd,
      env: { [EXECUTIONS_ENV]: this.executionsFile, ...this.options.codeServerEnv },
    });
    const record = await proc.waitForRecord((r) => r.msg === "listening" && typeof r.url === "string", 30_000, "the code server's listening line");
    this.codeServers.set(name, { process: proc, url: String(record.url) });
  }

  private writeConfig(): void {
    const locations = LOCATIONS.map((name) => `  - name: ${name}\n    url: ${this.codeServers.get(name)!.url}\n`).join("");
    writeFileSync(
      this.configFile,
      `# Written by the topology harness: two url locations, each a running flyt code-server.\n` +
        `locations:\n${locations}` +
        `webserver:\n  host: 127.0.0.1\n  port: ${this.webserverPort}\n  publicUrl: ${this.webserverUrl}\n` +
        `daemon:\n  workerTimeoutSeconds: ${this.options.workerTimeoutSeconds ?? 15}\n` +
        (this.options.automationIntervalSeconds === undefined ? "" : `  automationIntervalSeconds: ${this.options.automationIntervalSeconds}\n`),
    );
  }

  /** The environment of the webserver, the daemons and CLI commands: the database, flyt.yaml, a home of their own. */
  platformEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      FLYT_DATABASE_URL: this.databaseUrl,
      FLYT_CONFIG: this.configFile,
      FLYT_HOME: join(this.dir, ".flyt"),
      FLYT_DAEMON_LEASE_TTL_MS: String(this.options.leaseTtlMs ?? 3_000),
      ...extra,
    };
  }

  /** Starts (or restarts) the webserver on its fixed port; resolves when /readyz answers 200 with both locations LOADED. */
  async startWebserver(): Promise<FlytProcess> {
    const proc = this.processes.start("webserver", ["webserver"], { cwd: this.dir, env: this.platformEnvironment() });
    this.webserver = proc;
    await proc.waitForRecord((r) => r.msg === "listening", 30_000, "the webserver's listening line");
    await waitUntil(
      async () => {
        if (!proc.running) throw new Error(`the webserver exited:\n${proc.tail()}`);
        const ready = await rest(this.webserverUrl, "GET", "/readyz");
        if (ready.status !== 200) return null;
        const { body } = await rest(this.webserverUrl, "GET", "/api/v1/locations");
        const statuses = (body.locations as Array<{ status: string }>).map((l) => l.status);
        return statuses.length === LOCATIONS.length && statuses.every((s) => s === "LOADED") ? true : null;
      },
      30_000,
      "the webserver to be ready with both locations LOADED",
      100,
    );
    return proc;
  }

  async startDaemon(): Promise<FlytProcess> {
    this.daemonCount += 1;
    const proc = this.processes.start(`daemon ${this.daemonCount}`, ["daemon"], { cwd: this.dir, env: this.platformEnvironment() });
    this.daemons.push(proc);
    await proc.waitForOutput(/daemon \S+ started/, 30_000, "the daemon's started line");
    return proc;
  }

  /** The daemon process holding the lease now. */
  async leaderDaemon(): Promise<FlytProcess> {
    const lease = await waitUntil(() => this.db.leader(), 30_000, "a leader");
    const leader = this.daemons.find((d) => d.pid === lease.pid && d.running);
    if (!leader) throw new Error(`the lease holder ${lease.holder} is none of this topology's running daemons`);
    return leader;
  }

  /**
   * SIGKILLs the leader daemon and waits for another daemon to hold the lease; with `replace`, a
   * fresh daemon is started at once (as an orchestrator restarts a killed pod). Returns the victim's
   * pid and the takeover time (kill → new lease holder).
   */
  async killLeader(options: { replace: boolean }): Promise<{ victimPid: number; takeoverMs: number }> {
    const victim = await this.leaderDaemon();
    await victim.kill9();
    const killedAt = Date.now();
    const replacement = options.replace ? this.startDaemon() : null;
    await waitUntil(async () => {
      const lease = await this.db.leader();
      return lease !== null && lease.pid !== victim.pid ? lease : null;
    }, 30_000, `a new leader after killing daemon pid ${victim.pid}`, 20);
    const takeoverMs = Date.now() - killedAt;
    await replacement;
    return { victimPid: victim.pid, takeoverMs };
  }

  /** Every Flyt process of the deployment that should be running now, with whether it is. */
  platformProcesses(): FlytProcess[] {
    return [...this.codeServers.values()].map((c) => c.process).concat(this.webserver ? [this.webserver] : [], this.daemons);
  }

  graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return graphql<T>(this.webserverUrl, query, variables);
  }

  executions(): ExecutionLine[] {
    return readExecutions(this.executionsFile);
  }

  /** Stops every process; returns the processes that outlived theirs (killed now). */
  shutdown(): Promise<ProcessInfo[]> {
    return this.processes.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.processes[Symbol.asyncDispose]();
    await this.db?.[Symbol.asyncDispose]();
    await this.testDatabase?.drop().catch(() => undefined);
    await this.postgres?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export { describeProcesses, type ProcessInfo } from "./process-tree.js";
