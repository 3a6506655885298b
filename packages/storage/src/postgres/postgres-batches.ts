/**
 * PostgreSQL batch statements for the daemon: many scheduled runs, or many claims, in one
 * transaction of multi-row statements (unnest of column arrays: a fixed number of parameters
 * whatever the batch size), so the round trips do not grow with the batch: 500 ticks cost about
 * what one tick's statements cost.
 */
import type pg from "pg";
import { StorageError, type RunRecord } from "@flyt/core";
import { assertFenceHolds } from "../shared/fence.js";
import { StorageInputError } from "../errors.js";
import type { PreparedScheduledRun } from "../shared/batches.js";
import { eventColumns } from "../shared/derive.js";
import { RUN_INSERT_COLUMNS } from "../shared/runs.js";
import { runFromRow, tickFromRow, type RunRow, type TickRow } from "../shared/rows.js";
import type { Fence, ScheduledRunResult } from "../storage.js";

const UNIQUE_VIOLATION = "23505";

/** JSONB rejects the NUL character; captured text can contain it, so it becomes U+FFFD. */
function json(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes("\\u0000") ? text.replaceAll("\\u0000", "\\ufffd") : text;
}

export async function selectRuns(db: pg.Pool | pg.PoolClient, runIds: string[]): Promise<RunRecord[]> {
  if (runIds.length === 0) return [];
  const result = await db.query<RunRow>("SELECT * FROM runs WHERE run_id = ANY($1::text[])", [runIds]);
  const byId = new Map(result.rows.map((row) => [row.run_id, row]));
  return runIds.flatMap((id) => {
    const row = byId.get(id);
    return row === undefined ? [] : [runFromRow(row)];
  });
}

export async function insertScheduledRuns(
  client: pg.PoolClient,
  items: PreparedScheduledRun[],
  now: number,
  channel: string,
): Promise<ScheduledRunResult[]> {
  const records = items.map((i) => i.record);
  let insertedIds: Set<string>;
  try {
    const inserted = await client.query<{ run_id: string }>(
      `INSERT INTO runs (${RUN_INSERT_COLUMNS})
       SELECT run_id, status, selection, asset_keys::jsonb, step_keys::jsonb, partition_key, tags::jsonb, origin, parent_run_id,
         root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[])
         WITH ORDINALITY AS t(run_id, status, selection, asset_keys, step_keys, partition_key, tags, origin, parent_run_id,
           root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at, n)
       ORDER BY n
       ON CONFLICT (instigator, run_key) WHERE run_key IS NOT NULL DO NOTHING RETURNING run_id`,
      [
        records.map((r) => r.runId),
        records.map((r) => r.status),
        records.map((r) => r.selection),
        records.map((r) => json(r.assetKeys)),
        records.map((r) => (r.stepKeys === null ? null : json(r.stepKeys))),
        records.map((r) => r.partitionKey),
        records.map((r) => json(r.tags)),
        records.map((r) => r.origin),
        records.map((r) => r.parentRunId),
        records.map((r) => r.rootRunId),
        records.map((r) => r.location),
        records.map((r) => r.instigator),
        records.map((r) => r.runKey),
        records.map((r) => r.createdAt),
        records.map((r) => r.updatedAt),
        records.map((r) => r.startedAt),
        records.map((r) => r.endedAt),
      ],
    );
    insertedIds = new Set(inserted.rows.map((row) => row.run_id));
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new StorageInputError("scheduled runs", "a run with one of these run ids already exists", { cause: error });
    }
    throw error;
  }
  const created = records.filter((r) => insertedIds.has(r.runId));

  // Items whose run key was taken (before this batch, or earlier in it) report the existing run.
  const existing = new Map<string, RunRecord>();
  const missing = records.filter((r) => !insertedIds.has(r.runId));
  if (missing.length > 0) {
    const rows = await client.query<RunRow>(
      `SELECT runs.* FROM runs JOIN unnest($1::text[], $2::text[]) AS k(instigator, run_key)
         ON runs.instigator = k.instigator AND runs.run_key = k.run_key`,
      [missing.map((r) => r.instigator), missing.map((r) => r.runKey)],
    );
    for (const row of rows.rows) existing.set(`${row.instigator ?? ""}\u0000${row.run_key ?? ""}`, runFromRow(row));
  }

  if (created.length > 0) {
    const tagRows = created.flatMap((r) => Object.entries(r.tags).map(([k, v]) => [r.runId, k, v] as const));
    if (tagRows.length > 0) {
      await client.query("INSERT INTO run_tags (run_id, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])", [
        tagRows.map((t) => t[0]),
        tagRows.map((t) => t[1]),
        tagRows.map((t) => t[2]),
      ]);
    }
    const assetRows = created.flatMap((r) => r.assetKeys.map((k) => [r.runId, k] as const));
    if (assetRows.length > 0) {
      await client.query(
        "INSERT INTO run_assets (run_id, asset_key) SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
        [assetRows.map((a) => a[0]), assetRows.map((a) => a[1])],
      );
    }
    const events = items.filter((i) => insertedIds.has(i.record.runId)).map((i) => i.event);
    await client.query(
      `INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
       SELECT run_id, NULL, ts, NULL, type, asset_key, part, body::jsonb
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
         AS t(run_id, ts, type, asset_key, part, body, n)
       ORDER BY n`,
      [
        events.map((e) => e.runId),
        events.map((e) => e.timestamp),
        events.map((e) => e.body.type),
        events.map((e) => eventColumns(e.body).assetKey),
        events.map((e) => eventColumns(e.body).partition),
        events.map((e) => json(e.body)),
      ],
    );
    await client.query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS t(p)", [channel, created.map((r) => `${r.status} ${r.runId}`)]);
  }

  const runs = items.map((item) => {
    if (insertedIds.has(item.record.runId)) return { run: item.record, created: true };
    const run = existing.get(`${item.record.instigator ?? ""}\u0000${item.record.runKey ?? ""}`);
    if (run === undefined) throw new StorageError(`createScheduledRuns: run key conflict for ${item.record.runKey} but no run found`);
    return { run, created: false };
  });

  const ticks = await client.query<TickRow>(
    `INSERT INTO ticks (instigator_id, status, tick_time, run_ids, skip_reason, error, cursor, created_at, updated_at)
     SELECT instigator_id, 'SUCCESS', tick_time, run_ids::jsonb, NULL, NULL, NULL, $4, $4
     FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY AS t(instigator_id, tick_time, run_ids, n)
     ORDER BY n RETURNING *`,
    [items.map((i) => i.instigatorId), items.map((i) => i.tickTime), runs.map((r) => JSON.stringify([r.run.runId])), now],
  );
  // Ids follow the ORDER BY, so sorting the returned rows by id gives item order.
  const tickRows = [...ticks.rows].sort((a, b) => Number(a.id) - Number(b.id));
  return runs.map((r, i) => ({ ...r, tick: tickFromRow(tickRows[i]!) }));
}

/**
 * Inside a write's transaction: locks the lease row FOR SHARE (a takeover's UPDATE of it waits
 * until this transaction ends) and refuses the write unless the fence still holds.
 */
export async function checkFence(client: pg.PoolClient, fence: Fence, what: string): Promise<void> {
  const result = await client.query<{ holder: string; fencing_token: string | number }>(
    "SELECT holder, fencing_token FROM leases WHERE name = $1 FOR SHARE",
    [fence.leaseName],
  );
  assertFenceHolds(fence, result.rows[0], what);
}

export async function claimRuns(
  db: pg.Pool | pg.PoolClient,
  runIds: string[],
  now: number,
  channel: string,
  fence: Fence | null = null,
): Promise<RunRecord[]> {
  if (runIds.length === 0) return [];
  if (fence !== null) return claimRunsFenced(db, runIds, now, channel, fence);
  // One statement, atomic on its own: the WHERE on status makes the UPDATE a compare-and-set per
  // run (of two daemons, one gets each row); the RUN_STARTING events and notifications are
  // written only for the rows it returned.
  const claimed = await db.query<RunRow>({
    name: "flyt_claim_runs",
    text: `WITH c AS (
        UPDATE runs SET status = 'STARTING', updated_at = GREATEST(updated_at, $1)
        WHERE run_id = ANY($2::text[]) AND status = 'QUEUED' RETURNING *
      ), ev AS (
        INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
        SELECT c.run_id, NULL, $1, NULL, 'RUN_STARTING', NULL, NULL, $3::jsonb FROM c ORDER BY array_position($2::text[], c.run_id)
      )
      SELECT c.*, pg_notify($4::text, 'STARTING ' || c.run_id) AS notified FROM c`,
    values: [now, runIds, JSON.stringify({ type: "RUN_STARTING" }), channel],
  });
  if (claimed.rows.length === 0) return [];
  const byId = new Map(claimed.rows.map((row) => [row.run_id, row]));
  return runIds.filter((id) => byId.has(id)).map((id) => runFromRow(byId.get(id)!));
}

/**
 * The daemon leader's claim: still one statement (the queue's hot path), with the fence as a CTE
 * that locks the lease row FOR SHARE; the UPDATE claims nothing unless it matched. An empty answer
 * is then told apart — nothing was QUEUED, or the fence failed — by reading the lease once.
 */
async function claimRunsFenced(db: pg.Pool | pg.PoolClient, runIds: string[], now: number, channel: string, fence: Fence): Promise<RunRecord[]> {
  const claimed = await db.query<RunRow>({
    name: "flyt_claim_runs_fenced",
    text: `WITH f AS (
        SELECT 1 FROM leases WHERE name = $5 AND holder = $6 AND fencing_token = $7 FOR SHARE
      ), c AS (
        UPDATE runs SET status = 'STARTING', updated_at = GREATEST(updated_at, $1), claim_token = $7
        WHERE run_id = ANY($2::text[]) AND status = 'QUEUED' AND EXISTS (SELECT 1 FROM f) RETURNING *
      ), ev AS (
        INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body)
        SELECT c.run_id, NULL, $1, NULL, 'RUN_STARTING', NULL, NULL, $3::jsonb FROM c ORDER BY array_position($2::text[], c.run_id)
      )
      SELECT c.*, pg_notify($4::text, 'STARTING ' || c.run_id) AS notified FROM c`,
    values: [now, runIds, JSON.stringify({ type: "RUN_STARTING" }), channel, fence.leaseName, fence.holder, fence.fencingToken],
  });
  if (claimed.rows.length === 0) {
    const lease = await db.query<{ holder: string; fencing_token: string | number }>("SELECT holder, fencing_token FROM leases WHERE name = $1", [fence.leaseName]);
    assertFenceHolds(fence, lease.rows[0], "claimQueuedRuns");
    return [];
  }
  const byId = new Map(claimed.rows.map((row) => [row.run_id, row]));
  return runIds.filter((id) => byId.has(id)).map((id) => runFromRow(byId.get(id)!));
}
