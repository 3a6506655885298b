/**
 * Partition status kept on write, and dynamic partitions, written once for every backend as
 * operations (core/unit-of-work.ts): the core's `Storage` methods run them, and each backend's
 * hand-tuned `appendEvents` runs `applyPartitionEffects` inside its own transaction, after the
 * insert and the asset index (docs/decisions/0021, docs/storage.md#partition-status).
 *
 * Locking (PostgreSQL; SQLite's BEGIN IMMEDIATE serializes every write): a writer of an asset's
 * bitmaps holds the asset's `partitions_definitions` row FOR UPDATE, and a writer of a dynamic
 * name's keys or live bitmap holds its `dynamic_partition_sets` row FOR UPDATE; bitmaps are then
 * read, changed in memory and written back whole. Locks are always taken set rows first, then
 * definition rows, each kind in key order, so two writers never wait on each other in a cycle.
 */
import {
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  type PartitionsSnapshot,
} from "@flyt/core";
import { partitionKeySpace, rangeOf, rangesOf, type PartitionKeySpace } from "@flyt/partitions";
import { StorageInputError } from "../errors.js";
import {
  BUCKET_BYTES,
  bucketsOfRange,
  intervalsOfBuckets,
  intervalsOfPositions,
  setBucketRange,
  subtractPositions,
} from "../shared/bitmap.js";
import type { InsertedEvent } from "../shared/derive.js";
import { snapshotFromColumn, validateDynamicKeys, type ValidDefinition } from "../shared/partitions.js";
import { fromJson } from "../shared/rows.js";
import type { DynamicPartitionsChange } from "../storage.js";
import type { Dialect } from "./dialect.js";
import { raw, sql } from "./sql.js";
import { execute, rows, type Operation } from "./unit-of-work.js";

/**
 * How far ahead of the clock a time-window key space reaches when storage places a key. A
 * partition exists once its window has ended, and a run may be launched for it the moment it
 * does, by a process whose clock runs ahead of this one's; a key of a window that has not ended
 * (a run given it explicitly) is placed too, since it was materialized. So the space is made with
 * `now` a year and two days ahead: the current window of every cadence resolves, yearly included.
 * Status readers count only positions below their own key space's `count`.
 */
export const KEY_SPACE_HORIZON_MS = 367 * 24 * 3600_000;
/** A cached key space is remade after this long, so its horizon stays ahead of the clock. */
const KEY_SPACE_REFRESH_MS = 3600_000;
/** Rows per multi-row write of bitmaps (one statement per this many buckets). */
const WRITE_CHUNK = 500;

export type PartitionStatusKind = "MATERIALIZED" | "FAILED";

/** A registered definition, ready to place keys: static and time-window ones have a key space. */
export interface PlacedDefinition {
  assetKey: string;
  fingerprint: string;
  snapshot: PartitionsSnapshot;
  /** null for dynamic partitions: their positions are read from `dynamic_partitions`. */
  space: PartitionKeySpace | null;
  dynamicName: string | null;
  builtAt: number;
}

/**
 * The key space of a static or time-window snapshot, `KEY_SPACE_HORIZON_MS` ahead of `now`;
 * null for dynamic partitions. @throws what `partitionKeySpace` throws for a bad snapshot.
 */
export function keySpaceOf(snapshot: PartitionsSnapshot, now: number): PartitionKeySpace | null {
  return snapshot.kind === "dynamic" ? null : partitionKeySpace(snapshot, new Date(now + KEY_SPACE_HORIZON_MS));
}

/**
 * Parsed definitions per (asset, fingerprint), per storage instance: a batch reads only the
 * fingerprints in its transaction, and the snapshot (with its key space) only when it changed —
 * so another process's newer definition is honoured, and a million-key static list is parsed once.
 */
export class DefinitionCache {
  private readonly entries = new Map<string, PlacedDefinition>();

  /** The cached definition of `assetKey` if it has this fingerprint (its key space refreshed when old). */
  get(assetKey: string, fingerprint: string, now: number): PlacedDefinition | undefined {
    const entry = this.entries.get(assetKey);
    if (entry === undefined || entry.fingerprint !== fingerprint) return undefined;
    if (entry.space !== null && now - entry.builtAt > KEY_SPACE_REFRESH_MS) {
      const fresh = { ...entry, space: keySpaceOf(entry.snapshot, now), builtAt: now };
      this.entries.set(assetKey, fresh);
      return fresh;
    }
    return entry;
  }

  /** The last definition seen of `assetKey`, whatever its fingerprint (to predict which locks a batch needs). */
  peek(assetKey: string): PlacedDefinition | undefined {
    return this.entries.get(assetKey);
  }

  put(assetKey: string, fingerprint: string, snapshot: PartitionsSnapshot, now: number): PlacedDefinition {
    const entry: PlacedDefinition = {
      assetKey,
      fingerprint,
      snapshot,
      space: keySpaceOf(snapshot, now),
      dynamicName: snapshot.kind === "dynamic" ? snapshot.name : null,
      builtAt: now,
    };
    if (this.entries.size > 100_000) this.entries.clear();
    this.entries.set(assetKey, entry);
    return entry;
  }

  delete(assetKey: string): void {
    this.entries.delete(assetKey);
  }
}

// Bitmaps --------------------------------------------------------------------------------

/** A bitmap table: its name and the columns that key one bitmap (the bucket comes after them). */
interface BitmapTable {
  table: string;
  keyColumns: readonly string[];
}

const STATUS_BITMAPS: BitmapTable = { table: "partition_status_bitmaps", keyColumns: ["asset_key", "status"] };
const LIVE_BITMAPS: BitmapTable = { table: "dynamic_partition_bitmaps", keyColumns: ["name"] };

/** Set (`value` true) or clear the positions of `intervals` in the bitmap keyed by `key`. */
export interface BitOp {
  key: readonly string[];
  value: boolean;
  intervals: ReadonlyArray<readonly [number, number]>;
}

interface BitmapRow {
  bucket: number | string;
  bits: Uint8Array;
  [column: string]: unknown;
}

function cellId(key: readonly string[], bucket: number): string {
  return `${key.join("\u0000")}\u0000${bucket}`;
}

/** A stored bucket as a fresh 512-byte array (a short or long value is cut or padded, never trusted). */
function bucketBytes(value: Uint8Array): Uint8Array {
  const out = new Uint8Array(BUCKET_BYTES);
  out.set(value.subarray(0, BUCKET_BYTES));
  return out;
}

/**
 * Applies `ops` in order to the bitmaps of `table`: reads the buckets they touch (one statement),
 * changes them in memory, and writes back the changed ones. Clearing never creates a bucket.
 * The caller holds the lock that guards these bitmaps (see the module comment).
 */
function* applyBitOps(d: Dialect, table: BitmapTable, ops: readonly BitOp[]): Operation<void> {
  if (ops.length === 0) return;
  const firstKeys = new Set<string>();
  const buckets = new Set<number>();
  for (const op of ops) {
    firstKeys.add(op.key[0]!);
    for (const [start, end] of op.intervals) for (const b of bucketsOfRange(start, end)) buckets.add(b);
  }
  if (buckets.size === 0) return;
  const keyList = table.keyColumns.join(", ");
  const found = yield* rows<BitmapRow>(sql`SELECT ${raw(keyList)}, bucket, bits FROM ${raw(table.table)}
    WHERE ${d.inList(table.keyColumns[0]!, [...firstKeys])} AND ${d.inIntList("bucket", [...buckets])}`);
  const cells = new Map<string, { key: readonly string[]; bucket: number; bits: Uint8Array }>();
  for (const row of found) {
    const key = table.keyColumns.map((column) => String(row[column]));
    const bucket = Number(row.bucket);
    cells.set(cellId(key, bucket), { key, bucket, bits: bucketBytes(row.bits) });
  }
  const dirty = new Set<string>();
  for (const op of ops) {
    for (const [start, end] of op.intervals) {
      for (const bucket of bucketsOfRange(start, end)) {
        const id = cellId(op.key, bucket);
        let cell = cells.get(id);
        if (cell === undefined) {
          if (!op.value) continue;
          cell = { key: op.key, bucket, bits: new Uint8Array(BUCKET_BYTES) };
          cells.set(id, cell);
        }
        if (setBucketRange(cell.bits, bucket, start, end, op.value)) dirty.add(id);
      }
    }
  }
  yield* writeBuckets(d, table, [...dirty].map((id) => cells.get(id)!));
}

/** Upserts whole buckets, a chunk of rows per statement. */
function* writeBuckets(d: Dialect, table: BitmapTable, cells: ReadonlyArray<{ key: readonly string[]; bucket: number; bits: Uint8Array }>): Operation<void> {
  const columns = [...table.keyColumns.map((name) => [name, "text"] as const), ["bucket", "int"] as const, ["bits", "bytes"] as const];
  const names = columns.map(([name]) => name).join(", ");
  const conflict = [...table.keyColumns, "bucket"].join(", ");
  for (let i = 0; i < cells.length; i += WRITE_CHUNK) {
    const chunk = cells.slice(i, i + WRITE_CHUNK).map((cell) => [...cell.key, cell.bucket, cell.bits]);
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join clause of the SELECT.
    yield* execute(sql`INSERT INTO ${raw(table.table)} (${raw(names)}) SELECT ${raw(names)} FROM ${d.tableOf("t", columns, chunk)} WHERE true
      ON CONFLICT (${raw(conflict)}) DO UPDATE SET bits = excluded.bits`);
  }
}

/** The set bits of one bitmap as half-open intervals (reads its rows in bucket order). */
function* readIntervals(d: Dialect, table: BitmapTable, key: readonly string[]): Operation<Array<[number, number]>> {
  const where = table.keyColumns.map((column, i) => sql`${raw(column)} = ${key[i]}`);
  const found = yield* rows<BitmapRow>(sql`SELECT bucket, bits FROM ${raw(table.table)} WHERE ${where.reduce((a, b) => sql`${a} AND ${b}`)} ORDER BY bucket`);
  return intervalsOfBuckets(found.map((row) => ({ bucket: Number(row.bucket), bits: row.bits })));
}

/** Both statuses of an asset as intervals, from one read of its rows. */
export function* readStatusIntervals(assetKey: string): Operation<Record<PartitionStatusKind, Array<[number, number]>>> {
  const found = yield* rows<BitmapRow & { status: string }>(
    sql`SELECT status, bucket, bits FROM partition_status_bitmaps WHERE asset_key = ${assetKey} ORDER BY status, bucket`,
  );
  const of = (status: PartitionStatusKind) =>
    intervalsOfBuckets(found.filter((row) => row.status === status).map((row) => ({ bucket: Number(row.bucket), bits: row.bits })));
  return { MATERIALIZED: of("MATERIALIZED"), FAILED: of("FAILED") };
}

/** Both statuses of many assets as intervals, by asset key, from one read of their rows. */
export function* readStatusIntervalsOf(d: Dialect, assetKeys: readonly string[]): Operation<Map<string, Record<PartitionStatusKind, Array<[number, number]>>>> {
  const out = new Map<string, Record<PartitionStatusKind, Array<[number, number]>>>();
  if (assetKeys.length === 0) return out;
  const found = yield* rows<BitmapRow & { asset_key: string; status: string }>(
    sql`SELECT asset_key, status, bucket, bits FROM partition_status_bitmaps WHERE ${d.inList("asset_key", assetKeys)} ORDER BY asset_key, status, bucket`,
  );
  const grouped = new Map<string, { MATERIALIZED: Array<{ bucket: number; bits: BitmapRow["bits"] }>; FAILED: Array<{ bucket: number; bits: BitmapRow["bits"] }> }>();
  for (const row of found) {
    let entry = grouped.get(row.asset_key);
    if (entry === undefined) grouped.set(row.asset_key, (entry = { MATERIALIZED: [], FAILED: [] }));
    if (row.status === "MATERIALIZED" || row.status === "FAILED") entry[row.status].push({ bucket: Number(row.bucket), bits: row.bits });
  }
  for (const [assetKey, entry] of grouped) out.set(assetKey, { MATERIALIZED: intervalsOfBuckets(entry.MATERIALIZED), FAILED: intervalsOfBuckets(entry.FAILED) });
  return out;
}

/** The live positions of dynamic partitions `name` as intervals. */
export function* readLiveIntervals(d: Dialect, name: string): Operation<Array<[number, number]>> {
  return yield* readIntervals(d, LIVE_BITMAPS, [name]);
}

// Locks and definitions ----------------------------------------------------------------------

export interface DynamicSetState {
  nextPosition: number;
  keyCount: number;
}

/**
 * Takes the rows of these dynamic partitions names, in name order, creating missing ones:
 * exclusively (`exclusive`, to change keys) or shared (to read positions while no one changes
 * them). Returns each locked name's state (a shared lock returns only names that exist).
 */
export function* lockDynamicSets(d: Dialect, names: Iterable<string>, exclusive: boolean): Operation<Map<string, DynamicSetState>> {
  const sorted = [...new Set(names)].sort();
  const out = new Map<string, DynamicSetState>();
  if (sorted.length === 0) return out;
  const found = exclusive
    ? yield* rows<{ name: string; next_position: number | string; key_count: number | string }>(sql`INSERT INTO dynamic_partition_sets (name, next_position, key_count)
        SELECT name, 0, 0 FROM ${d.tableOf("t", [["name", "text"]], sorted.map((name) => [name]))} WHERE true ORDER BY name
        ON CONFLICT (name) DO UPDATE SET next_position = dynamic_partition_sets.next_position
        RETURNING name, next_position, key_count`)
    : yield* rows<{ name: string; next_position: number | string; key_count: number | string }>(
        sql`SELECT name, next_position, key_count FROM dynamic_partition_sets WHERE ${d.inList("name", sorted)} ORDER BY name${d.lockForShare}`,
      );
  for (const row of found) out.set(row.name, { nextPosition: Number(row.next_position), keyCount: Number(row.key_count) });
  return out;
}

/**
 * Locks (FOR UPDATE, in key order) and reads the registered definitions of these assets; the
 * snapshot is read and parsed only when the cache does not have this fingerprint.
 */
function* lockDefinitions(d: Dialect, cache: DefinitionCache, assetKeys: Iterable<string>, now: number): Operation<Map<string, PlacedDefinition>> {
  const sorted = [...new Set(assetKeys)].sort();
  const out = new Map<string, PlacedDefinition>();
  if (sorted.length === 0) return out;
  const found = yield* rows<{ asset_key: string; fingerprint: string }>(
    sql`SELECT asset_key, fingerprint FROM partitions_definitions WHERE ${d.inList("asset_key", sorted)} ORDER BY asset_key${d.byteOrder}${d.lockForUpdate}`,
  );
  const misses: string[] = [];
  for (const row of found) {
    const cached = cache.get(row.asset_key, row.fingerprint, now);
    if (cached === undefined) misses.push(row.asset_key);
    else out.set(row.asset_key, cached);
  }
  if (misses.length > 0) {
    const snapshots = yield* rows<{ asset_key: string; fingerprint: string; snapshot: unknown }>(
      sql`SELECT asset_key, fingerprint, snapshot FROM partitions_definitions WHERE ${d.inList("asset_key", misses)}`,
    );
    for (const row of snapshots) {
      try {
        out.set(row.asset_key, cache.put(row.asset_key, row.fingerprint, snapshotFromColumn(row.snapshot), now));
      } catch {
        // A stored definition this version cannot read (validated when it was put): its keys are
        // not placed until the definition is registered again.
      }
    }
  }
  return out;
}

/** Positions of `keys` in a definition (keys that are not partitions of it are left out). */
function* positionsOf(d: Dialect, def: PlacedDefinition, keys: Iterable<string>): Operation<Map<string, number>> {
  const out = new Map<string, number>();
  if (def.space !== null) {
    for (const key of keys) {
      const index = def.space.indexOf(key);
      if (index >= 0) out.set(key, index);
    }
    return out;
  }
  const list = [...new Set(keys)];
  if (list.length === 0) return out;
  const found = yield* rows<{ partition_key: string; position: number | string }>(
    sql`SELECT partition_key, position FROM dynamic_partitions WHERE name = ${def.dynamicName} AND ${d.inList("partition_key", list)}`,
  );
  for (const row of found) out.set(row.partition_key, Number(row.position));
  return out;
}

// The append path ----------------------------------------------------------------------------

interface FailedRunTargets {
  runId: string;
  assetKeys: string[];
  /** First and last partition key (inclusive) of the run. */
  from: string;
  to: string;
}

/**
 * The partition side effects of a batch of newly inserted events, inside the append's
 * transaction: DYNAMIC_PARTITIONS_CHANGED adds and deletes keys; a partitioned
 * ASSET_MATERIALIZATION sets the MATERIALIZED bit and clears FAILED of its (asset, position); the
 * failure of a run (`failedRunIds`: runs this batch moved to FAILURE) sets FAILED for each of its
 * assets × its partitions (its partition key, or its range tags) that it did not materialize.
 * Keys of assets without a registered definition, and keys that are not partitions of it, are
 * not placed. A batch with none of these costs one pass over its events, no statement.
 */
export function* applyPartitionEffects(d: Dialect, cache: DefinitionCache, inserted: readonly InsertedEvent[], failedRunIds: readonly string[]): Operation<void> {
  const changes: Array<{ name: string; added: string[]; deleted: string[] }> = [];
  let materializations = 0;
  for (const event of inserted) {
    const body = event.body;
    if (body.type === "ASSET_MATERIALIZATION" && body.partition !== null) materializations++;
    else if (body.type === "DYNAMIC_PARTITIONS_CHANGED") {
      // The event schema bounds the lists; the keys must also be keys (no "/", no control characters).
      changes.push({ name: body.name, added: validateDynamicKeys(body.name, body.added), deleted: validateDynamicKeys(body.name, body.deleted) });
    }
  }
  if (materializations === 0 && changes.length === 0 && failedRunIds.length === 0) return;
  const now = Date.now();

  const failed: FailedRunTargets[] = [];
  if (failedRunIds.length > 0) {
    const found = yield* rows<{ run_id: string; asset_keys: unknown; partition_key: string | null; tags: unknown }>(
      sql`SELECT run_id, asset_keys, partition_key, tags FROM runs WHERE ${d.inList("run_id", [...failedRunIds])}`,
    );
    for (const row of found) {
      const tags = fromJson<Record<string, string>>(row.tags);
      const start = tags[PARTITION_RANGE_START_TAG];
      const end = tags[PARTITION_RANGE_END_TAG];
      const range = start !== undefined && end !== undefined ? { from: start, to: end } : row.partition_key !== null ? { from: row.partition_key, to: row.partition_key } : null;
      if (range !== null) failed.push({ runId: row.run_id, assetKeys: fromJson<string[]>(row.asset_keys), ...range });
    }
  }

  const assets = new Set<string>();
  for (const event of inserted) if (event.body.type === "ASSET_MATERIALIZATION" && event.body.partition !== null) assets.add(event.body.assetKey);
  for (const run of failed) for (const key of run.assetKeys) assets.add(key);

  // Set rows before definition rows. Names this batch changes are locked exclusively; with them,
  // the names the assets' (cached) definitions read, so no key is added or deleted between reading
  // a position and writing its bit. A definition not cached yet reads without that lock.
  const readNames = new Set<string>();
  for (const key of assets) {
    const name = cache.peek(key)?.dynamicName;
    if (name) readNames.add(name);
  }
  const changedNames = changes.map((c) => c.name);
  const states = changes.length > 0 ? yield* lockDynamicSets(d, [...changedNames, ...readNames], true) : new Map<string, DynamicSetState>();
  if (changes.length === 0 && readNames.size > 0) yield* lockDynamicSets(d, readNames, false);
  for (const change of changes) {
    yield* changeDynamicPartitions(d, change.name, change.added, change.deleted, states.get(change.name)!, now);
  }
  if (assets.size === 0) return;

  const defs = yield* lockDefinitions(d, cache, assets, now);
  if (defs.size === 0) return;

  // Every key to place, per asset: the batch's materializations, the failed runs' range ends and
  // what those runs materialized (read from the log, this batch included).
  const keysByAsset = new Map<string, Set<string>>();
  const want = (assetKey: string, key: string): void => {
    if (!defs.has(assetKey)) return;
    let set = keysByAsset.get(assetKey);
    if (set === undefined) keysByAsset.set(assetKey, (set = new Set()));
    set.add(key);
  };
  for (const event of inserted) if (event.body.type === "ASSET_MATERIALIZATION" && event.body.partition !== null) want(event.body.assetKey, event.body.partition);
  const materializedByRun = new Map<string, Array<{ assetKey: string; key: string }>>();
  for (const run of failed) {
    if (!run.assetKeys.some((key) => defs.has(key))) continue;
    for (const key of run.assetKeys) {
      want(key, run.from);
      want(key, run.to);
    }
    const done = yield* rows<{ asset_key: string; partition: string }>(
      sql`SELECT asset_key, "partition" FROM event_log WHERE run_id = ${run.runId} AND type = 'ASSET_MATERIALIZATION' AND "partition" IS NOT NULL`,
    );
    materializedByRun.set(run.runId, done.map((row) => ({ assetKey: row.asset_key, key: row.partition })));
    for (const row of done) want(row.asset_key, row.partition);
  }
  const positions = new Map<string, Map<string, number>>();
  for (const [assetKey, keys] of keysByAsset) positions.set(assetKey, yield* positionsOf(d, defs.get(assetKey)!, keys));
  const positionOf = (assetKey: string, key: string): number | undefined => positions.get(assetKey)?.get(key);

  // The operations in event order, so the last word on a bit is the latest event's.
  const ops: BitOp[] = [];
  const failedById = new Map(failed.map((run) => [run.runId, run]));
  for (const event of inserted) {
    const body = event.body;
    if (body.type === "ASSET_MATERIALIZATION" && body.partition !== null) {
      const p = positionOf(body.assetKey, body.partition);
      if (p === undefined) continue;
      ops.push({ key: [body.assetKey, "MATERIALIZED"], value: true, intervals: [[p, p + 1]] });
      ops.push({ key: [body.assetKey, "FAILED"], value: false, intervals: [[p, p + 1]] });
    } else if (body.type === "RUN_FAILURE" && failedById.has(event.runId)) {
      const run = failedById.get(event.runId)!;
      failedById.delete(event.runId);
      for (const assetKey of run.assetKeys) {
        const def = defs.get(assetKey);
        const from = positionOf(assetKey, run.from);
        const to = positionOf(assetKey, run.to);
        if (def === undefined || from === undefined || to === undefined || to < from) continue;
        let targets: ReadonlyArray<readonly [number, number]> = [[from, to + 1]];
        // Dynamic keys: only live positions between the ends (a deleted key leaves a hole).
        if (def.dynamicName !== null && to > from) targets = rangeOf(from, to + 1).intersect(rangesOf(yield* readLiveIntervals(d, def.dynamicName))).intervals;
        const done = (materializedByRun.get(run.runId) ?? [])
          .filter((m) => m.assetKey === assetKey)
          .map((m) => positionOf(assetKey, m.key))
          .filter((p): p is number => p !== undefined)
          .sort((a, b) => a - b);
        const intervals = subtractPositions(targets, done);
        if (intervals.length > 0) ops.push({ key: [assetKey, "FAILED"], value: true, intervals });
      }
    }
  }
  yield* applyBitOps(d, STATUS_BITMAPS, ops);
}

/** The runs whose status a batch moved to FAILURE (their failure bits are set). */
export function failedRunIdsOf(updates: ReadonlyArray<{ runId: string; next: { status: string }; statusChanged: boolean }>): string[] {
  return updates.filter((u) => u.statusChanged && u.next.status === "FAILURE").map((u) => u.runId);
}

// Dynamic partitions -------------------------------------------------------------------------

/**
 * Adds then deletes keys of dynamic partitions `name`, whose set row the caller has locked
 * exclusively (`state` is its row, updated here). New keys take the next positions, in the order
 * given; the assets partitioned by `name` get their status at new positions from the asset index
 * (a key materialized before it was added, or deleted and added again, shows as materialized) and
 * lose it at deleted ones.
 */
export function* changeDynamicPartitions(d: Dialect, name: string, added: readonly string[], deleted: readonly string[], state: DynamicSetState, now: number): Operation<DynamicPartitionsChange> {
  const result: DynamicPartitionsChange = { added: 0, deleted: 0 };
  const ops: BitOp[] = [];
  const statusOps: Array<{ value: boolean; positions: Map<string, number> }> = [];
  const addList = [...new Set(added)];
  if (addList.length > 0) {
    const existing = yield* rows<{ partition_key: string }>(sql`SELECT partition_key FROM dynamic_partitions WHERE name = ${name} AND ${d.inList("partition_key", addList)}`);
    const known = new Set(existing.map((row) => row.partition_key));
    const fresh = addList.filter((key) => !known.has(key));
    if (fresh.length > 0) {
      const first = state.nextPosition;
      yield* execute(sql`INSERT INTO dynamic_partitions (name, partition_key, position, created_at)
        SELECT ${name}, k, p, ${now} FROM ${d.tableOf("t", [["k", "text"], ["p", "int"]], fresh.map((key, i) => [key, first + i]))} WHERE true`);
      state.nextPosition += fresh.length;
      state.keyCount += fresh.length;
      result.added = fresh.length;
      ops.push({ key: [name], value: true, intervals: [[first, first + fresh.length]] });
      statusOps.push({ value: true, positions: new Map(fresh.map((key, i) => [key, first + i])) });
    }
  }
  const deleteList = [...new Set(deleted)];
  if (deleteList.length > 0) {
    const removed = yield* rows<{ partition_key: string; position: number | string }>(
      sql`DELETE FROM dynamic_partitions WHERE name = ${name} AND ${d.inList("partition_key", deleteList)} RETURNING partition_key, position`,
    );
    if (removed.length > 0) {
      state.keyCount -= removed.length;
      result.deleted = removed.length;
      const positions = removed.map((row) => Number(row.position)).sort((a, b) => a - b);
      ops.push({ key: [name], value: false, intervals: intervalsOfPositions(positions) });
      statusOps.push({ value: false, positions: new Map(removed.map((row) => [row.partition_key, Number(row.position)])) });
    }
  }
  if (result.added === 0 && result.deleted === 0) return result;
  yield* execute(sql`UPDATE dynamic_partition_sets SET next_position = ${state.nextPosition}, key_count = ${state.keyCount} WHERE name = ${name}`);
  yield* applyBitOps(d, LIVE_BITMAPS, ops);

  // The assets partitioned by `name` (their definition rows locked after the set row).
  const assets = (yield* rows<{ asset_key: string }>(
    sql`SELECT asset_key FROM partitions_definitions WHERE dynamic_name = ${name} ORDER BY asset_key${d.byteOrder}${d.lockForUpdate}`,
  )).map((row) => row.asset_key);
  if (assets.length === 0) return result;
  const bitOps: BitOp[] = [];
  for (const { value, positions } of statusOps) {
    if (value) {
      const done = yield* rows<{ asset_key: string; partition: string }>(
        sql`SELECT asset_key, "partition" FROM asset_partitions WHERE ${d.inList("asset_key", assets)} AND ${d.inList('"partition"', [...positions.keys()])}`,
      );
      for (const row of done) {
        const p = positions.get(row.partition)!;
        bitOps.push({ key: [row.asset_key, "MATERIALIZED"], value: true, intervals: [[p, p + 1]] });
      }
    } else {
      const intervals = intervalsOfPositions([...positions.values()].sort((a, b) => a - b));
      for (const assetKey of assets) {
        bitOps.push({ key: [assetKey, "MATERIALIZED"], value: false, intervals });
        bitOps.push({ key: [assetKey, "FAILED"], value: false, intervals });
      }
    }
  }
  yield* applyBitOps(d, STATUS_BITMAPS, bitOps);
  return result;
}

// Definitions --------------------------------------------------------------------------------

/**
 * Registers definitions (validated, sorted by asset key): an unchanged fingerprint writes nothing;
 * a new or changed one is stored and its asset's bitmaps rebuilt — MATERIALIZED from the asset
 * index, FAILED carried over by key from the old definition (keys it no longer has are dropped);
 * null removes the definition and its bitmaps.
 */
export function* putDefinitions(d: Dialect, cache: DefinitionCache, entries: readonly ValidDefinition[], now: number): Operation<void> {
  if (entries.length === 0) return;
  const sorted = [...entries].sort((a, b) => (a.assetKey < b.assetKey ? -1 : a.assetKey > b.assetKey ? 1 : 0));
  // Key spaces first: a snapshot that cannot be read (a bad zone or format) is refused before anything is written.
  const spaces = new Map<string, PartitionKeySpace | null>();
  for (const entry of sorted) {
    if (entry.snapshot === null) continue;
    try {
      spaces.set(entry.assetKey, keySpaceOf(entry.snapshot, now));
    } catch (error) {
      throw new StorageInputError(`partitions definition of asset ${JSON.stringify(entry.assetKey)}`, (error as Error).message);
    }
  }
  const names = sorted.flatMap((entry) => (entry.snapshot?.kind === "dynamic" ? [entry.snapshot.name] : []));
  yield* lockDynamicSets(d, names, true);
  const existing = new Map<string, { fingerprint: string; snapshot: PartitionsSnapshot }>();
  const found = yield* rows<{ asset_key: string; fingerprint: string; snapshot: unknown }>(
    sql`SELECT asset_key, fingerprint, snapshot FROM partitions_definitions WHERE ${d.inList("asset_key", sorted.map((e) => e.assetKey))}
      ORDER BY asset_key${d.byteOrder}${d.lockForUpdate}`,
  );
  for (const row of found) existing.set(row.asset_key, { fingerprint: row.fingerprint, snapshot: snapshotFromColumn(row.snapshot) });

  for (const entry of sorted) {
    const old = existing.get(entry.assetKey);
    if (entry.snapshot === null || entry.fingerprint === null) {
      if (old !== undefined) {
        yield* execute(sql`DELETE FROM partitions_definitions WHERE asset_key = ${entry.assetKey}`);
        yield* execute(sql`DELETE FROM partition_status_bitmaps WHERE asset_key = ${entry.assetKey}`);
      }
      cache.delete(entry.assetKey);
      continue;
    }
    if (old?.fingerprint === entry.fingerprint) continue;
    const dynamicName = entry.snapshot.kind === "dynamic" ? entry.snapshot.name : null;
    yield* execute(sql`INSERT INTO partitions_definitions (asset_key, snapshot, fingerprint, dynamic_name, updated_at)
      VALUES (${entry.assetKey}, ${d.json(entry.snapshot)}, ${entry.fingerprint}, ${dynamicName}, ${now})
      ON CONFLICT (asset_key) DO UPDATE SET snapshot = excluded.snapshot, fingerprint = excluded.fingerprint,
        dynamic_name = excluded.dynamic_name, updated_at = excluded.updated_at`);
    const def: PlacedDefinition = { assetKey: entry.assetKey, fingerprint: entry.fingerprint, snapshot: entry.snapshot, space: spaces.get(entry.assetKey) ?? null, dynamicName, builtAt: now };
    yield* rebuildStatus(d, def, old?.snapshot ?? null, now);
  }
}

/** Rebuilds an asset's bitmaps for its new definition `def` (see `putDefinitions`). */
function* rebuildStatus(d: Dialect, def: PlacedDefinition, oldSnapshot: PartitionsSnapshot | null, now: number): Operation<void> {
  const assetKey = def.assetKey;
  // FAILED: the old definition's failed positions → keys → the new definition's positions.
  let failedKeys: string[] = [];
  if (oldSnapshot !== null) {
    const failedIntervals = (yield* readStatusIntervals(assetKey)).FAILED;
    if (failedIntervals.length > 0) {
      let oldSpace: PartitionKeySpace | null = null;
      try {
        oldSpace = keySpaceOf(oldSnapshot, now);
      } catch {
        // An old definition this version cannot read: its failures cannot be carried over.
      }
      if (oldSpace !== null) {
        for (const [start, end] of failedIntervals) for (let p = start; p < Math.min(end, oldSpace.count); p++) failedKeys.push(oldSpace.keyAt(p));
      } else if (oldSnapshot.kind === "dynamic") {
        const positions: number[] = [];
        for (const [start, end] of failedIntervals) for (let p = start; p < end; p++) positions.push(p);
        const found = yield* rows<{ partition_key: string }>(
          sql`SELECT partition_key FROM dynamic_partitions WHERE name = ${oldSnapshot.name} AND ${d.inIntList("position", positions)}`,
        );
        failedKeys = found.map((row) => row.partition_key);
      }
    }
  }
  yield* execute(sql`DELETE FROM partition_status_bitmaps WHERE asset_key = ${assetKey}`);

  // MATERIALIZED: every partition in the asset index that is a partition of the new definition.
  let materialized: number[];
  if (def.space !== null) {
    const space = def.space;
    const found = yield* rows<{ partition: string }>(sql`SELECT "partition" FROM asset_partitions WHERE asset_key = ${assetKey}`);
    materialized = [];
    for (const row of found) {
      const p = space.indexOf(row.partition);
      if (p >= 0) materialized.push(p);
    }
  } else {
    const found = yield* rows<{ position: number | string }>(sql`SELECT dp.position FROM asset_partitions ap
      JOIN dynamic_partitions dp ON dp.name = ${def.dynamicName} AND dp.partition_key = ap."partition"
      WHERE ap.asset_key = ${assetKey}`);
    materialized = found.map((row) => Number(row.position));
  }
  const failedPositions = [...(yield* positionsOf(d, def, failedKeys)).values()];
  const ops: BitOp[] = [];
  const sortNum = (list: number[]) => list.sort((a, b) => a - b);
  if (materialized.length > 0) ops.push({ key: [assetKey, "MATERIALIZED"], value: true, intervals: intervalsOfPositions([...new Set(sortNum(materialized))]) });
  if (failedPositions.length > 0) ops.push({ key: [assetKey, "FAILED"], value: true, intervals: intervalsOfPositions([...new Set(sortNum(failedPositions))]) });
  yield* applyBitOps(d, STATUS_BITMAPS, ops);
}
