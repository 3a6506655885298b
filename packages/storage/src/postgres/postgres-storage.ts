/**
 * The PostgreSQL backend: a `pg` Pool, JSONB columns, BIGINT epoch-ms times. Event batches go in
 * as one multi-row INSERT (unnest of column arrays: nine parameters whatever the batch size) with
 * ids drawn from the sequence up front, so the ids follow the batch order and the RETURNING list
 * tells exactly which events were new.
 */
import pg from "pg";
import { FlytError, StorageError, type EventRecord, type NewRun, type RunRecord } from "@flyt/core";
import { applyPartitionEffects, failedRunIdsOf } from "../core/partition-ops.js";
import { provenanceOf } from "../core/provenance.js";
import { SqlStorage, type WriteMode } from "../core/sql-storage.js";
import { numberedPlaceholders, type Sql } from "../core/sql.js";
import { runAsync, type Operation, type StatementResult } from "../core/unit-of-work.js";
import { StorageInputError, StorageUnavailableError } from "../errors.js";
import { eventColumns, indexUpdates, lifecycleUpdates, type InsertedEvent, type Provenance, type RunStateRow } from "../shared/derive.js";
import { runFromRow, type RunRow } from "../shared/rows.js";
import { prepareNewRun, RUN_INSERT_COLUMNS, runRowValues, uniqueRunIds } from "../shared/runs.js";
import { prepareScheduledRuns, validateRunIdList } from "../shared/batches.js";
import { checkFence, claimRuns, insertScheduledRuns } from "./postgres-batches.js";
import { fenceOf } from "../shared/fence.js";
import { maskDatabaseUrl, scrubSecret } from "../shared/url.js";
import { validateEvents, validateId, validateNewRun } from "../shared/validate.js";
import type {
  CreateRunResult,
  RunChange,
  RunWatch,
  RunWatchOptions,
  StorageCapabilities,
  ScheduledRun,
  ScheduledRunResult,
  WriteOptions,
} from "../storage.js";
import { POSTGRES_MIGRATIONS } from "../generated/migrations.js";
import { POSTGRES_DIALECT, toJsonb, UNIQUE_VIOLATION } from "./postgres-dialect.js";
import { migratePostgres, postgresSchemaVersion } from "./postgres-migrator.js";
import { isConnectionError } from "./postgres-errors.js";
import { listen } from "./postgres-listener.js";
import { createPool, reporter, type PoolOptions } from "./postgres-pool.js";

/**
 * The NOTIFY channel for run changes; payload `<status> <runId>`, or for a created run that fits,
 * a JSON object `{"status","runId","run"}` (it starts with "{", which no status does).
 */
export const RUN_CHANGES_CHANNEL = "flyt_run_changes";


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
    INSERT INTO runs (${RUN_INSERT_COLUMNS})
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


// Run-change notifications (pg_notify) are sent inside the writing statement or transaction, so
// listeners hear of a change only once it is committed.

export interface PostgresStorageOptions extends PoolOptions {
  /** Skip applying migrations (used by tools that inspect a database as it is). */
  migrate?: boolean;
}

export class PostgresStorage extends SqlStorage {
  readonly kind = "postgres" as const;
  readonly capabilities: StorageCapabilities = { crossProcessChangeFeed: true, multiHostLease: true };
  readonly expectedSchemaVersion = POSTGRES_MIGRATIONS.length;
  protected readonly dialect = POSTGRES_DIALECT;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    /** Where connection trouble is reported (PoolOptions.onError, else a process warning). */
    private readonly report: (message: string) => void,
  ) {
    super();
  }

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

  private async onPool<T>(what: string, fn: (db: pg.Pool) => Promise<T>): Promise<T> {
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
    if (fence === null) return this.onPool(what, fn);
    return this.transaction(what, async (client) => {
      await checkFence(client, fence, what);
      return fn(client);
    });
  }

  /** One core statement on a pool or a transaction's client. */
  private static async exec(db: pg.Pool | pg.PoolClient, statement: Sql): Promise<StatementResult> {
    const result = await db.query<Record<string, unknown>>(numberedPlaceholders(statement.text), statement.params as unknown[]);
    return { rows: result.rows, changes: result.rowCount ?? result.rows.length };
  }

  protected read<T>(what: string, operation: Operation<T>): Promise<T> {
    return this.onPool(what, (db) => runAsync(operation, (statement) => PostgresStorage.exec(db, statement)));
  }

  protected write<T>(what: string, operation: Operation<T>, mode: WriteMode = {}): Promise<T> {
    // One statement is atomic on its own: no BEGIN/COMMIT round trips around it.
    if (mode.oneStatement === true && (mode.fence ?? null) === null) return this.read(what, operation);
    return this.transaction(what, (client) => runAsync(operation, (statement) => PostgresStorage.exec(client, statement)));
  }

  // Runs --------------------------------------------------------------------------------

  async createRun(input: NewRun, options?: WriteOptions): Promise<CreateRunResult> {
    const run = validateNewRun(input);
    const { record, event } = prepareNewRun(run, Date.now());
    const tagEntries = Object.entries(record.tags);
    const { assetKey, partition } = eventColumns(event.body);
    return this.fencedWrite("createRun", options, async (db) => {
      // One statement (atomic on its own, so no BEGIN/COMMIT): the run, its index rows, its first
      // event and the notification, each written only when the run row was inserted; the
      // statement is prepared once per connection.
      let inserted: pg.QueryResult;
      try {
        inserted = await db.query({ name: "flyt_create_run", text: CREATE_RUN_SQL, values: [
          ...runRowValues(record),
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

  async claimQueuedRun(runId: string): Promise<RunRecord | null> {
    validateId(runId, "run id");
    return this.onPool("claimQueuedRun", async (db) => (await claimRuns(db, [runId], Date.now(), RUN_CHANGES_CHANNEL))[0] ?? null);
  }

  // Batches (scheduler and run queue) -------------------------------------------------------

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
    return this.onPool("claimQueuedRuns", (db) => claimRuns(db, ids, Date.now(), RUN_CHANGES_CHANNEL, fence));
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

  // API tokens --------------------------------------------------------------------------

  // Observability -----------------------------------------------------------------------

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
      const exec = (statement: Sql) => PostgresStorage.exec(client, statement);
      // Each materialization's code version, inputs' data versions and data version (a batch
      // without materializations runs no statement).
      const provenance = await runAsync(provenanceOf(this.dialect, inserted), exec);
      const failedRuns = await this.applyDerivedState(client, inserted, stateById, provenance);
      // Partition status and dynamic partitions, in the same transaction (a batch without
      // partitioned materializations, failures or dynamic partitions changes runs no statement).
      await runAsync(applyPartitionEffects(this.dialect, this.partitionDefinitions, inserted, failedRuns), exec);
      return inserted.length;
    });
  }

  /** Writes the runs' lifecycle and the asset index; returns the runs this batch failed. */
  private async applyDerivedState(
    client: pg.PoolClient,
    inserted: InsertedEvent[],
    states: Map<string, RunStateRow>,
    provenance: ReadonlyMap<number, Provenance>,
  ): Promise<string[]> {
    const lifecycle = lifecycleUpdates(inserted, states);
    for (const { runId, next, statusChanged } of lifecycle) {
      // The update and, when the status changed, its notification: one round trip.
      await client.query({
        name: "flyt_append_lifecycle",
        text: `WITH u AS (UPDATE runs SET status = $1, updated_at = $2, started_at = $3, ended_at = $4 WHERE run_id = $5 RETURNING run_id)
          SELECT pg_notify($6::text, $7::text) FROM u WHERE $8::boolean`,
        values: [next.status, next.updatedAt, next.startedAt, next.endedAt, runId, RUN_CHANGES_CHANNEL, `${next.status} ${runId}`, statusChanged],
      });
    }
    const updates = indexUpdates(inserted, provenance);
    for (const [table, entries] of [
      ["asset_latest", updates.latest],
      ["asset_partitions", updates.partitions],
    ] as const) {
      if (entries.length === 0) continue;
      const conflict = table === "asset_latest" ? "(asset_key)" : '(asset_key, "partition")';
      await client.query(
        `INSERT INTO ${table} (asset_key, "partition", run_id, event_id, "timestamp", metadata, code_version,
           data_version, data_version_user_provided, input_data_versions)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::jsonb[], $7::text[],
           $8::text[], $9::boolean[], $10::jsonb[])
         ON CONFLICT ${conflict} DO UPDATE SET "partition" = EXCLUDED."partition", run_id = EXCLUDED.run_id,
           event_id = EXCLUDED.event_id, "timestamp" = EXCLUDED."timestamp", metadata = EXCLUDED.metadata,
           code_version = EXCLUDED.code_version, data_version = EXCLUDED.data_version,
           data_version_user_provided = EXCLUDED.data_version_user_provided, input_data_versions = EXCLUDED.input_data_versions
         WHERE ${table}.event_id < EXCLUDED.event_id`,
        [
          entries.map((e) => e.assetKey),
          entries.map((e) => e.partition),
          entries.map((e) => e.runId),
          entries.map((e) => e.eventId),
          entries.map((e) => e.timestamp),
          entries.map((e) => toJsonb(e.metadata)),
          entries.map((e) => e.codeVersion),
          entries.map((e) => e.dataVersion),
          entries.map((e) => e.dataVersionUserProvided),
          entries.map((e) => (e.inputDataVersions === null ? null : toJsonb(e.inputDataVersions))),
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
    return failedRunIdsOf(lifecycle);
  }

  // Asset index -------------------------------------------------------------------------

  // Instigators -------------------------------------------------------------------------

  // Leases ------------------------------------------------------------------------------

  // Lifecycle ---------------------------------------------------------------------------

  async schemaVersion(): Promise<number> {
    return this.onPool("schemaVersion", (db) => postgresSchemaVersion(db));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
