/**
 * The SQLite backend: one file (default `.flyt/flyt.db`), one better-sqlite3 connection per
 * Storage, WAL so readers never block the writer, `busy_timeout` so a second process (a run
 * worker, the CLI) waits for the write lock instead of failing. Every write is one
 * `BEGIN IMMEDIATE` transaction of prepared statements.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";

// URI file names (`file:…?immutable=1`) for opening a database on a read-only file system; read by
// better-sqlite3 once, when the process opens its first database. Plain paths are unaffected.
process.env.SQLITE_USE_URI ??= "1";
import { FlytError, MigrationError, StorageError, type EventRecord, type NewRun, type RunRecord } from "@flyt/core";
import { applyPartitionEffects, failedRunIdsOf } from "../core/partition-ops.js";
import { provenanceOf } from "../core/provenance.js";
import { SqlStorage, type WriteMode } from "../core/sql-storage.js";
import type { Sql } from "../core/sql.js";
import { runSync, type Operation, type StatementResult } from "../core/unit-of-work.js";
import { StorageInputError } from "../errors.js";
import { eventColumns, indexUpdates, lifecycleUpdates, type InsertedEvent, type Provenance, type RunStateRow } from "../shared/derive.js";
import { runFromRow, tickFromRow, type RunRow, type TickRow } from "../shared/rows.js";
import { emitRunChanges, onRunChanges } from "../shared/run-signals.js";
import { prepareNewRun, RUN_INSERT_COLUMNS, runRowValues, uniqueRunIds } from "../shared/runs.js";
import { prepareScheduledRuns, validateRunIdList } from "../shared/batches.js";
import { assertFenceHolds, fenceOf } from "../shared/fence.js";
import { validateEvents, validateId, validateNewRun } from "../shared/validate.js";
import type { AssetIndexEntry, CreateRunResult, RunChange, RunWatch, StorageCapabilities, ScheduledRun, ScheduledRunResult, WriteOptions } from "../storage.js";
import { SQLITE_DIALECT } from "./sqlite-dialect.js";
import { migrateSqlite, sqliteSchemaVersion } from "./sqlite-migrator.js";
import { SQLITE_MIGRATIONS } from "../generated/migrations.js";

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;


export interface SqliteStorageOptions {
  /** Skip applying migrations (used by tools that inspect a database as it is). */
  migrate?: boolean;
}

/** Inserts a run; a taken `(instigator, run_key)` inserts nothing (the caller reports the existing run). */
const INSERT_RUN_SQL = `INSERT INTO runs (${RUN_INSERT_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (instigator, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING id`;

export class SqliteStorage extends SqlStorage {
  readonly kind = "sqlite" as const;
  readonly capabilities: StorageCapabilities = { crossProcessChangeFeed: false, multiHostLease: false };
  readonly expectedSchemaVersion = SQLITE_MIGRATIONS.length;
  private readonly statements = new Map<string, Database.Statement>();
  /** Run changes made by the current write, emitted after it commits. */
  private pendingChanges: RunChange[] = [];

  protected readonly dialect = SQLITE_DIALECT;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    /** Opened read-only (the read-write open failed): reads work, writes fail saying so. */
    readonly readOnly = false,
  ) {
    super();
  }

  /** Opens (creating the file and its directory if needed) and migrates a SQLite database. */
  static async open(path: string, options: SqliteStorageOptions = {}): Promise<SqliteStorage> {
    if (typeof path !== "string" || path.length === 0) throw new StorageInputError("sqlite path", "must be a non-empty file path");
    const absolute = path === ":memory:" ? path : resolve(path);
    let db: Database.Database;
    try {
      if (absolute !== ":memory:") mkdirSync(dirname(absolute), { recursive: true });
      db = new Database(absolute);
    } catch (error) {
      throw new StorageError(`Could not open SQLite database ${absolute}: ${(error as Error).message}`, { cause: error });
    }
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      if (options.migrate !== false) migrateSqlite(db);
    } catch (error) {
      db.close();
      if (error instanceof FlytError) throw error;
      // A database on a read-only file system (a mounted backup, a locked-down volume) can still be read.
      if (absolute !== ":memory:" && isReadOnlyFailure(error)) return SqliteStorage.openReadOnly(absolute, error);
      throw new StorageError(`Could not prepare SQLite database ${absolute}: ${(error as Error).message}`, { cause: error });
    }
    return new SqliteStorage(db, absolute);
  }

  /**
   * Opens a database that cannot be written. A WAL database needs its -shm file, which a read-only
   * folder cannot hold, unless SQLite is told the file is immutable (nobody changes it meanwhile —
   * true of a read-only file system). Its schema must already be current; every write fails with a
   * StorageError saying it is read-only.
   */
  private static openReadOnly(absolute: string, cause: unknown): SqliteStorage {
    let db: Database.Database;
    try {
      db = new Database(`file:${absolute.split("/").map(encodeURIComponent).join("/")}?immutable=1`, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    } catch (error) {
      throw new StorageError(`Could not open SQLite database ${absolute}: ${(cause as Error).message}; read-only as well: ${(error as Error).message}`, { cause: error });
    }
    const version = sqliteSchemaVersion(db);
    const latest = SQLITE_MIGRATIONS.at(-1)?.id ?? 0;
    if (version < latest) {
      db.close();
      throw new MigrationError(
        `SQLite database ${absolute} is read-only and at schema version ${version}, older than this Flyt's ${latest}: open it once where it can be written (any flyt command migrates it), then read it here.`,
        { cause },
      );
    }
    return new SqliteStorage(db, absolute, true);
  }

  /** The underlying connection, for tools (schema dump) and tests. */
  get connection(): Database.Database {
    return this.db;
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` and turns driver errors into StorageErrors that say which database failed. */
  private guard<T>(what: string, fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(this.wrapError(what, error));
    }
  }

  private wrapError(what: string, error: unknown): Error {
    if (error instanceof FlytError) return error;
    if (isReadOnlyFailure(error)) {
      return new StorageError(`${what}: the SQLite database ${this.path} cannot be written here (a read-only file or file system); reading works, writing needs a writable copy`, { cause: error });
    }
    if (!this.db.open) return new StorageError(`${what}: the SQLite storage at ${this.path} is closed`, { cause: error });
    return new StorageError(`${what} failed on SQLite database ${this.path}: ${(error as Error).message}`, { cause: error });
  }

  /**
   * One `BEGIN IMMEDIATE` transaction. With a fence, the lease row is read first inside it: the
   * write lock keeps a takeover (also a write) from slipping between the check and the write.
   */
  private transact<T>(what: string, fn: () => T, options?: WriteOptions): Promise<T> {
    this.pendingChanges = [];
    return this.guard(what, () => {
      const fence = fenceOf(options);
      try {
        const result = this.db
          .transaction(() => {
            if (fence !== null) {
              const row = this.stmt("SELECT holder, fencing_token FROM leases WHERE name = ?").get(fence.leaseName) as
                | { holder: string; fencing_token: number }
                | undefined;
              assertFenceHolds(fence, row, what);
            }
            return fn();
          })
          .immediate();
        emitRunChanges(this.path, this.pendingChanges);
        return result;
      } finally {
        this.pendingChanges = [];
      }
    });
  }

  /** One core statement on the connection: parameters as better-sqlite3 binds them (booleans as 0/1). */
  private exec(statement: Sql): StatementResult {
    const prepared = this.stmt(statement.text);
    const params = statement.params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));
    if (prepared.reader) {
      const found = prepared.all(...params) as Record<string, unknown>[];
      return { rows: found, changes: found.length };
    }
    return { rows: [], changes: prepared.run(...params).changes };
  }

  protected read<T>(what: string, operation: Operation<T>): Promise<T> {
    return this.guard(what, () => runSync(operation, (statement) => this.exec(statement)));
  }

  protected write<T>(what: string, operation: Operation<T>, mode: WriteMode = {}): Promise<T> {
    // A single statement commits by itself; anything more is one BEGIN IMMEDIATE transaction, run
    // to its end synchronously, so no other operation of this process interleaves with it.
    if (mode.oneStatement === true && (mode.fence ?? null) === null) return this.read(what, operation);
    return this.guard(what, () => this.db.transaction(() => runSync(operation, (statement) => this.exec(statement))).immediate());
  }

  // Runs --------------------------------------------------------------------------------

  createRun(input: NewRun, options?: WriteOptions): Promise<CreateRunResult> {
    return this.transact("createRun", () => {
      const run = validateNewRun(input);
      const { record, event } = prepareNewRun(run, Date.now());
      let inserted: { id: number } | undefined;
      try {
        inserted = this.stmt(
          INSERT_RUN_SQL,
        ).get(
          ...runRowValues(record),
        ) as { id: number } | undefined;
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE" || (error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
          throw new StorageInputError(`run ${JSON.stringify(record.runId)}`, "a run with this id already exists", { cause: error });
        }
        throw error;
      }
      if (inserted === undefined) {
        const existing = this.stmt("SELECT * FROM runs WHERE instigator = ? AND run_key = ?").get(record.instigator, record.runKey) as
          | RunRow
          | undefined;
        if (existing === undefined) throw new StorageError(`createRun: run key conflict for ${record.runKey} but no run found`);
        return { run: runFromRow(existing), created: false };
      }
      this.insertRunIndexRows(record.runId, record.tags, record.assetKeys);
      // A copy: listeners keep it, and the caller gets `record`.
      this.pendingChanges.push({ runId: record.runId, status: record.status, run: { ...record, assetKeys: [...record.assetKeys], tags: { ...record.tags } } });
      const { assetKey, partition } = eventColumns(event.body);
      this.stmt(
        "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(event.runId, event.seq, event.timestamp, event.stepKey, event.body.type, assetKey, partition, JSON.stringify(event.body));
      return { run: record, created: true };
    }, options);
  }

  private insertRunIndexRows(runId: string, tags: Record<string, string>, assetKeys: readonly string[]): void {
    const tag = this.stmt("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)");
    for (const [key, value] of Object.entries(tags)) tag.run(runId, key, value);
    const asset = this.stmt("INSERT INTO run_assets (run_id, asset_key) VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (const key of assetKeys) asset.run(runId, key);
  }

  claimQueuedRun(runId: string): Promise<RunRecord | null> {
    return this.transact("claimQueuedRun", () => {
      validateId(runId, "run id");
      const now = Date.now();
      const claimed = this.stmt(
        "UPDATE runs SET status = 'STARTING', updated_at = MAX(updated_at, ?) WHERE run_id = ? AND status = 'QUEUED' RETURNING *",
      ).get(now, runId) as RunRow | undefined;
      if (claimed === undefined) return null;
      this.stmt(
        "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, NULL, ?, NULL, 'RUN_STARTING', NULL, NULL, ?)",
      ).run(runId, now, JSON.stringify({ type: "RUN_STARTING" }));
      this.pendingChanges.push({ runId, status: "STARTING" });
      return runFromRow(claimed);
    });
  }

  // Batches (scheduler and run queue) -------------------------------------------------------
  // SQLite statements are in-process calls: one transaction of prepared statements is the batch.

  createScheduledRuns(items: ScheduledRun[], options?: WriteOptions): Promise<ScheduledRunResult[]> {
    return this.transact("createScheduledRuns", () => {
      const now = Date.now();
      const prepared = prepareScheduledRuns(items, now);
      const insertRun = this.stmt(
        INSERT_RUN_SQL,
      );
      const insertEvent = this.stmt(
        "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, NULL, ?, NULL, ?, ?, ?, ?)",
      );
      const insertTick = this.stmt(
        `INSERT INTO ticks (instigator_id, status, tick_time, run_ids, skip_reason, error, cursor, created_at, updated_at)
         VALUES (?, 'SUCCESS', ?, ?, NULL, NULL, NULL, ?, ?) RETURNING *`,
      );
      return prepared.map(({ instigatorId, tickTime, record, event }) => {
        let inserted: unknown;
        try {
          inserted = insertRun.get(
            ...runRowValues(record),
          );
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
            throw new StorageInputError(`run ${JSON.stringify(record.runId)}`, "a run with this id already exists", { cause: error });
          }
          throw error;
        }
        let run: RunRecord = record;
        const created = inserted !== undefined;
        if (created) {
          this.insertRunIndexRows(record.runId, record.tags, record.assetKeys);
          this.pendingChanges.push({ runId: record.runId, status: record.status });
          const { assetKey, partition } = eventColumns(event.body);
          insertEvent.run(record.runId, event.timestamp, event.body.type, assetKey, partition, JSON.stringify(event.body));
        } else {
          const existing = this.stmt("SELECT * FROM runs WHERE instigator = ? AND run_key = ?").get(record.instigator, record.runKey) as RunRow | undefined;
          if (existing === undefined) throw new StorageError(`createScheduledRuns: run key conflict for ${record.runKey} but no run found`);
          run = runFromRow(existing);
        }
        const tick = insertTick.get(instigatorId, tickTime, JSON.stringify([run.runId]), now, now) as TickRow;
        return { tick: tickFromRow(tick), run, created };
      });
    }, options);
  }

  claimQueuedRuns(runIds: string[], options?: WriteOptions): Promise<RunRecord[]> {
    return this.transact("claimQueuedRuns", () => {
      const ids = validateRunIdList(runIds, "run ids to claim");
      const now = Date.now();
      // The leader's fencing token marks the claim as the daemon's (a later leader may relaunch it).
      const claimToken = fenceOf(options)?.fencingToken ?? null;
      const claim = this.stmt(
        "UPDATE runs SET status = 'STARTING', updated_at = MAX(updated_at, ?), claim_token = ? WHERE run_id = ? AND status = 'QUEUED' RETURNING *",
      );
      const event = this.stmt(
        "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, NULL, ?, NULL, 'RUN_STARTING', NULL, NULL, ?)",
      );
      const claimed: RunRecord[] = [];
      for (const runId of ids) {
        const row = claim.get(now, claimToken, runId) as RunRow | undefined;
        if (row === undefined) continue;
        event.run(runId, now, JSON.stringify({ type: "RUN_STARTING" }));
        this.pendingChanges.push({ runId, status: "STARTING" });
        claimed.push(runFromRow(row));
      }
      return claimed;
    }, options);
  }

  watchRuns(listener: (change: RunChange) => void): Promise<RunWatch> {
    if (typeof listener !== "function") return Promise.reject(new StorageInputError("watchRuns listener", "must be a function"));
    const off = onRunChanges(this.path, listener);
    return Promise.resolve({
      close: () => {
        off();
        return Promise.resolve();
      },
    });
  }

  // Heartbeats --------------------------------------------------------------------------

  // Run tokens --------------------------------------------------------------------------

  // API tokens --------------------------------------------------------------------------

  // Observability -----------------------------------------------------------------------

  // Events ------------------------------------------------------------------------------

  appendEvents(input: EventRecord[]): Promise<number> {
    return this.transact("appendEvents", () => {
      const events = validateEvents(input);
      if (events.length === 0) return 0;
      const states = new Map<string, RunStateRow>();
      const selectState = this.stmt("SELECT run_id, status, updated_at, started_at, ended_at FROM runs WHERE run_id = ?");
      for (const runId of uniqueRunIds(events)) {
        const row = selectState.get(runId) as RunStateRow | undefined;
        if (row === undefined) {
          throw new StorageInputError(`run ${JSON.stringify(runId)}`, "unknown run id: create the run before appending its events");
        }
        states.set(runId, row);
      }
      // run() rather than RETURNING: `changes` says whether the row was new, `lastInsertRowid` is its id.
      const insert = this.stmt(
        `INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, seq) DO NOTHING`,
      );
      const inserted: InsertedEvent[] = [];
      for (const event of events) {
        const { assetKey, partition } = eventColumns(event.body);
        const result = insert.run(
          event.runId,
          event.seq,
          event.timestamp,
          event.stepKey,
          event.body.type,
          assetKey,
          partition,
          JSON.stringify(event.body),
        );
        if (result.changes === 1) inserted.push({ ...event, id: Number(result.lastInsertRowid) });
      }
      const exec = (statement: Sql) => this.exec(statement);
      // Each materialization's code version, inputs' data versions and data version (a batch
      // without materializations runs no statement).
      const provenance = runSync(provenanceOf(this.dialect, inserted), exec);
      const failedRuns = this.applyDerivedState(inserted, states, provenance);
      // Partition status and dynamic partitions, in the same transaction (a batch without
      // partitioned materializations, failures or dynamic partitions changes runs no statement).
      runSync(applyPartitionEffects(this.dialect, this.partitionDefinitions, inserted, failedRuns), exec);
      return inserted.length;
    });
  }

  /** Writes the runs' lifecycle and the asset index; returns the runs this batch failed. */
  private applyDerivedState(inserted: InsertedEvent[], states: Map<string, RunStateRow>, provenance: ReadonlyMap<number, Provenance>): string[] {
    const lifecycle = lifecycleUpdates(inserted, states);
    for (const { runId, next, statusChanged } of lifecycle) {
      this.stmt("UPDATE runs SET status = ?, updated_at = ?, started_at = ?, ended_at = ? WHERE run_id = ?").run(
        next.status,
        next.updatedAt,
        next.startedAt,
        next.endedAt,
        runId,
      );
      if (statusChanged) this.pendingChanges.push({ runId, status: next.status });
    }
    const updates = indexUpdates(inserted, provenance);
    const indexValues = (e: AssetIndexEntry) => [
      e.assetKey,
      e.partition,
      e.runId,
      e.eventId,
      e.timestamp,
      JSON.stringify(e.metadata),
      e.codeVersion,
      e.dataVersion,
      e.dataVersionUserProvided ? 1 : 0,
      e.inputDataVersions === null ? null : JSON.stringify(e.inputDataVersions),
    ];
    const upsertLatest = this.stmt(
      `INSERT INTO asset_latest (asset_key, partition, run_id, event_id, timestamp, metadata, code_version,
         data_version, data_version_user_provided, input_data_versions)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET partition = excluded.partition, run_id = excluded.run_id,
         event_id = excluded.event_id, timestamp = excluded.timestamp, metadata = excluded.metadata,
         code_version = excluded.code_version, data_version = excluded.data_version,
         data_version_user_provided = excluded.data_version_user_provided, input_data_versions = excluded.input_data_versions
       WHERE asset_latest.event_id < excluded.event_id`,
    );
    for (const e of updates.latest) upsertLatest.run(...indexValues(e));
    const upsertPartition = this.stmt(
      `INSERT INTO asset_partitions (asset_key, partition, run_id, event_id, timestamp, metadata, code_version,
         data_version, data_version_user_provided, input_data_versions)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_key, partition) DO UPDATE SET run_id = excluded.run_id, event_id = excluded.event_id,
         timestamp = excluded.timestamp, metadata = excluded.metadata, code_version = excluded.code_version,
         data_version = excluded.data_version, data_version_user_provided = excluded.data_version_user_provided,
         input_data_versions = excluded.input_data_versions
       WHERE asset_partitions.event_id < excluded.event_id`,
    );
    for (const e of updates.partitions) upsertPartition.run(...indexValues(e));
    const upsertCheck = this.stmt(
      `INSERT INTO asset_check_latest (asset_key, check_name, passed, severity, run_id, event_id, timestamp)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_key, check_name) DO UPDATE SET passed = excluded.passed, severity = excluded.severity,
         run_id = excluded.run_id, event_id = excluded.event_id, timestamp = excluded.timestamp
       WHERE asset_check_latest.event_id < excluded.event_id`,
    );
    for (const c of updates.checks) {
      upsertCheck.run(c.assetKey, c.checkName, c.passed ? 1 : 0, c.severity, c.runId, c.eventId, c.timestamp);
    }
    return failedRunIdsOf(lifecycle);
  }

  // Asset index -------------------------------------------------------------------------

  // Instigators -------------------------------------------------------------------------

  // Leases ------------------------------------------------------------------------------
  // Expiry is judged by the database clock (NOW_MS), which for SQLite is the host clock:
  // every process sharing the file is on this host, so they agree.

  // Lifecycle ---------------------------------------------------------------------------

  schemaVersion(): Promise<number> {
    return this.guard("schemaVersion", () => sqliteSchemaVersion(this.db));
  }

  close(): Promise<void> {
    if (this.db.open) {
      this.statements.clear();
      this.db.close();
    }
    return Promise.resolve();
  }
}

/** SQLite refused to write or to create a file beside the database (a read-only file system or file). */
function isReadOnlyFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN" || (typeof code === "string" && code.startsWith("SQLITE_READONLY_")) || /readonly|read-only|unable to open database file/i.test((error as Error).message ?? "");
}
