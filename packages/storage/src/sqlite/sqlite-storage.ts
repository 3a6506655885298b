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
import { FlytError, MigrationError, StorageError, type EventRecord, type NewRun, type RunRecord, type StoredEvent } from "@flyt/core";
import { StorageInputError } from "../errors.js";
import { buildPage, pageLimit, resolvePage } from "../shared/cursor.js";
import { applyLifecycle, eventColumns, indexUpdates, lifecycleStatus, type InsertedEvent } from "../shared/derive.js";
import { binder, listRunsSql } from "../shared/queries.js";
import {
  assetIndexFromRow,
  checkFromRow,
  eventFromRow,
  instigatorFromRow,
  leaseFromRow,
  runFromRow,
  tickFromRow,
  type AssetIndexRow,
  type CheckIndexRow,
  type EventRow,
  type InstigatorRow,
  type LeaseRow,
  type RunRow,
  type TickRow,
} from "../shared/rows.js";
import { emitRunChanges, onRunChanges } from "../shared/run-signals.js";
import { prepareNewRun, uniqueRunIds } from "../shared/runs.js";
import { prepareScheduledRuns, validateRunIdList } from "../shared/batches.js";
import { assertFenceHolds, fenceOf } from "../shared/fence.js";
import { validateUsage } from "../shared/usage.js";
import { apiTokenFromRow, duplicateNameError, validateApiTokenId, validateNewApiToken, type ApiTokenRow } from "../shared/api-tokens.js";
import { runTokenFromRow, validateNewRunToken, validateTokenHash, type RunTokenRow } from "../shared/run-tokens.js";
import {
  alertDeliveryFromRow,
  freshnessFromRow,
  freshnessValues,
  validateAlertDelivery,
  validateFreshnessState,
  FRESHNESS_COLUMNS,
  type AlertDeliveryRow,
  type FreshnessRow,
} from "../shared/observability.js";
import {
  validateEpochMs,
  validateEvents,
  validateId,
  validateInstigatorState,
  validateKeyList,
  validateLeaseArgs,
  validateNewRun,
  validateRunFilter,
  validateStorageId,
  validateTags,
  validateTickUpdate,
  validateDaemonHeartbeat,
} from "../shared/validate.js";
import type {
  AssetIndexEntry,
  CheckIndexEntry,
  CreateRunResult,
  DaemonHeartbeat,
  EventQuery,
  InstigatorKind,
  InstigatorState,
  Lease,
  Page,
  PageRequest,
  RunChange,
  RunFilter,
  RunHeartbeat,
  RunWatch,
  Storage,
  StorageCapabilities,
  ScheduledRun,
  ScheduledRunResult,
  Tick,
  TickUpdate,
  WriteOptions,
  NewRunToken,
  ApiToken,
  NewApiToken,
  RunToken,
  AlertDelivery,
  AssetFreshnessState,
  NewAlertDelivery,
} from "../storage.js";
import { migrateSqlite, sqliteSchemaVersion } from "./sqlite-migrator.js";
import { SQLITE_MIGRATIONS } from "../generated/migrations.js";

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/** The database clock, in epoch ms: leases compare against it so every process agrees. */
const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

interface RunStateRow {
  run_id: string;
  status: RunRecord["status"];
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface SqliteStorageOptions {
  /** Skip applying migrations (used by tools that inspect a database as it is). */
  migrate?: boolean;
}

/** Inserts a run; a taken `(instigator, run_key)` inserts nothing (the caller reports the existing run). */
const INSERT_RUN_SQL = `INSERT INTO runs (run_id, status, selection, asset_keys, step_keys, partition_key, tags, origin, parent_run_id,
    root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (instigator, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING id`;

/** The parameters of INSERT_RUN_SQL, in its column order. */
function runRowValues(record: RunRecord): unknown[] {
  return [
    record.runId,
    record.status,
    record.selection,
    JSON.stringify(record.assetKeys),
    record.stepKeys === null ? null : JSON.stringify(record.stepKeys),
    record.partitionKey,
    JSON.stringify(record.tags),
    record.origin,
    record.parentRunId,
    record.rootRunId,
    record.location,
    record.instigator,
    record.runKey,
    record.createdAt,
    record.updatedAt,
    record.startedAt,
    record.endedAt,
  ];
}

export class SqliteStorage implements Storage {
  readonly kind = "sqlite" as const;
  readonly capabilities: StorageCapabilities = { crossProcessChangeFeed: false, multiHostLease: false };
  readonly expectedSchemaVersion = SQLITE_MIGRATIONS.length;
  private readonly statements = new Map<string, Database.Statement>();
  /** Run changes made by the current write, emitted after it commits. */
  private pendingChanges: RunChange[] = [];

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    /** Opened read-only (the read-write open failed): reads work, writes fail saying so. */
    readonly readOnly = false,
  ) {}

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
  private write<T>(what: string, fn: () => T, options?: WriteOptions): Promise<T> {
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

  // Runs --------------------------------------------------------------------------------

  createRun(input: NewRun, options?: WriteOptions): Promise<CreateRunResult> {
    return this.write("createRun", () => {
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

  getRun(runId: string): Promise<RunRecord | null> {
    return this.guard("getRun", () => {
      validateId(runId, "run id");
      const row = this.stmt("SELECT * FROM runs WHERE run_id = ?").get(runId) as RunRow | undefined;
      return row === undefined ? null : runFromRow(row);
    });
  }

  listRuns(filter?: RunFilter, page?: PageRequest): Promise<Page<RunRecord>> {
    return this.guard("listRuns", () => {
      const valid = validateRunFilter(filter);
      const { limit, beforeId } = resolvePage("runs", page);
      const { bind, values } = binder("sqlite");
      const sql = listRunsSql(valid, beforeId, limit, bind);
      const rows = this.stmt(sql).all(...values) as RunRow[];
      return buildPage("runs", rows, limit, (row) => row.id, runFromRow);
    });
  }

  setRunTags(runId: string, tags: Record<string, string>): Promise<void> {
    return this.write("setRunTags", () => {
      validateId(runId, "run id");
      const valid = validateTags(runId, tags);
      const changed = this.stmt("UPDATE runs SET tags = ?, updated_at = MAX(updated_at, ?) WHERE run_id = ?").run(
        JSON.stringify(valid),
        Date.now(),
        runId,
      );
      if (changed.changes === 0) throw new StorageInputError(`run ${JSON.stringify(runId)}`, "no such run");
      this.stmt("DELETE FROM run_tags WHERE run_id = ?").run(runId);
      const insert = this.stmt("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)");
      for (const [key, value] of Object.entries(valid)) insert.run(runId, key, value);
    });
  }

  claimQueuedRun(runId: string): Promise<RunRecord | null> {
    return this.write("claimQueuedRun", () => {
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

  getRuns(runIds: string[]): Promise<RunRecord[]> {
    return this.guard("getRuns", () => {
      const ids = validateRunIdList(runIds, "run ids");
      if (ids.length === 0) return [];
      const rows = this.stmt("SELECT * FROM runs WHERE run_id IN (SELECT value FROM json_each(?))").all(JSON.stringify(ids)) as RunRow[];
      const byId = new Map(rows.map((row) => [row.run_id, row]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row === undefined ? [] : [runFromRow(row)];
      });
    });
  }

  createScheduledRuns(items: ScheduledRun[], options?: WriteOptions): Promise<ScheduledRunResult[]> {
    return this.write("createScheduledRuns", () => {
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
    return this.write("claimQueuedRuns", () => {
      const ids = validateRunIdList(runIds, "run ids to claim");
      const now = Date.now();
      const claim = this.stmt(
        "UPDATE runs SET status = 'STARTING', updated_at = MAX(updated_at, ?) WHERE run_id = ? AND status = 'QUEUED' RETURNING *",
      );
      const event = this.stmt(
        "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, NULL, ?, NULL, 'RUN_STARTING', NULL, NULL, ?)",
      );
      const claimed: RunRecord[] = [];
      for (const runId of ids) {
        const row = claim.get(now, runId) as RunRow | undefined;
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

  createRunToken(input: NewRunToken): Promise<RunToken> {
    return this.write("createRunToken", () => {
      const token = validateNewRunToken(input);
      const run = this.stmt("SELECT 1 FROM runs WHERE run_id = ?").get(token.runId);
      if (run === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(token.runId)} to issue a token for`);
      const row = this.stmt(
        `INSERT INTO run_tokens (token_hash, run_id, location, asset_keys, created_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING *`,
      ).get(token.tokenHash, token.runId, token.location, JSON.stringify(token.assetKeys), Date.now(), token.expiresAt) as RunTokenRow;
      return runTokenFromRow(row);
    });
  }

  getRunToken(tokenHash: string): Promise<RunToken | null> {
    return this.guard("getRunToken", () => {
      const row = this.stmt("SELECT * FROM run_tokens WHERE token_hash = ?").get(validateTokenHash(tokenHash)) as RunTokenRow | undefined;
      return row === undefined ? null : runTokenFromRow(row);
    });
  }

  revokeRunTokens(runId: string): Promise<number> {
    return this.write("revokeRunTokens", () => {
      validateId(runId, "run id");
      return this.stmt("UPDATE run_tokens SET revoked_at = ? WHERE run_id = ? AND revoked_at IS NULL").run(Date.now(), runId).changes;
    });
  }

  addRunOutputUsage(runId: string, bytes: number, events: number): Promise<{ bytes: number; events: number }> {
    return this.write("addRunOutputUsage", () => {
      validateId(runId, "run id");
      validateUsage(bytes, events);
      if (this.stmt("SELECT 1 FROM runs WHERE run_id = ?").get(runId) === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(runId)}`);
      const row = this.stmt(
        `INSERT INTO run_output_usage (run_id, output_bytes, output_events) VALUES (?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET output_bytes = output_bytes + excluded.output_bytes, output_events = output_events + excluded.output_events
         RETURNING output_bytes, output_events`,
      ).get(runId, bytes, events) as { output_bytes: number; output_events: number };
      return { bytes: row.output_bytes, events: row.output_events };
    });
  }

  // API tokens --------------------------------------------------------------------------

  createApiToken(input: NewApiToken): Promise<ApiToken> {
    return this.write("createApiToken", () => {
      const token = validateNewApiToken(input);
      if (this.stmt("SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL").get(token.name) !== undefined) throw duplicateNameError(token.name);
      const row = this.stmt(
        `INSERT INTO api_tokens (id, name, token_hash, role, created_by, created_at, expires_at, revoked_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL) RETURNING *`,
      ).get(token.id, token.name, token.tokenHash, token.role, token.createdBy, Date.now(), token.expiresAt) as ApiTokenRow;
      return apiTokenFromRow(row);
    });
  }

  getApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.guard("getApiTokenByHash", () => {
      const row = this.stmt("SELECT * FROM api_tokens WHERE token_hash = ?").get(validateTokenHash(tokenHash)) as ApiTokenRow | undefined;
      return row === undefined ? null : apiTokenFromRow(row);
    });
  }

  listApiTokens(): Promise<ApiToken[]> {
    return this.guard("listApiTokens", () => (this.stmt("SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC").all() as ApiTokenRow[]).map(apiTokenFromRow));
  }

  revokeApiToken(idOrName: string): Promise<ApiToken | null> {
    return this.write("revokeApiToken", () => {
      if (typeof idOrName !== "string" || idOrName.length === 0 || idOrName.length > 100) return null;
      const now = Date.now();
      const byId = this.stmt("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING *").get(now, idOrName) as ApiTokenRow | undefined;
      const row = byId ?? (this.stmt("UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING *").get(now, idOrName) as ApiTokenRow | undefined);
      return row === undefined ? null : apiTokenFromRow(row);
    });
  }

  touchApiToken(id: string, at: number): Promise<void> {
    return this.write("touchApiToken", () => {
      this.stmt("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)").run(at, validateApiTokenId(id), at - 60_000);
    });
  }

  // Observability -----------------------------------------------------------------------

  recordAlertDelivery(input: NewAlertDelivery): Promise<AlertDelivery> {
    return this.write("recordAlertDelivery", () => {
      const d = validateAlertDelivery(input);
      const row = this.stmt(
        `INSERT INTO alert_deliveries (alert_id, rule, kind, status, channel, outcome, attempts, error, title, item_count, delivered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      ).get(d.alertId, d.rule, d.kind, d.status, d.channel, d.outcome, d.attempts, d.error, d.title, d.count, d.at) as AlertDeliveryRow;
      return alertDeliveryFromRow(row);
    });
  }

  listAlertDeliveries(page?: PageRequest): Promise<Page<AlertDelivery>> {
    return this.guard("listAlertDeliveries", () => {
      const { limit, beforeId } = resolvePage("alerts", page);
      const rows = this.stmt("SELECT * FROM alert_deliveries WHERE id < ? ORDER BY id DESC LIMIT ?").all(beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1) as AlertDeliveryRow[];
      return buildPage("alerts", rows, limit, (row) => Number(row.id), alertDeliveryFromRow);
    });
  }

  putFreshnessState(input: AssetFreshnessState): Promise<AssetFreshnessState | null> {
    return this.write("putFreshnessState", () => {
      const state = validateFreshnessState(input);
      const previousRow = this.stmt("SELECT * FROM asset_freshness WHERE asset_key = ?").get(state.assetKey) as FreshnessRow | undefined;
      const previous = previousRow === undefined ? null : freshnessFromRow(previousRow);
      const stored = previous !== null && previous.state === state.state ? { ...state, since: previous.since } : state;
      this.stmt(
        `INSERT INTO asset_freshness (${FRESHNESS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET state = excluded.state, since = excluded.since, stale_since = excluded.stale_since,
           fresh_until = excluded.fresh_until, warn_at = excluded.warn_at, partition_key = excluded.partition_key,
           reason = excluded.reason, evaluated_at = excluded.evaluated_at`,
      ).run(...freshnessValues(stored));
      return previous;
    });
  }

  listFreshnessStates(assetKeys?: string[]): Promise<AssetFreshnessState[]> {
    return this.guard("listFreshnessStates", () => {
      const keys = validateKeyList(assetKeys, "asset keys");
      const rows = (
        keys === undefined
          ? this.stmt("SELECT * FROM asset_freshness ORDER BY asset_key").all()
          : this.stmt("SELECT * FROM asset_freshness WHERE asset_key IN (SELECT value FROM json_each(?)) ORDER BY asset_key").all(JSON.stringify(keys))
      ) as FreshnessRow[];
      return rows.map(freshnessFromRow);
    });
  }

  recordRunHeartbeat(runId: string, at?: number): Promise<void> {
    return this.guard("recordRunHeartbeat", () => {
      validateId(runId, "run id");
      const when = at === undefined ? Date.now() : validateEpochMs(at, `heartbeat time of run ${runId}`);
      this.stmt(
        `INSERT INTO run_heartbeats (run_id, heartbeat_at) SELECT run_id, ? FROM runs WHERE run_id = ?
         ON CONFLICT (run_id) DO UPDATE SET heartbeat_at = MAX(run_heartbeats.heartbeat_at, excluded.heartbeat_at)`,
      ).run(when, runId);
    });
  }

  getRunHeartbeats(runIds: string[]): Promise<RunHeartbeat[]> {
    return this.guard("getRunHeartbeats", () => {
      const ids = validateKeyList(runIds, "run ids") ?? [];
      const out: RunHeartbeat[] = [];
      const select = this.stmt("SELECT run_id, heartbeat_at FROM run_heartbeats WHERE run_id = ?");
      for (const id of new Set(ids)) {
        const row = select.get(id) as { run_id: string; heartbeat_at: number } | undefined;
        if (row !== undefined) out.push({ runId: row.run_id, at: row.heartbeat_at });
      }
      return out;
    });
  }

  recordDaemonHeartbeat(input: DaemonHeartbeat): Promise<void> {
    return this.guard("recordDaemonHeartbeat", () => {
      const hb = validateDaemonHeartbeat(input);
      this.stmt(
        `INSERT INTO daemon_heartbeats (daemon_id, loop, heartbeat_at, info) VALUES (?, ?, ?, ?)
         ON CONFLICT (daemon_id, loop) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, info = excluded.info`,
      ).run(hb.daemonId, hb.loop, hb.at, hb.info);
    });
  }

  listDaemonHeartbeats(since?: number): Promise<DaemonHeartbeat[]> {
    return this.guard("listDaemonHeartbeats", () => {
      const after = since === undefined ? 0 : validateEpochMs(since, "since");
      const rows = this.stmt(
        "SELECT * FROM daemon_heartbeats WHERE heartbeat_at >= ? ORDER BY heartbeat_at DESC, daemon_id, loop",
      ).all(after) as { daemon_id: string; loop: string; heartbeat_at: number; info: string | null }[];
      return rows.map((r) => ({ daemonId: r.daemon_id, loop: r.loop, at: r.heartbeat_at, info: r.info }));
    });
  }

  // Events ------------------------------------------------------------------------------

  appendEvents(input: EventRecord[]): Promise<number> {
    return this.write("appendEvents", () => {
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
      this.applyDerivedState(inserted, states);
      return inserted.length;
    });
  }

  private applyDerivedState(inserted: InsertedEvent[], states: Map<string, RunStateRow>): void {
    const lifecycleByRun = new Map<string, InsertedEvent[]>();
    for (const event of inserted) {
      if (lifecycleStatus(event.body) === null) continue;
      const list = lifecycleByRun.get(event.runId) ?? [];
      list.push(event);
      lifecycleByRun.set(event.runId, list);
    }
    for (const [runId, events] of lifecycleByRun) {
      const row = states.get(runId);
      if (row === undefined) continue;
      const next = applyLifecycle(
        { status: row.status, updatedAt: row.updated_at, startedAt: row.started_at, endedAt: row.ended_at },
        events,
      );
      if (next === null) continue;
      this.stmt("UPDATE runs SET status = ?, updated_at = ?, started_at = ?, ended_at = ? WHERE run_id = ?").run(
        next.status,
        next.updatedAt,
        next.startedAt,
        next.endedAt,
        runId,
      );
      if (next.status !== row.status) this.pendingChanges.push({ runId, status: next.status });
    }
    const updates = indexUpdates(inserted);
    const upsertLatest = this.stmt(
      `INSERT INTO asset_latest (asset_key, partition, run_id, event_id, timestamp, metadata, code_version)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET partition = excluded.partition, run_id = excluded.run_id,
         event_id = excluded.event_id, timestamp = excluded.timestamp, metadata = excluded.metadata,
         code_version = excluded.code_version
       WHERE asset_latest.event_id < excluded.event_id`,
    );
    for (const e of updates.latest) {
      upsertLatest.run(e.assetKey, e.partition, e.runId, e.eventId, e.timestamp, JSON.stringify(e.metadata), e.codeVersion);
    }
    const upsertPartition = this.stmt(
      `INSERT INTO asset_partitions (asset_key, partition, run_id, event_id, timestamp, metadata, code_version)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_key, partition) DO UPDATE SET run_id = excluded.run_id, event_id = excluded.event_id,
         timestamp = excluded.timestamp, metadata = excluded.metadata, code_version = excluded.code_version
       WHERE asset_partitions.event_id < excluded.event_id`,
    );
    for (const e of updates.partitions) {
      upsertPartition.run(e.assetKey, e.partition, e.runId, e.eventId, e.timestamp, JSON.stringify(e.metadata), e.codeVersion);
    }
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
  }

  getEvents(runId: string, query: EventQuery = {}): Promise<StoredEvent[]> {
    return this.guard("getEvents", () => {
      validateId(runId, "run id");
      const { bind, values } = binder("sqlite");
      const where = [`run_id = ${bind(runId)}`];
      if (query.afterId !== undefined) where.push(`id > ${bind(validateStorageId(query.afterId, "afterId"))}`);
      if (query.types !== undefined) where.push(query.types.length ? `type IN (${query.types.map(bind).join(", ")})` : "1 = 0");
      if (query.stepKey !== undefined) where.push(`step_key = ${bind(validateId(query.stepKey, "stepKey"))}`);
      const limit = query.limit === undefined ? "" : ` LIMIT ${bind(pageLimit(query.limit))}`;
      const sql = `SELECT id, run_id, seq, timestamp, step_key, body FROM event_log WHERE ${where.join(" AND ")} ORDER BY id${limit}`;
      return (this.stmt(sql).all(...values) as EventRow[]).map(eventFromRow);
    });
  }

  // Asset index -------------------------------------------------------------------------

  getLatestMaterializations(assetKeys?: string[]): Promise<AssetIndexEntry[]> {
    return this.guard("getLatestMaterializations", () => {
      const keys = validateKeyList(assetKeys, "asset keys");
      const rows =
        keys === undefined
          ? this.stmt("SELECT * FROM asset_latest ORDER BY asset_key").all()
          : keys.length === 0
            ? []
            : this.db
                .prepare(`SELECT * FROM asset_latest WHERE asset_key IN (${keys.map(() => "?").join(", ")}) ORDER BY asset_key`)
                .all(...keys);
      return (rows as AssetIndexRow[]).map(assetIndexFromRow);
    });
  }

  getPartitionMaterializations(assetKey: string): Promise<AssetIndexEntry[]> {
    return this.guard("getPartitionMaterializations", () => {
      validateId(assetKey, "asset key");
      const rows = this.stmt("SELECT * FROM asset_partitions WHERE asset_key = ? ORDER BY partition").all(assetKey);
      return (rows as AssetIndexRow[]).map(assetIndexFromRow);
    });
  }

  getMaterializationHistory(assetKey: string, page?: PageRequest): Promise<Page<StoredEvent>> {
    return this.guard("getMaterializationHistory", () => {
      validateId(assetKey, "asset key");
      const { limit, beforeId } = resolvePage("events", page);
      const rows = this.stmt(
        `SELECT id, run_id, seq, timestamp, step_key, body FROM event_log
         WHERE asset_key = ? AND type = 'ASSET_MATERIALIZATION' AND id < ? ORDER BY id DESC LIMIT ?`,
      ).all(assetKey, beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1) as EventRow[];
      return buildPage("events", rows, limit, (row) => row.id, eventFromRow);
    });
  }

  getLatestCheckResults(assetKeys?: string[]): Promise<CheckIndexEntry[]> {
    return this.guard("getLatestCheckResults", () => {
      const keys = validateKeyList(assetKeys, "asset keys");
      const rows =
        keys === undefined
          ? this.stmt("SELECT * FROM asset_check_latest ORDER BY asset_key, check_name").all()
          : keys.length === 0
            ? []
            : this.db
                .prepare(
                  `SELECT * FROM asset_check_latest WHERE asset_key IN (${keys.map(() => "?").join(", ")}) ORDER BY asset_key, check_name`,
                )
                .all(...keys);
      return (rows as CheckIndexRow[]).map(checkFromRow);
    });
  }

  // Instigators -------------------------------------------------------------------------

  getInstigatorState(id: string): Promise<InstigatorState | null> {
    return this.guard("getInstigatorState", () => {
      validateId(id, "instigator id");
      const row = this.stmt("SELECT * FROM instigators WHERE id = ?").get(id) as InstigatorRow | undefined;
      return row === undefined ? null : instigatorFromRow(row);
    });
  }

  listInstigatorStates(kind?: InstigatorKind): Promise<InstigatorState[]> {
    return this.guard("listInstigatorStates", () => {
      if (kind !== undefined && kind !== "schedule" && kind !== "sensor") {
        throw new StorageInputError("instigator kind", `must be "schedule" or "sensor", got ${JSON.stringify(kind)}`);
      }
      const rows =
        kind === undefined
          ? this.stmt("SELECT * FROM instigators ORDER BY id").all()
          : this.stmt("SELECT * FROM instigators WHERE kind = ? ORDER BY id").all(kind);
      return (rows as InstigatorRow[]).map(instigatorFromRow);
    });
  }

  upsertInstigatorState(input: Omit<InstigatorState, "updatedAt">, options?: WriteOptions): Promise<InstigatorState> {
    return this.write("upsertInstigatorState", () => {
      const state = validateInstigatorState(input);
      const row = this.stmt(
        `INSERT INTO instigators (id, kind, status, cursor, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, cursor = excluded.cursor,
           started_at = excluded.started_at, updated_at = excluded.updated_at
         RETURNING *`,
      ).get(state.id, state.kind, state.status, state.cursor, state.startedAt, Date.now()) as InstigatorRow;
      return instigatorFromRow(row);
    }, options);
  }

  createTick(instigatorId: string, tickTime: number, options?: WriteOptions): Promise<Tick> {
    return this.write("createTick", () => {
      validateId(instigatorId, "instigator id");
      validateEpochMs(tickTime, `tick time of ${instigatorId}`);
      const now = Date.now();
      const row = this.stmt(
        `INSERT INTO ticks (instigator_id, status, tick_time, run_ids, skip_reason, error, cursor, created_at, updated_at)
         VALUES (?, 'STARTED', ?, '[]', NULL, NULL, NULL, ?, ?) RETURNING *`,
      ).get(instigatorId, tickTime, now, now) as TickRow;
      return tickFromRow(row);
    }, options);
  }

  updateTick(tickId: number, input: TickUpdate, options?: WriteOptions): Promise<Tick> {
    return this.write("updateTick", () => {
      const update = validateTickUpdate(tickId, input);
      const existing = this.stmt("SELECT * FROM ticks WHERE id = ?").get(tickId) as TickRow | undefined;
      if (existing === undefined) throw new StorageInputError(`tick ${tickId}`, "no such tick");
      const current = tickFromRow(existing);
      const row = this.stmt(
        "UPDATE ticks SET status = ?, run_ids = ?, skip_reason = ?, error = ?, cursor = ?, updated_at = ? WHERE id = ? RETURNING *",
      ).get(
        update.status,
        JSON.stringify(update.runIds ?? current.runIds),
        update.skipReason === undefined ? current.skipReason : update.skipReason,
        update.error === undefined ? current.error : update.error,
        update.cursor === undefined ? current.cursor : update.cursor,
        Math.max(Date.now(), current.updatedAt),
        tickId,
      ) as TickRow;
      return tickFromRow(row);
    }, options);
  }

  listTicks(instigatorId: string, page?: PageRequest): Promise<Page<Tick>> {
    return this.guard("listTicks", () => {
      validateId(instigatorId, "instigator id");
      const { limit, beforeId } = resolvePage("ticks", page);
      const rows = this.stmt("SELECT * FROM ticks WHERE instigator_id = ? AND id < ? ORDER BY id DESC LIMIT ?").all(
        instigatorId,
        beforeId ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      ) as TickRow[];
      return buildPage("ticks", rows, limit, (row) => row.id, tickFromRow);
    });
  }

  // Leases ------------------------------------------------------------------------------
  // Expiry is judged by the database clock (NOW_MS), which for SQLite is the host clock:
  // every process sharing the file is on this host, so they agree.

  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return this.write("acquireLease", () => {
      validateLeaseArgs(name, holder, ttlMs);
      const row = this.stmt(
        `INSERT INTO leases (name, holder, fencing_token, expires_at) VALUES (?, ?, 1, ${NOW_MS} + ?)
         ON CONFLICT (name) DO UPDATE SET
           fencing_token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ${NOW_MS}
                                THEN leases.fencing_token ELSE leases.fencing_token + 1 END,
           holder = excluded.holder,
           expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ${NOW_MS}
         RETURNING *`,
      ).get(name, holder, ttlMs) as LeaseRow | undefined;
      return row === undefined ? null : leaseFromRow(row);
    });
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.write("releaseLease", () => {
      validateId(name, "lease name");
      validateId(holder, `holder of lease ${JSON.stringify(name)}`);
      // Expire rather than delete: the fencing token must keep increasing across holders.
      this.stmt(`UPDATE leases SET expires_at = MIN(expires_at, ${NOW_MS}) WHERE name = ? AND holder = ?`).run(name, holder);
    });
  }

  getLease(name: string): Promise<Lease | null> {
    return this.guard("getLease", () => {
      validateId(name, "lease name");
      const row = this.stmt(`SELECT * FROM leases WHERE name = ? AND expires_at > ${NOW_MS}`).get(name) as LeaseRow | undefined;
      return row === undefined ? null : leaseFromRow(row);
    });
  }

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
