/**
 * The storage core: every `Storage` method whose SQL is the same on every backend, written once —
 * validation, statements (with the dialect's pieces where the SQL differs), row mapping and the
 * rules (a token is touched at most once a minute, a fenced write checks its lease first). A
 * backend extends it with its driver (`read`/`write`: how an operation runs), its dialect, and the
 * paths it tunes by hand: creating and claiming runs, appending events with their derived state,
 * and the change feed (notifications differ per backend, and these paths carry the event-log and
 * queue figures of docs/benchmarks.md).
 */
import {
  isTerminalBackfillStatus,
  type AutomationAssetEvaluation,
  type BackfillRecord,
  type EventRecord,
  type NewRun,
  type RunRecord,
  type StoredEvent,
} from "@flyt/core";
import { StorageInputError } from "../errors.js";
import { apiTokenFromRow, duplicateNameError, validateApiTokenId, validateNewApiToken, type ApiTokenRow } from "../shared/api-tokens.js";
import { evaluationFromColumn, validateAssetDefinitions, validateSinceLimit, validateTickDecision } from "../shared/automation.js";
import { validateRunIdList } from "../shared/batches.js";
import { encodeIntervals } from "../shared/bitmap.js";
import { buildPage, decodeCursor, encodeCursor, pageLimit, resolvePage } from "../shared/cursor.js";
import { assertFenceHolds, fenceOf } from "../shared/fence.js";
import {
  alertDeliveryFromRow,
  FRESHNESS_COLUMNS,
  freshnessFromRow,
  freshnessValues,
  validateAlertDelivery,
  validateFreshnessState,
  type AlertDeliveryRow,
  type FreshnessRow,
} from "../shared/observability.js";
import {
  backfillFromRow,
  emptyBackfillCounts,
  snapshotFromColumn,
  validateBackfillFilter,
  validateBackfillUpdate,
  validateDefinitionEntries,
  validateDynamicKeys,
  validateDynamicName,
  validateNewBackfill,
  validatePositions,
  type BackfillRow,
} from "../shared/partitions.js";
import { listRunsSql } from "../shared/queries.js";
import {
  assetIndexFromRow,
  checkFromRow,
  eventFromRow,
  fromJson,
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
import { runTokenFromRow, validateNewRunToken, validateTokenHash, type RunTokenRow } from "../shared/run-tokens.js";
import { validateUsage } from "../shared/usage.js";
import {
  validateDaemonHeartbeat,
  validateEpochMs,
  validateId,
  validateInstigatorKind,
  validateInstigatorState,
  isAutomationInstigatorId,
  validateKeyList,
  validateLeaseArgs,
  validateRunFilter,
  validateStorageId,
  validateTags,
  validateTickUpdate,
} from "../shared/validate.js";
import type * as S from "../storage.js";
import type { Dialect } from "./dialect.js";
import { changeDynamicPartitions, DefinitionCache, lockDynamicSets, putDefinitions, readLiveIntervals, readStatusIntervals, readStatusIntervalsOf } from "./partition-ops.js";
import { joinSql, raw, sql, Sql } from "./sql.js";
import { execute, first, rows, type Operation } from "./unit-of-work.js";

/** Most asset keys one `getPartitionStatuses` call may ask for. */
const MAX_STATUS_KEYS = 10_000;
/** Asset keys per statement in `getPartitionStatuses`. */
const STATUS_CHUNK = 500;

/** A token's last use is recorded at most this often: a hot token must not write on every request. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;
/** Rows per multi-row write of asset definitions. */
const DEFINITION_WRITE_CHUNK = 1_000;
/** Evaluations per multi-row write, and the most JSON characters one write carries. */
const EVALUATION_WRITE_CHUNK = 1_000;
const EVALUATION_WRITE_CHUNK_CHARS = 8 * 1024 * 1024;

export interface WriteMode {
  /** Checked inside the write's transaction before anything is written (LeaseLostError otherwise). */
  fence?: S.Fence | null;
  /** The operation is one statement, atomic by itself: a backend may run it without a transaction. */
  oneStatement?: boolean;
}

/** A fenced write's first statement: the lease must still be the fence's (`assertFenceHolds`). */
function* checkFence(d: Dialect, options: S.WriteOptions | undefined, what: string): Operation<void> {
  const fence = fenceOf(options);
  if (fence === null) return;
  const row = yield* first<{ holder: string; fencing_token: number | string }>(
    sql`SELECT holder, fencing_token FROM leases WHERE name = ${fence.leaseName}${d.lockForShare}`,
  );
  assertFenceHolds(fence, row, what);
}

export abstract class SqlStorage implements S.Storage {
  abstract readonly kind: string;
  abstract readonly capabilities: S.StorageCapabilities;
  abstract readonly expectedSchemaVersion: number;
  protected abstract readonly dialect: Dialect;
  /** Parsed partitions definitions by (asset, fingerprint): see `DefinitionCache`. */
  protected readonly partitionDefinitions = new DefinitionCache();

  /** Runs a read: its statements need no transaction between them. */
  protected abstract read<T>(what: string, operation: Operation<T>): Promise<T>;
  /** Runs a write in one transaction (or, for `oneStatement` without a fence, as that statement). */
  protected abstract write<T>(what: string, operation: Operation<T>, mode?: WriteMode): Promise<T>;

  // The hand-tuned paths --------------------------------------------------------------------
  abstract createRun(run: NewRun, options?: S.WriteOptions): Promise<S.CreateRunResult>;
  abstract claimQueuedRun(runId: string): Promise<RunRecord | null>;
  abstract createScheduledRuns(items: S.ScheduledRun[], options?: S.WriteOptions): Promise<S.ScheduledRunResult[]>;
  abstract claimQueuedRuns(runIds: string[], options?: S.WriteOptions): Promise<RunRecord[]>;
  abstract watchRuns(listener: (change: S.RunChange) => void, options?: S.RunWatchOptions): Promise<S.RunWatch>;
  abstract appendEvents(events: EventRecord[]): Promise<number>;
  abstract schemaVersion(): Promise<number>;
  abstract close(): Promise<void>;

  // Runs --------------------------------------------------------------------------------

  getRun(runId: string): Promise<RunRecord | null> {
    return this.read("getRun", (function* () {
      validateId(runId, "run id");
      const row = yield* first<RunRow>(sql`SELECT * FROM runs WHERE run_id = ${runId}`);
      return row === undefined ? null : runFromRow(row);
    })());
  }

  listRuns(filter?: S.RunFilter, page?: S.PageRequest): Promise<S.Page<RunRecord>> {
    return this.read("listRuns", (function* () {
      const valid = validateRunFilter(filter);
      const { limit, beforeId } = resolvePage("runs", page);
      const params: unknown[] = [];
      const text = listRunsSql(valid, beforeId, limit, (value) => (params.push(value), "?"));
      const found = yield* rows<RunRow>(new Sql(text, params));
      return buildPage("runs", found, limit, (row) => row.id, runFromRow);
    })());
  }

  getRuns(runIds: string[]): Promise<RunRecord[]> {
    const d = this.dialect;
    return this.read("getRuns", (function* () {
      const ids = validateRunIdList(runIds, "run ids");
      if (ids.length === 0) return [];
      const found = yield* rows<RunRow>(sql`SELECT * FROM runs WHERE ${d.inList("run_id", ids)}`);
      const byId = new Map(found.map((row) => [row.run_id, row]));
      return ids.flatMap((id) => {
        const row = byId.get(id);
        return row === undefined ? [] : [runFromRow(row)];
      });
    })());
  }

  setRunTags(runId: string, tags: Record<string, string>): Promise<void> {
    const d = this.dialect;
    return this.write("setRunTags", (function* () {
      validateId(runId, "run id");
      const valid = validateTags(runId, tags);
      const changed = yield* execute(sql`UPDATE runs SET tags = ${d.json(valid)}, updated_at = ${d.greatest(raw("updated_at"), sql`${Date.now()}`)} WHERE run_id = ${runId}`);
      if (changed === 0) throw new StorageInputError(`run ${JSON.stringify(runId)}`, "no such run");
      yield* execute(sql`DELETE FROM run_tags WHERE run_id = ${runId}`);
      const entries = Object.entries(valid);
      if (entries.length > 0) {
        yield* execute(sql`INSERT INTO run_tags (run_id, key, value) VALUES ${joinSql(entries.map(([key, value]) => sql`(${runId}, ${key}, ${value})`), ", ")}`);
      }
    })());
  }

  // Run tokens and output budgets -------------------------------------------------------------

  createRunToken(input: S.NewRunToken): Promise<S.RunToken> {
    const d = this.dialect;
    return this.write("createRunToken", (function* () {
      const token = validateNewRunToken(input);
      // Inserted only when the run exists (a foreign key would say so less clearly).
      const row = yield* first<RunTokenRow>(sql`INSERT INTO run_tokens (token_hash, run_id, location, asset_keys, created_at, expires_at, revoked_at)
        SELECT ${token.tokenHash}, run_id, ${token.location}, ${d.json(token.assetKeys)}, ${Date.now()}, ${token.expiresAt}, NULL FROM runs WHERE run_id = ${token.runId}
        RETURNING *`);
      if (row === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(token.runId)} to issue a token for`);
      return runTokenFromRow(row);
    })(), { oneStatement: true });
  }

  getRunToken(tokenHash: string): Promise<S.RunToken | null> {
    return this.read("getRunToken", (function* () {
      const row = yield* first<RunTokenRow>(sql`SELECT * FROM run_tokens WHERE token_hash = ${validateTokenHash(tokenHash)}`);
      return row === undefined ? null : runTokenFromRow(row);
    })());
  }

  revokeRunTokens(runId: string): Promise<number> {
    return this.write("revokeRunTokens", (function* () {
      validateId(runId, "run id");
      return yield* execute(sql`UPDATE run_tokens SET revoked_at = ${Date.now()} WHERE run_id = ${runId} AND revoked_at IS NULL`);
    })(), { oneStatement: true });
  }

  addRunOutputUsage(runId: string, bytes: number, events: number): Promise<{ bytes: number; events: number }> {
    return this.write("addRunOutputUsage", (function* () {
      validateId(runId, "run id");
      validateUsage(bytes, events);
      // The WHERE also keeps SQLite from reading ON CONFLICT as a join clause of the SELECT.
      const row = yield* first<{ output_bytes: number | string; output_events: number | string }>(sql`INSERT INTO run_output_usage (run_id, output_bytes, output_events)
        SELECT run_id, ${bytes}, ${events} FROM runs WHERE run_id = ${runId}
        ON CONFLICT (run_id) DO UPDATE SET output_bytes = run_output_usage.output_bytes + excluded.output_bytes,
          output_events = run_output_usage.output_events + excluded.output_events
        RETURNING output_bytes, output_events`);
      if (row === undefined) throw new StorageInputError("run id", `no run ${JSON.stringify(runId)}`);
      return { bytes: Number(row.output_bytes), events: Number(row.output_events) };
    })(), { oneStatement: true });
  }

  // API tokens --------------------------------------------------------------------------

  createApiToken(input: S.NewApiToken): Promise<S.ApiToken> {
    const d = this.dialect;
    return this.write("createApiToken", (function* () {
      const token = validateNewApiToken(input);
      try {
        const row = yield* first<ApiTokenRow>(sql`INSERT INTO api_tokens (id, name, token_hash, role, created_by, created_at, expires_at, revoked_at, last_used_at)
          VALUES (${token.id}, ${token.name}, ${token.tokenHash}, ${token.role}, ${token.createdBy}, ${Date.now()}, ${token.expiresAt}, NULL, NULL) RETURNING *`);
        return apiTokenFromRow(row!);
      } catch (error) {
        if (d.isUniqueViolation(error, "api_tokens_live_name")) throw duplicateNameError(token.name);
        throw error;
      }
    })(), { oneStatement: true });
  }

  getApiTokenByHash(tokenHash: string): Promise<S.ApiToken | null> {
    return this.read("getApiTokenByHash", (function* () {
      const row = yield* first<ApiTokenRow>(sql`SELECT * FROM api_tokens WHERE token_hash = ${validateTokenHash(tokenHash)}`);
      return row === undefined ? null : apiTokenFromRow(row);
    })());
  }

  listApiTokens(): Promise<S.ApiToken[]> {
    return this.read("listApiTokens", (function* () {
      return (yield* rows<ApiTokenRow>(sql`SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC`)).map(apiTokenFromRow);
    })());
  }

  revokeApiToken(idOrName: string): Promise<S.ApiToken | null> {
    if (typeof idOrName !== "string" || idOrName.length === 0 || idOrName.length > 100) return Promise.resolve(null);
    return this.write("revokeApiToken", (function* () {
      // The id wins over a live token's name.
      const row = yield* first<ApiTokenRow>(sql`UPDATE api_tokens SET revoked_at = ${Date.now()} WHERE revoked_at IS NULL AND id = COALESCE(
          (SELECT id FROM api_tokens WHERE id = ${idOrName} AND revoked_at IS NULL),
          (SELECT id FROM api_tokens WHERE name = ${idOrName} AND revoked_at IS NULL)) RETURNING *`);
      return row === undefined ? null : apiTokenFromRow(row);
    })(), { oneStatement: true });
  }

  touchApiToken(id: string, at: number): Promise<void> {
    return this.write("touchApiToken", (function* () {
      yield* execute(sql`UPDATE api_tokens SET last_used_at = ${at} WHERE id = ${validateApiTokenId(id)} AND (last_used_at IS NULL OR last_used_at < ${at - TOKEN_TOUCH_INTERVAL_MS})`);
    })(), { oneStatement: true });
  }

  // Observability -----------------------------------------------------------------------

  recordAlertDelivery(input: S.NewAlertDelivery): Promise<S.AlertDelivery> {
    return this.write("recordAlertDelivery", (function* () {
      const a = validateAlertDelivery(input);
      const row = yield* first<AlertDeliveryRow>(sql`INSERT INTO alert_deliveries (alert_id, rule, kind, status, channel, outcome, attempts, error, title, item_count, delivered_at)
        VALUES (${a.alertId}, ${a.rule}, ${a.kind}, ${a.status}, ${a.channel}, ${a.outcome}, ${a.attempts}, ${a.error}, ${a.title}, ${a.count}, ${a.at}) RETURNING *`);
      return alertDeliveryFromRow(row!);
    })(), { oneStatement: true });
  }

  listAlertDeliveries(page?: S.PageRequest): Promise<S.Page<S.AlertDelivery>> {
    return this.read("listAlertDeliveries", (function* () {
      const { limit, beforeId } = resolvePage("alerts", page);
      const found = yield* rows<AlertDeliveryRow>(sql`SELECT * FROM alert_deliveries WHERE id < ${beforeId ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC LIMIT ${limit + 1}`);
      return buildPage("alerts", found, limit, (row) => Number(row.id), alertDeliveryFromRow);
    })());
  }

  putFreshnessState(input: S.AssetFreshnessState): Promise<S.AssetFreshnessState | null> {
    return this.write("putFreshnessState", (function* () {
      const state = validateFreshnessState(input);
      const previous = yield* first<FreshnessRow>(sql`SELECT * FROM asset_freshness WHERE asset_key = ${state.assetKey}`);
      const values = joinSql(freshnessValues(state).map((v) => sql`${v}`), ", ");
      // `since` is kept while the state is unchanged.
      yield* execute(sql`INSERT INTO asset_freshness (${raw(FRESHNESS_COLUMNS)}) VALUES (${values})
        ON CONFLICT (asset_key) DO UPDATE SET state = excluded.state,
          since = CASE WHEN asset_freshness.state = excluded.state THEN asset_freshness.since ELSE excluded.since END,
          stale_since = excluded.stale_since, fresh_until = excluded.fresh_until, warn_at = excluded.warn_at,
          partition_key = excluded.partition_key, reason = excluded.reason, evaluated_at = excluded.evaluated_at`);
      return previous === undefined ? null : freshnessFromRow(previous);
    })());
  }

  listFreshnessStates(assetKeys?: string[]): Promise<S.AssetFreshnessState[]> {
    const d = this.dialect;
    return this.read("listFreshnessStates", (function* () {
      const keys = validateKeyList(assetKeys, "asset keys");
      if (keys?.length === 0) return [];
      const where = keys === undefined ? raw("") : sql` WHERE ${d.inList("asset_key", keys)}`;
      return (yield* rows<FreshnessRow>(sql`SELECT * FROM asset_freshness${where} ORDER BY asset_key${d.byteOrder}`)).map(freshnessFromRow);
    })());
  }

  reclaimStartingRuns(query: S.ReclaimQuery, options: S.WriteOptions): Promise<RunRecord[]> {
    const d = this.dialect;
    return this.write("reclaimStartingRuns", (function* () {
      const fence = fenceOf(options);
      if (fence === null) throw new StorageInputError("reclaimStartingRuns options.fence", "is required: only a leader re-claims runs");
      const before = validateEpochMs(query?.claimedBefore, "reclaimStartingRuns claimedBefore");
      const limit = query.limit === undefined ? 100 : query.limit;
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new StorageInputError("reclaimStartingRuns limit", `must be an integer from 1 to 10000, got ${String(limit)}`);
      const except = [...new Set(validateKeyList(query.except, "reclaimStartingRuns except") ?? [])];
      yield* checkFence(d, options, "reclaimStartingRuns");
      const now = Date.now();
      const candidates = yield* rows<{ run_id: string; claim_token: number | string }>(sql`SELECT run_id, claim_token FROM runs
        WHERE status = 'STARTING' AND claim_token IS NOT NULL AND claim_token < ${fence.fencingToken} AND updated_at <= ${before}
          AND NOT EXISTS (SELECT 1 FROM run_heartbeats h WHERE h.run_id = runs.run_id)${except.length === 0 ? raw("") : sql` AND NOT ${d.inList("run_id", except)}`}
        ORDER BY updated_at, run_id LIMIT ${limit}${d.lockForUpdate}`);
      const reclaimed: RunRecord[] = [];
      for (const candidate of candidates) {
        // Still as read (the lock holds on PostgreSQL; SQLite's write transaction is exclusive).
        const row = yield* first<RunRow>(sql`UPDATE runs SET claim_token = ${fence.fencingToken}, updated_at = ${d.greatest(raw("updated_at"), sql`${now}`)}
          WHERE run_id = ${candidate.run_id} AND status = 'STARTING' AND claim_token = ${Number(candidate.claim_token)} RETURNING *`);
        if (row === undefined) continue;
        const message =
          `Relaunched by the daemon leader with fencing token ${fence.fencingToken}: the leader that claimed this run ` +
          `(fencing token ${Number(candidate.claim_token)}) stopped before its worker started.`;
        yield* execute(sql`INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
          VALUES (${candidate.run_id}, NULL, ${now}, NULL, 'LOG', NULL, NULL, ${d.json({ type: "LOG", level: "warn", message })})`);
        reclaimed.push(runFromRow(row));
      }
      return reclaimed;
    })(), { fence: options?.fence ?? null });
  }

  // Heartbeats --------------------------------------------------------------------------

  recordRunHeartbeat(runId: string, at?: number): Promise<void> {
    const d = this.dialect;
    return this.write("recordRunHeartbeat", (function* () {
      validateId(runId, "run id");
      const when = at === undefined ? Date.now() : validateEpochMs(at, `heartbeat time of run ${runId}`);
      yield* execute(sql`INSERT INTO run_heartbeats (run_id, heartbeat_at) SELECT run_id, ${when} FROM runs WHERE run_id = ${runId}
        ON CONFLICT (run_id) DO UPDATE SET heartbeat_at = ${d.greatest(raw("run_heartbeats.heartbeat_at"), raw("excluded.heartbeat_at"))}`);
    })(), { oneStatement: true });
  }

  getRunHeartbeats(runIds: string[]): Promise<S.RunHeartbeat[]> {
    const d = this.dialect;
    return this.read("getRunHeartbeats", (function* () {
      const ids = [...new Set(validateKeyList(runIds, "run ids") ?? [])];
      if (ids.length === 0) return [];
      const found = yield* rows<{ run_id: string; heartbeat_at: number | string }>(sql`SELECT run_id, heartbeat_at FROM run_heartbeats WHERE ${d.inList("run_id", ids)}`);
      return found.map((r) => ({ runId: r.run_id, at: Number(r.heartbeat_at) }));
    })());
  }

  recordDaemonHeartbeat(input: S.DaemonHeartbeat): Promise<void> {
    return this.write("recordDaemonHeartbeat", (function* () {
      const hb = validateDaemonHeartbeat(input);
      yield* execute(sql`INSERT INTO daemon_heartbeats (daemon_id, loop, heartbeat_at, info) VALUES (${hb.daemonId}, ${hb.loop}, ${hb.at}, ${hb.info})
        ON CONFLICT (daemon_id, loop) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, info = excluded.info`);
    })(), { oneStatement: true });
  }

  listDaemonHeartbeats(since?: number): Promise<S.DaemonHeartbeat[]> {
    const d = this.dialect;
    return this.read("listDaemonHeartbeats", (function* () {
      const after = since === undefined ? 0 : validateEpochMs(since, "since");
      const found = yield* rows<{ daemon_id: string; loop: string; heartbeat_at: number | string; info: string | null }>(
        sql`SELECT * FROM daemon_heartbeats WHERE heartbeat_at >= ${after} ORDER BY heartbeat_at DESC, daemon_id${d.byteOrder}, loop${d.byteOrder}`,
      );
      return found.map((r) => ({ daemonId: r.daemon_id, loop: r.loop, at: Number(r.heartbeat_at), info: r.info }));
    })());
  }

  // Events and the asset index ----------------------------------------------------------------

  getEvents(runId: string, query: S.EventQuery = {}): Promise<StoredEvent[]> {
    const d = this.dialect;
    return this.read("getEvents", (function* () {
      validateId(runId, "run id");
      const where = [sql`run_id = ${runId}`];
      if (query.afterId !== undefined) where.push(sql`id > ${validateStorageId(query.afterId, "afterId")}`);
      if (query.types !== undefined) where.push(query.types.length ? d.inList("type", query.types) : raw("1 = 0"));
      if (query.stepKey !== undefined) where.push(sql`step_key = ${validateId(query.stepKey, "stepKey")}`);
      const limit = query.limit === undefined ? raw("") : sql` LIMIT ${pageLimit(query.limit)}`;
      const found = yield* rows<EventRow>(sql`SELECT id, run_id, seq, "timestamp", step_key, body FROM event_log WHERE ${joinSql(where, " AND ")} ORDER BY id${limit}`);
      return found.map(eventFromRow);
    })());
  }

  getLatestMaterializations(assetKeys?: string[]): Promise<S.AssetIndexEntry[]> {
    const d = this.dialect;
    return this.read("getLatestMaterializations", (function* () {
      const keys = validateKeyList(assetKeys, "asset keys");
      if (keys?.length === 0) return [];
      const where = keys === undefined ? raw("") : sql` WHERE ${d.inList("asset_key", keys)}`;
      return (yield* rows<AssetIndexRow>(sql`SELECT * FROM asset_latest${where} ORDER BY asset_key${d.byteOrder}`)).map(assetIndexFromRow);
    })());
  }

  getPartitionMaterializations(assetKey: string): Promise<S.AssetIndexEntry[]> {
    const d = this.dialect;
    return this.read("getPartitionMaterializations", (function* () {
      validateId(assetKey, "asset key");
      return (yield* rows<AssetIndexRow>(sql`SELECT * FROM asset_partitions WHERE asset_key = ${assetKey} ORDER BY "partition"${d.byteOrder}`)).map(assetIndexFromRow);
    })());
  }

  getMaterializationHistory(assetKey: string, page?: S.PageRequest): Promise<S.Page<StoredEvent>> {
    return this.read("getMaterializationHistory", (function* () {
      validateId(assetKey, "asset key");
      const { limit, beforeId } = resolvePage("events", page);
      const found = yield* rows<EventRow>(sql`SELECT id, run_id, seq, "timestamp", step_key, body FROM event_log
        WHERE asset_key = ${assetKey} AND type = 'ASSET_MATERIALIZATION' AND id < ${beforeId ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC LIMIT ${limit + 1}`);
      return buildPage("events", found, limit, (row) => row.id, eventFromRow);
    })());
  }

  getLatestCheckResults(assetKeys?: string[]): Promise<S.CheckIndexEntry[]> {
    const d = this.dialect;
    return this.read("getLatestCheckResults", (function* () {
      const keys = validateKeyList(assetKeys, "asset keys");
      if (keys?.length === 0) return [];
      const where = keys === undefined ? raw("") : sql` WHERE ${d.inList("asset_key", keys)}`;
      return (yield* rows<CheckIndexRow>(sql`SELECT * FROM asset_check_latest${where} ORDER BY asset_key${d.byteOrder}, check_name${d.byteOrder}`)).map(checkFromRow);
    })());
  }

  // Partitions --------------------------------------------------------------------------

  putPartitionsDefinitions(entries: S.PartitionsDefinitionEntry[]): Promise<void> {
    const d = this.dialect;
    const cache = this.partitionDefinitions;
    return this.write("putPartitionsDefinitions", (function* () {
      yield* putDefinitions(d, cache, validateDefinitionEntries(entries), Date.now());
    })());
  }

  getPartitionStatus(assetKey: string): Promise<S.PartitionStatusRanges> {
    return this.read("getPartitionStatus", (function* () {
      validateId(assetKey, "asset key");
      const def = yield* first<{ snapshot: unknown }>(sql`SELECT snapshot FROM partitions_definitions WHERE asset_key = ${assetKey}`);
      if (def === undefined) return { assetKey, partitions: null, materialized: "", failed: "" };
      const status = yield* readStatusIntervals(assetKey);
      return { assetKey, partitions: snapshotFromColumn(def.snapshot), materialized: encodeIntervals(status.MATERIALIZED), failed: encodeIntervals(status.FAILED) };
    })());
  }

  getPartitionStatuses(assetKeys: string[]): Promise<S.PartitionStatusRanges[]> {
    const d = this.dialect;
    return this.read("getPartitionStatuses", (function* () {
      const keys = validateKeyList(assetKeys, "asset keys") ?? [];
      if (keys.length > MAX_STATUS_KEYS) throw new StorageInputError("asset keys", `at most ${MAX_STATUS_KEYS} per call, got ${keys.length}`);
      const snapshots = new Map<string, unknown>();
      const statuses = new Map<string, Record<"MATERIALIZED" | "FAILED", Array<[number, number]>>>();
      // Chunks keep each statement's parameter list small on both backends.
      for (let i = 0; i < keys.length; i += STATUS_CHUNK) {
        const chunk = [...new Set(keys.slice(i, i + STATUS_CHUNK))];
        for (const row of yield* rows<{ asset_key: string; snapshot: unknown }>(sql`SELECT asset_key, snapshot FROM partitions_definitions WHERE ${d.inList("asset_key", chunk)}`)) {
          snapshots.set(row.asset_key, row.snapshot);
        }
        for (const [key, status] of yield* readStatusIntervalsOf(d, chunk.filter((key) => snapshots.has(key)))) statuses.set(key, status);
      }
      return keys.map((assetKey): S.PartitionStatusRanges => {
        if (!snapshots.has(assetKey)) return { assetKey, partitions: null, materialized: "", failed: "" };
        const status = statuses.get(assetKey);
        return {
          assetKey,
          partitions: snapshotFromColumn(snapshots.get(assetKey)),
          materialized: status ? encodeIntervals(status.MATERIALIZED) : "",
          failed: status ? encodeIntervals(status.FAILED) : "",
        };
      });
    })());
  }

  addDynamicPartitions(name: string, keys: string[]): Promise<S.DynamicPartitionsChange> {
    return this.changeDynamic("addDynamicPartitions", name, keys, true);
  }

  deleteDynamicPartitions(name: string, keys: string[]): Promise<S.DynamicPartitionsChange> {
    return this.changeDynamic("deleteDynamicPartitions", name, keys, false);
  }

  private changeDynamic(what: string, name: string, keys: string[], add: boolean): Promise<S.DynamicPartitionsChange> {
    const d = this.dialect;
    return this.write(what, (function* () {
      const valid = validateDynamicName(name);
      const list = validateDynamicKeys(valid, keys);
      if (list.length === 0) return { added: 0, deleted: 0 };
      const state = (yield* lockDynamicSets(d, [valid], true)).get(valid)!;
      return yield* changeDynamicPartitions(d, valid, add ? list : [], add ? [] : list, state, Date.now());
    })());
  }

  listDynamicPartitions(name: string, page?: S.PageRequest): Promise<S.Page<S.DynamicPartitionKey>> {
    return this.read("listDynamicPartitions", (function* () {
      const valid = validateDynamicName(name);
      const limit = pageLimit(page?.limit);
      // The cursor is the position the next page starts at (positions are never reused, so a key
      // added or deleted meanwhile neither repeats nor skips another).
      const from = page?.cursor === undefined || page.cursor === null ? 0 : decodeCursor("partitions", page.cursor);
      const found = yield* rows<DynamicPartitionRow>(sql`SELECT partition_key, position, created_at FROM dynamic_partitions
        WHERE name = ${valid} AND position >= ${from} ORDER BY position LIMIT ${limit + 1}`);
      const items = found.slice(0, limit).map(dynamicFromRow);
      const last = items[items.length - 1];
      return { items, nextCursor: found.length > limit && last !== undefined ? encodeCursor("partitions", last.index + 1) : null };
    })());
  }

  getDynamicPartitionsIndex(name: string): Promise<{ count: number; indices: string }> {
    const d = this.dialect;
    return this.read("getDynamicPartitionsIndex", (function* () {
      const valid = validateDynamicName(name);
      const set = yield* first<{ key_count: number | string }>(sql`SELECT key_count FROM dynamic_partition_sets WHERE name = ${valid}`);
      if (set === undefined) return { count: 0, indices: "" };
      return { count: Number(set.key_count), indices: encodeIntervals(yield* readLiveIntervals(d, valid)) };
    })());
  }

  getDynamicPartitionsAt(name: string, indices: number[]): Promise<S.DynamicPartitionKey[]> {
    const d = this.dialect;
    return this.read("getDynamicPartitionsAt", (function* () {
      const valid = validateDynamicName(name);
      const positions = validatePositions(indices, `indices of dynamic partitions ${JSON.stringify(valid)}`);
      if (positions.length === 0) return [];
      const found = yield* rows<DynamicPartitionRow>(sql`SELECT partition_key, position, created_at FROM dynamic_partitions
        WHERE name = ${valid} AND ${d.inIntList("position", positions)} ORDER BY position`);
      return found.map(dynamicFromRow);
    })());
  }

  getDynamicPartitions(name: string, keys: string[]): Promise<S.DynamicPartitionKey[]> {
    const d = this.dialect;
    return this.read("getDynamicPartitions", (function* () {
      const valid = validateDynamicName(name);
      const list = validateDynamicKeys(valid, keys);
      if (list.length === 0) return [];
      const found = yield* rows<DynamicPartitionRow>(sql`SELECT partition_key, position, created_at FROM dynamic_partitions
        WHERE name = ${valid} AND ${d.inList("partition_key", list)} ORDER BY position`);
      return found.map(dynamicFromRow);
    })());
  }

  // Backfills ---------------------------------------------------------------------------

  createBackfill(input: S.NewBackfill): Promise<BackfillRecord> {
    const d = this.dialect;
    return this.write("createBackfill", (function* () {
      const { backfillId, request } = validateNewBackfill(input);
      const now = Date.now();
      try {
        const row = yield* first<BackfillRow>(sql`INSERT INTO backfills (backfill_id, status, request, plan, progress, counts, error, created_at, updated_at, ended_at)
          VALUES (${backfillId}, 'REQUESTED', ${d.json(request)}, NULL, ${d.json([])}, ${d.json(emptyBackfillCounts())}, NULL, ${now}, ${now}, NULL) RETURNING *`);
        return backfillFromRow(row!);
      } catch (error) {
        if (d.isUniqueViolation(error, "backfills_backfill_id_key")) throw new StorageInputError(`backfill ${JSON.stringify(backfillId)}`, "a backfill with this id already exists");
        throw error;
      }
    })(), { oneStatement: true });
  }

  getBackfill(backfillId: string): Promise<BackfillRecord | null> {
    return this.read("getBackfill", (function* () {
      validateId(backfillId, "backfill id");
      const row = yield* first<BackfillRow>(sql`SELECT * FROM backfills WHERE backfill_id = ${backfillId}`);
      return row === undefined ? null : backfillFromRow(row);
    })());
  }

  listBackfills(filter?: S.BackfillFilter, page?: S.PageRequest): Promise<S.Page<BackfillRecord>> {
    const d = this.dialect;
    return this.read("listBackfills", (function* () {
      const valid = validateBackfillFilter(filter);
      const { limit, beforeId } = resolvePage("backfills", page);
      const where = [sql`id < ${beforeId ?? Number.MAX_SAFE_INTEGER}`];
      if (valid.statuses !== undefined) where.push(valid.statuses.length === 0 ? raw("1 = 0") : d.inList("status", valid.statuses));
      const found = yield* rows<BackfillRow>(sql`SELECT * FROM backfills WHERE ${joinSql(where, " AND ")} ORDER BY id DESC LIMIT ${limit + 1}`);
      return buildPage("backfills", found, limit, (row) => Number(row.id), backfillFromRow);
    })());
  }

  updateBackfill(backfillId: string, input: S.BackfillUpdate, options?: S.WriteOptions): Promise<BackfillRecord | null> {
    const d = this.dialect;
    return this.write("updateBackfill", (function* () {
      validateId(backfillId, "backfill id");
      const update = validateBackfillUpdate(backfillId, input);
      yield* checkFence(d, options, "updateBackfill");
      const row = yield* first<BackfillRow>(sql`SELECT * FROM backfills WHERE backfill_id = ${backfillId}${d.lockForUpdate}`);
      if (row === undefined) return null;
      const current = backfillFromRow(row);
      if (isTerminalBackfillStatus(current.status)) return current;
      // An operator's cancel wins over a daemon's update read before it: from CANCELING only a
      // terminal status moves the backfill on.
      let status = update.status ?? current.status;
      if (current.status === "CANCELING" && !isTerminalBackfillStatus(status)) status = "CANCELING";
      const endedAt = update.endedAt !== undefined ? update.endedAt : isTerminalBackfillStatus(status) ? Date.now() : current.endedAt;
      const updated = yield* first<BackfillRow>(sql`UPDATE backfills SET status = ${status},
          plan = ${update.plan === undefined ? raw("plan") : update.plan === null ? null : d.json(update.plan)},
          progress = ${update.progress === undefined ? raw("progress") : d.json(update.progress)},
          counts = ${update.counts === undefined ? raw("counts") : d.json(update.counts)},
          error = ${update.error === undefined ? raw("error") : update.error},
          ended_at = ${endedAt},
          updated_at = ${d.greatest(raw("updated_at"), sql`${Date.now()}`)}
        WHERE backfill_id = ${backfillId} RETURNING *`);
      return backfillFromRow(updated!);
    })(), { fence: options?.fence ?? null });
  }

  requestBackfillCancel(backfillId: string): Promise<BackfillRecord | null> {
    const d = this.dialect;
    return this.write("requestBackfillCancel", (function* () {
      validateId(backfillId, "backfill id");
      const canceled = yield* first<BackfillRow>(sql`UPDATE backfills SET status = 'CANCELING', updated_at = ${d.greatest(raw("updated_at"), sql`${Date.now()}`)}
        WHERE backfill_id = ${backfillId} AND status IN ('REQUESTED', 'IN_PROGRESS') RETURNING *`);
      if (canceled !== undefined) return backfillFromRow(canceled);
      const row = yield* first<BackfillRow>(sql`SELECT * FROM backfills WHERE backfill_id = ${backfillId}`);
      return row === undefined ? null : backfillFromRow(row);
    })());
  }

  // Asset definitions and automation ---------------------------------------------------------

  putAssetDefinitions(entries: S.AssetDefinitionEntry[]): Promise<void> {
    const d = this.dialect;
    return this.write("putAssetDefinitions", (function* () {
      const valid = validateAssetDefinitions(entries);
      if (valid.length === 0) return;
      // A location loads far more often than its assets change: compare fingerprints, write the changes.
      const stored = yield* rows<{ asset_key: string; fingerprint: string }>(
        sql`SELECT asset_key, fingerprint FROM asset_definitions WHERE ${d.inList("asset_key", valid.map((e) => e.assetKey))}`,
      );
      const fingerprints = new Map(stored.map((row) => [row.asset_key, row.fingerprint]));
      const changed = valid.filter((entry) => fingerprints.get(entry.assetKey) !== entry.fingerprint);
      const now = Date.now();
      const columns = [["asset_key", "text"], ["deps", "text"], ["code_version", "text"], ["fingerprint", "text"]] as const;
      for (let i = 0; i < changed.length; i += DEFINITION_WRITE_CHUNK) {
        const chunk = changed.slice(i, i + DEFINITION_WRITE_CHUNK).map((e) => [e.assetKey, JSON.stringify(e.deps), e.codeVersion, e.fingerprint]);
        // `WHERE true` keeps SQLite from reading ON CONFLICT as a join clause of the SELECT.
        yield* execute(sql`INSERT INTO asset_definitions (asset_key, deps, code_version, fingerprint, updated_at)
          SELECT asset_key, ${d.jsonOf(raw("deps"))}, code_version, fingerprint, ${now} FROM ${d.tableOf("t", columns, chunk)} WHERE true
          ON CONFLICT (asset_key) DO UPDATE SET deps = excluded.deps, code_version = excluded.code_version,
            fingerprint = excluded.fingerprint, updated_at = excluded.updated_at`);
      }
    })());
  }

  getMaterializationsSince(assetKeys: string[], since: number, limit?: number): Promise<S.PartitionMaterialization[]> {
    const d = this.dialect;
    return this.read("getMaterializationsSince", (function* () {
      if (!Array.isArray(assetKeys)) throw new StorageInputError("asset keys of getMaterializationsSince", "must be an array of asset keys");
      const keys = [...new Set(validateKeyList(assetKeys, "asset keys of getMaterializationsSince"))];
      const after = validateEpochMs(since, "since of getMaterializationsSince");
      const max = validateSinceLimit(limit);
      if (keys.length === 0) return [];
      // Unpartitioned assets from asset_latest (its row of a partitioned asset is one of the
      // partitions below), partitions from asset_partitions through its timestamp index (what
      // changed since the previous tick is few rows; every partition of the listed assets is not);
      // each read stops at `max`.
      const unpartitioned = yield* rows<{ asset_key: string; run_id: string; timestamp: number | string }>(
        sql`SELECT asset_key, run_id, "timestamp" FROM asset_latest WHERE "timestamp" > ${after} AND "partition" IS NULL AND ${d.inList("asset_key", keys)}
          ORDER BY "timestamp", asset_key${d.byteOrder} LIMIT ${max}`,
      );
      const partitions = yield* rows<{ asset_key: string; partition: string; run_id: string; timestamp: number | string }>(
        sql`SELECT asset_key, "partition", run_id, "timestamp" FROM asset_partitions WHERE "timestamp" > ${after} AND ${d.inList(d.unindexed("asset_key"), keys)}
          ORDER BY "timestamp", asset_key${d.byteOrder}, "partition"${d.byteOrder} LIMIT ${max}`,
      );
      const found: S.PartitionMaterialization[] = [
        ...unpartitioned.map((row) => ({ assetKey: row.asset_key, partition: null, timestamp: Number(row.timestamp), runId: row.run_id })),
        ...partitions.map((row) => ({ assetKey: row.asset_key, partition: row.partition, timestamp: Number(row.timestamp), runId: row.run_id })),
      ];
      const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
      found.sort((a, b) => a.timestamp - b.timestamp || byBytes(a.assetKey, b.assetKey) || byBytes(a.partition ?? "", b.partition ?? ""));
      return found.slice(0, max);
    })());
  }

  getAutomationCursor(): Promise<string | null> {
    return this.read("getAutomationCursor", (function* () {
      const row = yield* first<{ cursor: string }>(sql`SELECT cursor FROM automation_cursor WHERE id = 1`);
      return row === undefined ? null : row.cursor;
    })());
  }

  recordAutomationTick(tickId: number, decision: S.AutomationTickDecision, options?: S.WriteOptions): Promise<void> {
    const d = this.dialect;
    return this.write("recordAutomationTick", (function* () {
      validateStorageId(tickId, "tick id");
      const valid = validateTickDecision(tickId, decision);
      yield* checkFence(d, options, "recordAutomationTick");
      const tick = yield* first<{ instigator_id: string }>(sql`SELECT instigator_id FROM ticks WHERE id = ${tickId}`);
      if (tick === undefined) throw new StorageInputError(`tick ${tickId}`, "no such tick: create the automation tick before recording its decision");
      if (!isAutomationInstigatorId(tick.instigator_id)) {
        throw new StorageInputError(`tick ${tickId}`, `is a tick of ${JSON.stringify(tick.instigator_id)}, not of the automation loop`);
      }
      const now = Date.now();
      // One decision per tick: its planned runs are launched by run key, so a second, different
      // plan for the same tick could launch runs the first did not intend.
      const planned = yield* execute(sql`INSERT INTO automation_tick_plans (tick_id, planned_runs, created_at) VALUES (${tickId}, ${d.json(valid.plannedRuns)}, ${now})
        ON CONFLICT (tick_id) DO NOTHING`);
      if (planned === 0) {
        throw new StorageInputError(`tick ${tickId}`, "already recorded its decision: finish its plan (getAutomationTickPlan) instead of recording it again");
      }
      const columns = [["asset_key", "text"], ["evaluated_at", "int"], ["requested_count", "int"], ["evaluation", "text"]] as const;
      let chunk: Array<[string, number, number, string]> = [];
      let chunkBytes = 0;
      const flush = function* (): Operation<void> {
        if (chunk.length === 0) return;
        yield* execute(sql`INSERT INTO automation_evaluations (tick_id, asset_key, evaluated_at, requested_count, evaluation)
          SELECT ${tickId}, asset_key, evaluated_at, requested_count, ${d.jsonOf(raw("evaluation"))} FROM ${d.tableOf("t", columns, chunk)} WHERE true`);
        chunk = [];
        chunkBytes = 0;
      };
      for (const e of valid.evaluations) {
        // JSONB refuses NUL; an explanation's text loses nothing by it becoming U+FFFD (both backends alike).
        const json = e.json.includes("\\u0000") ? e.json.replaceAll("\\u0000", "\\ufffd") : e.json;
        chunk.push([e.assetKey, e.evaluatedAt, e.requestedCount, json]);
        chunkBytes += json.length;
        if (chunk.length >= EVALUATION_WRITE_CHUNK || chunkBytes >= EVALUATION_WRITE_CHUNK_CHARS) yield* flush();
      }
      yield* flush();
      if (valid.evaluations.length > 0) {
        yield* execute(sql`INSERT INTO automation_latest_evaluations (asset_key, evaluation_id, tick_id)
          SELECT asset_key, id, tick_id FROM automation_evaluations WHERE tick_id = ${tickId}
          ON CONFLICT (asset_key) DO UPDATE SET evaluation_id = excluded.evaluation_id, tick_id = excluded.tick_id
          WHERE automation_latest_evaluations.evaluation_id < excluded.evaluation_id`);
      }
      yield* execute(sql`INSERT INTO automation_cursor (id, cursor, tick_id, updated_at) VALUES (1, ${valid.cursor}, ${tickId}, ${now})
        ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, tick_id = excluded.tick_id, updated_at = excluded.updated_at`);
    })(), { fence: options?.fence ?? null });
  }

  getAutomationTickPlan(tickId: number): Promise<NewRun[] | null> {
    return this.read("getAutomationTickPlan", (function* () {
      validateStorageId(tickId, "tick id");
      const row = yield* first<{ planned_runs: unknown }>(sql`SELECT planned_runs FROM automation_tick_plans WHERE tick_id = ${tickId}`);
      return row === undefined ? null : fromJson<NewRun[]>(row.planned_runs);
    })());
  }

  getLatestAutomationEvaluations(assetKeys?: string[]): Promise<AutomationAssetEvaluation[]> {
    const d = this.dialect;
    return this.read("getLatestAutomationEvaluations", (function* () {
      const keys = validateKeyList(assetKeys, "asset keys");
      if (keys?.length === 0) return [];
      const where = keys === undefined ? raw("") : sql` WHERE ${d.inList("l.asset_key", keys)}`;
      const found = yield* rows<{ evaluation: unknown }>(sql`SELECT e.evaluation FROM automation_latest_evaluations l
        JOIN automation_evaluations e ON e.id = l.evaluation_id${where} ORDER BY l.asset_key${d.byteOrder}`);
      return found.map((row) => evaluationFromColumn(row.evaluation));
    })());
  }

  listAutomationEvaluations(assetKey: string, page?: S.PageRequest): Promise<S.Page<AutomationAssetEvaluation>> {
    return this.read("listAutomationEvaluations", (function* () {
      validateId(assetKey, "asset key");
      const { limit, beforeId } = resolvePage("evaluations", page);
      const found = yield* rows<{ id: number | string; evaluation: unknown }>(sql`SELECT id, evaluation FROM automation_evaluations
        WHERE asset_key = ${assetKey} AND id < ${beforeId ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC LIMIT ${limit + 1}`);
      return buildPage("evaluations", found, limit, (row) => Number(row.id), (row) => evaluationFromColumn(row.evaluation));
    })());
  }

  getAutomationEvaluationsOfTick(tickId: number): Promise<AutomationAssetEvaluation[]> {
    const d = this.dialect;
    return this.read("getAutomationEvaluationsOfTick", (function* () {
      validateStorageId(tickId, "tick id");
      const found = yield* rows<{ evaluation: unknown }>(sql`SELECT evaluation FROM automation_evaluations WHERE tick_id = ${tickId} ORDER BY asset_key${d.byteOrder}`);
      return found.map((row) => evaluationFromColumn(row.evaluation));
    })());
  }

  // Instigators and ticks -----------------------------------------------------------------------

  getInstigatorState(id: string): Promise<S.InstigatorState | null> {
    return this.read("getInstigatorState", (function* () {
      validateId(id, "instigator id");
      const row = yield* first<InstigatorRow>(sql`SELECT * FROM instigators WHERE id = ${id}`);
      return row === undefined ? null : instigatorFromRow(row);
    })());
  }

  listInstigatorStates(kind?: S.InstigatorKind): Promise<S.InstigatorState[]> {
    const d = this.dialect;
    return this.read("listInstigatorStates", (function* () {
      validateInstigatorKind(kind);
      const where = kind === undefined ? raw("") : sql` WHERE kind = ${kind}`;
      return (yield* rows<InstigatorRow>(sql`SELECT * FROM instigators${where} ORDER BY id${d.byteOrder}`)).map(instigatorFromRow);
    })());
  }

  upsertInstigatorState(input: Omit<S.InstigatorState, "updatedAt">, options?: S.WriteOptions): Promise<S.InstigatorState> {
    const d = this.dialect;
    return this.write("upsertInstigatorState", (function* () {
      const state = validateInstigatorState(input);
      yield* checkFence(d, options, "upsertInstigatorState");
      const row = yield* first<InstigatorRow>(sql`INSERT INTO instigators (id, kind, status, cursor, started_at, updated_at)
        VALUES (${state.id}, ${state.kind}, ${state.status}, ${state.cursor}, ${state.startedAt}, ${Date.now()})
        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, cursor = excluded.cursor,
          started_at = excluded.started_at, updated_at = excluded.updated_at
        RETURNING *`);
      return instigatorFromRow(row!);
    })(), { fence: options?.fence ?? null, oneStatement: true });
  }

  createTick(instigatorId: string, tickTime: number, options?: S.WriteOptions): Promise<S.Tick> {
    const d = this.dialect;
    return this.write("createTick", (function* () {
      validateId(instigatorId, "instigator id");
      validateEpochMs(tickTime, `tick time of ${instigatorId}`);
      yield* checkFence(d, options, "createTick");
      const now = Date.now();
      const row = yield* first<TickRow>(sql`INSERT INTO ticks (instigator_id, status, tick_time, run_ids, skip_reason, error, cursor, created_at, updated_at)
        VALUES (${instigatorId}, 'STARTED', ${tickTime}, '[]', NULL, NULL, NULL, ${now}, ${now}) RETURNING *`);
      return tickFromRow(row!);
    })(), { fence: options?.fence ?? null, oneStatement: true });
  }

  updateTick(tickId: number, input: S.TickUpdate, options?: S.WriteOptions): Promise<S.Tick> {
    const d = this.dialect;
    return this.write("updateTick", (function* () {
      const update = validateTickUpdate(tickId, input);
      yield* checkFence(d, options, "updateTick");
      // A flag per column keeps "not given" (keep the value) apart from "given as null" (clear it).
      const keep = (given: boolean, value: unknown, column: string): Sql => sql`CASE WHEN ${given} THEN ${value} ELSE ${raw(column)} END`;
      const row = yield* first<TickRow>(sql`UPDATE ticks SET status = ${update.status},
          run_ids = ${keep(update.runIds !== undefined, update.runIds === undefined ? null : d.json(update.runIds), "run_ids")},
          skip_reason = ${keep(update.skipReason !== undefined, update.skipReason ?? null, "skip_reason")},
          error = ${keep(update.error !== undefined, update.error ?? null, "error")},
          cursor = ${keep(update.cursor !== undefined, update.cursor ?? null, "cursor")},
          updated_at = ${d.greatest(raw("updated_at"), sql`${Date.now()}`)}
        WHERE id = ${tickId} RETURNING *`);
      if (row === undefined) throw new StorageInputError(`tick ${tickId}`, "no such tick");
      return tickFromRow(row);
    })(), { fence: options?.fence ?? null, oneStatement: true });
  }

  listTicks(instigatorId: string, page?: S.PageRequest): Promise<S.Page<S.Tick>> {
    return this.read("listTicks", (function* () {
      validateId(instigatorId, "instigator id");
      const { limit, beforeId } = resolvePage("ticks", page);
      const found = yield* rows<TickRow>(sql`SELECT * FROM ticks WHERE instigator_id = ${instigatorId} AND id < ${beforeId ?? Number.MAX_SAFE_INTEGER} ORDER BY id DESC LIMIT ${limit + 1}`);
      return buildPage("ticks", found, limit, (row) => row.id, tickFromRow);
    })());
  }

  getTick(tickId: number): Promise<S.Tick | null> {
    return this.read("getTick", (function* () {
      validateStorageId(tickId, "tick id");
      const row = yield* first<TickRow>(sql`SELECT * FROM ticks WHERE id = ${tickId}`);
      return row === undefined ? null : tickFromRow(row);
    })());
  }

  // Leases ------------------------------------------------------------------------------
  // Expiry is judged by the database clock, which every process sharing the database agrees on.

  acquireLease(name: string, holder: string, ttlMs: number): Promise<S.Lease | null> {
    const now = this.dialect.nowMs;
    return this.write("acquireLease", (function* () {
      validateLeaseArgs(name, holder, ttlMs);
      // One statement: the conflict's row lock makes take / renew / refuse atomic.
      const row = yield* first<LeaseRow>(sql`INSERT INTO leases (name, holder, fencing_token, expires_at) VALUES (${name}, ${holder}, 1, ${now} + ${ttlMs})
        ON CONFLICT (name) DO UPDATE SET
          fencing_token = CASE WHEN leases.holder = excluded.holder AND leases.expires_at > ${now}
                               THEN leases.fencing_token ELSE leases.fencing_token + 1 END,
          holder = excluded.holder,
          expires_at = excluded.expires_at
        WHERE leases.holder = excluded.holder OR leases.expires_at <= ${now}
        RETURNING *`);
      return row === undefined ? null : leaseFromRow(row);
    })(), { oneStatement: true });
  }

  releaseLease(name: string, holder: string): Promise<void> {
    const d = this.dialect;
    return this.write("releaseLease", (function* () {
      validateId(name, "lease name");
      validateId(holder, `holder of lease ${JSON.stringify(name)}`);
      // Expire rather than delete: the fencing token must keep increasing across holders.
      yield* execute(sql`UPDATE leases SET expires_at = ${d.least(raw("expires_at"), d.nowMs)} WHERE name = ${name} AND holder = ${holder}`);
    })(), { oneStatement: true });
  }

  getLease(name: string): Promise<S.Lease | null> {
    const now = this.dialect.nowMs;
    return this.read("getLease", (function* () {
      validateId(name, "lease name");
      const row = yield* first<LeaseRow>(sql`SELECT * FROM leases WHERE name = ${name} AND expires_at > ${now}`);
      return row === undefined ? null : leaseFromRow(row);
    })());
  }
}

interface DynamicPartitionRow {
  partition_key: string;
  position: number | string;
  created_at: number | string;
}

function dynamicFromRow(row: DynamicPartitionRow): S.DynamicPartitionKey {
  return { key: row.partition_key, index: Number(row.position), createdAt: Number(row.created_at) };
}
