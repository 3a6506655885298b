/**
 * Test helpers for every package that needs a real storage (`@flyt/storage/testing`):
 * which backends to test (`FLYT_TEST_BACKENDS`), and a fresh, disposable storage per test:
 * a temp SQLite file, or a new database on the PostgreSQL server in `FLYT_TEST_DATABASE_URL`
 * (or a throwaway embedded server started for this process when the variable is unset).
 * For outage tests, `startRestartablePostgres` gives a test a server of its own to stop and start.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { InvalidConfigError } from "@flyt/core";
import { openStorage } from "../open.js";
import type { Storage } from "../storage.js";

export { startRestartablePostgres, type RestartablePostgres } from "./restartable-postgres.js";

export type TestBackend = "sqlite" | "postgres";
const ALL_BACKENDS: readonly TestBackend[] = ["sqlite", "postgres"];

/** Backends selected by `FLYT_TEST_BACKENDS=sqlite,postgres` (default: both). */
export function testBackends(): TestBackend[] {
  const raw = process.env.FLYT_TEST_BACKENDS?.trim();
  if (!raw) return [...ALL_BACKENDS];
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(ALL_BACKENDS as readonly string[]).includes(name)) {
      throw new InvalidConfigError("FLYT_TEST_BACKENDS", `unknown backend ${JSON.stringify(name)}; use a comma list of sqlite, postgres`);
    }
  }
  return [...new Set(names)] as TestBackend[];
}

let serverUrl: Promise<string> | undefined;

/**
 * The URL of the PostgreSQL server tests create their databases on: `FLYT_TEST_DATABASE_URL`,
 * or a throwaway embedded server started once per process (stopped when the process exits).
 */
export function testPostgresServerUrl(): Promise<string> {
  const fromEnv = process.env.FLYT_TEST_DATABASE_URL?.trim();
  if (fromEnv) return Promise.resolve(fromEnv);
  serverUrl ??= startEmbeddedServer();
  return serverUrl;
}

function startEmbeddedServer(): Promise<string> {
  const script = fileURLToPath(new URL("./postgres-server-process.js", import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("embedded PostgreSQL did not start within 120 s")), 120_000);
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        const { url } = JSON.parse(line) as { url: string };
        // Let this process exit while the server runs: closing our end of stdin (at exit) stops it.
        child.unref();
        child.stdout.destroy();
        (child.stdin as unknown as { unref?: () => void }).unref?.();
        (child.stdin as unknown as { _handle?: { unref?: () => void } })._handle?.unref?.();
        resolve(url);
      } catch (error) {
        reject(new Error(`embedded PostgreSQL printed an unexpected line: ${line}`, { cause: error }));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL process exited with code ${String(code)} before it was ready`));
    });
  });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (terminating its connections). Safe to call twice. */
  drop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates an empty database `flyt_test_<random>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await testPostgresServerUrl();
  const name = `flyt_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  return { url: withDatabase(server, name), name, drop, [Symbol.asyncDispose]: drop };
}

export interface TestStorage {
  storage: Storage;
  /** The PostgreSQL URL of the test database, or null for SQLite. */
  url: string | null;
  /** The SQLite file, or null for PostgreSQL. */
  sqlitePath: string | null;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A fresh, migrated storage of the given kind. Dispose it (`await using`, or call
 * `[Symbol.asyncDispose]()` in an `after` hook): it closes the storage and drops the database /
 * deletes the temp directory, even if the storage was already closed.
 */
export async function createTestStorage(kind: TestBackend): Promise<TestStorage> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "flyt-test-sqlite-"));
    const sqlitePath = join(dir, "flyt.db");
    let storage: Storage;
    try {
      storage = await openStorage({ sqlitePath });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return {
      storage,
      url: null,
      sqlitePath,
      async [Symbol.asyncDispose]() {
        await storage.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  let storage: Storage;
  try {
    storage = await openStorage({ databaseUrl: database.url, sqlitePath: "" });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    storage,
    url: database.url,
    sqlitePath: null,
    async [Symbol.asyncDispose]() {
      await storage.close().catch(() => {});
      await database.drop();
    },
  };
}

/** What a `describeEachBackend` body gets: its backend and the storage its tests share. */
export interface BackendSuite {
  backend: TestBackend;
  /**
   * The suite's storage: a stand-in that forwards every property to the storage created in the
   * suite's first `before`, so tests can hold it (and hand it to constructors) as if it were the
   * storage itself. Use it inside tests and hooks; `instanceof` sees the stand-in, so a test that
   * needs the backend's class uses `fixture().storage`.
   */
  storage: Storage;
  /** The fixture behind `storage()` (its SQLite file or PostgreSQL URL). */
  fixture: () => TestStorage;
}

/**
 * One `describe` per test backend whose tests share one fresh storage, created before the first
 * test and disposed after the last — the setup every per-backend suite otherwise writes again.
 * The body's own `before` hooks run after the storage exists.
 */
export function describeEachBackend(title: (backend: TestBackend) => string, body: (suite: BackendSuite) => void): void {
  for (const backend of testBackends()) {
    void describe(title(backend), () => {
      let current: TestStorage | undefined;
      before(async () => {
        current = await createTestStorage(backend);
      });
      after(async () => {
        await current?.[Symbol.asyncDispose]();
      });
      const fixture = (): TestStorage => {
        if (current === undefined) throw new Error(`the ${backend} test storage is created in a before hook: use it inside tests and hooks`);
        return current;
      };
      const storage = new Proxy({} as Storage, {
        get(_target, property) {
          const real = fixture().storage;
          const value: unknown = Reflect.get(real, property, real);
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
        },
      });
      body({ backend, storage, fixture });
    });
  }
}
