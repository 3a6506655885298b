/**
 * A PostgreSQL server of a test's own that the test can stop and start again on the same data
 * directory and port, for tests of what Flyt's processes do while the database is down (issue
 * 11: every long-running process survives a PostgreSQL restart). Stopping is PostgreSQL's fast
 * shutdown, as `pg_ctl stop` or a container restart does: every open session ends with SQLSTATE
 * 57P01, and new connections are refused until `start()` returns.
 *
 * It is never the shared test server (`testPostgresServerUrl`): stopping that would break every
 * other test file using it. Starting one takes a few seconds (initdb), so a test file starts it
 * once. Dispose it (`await using`) to stop it and delete its data; if the test process dies, the
 * server process sees its stdin close and does the same.
 *
 * ```ts
 * await using pg = await startRestartablePostgres();
 * await using db = await pg.createDatabase();
 * const storage = await openStorage({ databaseUrl: db.url, sqlitePath: "" });
 * await pg.stop(); // sessions terminated, connections refused
 * await pg.start(); // same data, same URL
 * ```
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";

export interface RestartablePostgres extends AsyncDisposable {
  /** The server's `postgres` database URL; it stays the same across restarts. */
  readonly url: string;
  /** Whether the server is accepting connections (false between `stop()` and `start()`). */
  readonly running: boolean;
  /** Fast shutdown: open sessions are terminated (57P01), new ones refused. Resolves once the server is down. */
  stop(): Promise<void>;
  /** Starts the server again on the same data directory and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `stop()`, wait `downMs`, `start()`. */
  restart(downMs: number): Promise<void>;
  /** Creates an empty database `flyt_restart_<random>` on this server (deleted with the server by `close()`). */
  createDatabase(): Promise<{ name: string; url: string }>;
  /** Stops the server and deletes its data. Safe to call twice. */
  close(): Promise<void>;
}

type ServerChild = ChildProcessByStdio<Writable, Readable, null>;

/** Starts a PostgreSQL server of this test's own (see the module comment). Takes a few seconds. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const script = fileURLToPath(new URL("./postgres-server-process.js", import.meta.url));
  const child: ServerChild = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Every line the server process prints answers the oldest pending request, in order.
  const waiting: Array<{ resolve: (message: Record<string, unknown>) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const next = waiting.shift();
    if (next === undefined) return;
    try {
      next.resolve(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      next.reject(new Error(`the PostgreSQL server process printed an unexpected line: ${line}`, { cause: error }));
    }
  });
  child.once("exit", (code) => {
    for (const pending of waiting.splice(0)) pending.reject(new Error(`the PostgreSQL server process exited (code ${String(code)})`));
  });
  const nextLine = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => waiting.push({ resolve, reject }));

  const first = await withTimeout(nextLine(), 120_000, "embedded PostgreSQL to start");
  if (typeof first.url !== "string") {
    child.kill("SIGKILL");
    throw new Error(`the PostgreSQL server process did not start: ${JSON.stringify(first)}`);
  }
  const url = first.url;
  let running = true;
  let closed = false;

  const command = async (name: "stop" | "start"): Promise<void> => {
    if (closed) throw new Error(`cannot ${name} a closed test PostgreSQL server`);
    const answer = nextLine();
    child.stdin.write(`${name}\n`);
    const message = await withTimeout(answer, 60_000, `PostgreSQL to ${name}`);
    if (message.done !== name) throw new Error(`PostgreSQL ${name}: ${typeof message.error === "string" ? message.error : JSON.stringify(message)}`);
    running = name === "start";
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    child.stdin.end();
    await exited;
  };

  return {
    url,
    get running() {
      return running;
    },
    stop: () => command("stop"),
    start: () => command("start"),
    async restart(downMs: number) {
      await command("stop");
      await sleep(downMs);
      await command("start");
    },
    async createDatabase() {
      const name = `flyt_restart_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const parsed = new URL(url);
      parsed.pathname = `/${name}`;
      return { name, url: parsed.toString() };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
