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
import { after, afterEach, before, beforeEach, describe } from "node:test";
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

/**
 * Where a test storage lives, not opened: an empty PostgreSQL database, or `flyt.db` (not yet
 * created; the CLI's default file name under FLYT_HOME) in a fresh temp directory. For tests whose
 * processes open — and migrate — the storage themselves.
 */
export interface TestStorageLocation {
  /** The PostgreSQL URL of the test database, or null for SQLite. */
  url: string | null;
  /** The SQLite file, or null for PostgreSQL. */
  sqlitePath: string | null;
  /** Drops the database / deletes the temp directory. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A fresh, empty location of the given kind; dispose it as a TestStorage. */
export async function createTestStorageLocation(kind: TestBackend): Promise<TestStorageLocation> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "flyt-test-sqlite-"));
    return {
      url: null,
      sqlitePath: join(dir, "flyt.db"),
      [Symbol.asyncDispose]() {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const database = await createTestDatabase();
  return { url: database.url, sqlitePath: null, [Symbol.asyncDispose]: () => database.drop() };
}

export interface TestStorage extends TestStorageLocation {
  storage: Storage;
}

/**
 * A fresh, migrated storage of the given kind. Dispose it (`await using`, or call
 * `[Symbol.asyncDispose]()` in an `after` hook): it closes the storage and drops the database /
 * deletes the temp directory, even if the storage was already closed.
 */
export async function createTestStorage(kind: TestBackend): Promise<TestStorage> {
  const location = await createTestStorageLocation(kind);
  let storage: Storage;
  try {
    storage = await openStorage(location.url !== null ? { databaseUrl: location.url, sqlitePath: "" } : { sqlitePath: location.sqlitePath! });
  } catch (error) {
    await location[Symbol.asyncDispose]();
    throw error;
  }
  return {
    storage,
    url: location.url,
    sqlitePath: location.sqlitePath,
    async [Symbol.asyncDispose]() {
      await storage.close().catch(() => {});
      await location[Symbol.asyncDispose]();
    },
  };
}

/** What a `describeEachBackend` body gets: its backend and the storage its tests share. */
export interface BackendSuite {
  backend: TestBackend;
  /**
   * The storage of the running test: a stand-in that forwards every property to the storage
   * created in a `before` (or `beforeEach`, with `per: "test"`) hook, so tests can hold it (and
   * hand it to constructors) as if it were the storage itself. Use it inside tests and hooks;
   * `instanceof` sees the stand-in, so a test that needs the backend's class uses `fixture().storage`.
   */
  storage: Storage;
  /** The fixture behind `storage` (its SQLite file or PostgreSQL URL). */
  fixture: () => TestStorage;
}

/** What a `describeEachBackend` body gets with `open: false`: its backend and an empty location. */
export interface BackendLocationSuite {
  backend: TestBackend;
  /** The location of the running test (or suite): an empty database or a SQLite path. */
  location: () => TestStorageLocation;
}

export interface EachBackendOptions {
  /**
   * "suite" (default): the tests of a backend share one storage, created before the first and
   * disposed after the last. "test": each test gets a fresh one, for tests that count what the
   * storage holds, compete for its lease or close it.
   */
  per?: "suite" | "test";
  /**
   * true (default): a migrated storage. false: only a location (`createTestStorageLocation`), for
   * tests of migrating, or whose child processes open the storage themselves.
   */
  open?: boolean;
}

/**
 * One `describe` per test backend, with a fresh storage (or location) per suite or per test —
 * the setup every per-backend suite otherwise writes again. The body's own `before`/`beforeEach`
 * hooks run after the storage exists.
 */
export function describeEachBackend(title: (backend: TestBackend) => string, body: (suite: BackendSuite) => void, options?: EachBackendOptions & { open?: true }): void;
export function describeEachBackend(title: (backend: TestBackend) => string, body: (suite: BackendLocationSuite) => void, options: EachBackendOptions & { open: false }): void;
export function describeEachBackend(
  title: (backend: TestBackend) => string,
  body: ((suite: BackendSuite) => void) | ((suite: BackendLocationSuite) => void),
  options: EachBackendOptions = {},
): void {
  const perTest = options.per === "test";
  const open = options.open ?? true;
  for (const backend of testBackends()) {
    void describe(title(backend), () => {
      let current: TestStorageLocation | undefined;
      (perTest ? beforeEach : before)(async () => {
        current = open ? await createTestStorage(backend) : await createTestStorageLocation(backend);
      });
      (perTest ? afterEach : after)(async () => {
        await current?.[Symbol.asyncDispose]();
      });
      const location = (): TestStorageLocation => {
        if (current === undefined) throw new Error(`the ${backend} test storage is created in a ${perTest ? "beforeEach" : "before"} hook: use it inside tests and hooks`);
        return current;
      };
      if (!open) {
        (body as (suite: BackendLocationSuite) => void)({ backend, location });
        return;
      }
      const fixture = (): TestStorage => location() as TestStorage;
      const storage = new Proxy({} as Storage, {
        get(_target, property) {
          const real = fixture().storage;
          const value: unknown = Reflect.get(real, property, real);
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(real) : value;
        },
      });
      (body as (suite: BackendSuite) => void)({ backend, storage, fixture });
    });
  }
}
