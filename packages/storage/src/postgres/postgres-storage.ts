/**
 * The PostgreSQL backend: a `pg` Pool, JSONB columns, BIGINT epoch-ms times. Event batches go in
 * as one multi-row INSERT (unnest of column arrays: nine parameters whatever the batch size) with
 * ids drawn from the sequence up front, so the ids follow the batch order and the RETURNING list
 * tells exactly which events were new.
 */
import pg from "pg";
import { FlytError, StorageError, type EventRecord, type NewRun, type RunRecord, type StoredEvent } from "@flyt/core";
import { StorageInputError, StorageUnavailableError } from "../errors.js";
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
import { prepareNewRun, uniqueRunIds } from "../shared/runs.js";
import { prepareScheduledRuns, validateRunIdList } from "../shared/batches.js";
import { checkFence, claimRuns, insertScheduledRuns, selectRuns } from "./postgres-batches.js";
import { fenceOf } from "../shared/fence.js";
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
import { maskDatabaseUrl, scrubSecret } from "../shared/url.js";
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
  RunWatchOptions,
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
import { POSTGRES_MIGRATIONS } from "../generated/migrations.js";
import { migratePostgres, postgresSchemaVersion } from "./postgres-migrator.js";
import { isConnectionError } from "./postgres-errors.js";
import { listen } from "./postgres-listener.js";
import { createPool, reporter, type PoolOptions } from "./postgres-pool.js";

/**
 * The NOTIFY channel for run changes; payload `<status> <runId>`, or for a created run that fits,
 * a JSON object `{"status","runId","run"}` (it starts with "{", which no status does).
 */
export const RUN_CHANGES_CHANNEL = "flyt_run_changes";

/** SQLSTATE codes Flyt reacts to. */
const UNIQUE_VIOLATION = "23505";

/** PostgreSQL refuses notification payloads of 8,000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

function runChangePayload(record: RunRecord): string {
  const full = JSON.stringify({ status: record.status, runId: record.runId, run: record });
  return Buffer.byteLength(full) < MAX_PAYLOAD_BYTES ? full : `${record.status} ${record.runId}`;
}

function parseRunChange(payload: string): RunChange | null {
  if (payload.startsWith("{")) {
    try {
      const parsed = JSON.parse(payload) as Partial<RunChange>;
      if (typeof parsed.runId !== "string" || typeof parsed.status !== "string") return null;
      const run = parsed.run;
      const valid = run !== null && typeof run === "object" && run.runId === parsed.runId && run.status === parsed.status && typeof run.tags === "object" && run.tags !== null;
      return valid ? { runId: parsed.runId, status: parsed.status, run } : { runId: parsed.runId, status: parsed.status };
    } catch {
      return null;
    }
  }
  const space = payload.indexOf(" ");
  if (space <= 0) return null;
  return { status: payload.slice(0, space) as RunRecord["status"], runId: payload.slice(space + 1) };
}

/**
 * createRun in one statement. Data-modifying CTEs all run; the dependent inserts select from
 * `ins`, so on a run-key conflict (no row inserted) nothing else is written. Foreign keys are
 * checked at the end of the statement, when the run row exists.
 */
const CREATE_RUN_SQL = `WITH ins AS (
    INSERT INTO runs (run_id, status, selection, asset_keys, step_keys, partition_key, tags, origin, parent_run_id,
      root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
    ON CONFLICT (instigator, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING run_id
  ), tags AS (
    INSERT INTO run_tags (run_id, key, value) SELECT ins.run_id, t.k, t.v FROM ins, unnest($18::text[], $19::text[]) AS t(k, v)
  ), assets AS (
    INSERT INTO run_assets (run_id, asset_key) SELECT DISTINCT ins.run_id, t.k FROM ins, unnest($20::text[]) AS t(k) ON CONFLICT DO NOTHING
  ), ev AS (
    INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
    SELECT ins.run_id, $21::bigint, $22::bigint, $23::text, $24::text, $25::text, $26::text, $27::jsonb FROM ins
  )
  SELECT pg_notify($28::text, $29::text) FROM ins`;

/**
 * The database clock in epoch ms. Leases are judged by it, not by process clocks, because daemon
 * replicas run on different hosts whose clocks may drift; the server is the one clock they share.
 */
const NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

interface RunStateRow {
  run_id: string;
  status: RunRecord["status"];
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

// Run-change notifications (pg_notify) are sent inside the writing statement or transaction, so
// listeners hear of a change only once it is committed.

/** JSONB rejects the NUL character; captured output can contain it, so it becomes U+FFFD. */
function toJsonb(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes("\\u0000") ? text.replaceAll("\\u0000", "\\ufffd") : text;
}

export interface PostgresStorageOptions extends PoolOptions {
  /** Skip applying migrations (used by tools that inspect a database as it is). */
  migrate?: boolean;
}

export class PostgresStorage implements Storage {
  readonly kind = "postgres" as const;
  readonly capabilities: StorageCapabilities = { crossProcessChangeFeed: true, multiHostLease: true };
  readonly expectedSchemaVersion = POSTGRES_MIGRATIONS.length;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    /** Where connection trouble is reported (PoolOptions.onError, else a process warning). */
    private readonly report: (message: string) => void,
  ) {}

  /** Connects, applies pending migrations under the migration lock, and returns the storage. */
  static async open(url: string, options: PostgresStorageOptions = {}): Promise<PostgresStorage> {
    const pool = createPool(url, options);
    const storage = new PostgresStorage(pool, url, reporter(options));
    try {
      if (options.migrate !== false) await migratePostgres(pool);
      else await pool.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      if (error instanceof FlytError) throw error;
      throw new (isConnectionError(error) ? StorageUnavailableError : StorageError)(
        `Could not connect to PostgreSQL at ${maskDatabaseUrl(url)}: ${scrubSecret((error as Error).message, url)}`,
        { cause: error },
      );
    }
    return storage;
  }

  /** The pool, for tools (schema dump) and tests. */
  get connection(): pg.Pool {
    return this.pool;
  }

  private wrapError(what: string, error: unknown): Error {
    if (error instanceof FlytError) return error;
    if (this.closed) return new StorageError(`${what}: the PostgreSQL storage at ${maskDatabaseUrl(this.url)} is closed`, { cause: error });
    if (isConnectionError(error)) {
      return new StorageUnavailableError(
        `${what} failed: PostgreSQL ${maskDatabaseUrl(this.url)} is unreachable (${scrubSecret((error as Error).message, this.url)}); retry once it is back`,
        { cause: error },
      );
    }
    return new StorageError(
      `${what} failed on PostgreSQL ${maskDatabaseUrl(this.url)}: ${scrubSecret((error as Error).message, this.url)}`,
      { cause: error },
    );
  }

  private async read<T>(what: string, fn: (db: pg.Pool) => Promise<T>): Promise<T> {
    if (this.closed) throw this.wrapError(what, new Error("closed"));
    try {
      return await fn(this.pool);
    } catch (error) {
      throw this.wrapError(what, error);
    }
  }

  private async transaction<T>(what: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw this.wrapError(what, new Error("closed"));
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.wrapError(what, error);
    }
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw this.wrapError(what, error);
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  /**
   * A write that may be fenced: without a fence, `read` (one statement on the pool); with one, a
   * transaction that locks the lease row (FOR SHARE) and checks it before `fn`, so a takeover
   * either waits for this write or makes it fail (LeaseLostError, nothing written).
   */
  private async fencedWrite<T>(what: string, options: WriteOptions | undefined, fn: (db: pg.Pool | pg.PoolClient) => Promise<T>): Promise<T> {
    const fence = fenceOf(options);
    if (fence === null) return this.read(what, fn);
    return this.transaction(what, async (client) => {
      await checkFence(client, fence, what);
      return fn(client);
    });
  }

  // Runs --------------------------------------------------------------------------------

  async createRun(input: NewRun, options?: WriteOptions): Promise<CreateRunResult> {
    const run = validateNewRun(input);
    const { record, event } = prepareNewRun(run, Date.now());
    const tagEntries = Object.entries(record.tags);
    const { assetKey, partition } = eventColumns(event.body);
    return this.fencedWrite("createRun", options, async (db) => {
      // One statement (atomic on its own, so no BEGIN/COMMIT): the run, its index rows, its first
      // event and the notification, each written only when the run row was inserted. Six round
      // trips became one; the statement is prepared once per connection.
      let inserted: pg.QueryResult;
      try {
        inserted = await db.query({ name: "flyt_create_run", text: CREATE_RUN_SQL, values: [
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
          tagEntries.map(([k]) => k),
          tagEntries.map(([, v]) => v),
          record.assetKeys,
          event.seq,
          event.timestamp,
          event.stepKey,
          event.body.type,
          assetKey,
          partition,
          toJsonb(event.body),
          RUN_CHANGES_CHANNEL,
          runChangePayload(record),
        ] });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new StorageInputError(`run ${JSON.stringify(record.runId)}`, "a run with this id already exists", { cause: error });
        }
        throw error;
      }
      if (inserted.rowCount === 1) return { run: record, created: true };
      const existing = await db.query<RunRow>("SELECT * FROM runs WHERE instigator = $1 AND run_key = $2", [record.instigator, record.runKey]);
      const row = existing.rows[0];
      if (row === undefined) throw new StorageError(`createRun: run key conflict for ${record.runKey} but no run found`);
      return { run: runFromRow(row), created: false };
    });
  }

  private async insertRunIndexRows(
    client: pg.PoolClient,
    runId: string,
    tags: Record<string, string>,
    assetKeys: readonly string[],
  ): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length > 0) {
      await client.query("INSERT INTO run_tags (run_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)", [
        runId,
        entries.map(([k]) => k),
        entries.map(([, v]) => v),
      ]);
    }
    if (assetKeys.length > 0) {
      await client.query(
        "INSERT INTO run_assets (run_id, asset_key) SELECT DISTINCT $1, k FROM unnest($2::text[]) AS t(k) ON CONFLICT DO NOTHING",
        [runId, [...assetKeys]],
      );
    }
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    validateId(runId, "run id");
    return this.read("getRun", async (db) => {
      const result = await db.query<RunRow>("SELECT * FROM runs WHERE run_id = $1", [runId]);
      const row = result.rows[0];
      return row === undefined ? null : runFromRow(row);
    });
  }

  async listRuns(filter?: RunFilter, page?: PageRequest): Promise<Page<RunRecord>> {
    const valid = validateRunFilter(filter);
    const { limit, beforeId } = resolvePage("runs", page);
    return this.read("listRuns", async (db) => {
      const { bind, values } = binder("postgres");
      const sql = listRunsSql(valid, beforeId, limit, bind);
      const result = await db.query<RunRow>(sql, values);
      return buildPage("runs", result.rows, limit, (row) => row.id, runFromRow);
    });
  }

  async setRunTags(runId: string, tags: Record<string, string>): Promise<void> {
    validateId(runId, "run id");
    const valid = validateTags(runId, tags);
    await this.transaction("setRunTags", async (client) => {
      const changed = await client.query("UPDATE runs SET tags = $1, updated_at = GREATEST(updated_at, $2) WHERE run_id = $3", [
        JSON.stringify(valid),
        Date.now(),
        runId,
      ]);
      if (changed.rowCount === 0) throw new StorageInputError(`run ${JSON.stringify(runId)}`, "no such run");
      await client.query("DELETE FROM run_tags WHERE run_id = $1", [runId]);
      await this.insertRunIndexRows(client, runId, valid, []);
    });
  }

  async claimQueuedRun(runId: string): Promise<RunRecord | null> {
    validateId(runId, "run id");
    return this.read("claimQueuedRun", async (db) => (await claimRuns(db, [runId], Date.now(), RUN_CHANGES_CHANNEL))[0] ?? null);
  }

  // Batches (scheduler and run queue) -------------------------------------------------------

  async getRuns(runIds: string[]): Promise<RunRecord[]> {
    const ids = validateRunIdList(runIds, "run ids");
    return this.read("getRuns", (db) => selectRuns(db, ids));
  }

  async createScheduledRuns(items: ScheduledRun[], options?: WriteOptions): Promise<ScheduledRunResult[]> {
    const now = Date.now();
    const fence = fenceOf(options);
    const prepared = prepareScheduledRuns(items, now);
    if (prepared.length === 0) return [];
    return this.transaction("createScheduledRuns", async (client) => {
      if (fence !== null) await checkFence(client, fence, "createScheduledRuns");
      return insertScheduledRuns(client, prepared, now, RUN_CHANGES_CHANNEL);
    });
  }

  async claimQueuedRuns(runIds: string[], options?: WriteOptions): Promise<RunRecord[]> {
    const ids = validateRunIdList(runIds, "run ids to claim");
    const fence = fenceOf(options);
    if (ids.length === 0) return [];
    return this.read("claimQueuedRuns", (db) => claimRuns(db, ids, Date.now(), RUN_CHANGES_CHANNEL, fence));
  }

  async watchRuns(listener: (change: RunChange) => void, options: RunWatchOptions = {}): Promise<RunWatch> {
    if (typeof listener !== "function") throw new StorageInputError("watchRuns listener", "must be a function");
    if (options.onMissed !== undefined && typeof options.onMissed !== "function") throw new StorageInputError("watchRuns onMissed", "must be a function");
    if (this.closed) throw this.wrapError("watchRuns", new Error("closed"));
    const onMissed = options.onMissed;
    try {
      return await listen({
        url: this.url,
        channel: RUN_CHANGES_CHANNEL,
        onNotification: (payload) => {
          const change = parseRunChange(payload);
          if (change === null) return;
          try {
            listener(change);
          } catch {
            // A throwing listener must not kill the connection; listeners re-read storage anyway.
          }
        },
        onMissed: () => onMissed?.(),
        report: this.report,
      });
    } catch (error) {
      throw this.wrapError("watchRuns", error);
    }
  }

  // Heartbeats --------------------------------------------------------------------------

  // Run tokens --------------------------------------------------------------------------

  async createRunToken(input: NewRunToken): Promise<RunToken> {
    const token = validateNewRunToken(input);
    return this.read("createRunToken", async (db) => {
      const result = await db.query<RunTokenRow>(
        `INSERT INTO run_tokens (token_hash, run_id, location, asset_keys, created_at, expires_at, revoked_at)
         SELECT $1, run_id, $3, $4::jsonb, $5, $6, NULL FROM runs WHERE run_id = $2 RETURNING *`,
        [token.tokenHash, token.runId, token.location, JSON.stringify(token.assetKeys), Date.now(), token.expiresAt],
      );
      const row = result.rows[0];
      if (row === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(token.runId)} to issue a token for`);
      return runTokenFromRow(row);
    });
  }

  async getRunToken(tokenHash: string): Promise<RunToken | null> {
    const hash = validateTokenHash(tokenHash);
    return this.read("getRunToken", async (db) => {
      const result = await db.query<RunTokenRow>("SELECT * FROM run_tokens WHERE token_hash = $1", [hash]);
      return result.rows[0] === undefined ? null : runTokenFromRow(result.rows[0]);
    });
  }

  async addRunOutputUsage(runId: string, bytes: number, events: number): Promise<{ bytes: number; events: number }> {
    validateId(runId, "run id");
    validateUsage(bytes, events);
    return this.read("addRunOutputUsage", async (db) => {
      // One statement: the upsert only when the run exists (a foreign key would say so less clearly).
      const result = await db.query<{ output_bytes: number; output_events: number }>(
        `INSERT INTO run_output_usage (run_id, output_bytes, output_events)
         SELECT run_id, $2, $3 FROM runs WHERE run_id = $1
         ON CONFLICT (run_id) DO UPDATE SET output_bytes = run_output_usage.output_bytes + EXCLUDED.output_bytes,
           output_events = run_output_usage.output_events + EXCLUDED.output_events
         RETURNING output_bytes, output_events`,
        [runId, bytes, events],
      );
      const row = result.rows[0];
      if (row === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(runId)}`);
      return { bytes: row.output_bytes, events: row.output_events };
    });
  }

  // API tokens --------------------------------------------------------------------------

  async createApiToken(input: NewApiToken): Promise<ApiToken> {
    const token = validateNewApiToken(input);
    return this.read("createApiToken", async (db) => {
      try {
        const result = await db.query<ApiTokenRow>(
          `INSERT INTO api_tokens (id, name, token_hash, role, created_by, created_at, expires_at, revoked_at, last_used_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL) RETURNING *`,
          [token.id, token.name, token.tokenHash, token.role, token.createdBy, Date.now(), token.expiresAt],
        );
        return apiTokenFromRow(result.rows[0]!);
      } catch (error) {
        if ((error as { constraint?: string }).constraint === "api_tokens_live_name") throw duplicateNameError(token.name);
        throw error;
      }
    });
  }

  async getApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    const hash = validateTokenHash(tokenHash);
    return this.read("getApiTokenByHash", async (db) => {
      const result = await db.query<ApiTokenRow>("SELECT * FROM api_tokens WHERE token_hash = $1", [hash]);
      return result.rows[0] === undefined ? null : apiTokenFromRow(result.rows[0]);
    });
  }

  async listApiTokens(): Promise<ApiToken[]> {
    return this.read("listApiTokens", async (db) => (await db.query<ApiTokenRow>("SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC")).rows.map(apiTokenFromRow));
  }

  async revokeApiToken(idOrName: string): Promise<ApiToken | null> {
    if (typeof idOrName !== "string" || idOrName.length === 0 || idOrName.length > 100) return null;
    return this.read("revokeApiToken", async (db) => {
      // One statement: the id wins over a live token's name.
      const result = await db.query<ApiTokenRow>(
        `UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND id = COALESCE(
           (SELECT id FROM api_tokens WHERE id = $2 AND revoked_at IS NULL),
           (SELECT id FROM api_tokens WHERE name = $2 AND revoked_at IS NULL)) RETURNING *`,
        [Date.now(), idOrName],
      );
      return result.rows[0] === undefined ? null : apiTokenFromRow(result.rows[0]);
    });
  }

  async touchApiToken(id: string, at: number): Promise<void> {
    const tokenId = validateApiTokenId(id);
    await this.read("touchApiToken", (db) => db.query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)", [at, tokenId, at - 60_000]));
  }

  // Observability -----------------------------------------------------------------------

  async recordAlertDelivery(input: NewAlertDelivery): Promise<AlertDelivery> {
    const d = validateAlertDelivery(input);
    return this.read("recordAlertDelivery", async (db) => {
      const result = await db.query<AlertDeliveryRow>(
        `INSERT INTO alert_deliveries (alert_id, rule, kind, status, channel, outcome, attempts, error, title, item_count, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [d.alertId, d.rule, d.kind, d.status, d.channel, d.outcome, d.attempts, d.error, d.title, d.count, d.at],
      );
      return alertDeliveryFromRow(result.rows[0]!);
    });
  }

  async listAlertDeliveries(page?: PageRequest): Promise<Page<AlertDelivery>> {
    const { limit, beforeId } = resolvePage("alerts", page);
    return this.read("listAlertDeliveries", async (db) => {
      const result = await db.query<AlertDeliveryRow>("SELECT * FROM alert_deliveries WHERE id < $1 ORDER BY id DESC LIMIT $2", [beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1]);
      return buildPage("alerts", result.rows, limit, (row) => Number(row.id), alertDeliveryFromRow);
    });
  }

  async putFreshnessState(input: AssetFreshnessState): Promise<AssetFreshnessState | null> {
    const state = validateFreshnessState(input);
    return this.read("putFreshnessState", async (db) => {
      // One statement: `since` is kept when the state is unchanged; the previous row comes back
      // from a self-join on the pre-update snapshot.
      const result = await db.query<FreshnessRow>(
        `WITH previous AS (SELECT * FROM asset_freshness WHERE asset_key = $1),
         upserted AS (
           INSERT INTO asset_freshness (${FRESHNESS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (asset_key) DO UPDATE SET state = excluded.state,
             since = CASE WHEN asset_freshness.state = excluded.state THEN asset_freshness.since ELSE excluded.since END,
             stale_since = excluded.stale_since, fresh_until = excluded.fresh_until, warn_at = excluded.warn_at,
             partition_key = excluded.partition_key, reason = excluded.reason, evaluated_at = excluded.evaluated_at
           RETURNING 1
         )
         SELECT previous.* FROM previous, (SELECT COUNT(*) FROM upserted) AS done`,
        freshnessValues(state),
      );
      const row = result.rows[0];
      return row === undefined ? null : freshnessFromRow(row);
    });
  }

  async listFreshnessStates(assetKeys?: string[]): Promise<AssetFreshnessState[]> {
    const keys = validateKeyList(assetKeys, "asset keys");
    return this.read("listFreshnessStates", async (db) => {
      const result =
        keys === undefined
          ? await db.query<FreshnessRow>("SELECT * FROM asset_freshness ORDER BY asset_key")
          : await db.query<FreshnessRow>("SELECT * FROM asset_freshness WHERE asset_key = ANY($1::text[]) ORDER BY asset_key", [keys]);
      return result.rows.map(freshnessFromRow);
    });
  }

  async revokeRunTokens(runId: string): Promise<number> {
    validateId(runId, "run id");
    return this.read("revokeRunTokens", async (db) => {
      const result = await db.query("UPDATE run_tokens SET revoked_at = $1 WHERE run_id = $2 AND revoked_at IS NULL", [Date.now(), runId]);
      return result.rowCount ?? 0;
    });
  }

  async recordRunHeartbeat(runId: string, at?: number): Promise<void> {
    validateId(runId, "run id");
    const when = at === undefined ? Date.now() : validateEpochMs(at, `heartbeat time of run ${runId}`);
    await this.read("recordRunHeartbeat", async (db) => {
      await db.query(
        `INSERT INTO run_heartbeats (run_id, heartbeat_at) SELECT run_id, $1 FROM runs WHERE run_id = $2
         ON CONFLICT (run_id) DO UPDATE SET heartbeat_at = GREATEST(run_heartbeats.heartbeat_at, EXCLUDED.heartbeat_at)`,
        [when, runId],
      );
    });
  }

  async getRunHeartbeats(runIds: string[]): Promise<RunHeartbeat[]> {
    const ids = validateKeyList(runIds, "run ids") ?? [];
    if (ids.length === 0) return [];
    return this.read("getRunHeartbeats", async (db) => {
      const result = await db.query<{ run_id: string; heartbeat_at: number }>(
        "SELECT run_id, heartbeat_at FROM run_heartbeats WHERE run_id = ANY($1::text[])",
        [[...new Set(ids)]],
      );
      return result.rows.map((r) => ({ runId: r.run_id, at: r.heartbeat_at }));
    });
  }

  async recordDaemonHeartbeat(input: DaemonHeartbeat): Promise<void> {
    const hb = validateDaemonHeartbeat(input);
    await this.read("recordDaemonHeartbeat", async (db) => {
      await db.query(
        `INSERT INTO daemon_heartbeats (daemon_id, loop, heartbeat_at, info) VALUES ($1, $2, $3, $4)
         ON CONFLICT (daemon_id, loop) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, info = EXCLUDED.info`,
        [hb.daemonId, hb.loop, hb.at, hb.info],
      );
    });
  }

  async listDaemonHeartbeats(since?: number): Promise<DaemonHeartbeat[]> {
    const after = since === undefined ? 0 : validateEpochMs(since, "since");
    return this.read("listDaemonHeartbeats", async (db) => {
      const result = await db.query<{ daemon_id: string; loop: string; heartbeat_at: number; info: string | null }>(
        'SELECT * FROM daemon_heartbeats WHERE heartbeat_at >= $1 ORDER BY heartbeat_at DESC, daemon_id COLLATE "C", loop COLLATE "C"',
        [after],
      );
      return result.rows.map((r) => ({ daemonId: r.daemon_id, loop: r.loop, at: r.heartbeat_at, info: r.info }));
    });
  }

  // Events ------------------------------------------------------------------------------

  async appendEvents(input: EventRecord[]): Promise<number> {
    const events = validateEvents(input);
    if (events.length === 0) return 0;
    const runIds = uniqueRunIds(events);
    return this.transaction("appendEvents", async (client) => {
      // Lock the batch's runs (in run_id order, so concurrent batches cannot deadlock). Two writers
      // (a worker, the run monitor) then cannot both read the old status and overwrite each other's
      // transition, and a run's event ids are drawn and committed in order, so tailing a run with
      // `afterId` never skips an event committed late.
      // One statement, one round trip: `locked` takes the locks; `ids` draws one id per event, in
      // event order, only after them (its InitPlan reads the whole locked set before the first
      // nextval) and only when every run exists; `ins` writes the events with those ids. The answer
      // carries the locked states, the drawn ids (by event position) and the ids inserted.
      const columns = {
        runId: [] as string[],
        seq: [] as (number | null)[],
        timestamp: [] as number[],
        stepKey: [] as (string | null)[],
        type: [] as string[],
        assetKey: [] as (string | null)[],
        partition: [] as (string | null)[],
        body: [] as string[],
      };
      for (const event of events) {
        const { assetKey, partition } = eventColumns(event.body);
        columns.runId.push(event.runId);
        columns.seq.push(event.seq);
        columns.timestamp.push(event.timestamp);
        columns.stepKey.push(event.stepKey);
        columns.type.push(event.body.type);
        columns.assetKey.push(assetKey);
        columns.partition.push(partition);
        columns.body.push(toJsonb(event.body));
      }
      const answer = await client.query<RunStateRow & { kind: "state" | "drawn" | "inserted"; n: number | null; id: number | null }>({
        name: "flyt_append_events",
        text: `WITH locked AS MATERIALIZED (
            SELECT run_id, status, updated_at, started_at, ended_at FROM runs WHERE run_id = ANY($1::text[])
            ORDER BY run_id FOR NO KEY UPDATE
          ), ids AS MATERIALIZED (
            SELECT n, nextval('event_log_id_seq')::bigint AS id FROM generate_series(1, $2::int) AS n
            WHERE (SELECT count(*) FROM locked) = $3::int
          ), ins AS (
            INSERT INTO event_log (id, run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
            SELECT ids.id, t.run_id, t.seq, t.ts, t.step_key, t.type, t.asset_key, t.part, t.body
            FROM unnest($4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[])
              WITH ORDINALITY AS t(run_id, seq, ts, step_key, type, asset_key, part, body, n)
            JOIN ids ON ids.n = t.n
            ORDER BY t.n
            ON CONFLICT (run_id, seq) DO NOTHING RETURNING id
          )
          SELECT 'state' AS kind, run_id, status, updated_at, started_at, ended_at, NULL::bigint AS n, NULL::bigint AS id FROM locked
          UNION ALL SELECT 'drawn', NULL, NULL, NULL, NULL, NULL, n::bigint, id FROM ids
          UNION ALL SELECT 'inserted', NULL, NULL, NULL, NULL, NULL, NULL, id FROM ins`,
        values: [
          runIds,
          events.length,
          runIds.length,
          columns.runId,
          columns.seq,
          columns.timestamp,
          columns.stepKey,
          columns.type,
          columns.assetKey,
          columns.partition,
          columns.body,
        ],
      });
      const stateById = new Map<string, RunStateRow>();
      const ids: number[] = [];
      const result = { rows: [] as { id: number }[] };
      for (const row of answer.rows) {
        if (row.kind === "state") stateById.set(row.run_id, row);
        else if (row.kind === "drawn") ids[(row.n ?? 0) - 1] = row.id ?? 0;
        else result.rows.push({ id: row.id ?? 0 });
      }
      const missing = runIds.find((id) => !stateById.has(id));
      if (missing !== undefined) {
        throw new StorageInputError(`run ${JSON.stringify(missing)}`, "unknown run id: create the run before appending its events");
      }
      const insertedIds = new Set(result.rows.map((r) => r.id));
      const inserted: InsertedEvent[] = [];
      events.forEach((event, i) => {
        const id = ids[i] as number;
        if (insertedIds.has(id)) inserted.push({ ...event, id });
      });
      await this.applyDerivedState(client, inserted, stateById);
      return inserted.length;
    });
  }

  private async applyDerivedState(client: pg.PoolClient, inserted: InsertedEvent[], states: Map<string, RunStateRow>): Promise<void> {
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
      // The update and, when the status changed, its notification: one round trip.
      await client.query({
        name: "flyt_append_lifecycle",
        text: `WITH u AS (UPDATE runs SET status = $1, updated_at = $2, started_at = $3, ended_at = $4 WHERE run_id = $5 RETURNING run_id)
          SELECT pg_notify($6::text, $7::text) FROM u WHERE $8::boolean`,
        values: [next.status, next.updatedAt, next.startedAt, next.endedAt, runId, RUN_CHANGES_CHANNEL, `${next.status} ${runId}`, next.status !== row.status],
      });
    }
    const updates = indexUpdates(inserted);
    for (const [table, entries] of [
      ["asset_latest", updates.latest],
      ["asset_partitions", updates.partitions],
    ] as const) {
      if (entries.length === 0) continue;
      const conflict = table === "asset_latest" ? "(asset_key)" : '(asset_key, "partition")';
      await client.query(
        `INSERT INTO ${table} (asset_key, "partition", run_id, event_id, "timestamp", metadata, code_version)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::jsonb[], $7::text[])
         ON CONFLICT ${conflict} DO UPDATE SET "partition" = EXCLUDED."partition", run_id = EXCLUDED.run_id,
           event_id = EXCLUDED.event_id, "timestamp" = EXCLUDED."timestamp", metadata = EXCLUDED.metadata,
           code_version = EXCLUDED.code_version
         WHERE ${table}.event_id < EXCLUDED.event_id`,
        [
          entries.map((e) => e.assetKey),
          entries.map((e) => e.partition),
          entries.map((e) => e.runId),
          entries.map((e) => e.eventId),
          entries.map((e) => e.timestamp),
          entries.map((e) => toJsonb(e.metadata)),
          entries.map((e) => e.codeVersion),
        ],
      );
    }
    if (updates.checks.length > 0) {
      const checks = updates.checks;
      await client.query(
        `INSERT INTO asset_check_latest (asset_key, check_name, passed, severity, run_id, event_id, "timestamp")
         SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])
         ON CONFLICT (asset_key, check_name) DO UPDATE SET passed = EXCLUDED.passed, severity = EXCLUDED.severity,
           run_id = EXCLUDED.run_id, event_id = EXCLUDED.event_id, "timestamp" = EXCLUDED."timestamp"
         WHERE asset_check_latest.event_id < EXCLUDED.event_id`,
        [
          checks.map((c) => c.assetKey),
          checks.map((c) => c.checkName),
          checks.map((c) => c.passed),
          checks.map((c) => c.severity),
          checks.map((c) => c.runId),
          checks.map((c) => c.eventId),
          checks.map((c) => c.timestamp),
        ],
      );
    }
  }

  async getEvents(runId: string, query: EventQuery = {}): Promise<StoredEvent[]> {
    validateId(runId, "run id");
    const { bind, values } = binder("postgres");
    const where = [`run_id = ${bind(runId)}`];
    if (query.afterId !== undefined) where.push(`id > ${bind(validateStorageId(query.afterId, "afterId"))}`);
    if (query.types !== undefined) where.push(query.types.length ? `type = ANY(${bind(query.types)}::text[])` : "1 = 0");
    if (query.stepKey !== undefined) where.push(`step_key = ${bind(validateId(query.stepKey, "stepKey"))}`);
    const limit = query.limit === undefined ? "" : ` LIMIT ${bind(pageLimit(query.limit))}`;
    return this.read("getEvents", async (db) => {
      const result = await db.query<EventRow>(
        `SELECT id, run_id, seq, "timestamp", step_key, body FROM event_log WHERE ${where.join(" AND ")} ORDER BY id${limit}`,
        values,
      );
      return result.rows.map(eventFromRow);
    });
  }

  // Asset index -------------------------------------------------------------------------

  async getLatestMaterializations(assetKeys?: string[]): Promise<AssetIndexEntry[]> {
    const keys = validateKeyList(assetKeys, "asset keys");
    if (keys?.length === 0) return [];
    return this.read("getLatestMaterializations", async (db) => {
      const result =
        keys === undefined
          ? await db.query<AssetIndexRow>('SELECT * FROM asset_latest ORDER BY asset_key COLLATE "C"')
          : await db.query<AssetIndexRow>('SELECT * FROM asset_latest WHERE asset_key = ANY($1::text[]) ORDER BY asset_key COLLATE "C"', [keys]);
      return result.rows.map(assetIndexFromRow);
    });
  }

  async getPartitionMaterializations(assetKey: string): Promise<AssetIndexEntry[]> {
    validateId(assetKey, "asset key");
    return this.read("getPartitionMaterializations", async (db) => {
      const result = await db.query<AssetIndexRow>(
        'SELECT * FROM asset_partitions WHERE asset_key = $1 ORDER BY "partition" COLLATE "C"',
        [assetKey],
      );
      return result.rows.map(assetIndexFromRow);
    });
  }

  async getMaterializationHistory(assetKey: string, page?: PageRequest): Promise<Page<StoredEvent>> {
    validateId(assetKey, "asset key");
    const { limit, beforeId } = resolvePage("events", page);
    return this.read("getMaterializationHistory", async (db) => {
      const result = await db.query<EventRow>(
        `SELECT id, run_id, seq, "timestamp", step_key, body FROM event_log
         WHERE asset_key = $1 AND type = 'ASSET_MATERIALIZATION' AND id < $2 ORDER BY id DESC LIMIT $3`,
        [assetKey, beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1],
      );
      return buildPage("events", result.rows, limit, (row) => row.id, eventFromRow);
    });
  }

  async getLatestCheckResults(assetKeys?: string[]): Promise<CheckIndexEntry[]> {
    const keys = validateKeyList(assetKeys, "asset keys");
    if (keys?.length === 0) return [];
    return this.read("getLatestCheckResults", async (db) => {
      const result =
        keys === undefined
          ? await db.query<CheckIndexRow>('SELECT * FROM asset_check_latest ORDER BY asset_key COLLATE "C", check_name COLLATE "C"')
          : await db.query<CheckIndexRow>(
              'SELECT * FROM asset_check_latest WHERE asset_key = ANY($1::text[]) ORDER BY asset_key COLLATE "C", check_name COLLATE "C"',
              [keys],
            );
      return result.rows.map(checkFromRow);
    });
  }

  // Instigators -------------------------------------------------------------------------

  async getInstigatorState(id: string): Promise<InstigatorState | null> {
    validateId(id, "instigator id");
    return this.read("getInstigatorState", async (db) => {
      const result = await db.query<InstigatorRow>("SELECT * FROM instigators WHERE id = $1", [id]);
      const row = result.rows[0];
      return row === undefined ? null : instigatorFromRow(row);
    });
  }

  async listInstigatorStates(kind?: InstigatorKind): Promise<InstigatorState[]> {
    if (kind !== undefined && kind !== "schedule" && kind !== "sensor") {
      throw new StorageInputError("instigator kind", `must be "schedule" or "sensor", got ${JSON.stringify(kind)}`);
    }
    return this.read("listInstigatorStates", async (db) => {
      const result =
        kind === undefined
          ? await db.query<InstigatorRow>('SELECT * FROM instigators ORDER BY id COLLATE "C"')
          : await db.query<InstigatorRow>('SELECT * FROM instigators WHERE kind = $1 ORDER BY id COLLATE "C"', [kind]);
      return result.rows.map(instigatorFromRow);
    });
  }

  async upsertInstigatorState(input: Omit<InstigatorState, "updatedAt">, options?: WriteOptions): Promise<InstigatorState> {
    const state = validateInstigatorState(input);
    return this.fencedWrite("upsertInstigatorState", options, async (db) => {
      const result = await db.query<InstigatorRow>(
        `INSERT INTO instigators (id, kind, status, cursor, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, status = EXCLUDED.status, cursor = EXCLUDED.cursor,
           started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at
         RETURNING *`,
        [state.id, state.kind, state.status, state.cursor, state.startedAt, Date.now()],
      );
      return instigatorFromRow(result.rows[0] as InstigatorRow);
    });
  }

  async createTick(instigatorId: string, tickTime: number, options?: WriteOptions): Promise<Tick> {
    validateId(instigatorId, "instigator id");
    validateEpochMs(tickTime, `tick time of ${instigatorId}`);
    return this.fencedWrite("createTick", options, async (db) => {
      const now = Date.now();
      const result = await db.query<TickRow>(
        `INSERT INTO ticks (instigator_id, status, tick_time, run_ids, skip_reason, error, cursor, created_at, updated_at)
         VALUES ($1, 'STARTED', $2, '[]'::jsonb, NULL, NULL, NULL, $3, $3) RETURNING *`,
        [instigatorId, tickTime, now],
      );
      return tickFromRow(result.rows[0] as TickRow);
    });
  }

  async updateTick(tickId: number, input: TickUpdate, options?: WriteOptions): Promise<Tick> {
    const update = validateTickUpdate(tickId, input);
    return this.fencedWrite("updateTick", options, async (db) => {
      // CASE on a flag keeps "not given" (keep the value) apart from "given as null" (clear it).
      const result = await db.query<TickRow>(
        `UPDATE ticks SET status = $2,
           run_ids = COALESCE($3::jsonb, run_ids),
           skip_reason = CASE WHEN $4::boolean THEN $5 ELSE skip_reason END,
           error = CASE WHEN $6::boolean THEN $7 ELSE error END,
           cursor = CASE WHEN $8::boolean THEN $9 ELSE cursor END,
           updated_at = GREATEST(updated_at, $10)
         WHERE id = $1 RETURNING *`,
        [
          tickId,
          update.status,
          update.runIds === undefined ? null : JSON.stringify(update.runIds),
          update.skipReason !== undefined,
          update.skipReason ?? null,
          update.error !== undefined,
          update.error ?? null,
          update.cursor !== undefined,
          update.cursor ?? null,
          Date.now(),
        ],
      );
      const row = result.rows[0];
      if (row === undefined) throw new StorageInputError(`tick ${tickId}`, "no such tick");
      return tickFromRow(row);
    });
  }

  async listTicks(instigatorId: string, page?: PageRequest): Promise<Page<Tick>> {
    validateId(instigatorId, "instigator id");
    const { limit, beforeId } = resolvePage("ticks", page);
    return this.read("listTicks", async (db) => {
      const result = await db.query<TickRow>(
        "SELECT * FROM ticks WHERE instigator_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        [instigatorId, beforeId ?? Number.MAX_SAFE_INTEGER, limit + 1],
      );
      return buildPage("ticks", result.rows, limit, (row) => row.id, tickFromRow);
    });
  }

  // Leases ------------------------------------------------------------------------------

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    validateLeaseArgs(name, holder, ttlMs);
    return this.read("acquireLease", async (db) => {
      // One statement: the row lock taken by ON CONFLICT makes take/renew/refuse atomic.
      const result = await db.query<LeaseRow>(
        `INSERT INTO leases (name, holder, fencing_token, expires_at) VALUES ($1, $2, 1, ${NOW_MS} + $3)
         ON CONFLICT (name) DO UPDATE SET
           fencing_token = CASE WHEN leases.holder = EXCLUDED.holder AND leases.expires_at > ${NOW_MS}
                                THEN leases.fencing_token ELSE leases.fencing_token + 1 END,
           holder = EXCLUDED.holder,
           expires_at = EXCLUDED.expires_at
         WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= ${NOW_MS}
         RETURNING *`,
        [name, holder, ttlMs],
      );
      const row = result.rows[0];
      return row === undefined ? null : leaseFromRow(row);
    });
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    validateId(name, "lease name");
    validateId(holder, `holder of lease ${JSON.stringify(name)}`);
    await this.read("releaseLease", async (db) => {
      // Expire rather than delete: the fencing token must keep increasing across holders.
      await db.query(`UPDATE leases SET expires_at = LEAST(expires_at, ${NOW_MS}) WHERE name = $1 AND holder = $2`, [name, holder]);
    });
  }

  async getLease(name: string): Promise<Lease | null> {
    validateId(name, "lease name");
    return this.read("getLease", async (db) => {
      const result = await db.query<LeaseRow>(`SELECT * FROM leases WHERE name = $1 AND expires_at > ${NOW_MS}`, [name]);
      const row = result.rows[0];
      return row === undefined ? null : leaseFromRow(row);
    });
  }

  // Lifecycle ---------------------------------------------------------------------------

  async schemaVersion(): Promise<number> {
    return this.read("schemaVersion", (db) => postgresSchemaVersion(db));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
