/**
 * Row ↔ domain mapping shared by both backends. SQLite hands back JSON columns as text and
 * booleans as 0/1; PostgreSQL hands back parsed JSONB and real booleans: both map here, to the
 * exact core types (times as epoch-ms numbers).
 */
import type { EventBody, Metadata, RunOrigin, RunRecord, RunStatus, StoredEvent } from "@flyt/core";
import type { AssetIndexEntry, CheckIndexEntry, InstigatorKind, InstigatorState, InstigatorStatus, Lease, Tick, TickStatus } from "../storage.js";

type Json = unknown;

/** Parses a JSON column whether the driver already did (JSONB) or not (TEXT). */
export function fromJson<T>(value: Json): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

function strOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export interface RunRow {
  id: number;
  run_id: string;
  status: string;
  selection: string;
  asset_keys: Json;
  step_keys: Json;
  partition_key: string | null;
  tags: Json;
  origin: string;
  parent_run_id: string | null;
  root_run_id: string | null;
  location: string;
  instigator: string | null;
  run_key: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    status: row.status as RunStatus,
    selection: row.selection,
    assetKeys: fromJson<string[]>(row.asset_keys),
    stepKeys: row.step_keys === null ? null : fromJson<string[] | null>(row.step_keys),
    partitionKey: row.partition_key,
    tags: fromJson<Record<string, string>>(row.tags),
    origin: row.origin as RunOrigin,
    parentRunId: row.parent_run_id,
    rootRunId: row.root_run_id,
    location: row.location,
    instigator: row.instigator,
    runKey: row.run_key,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    startedAt: numOrNull(row.started_at),
    endedAt: numOrNull(row.ended_at),
  };
}

export interface EventRow {
  id: number;
  run_id: string;
  seq: number | null;
  timestamp: number;
  step_key: string | null;
  body: Json;
}

export function eventFromRow(row: EventRow): StoredEvent {
  return {
    id: num(row.id),
    runId: row.run_id,
    seq: numOrNull(row.seq),
    timestamp: num(row.timestamp),
    stepKey: row.step_key,
    body: fromJson<EventBody>(row.body),
  };
}

export interface AssetIndexRow {
  asset_key: string;
  partition: string | null;
  run_id: string;
  event_id: number;
  timestamp: number;
  metadata: Json;
  code_version: string | null;
  data_version: string | null;
  data_version_user_provided: boolean | number;
  input_data_versions: Json;
}

export function assetIndexFromRow(row: AssetIndexRow): AssetIndexEntry {
  return {
    assetKey: row.asset_key,
    partition: row.partition,
    runId: row.run_id,
    eventId: num(row.event_id),
    timestamp: num(row.timestamp),
    metadata: fromJson<Metadata>(row.metadata),
    codeVersion: row.code_version,
    dataVersion: row.data_version ?? null,
    dataVersionUserProvided: row.data_version_user_provided === true || row.data_version_user_provided === 1,
    inputDataVersions: row.input_data_versions === null || row.input_data_versions === undefined ? null : fromJson<Record<string, string | null>>(row.input_data_versions),
  };
}

export interface CheckIndexRow {
  asset_key: string;
  check_name: string;
  passed: boolean | number;
  severity: string;
  run_id: string;
  event_id: number;
  timestamp: number;
}

export function checkFromRow(row: CheckIndexRow): CheckIndexEntry {
  return {
    assetKey: row.asset_key,
    checkName: row.check_name,
    passed: row.passed === true || row.passed === 1,
    severity: row.severity as CheckIndexEntry["severity"],
    runId: row.run_id,
    eventId: num(row.event_id),
    timestamp: num(row.timestamp),
  };
}

export interface InstigatorRow {
  id: string;
  kind: string;
  status: string;
  cursor: string | null;
  started_at: number | null;
  updated_at: number;
}

export function instigatorFromRow(row: InstigatorRow): InstigatorState {
  return {
    id: row.id,
    kind: row.kind as InstigatorKind,
    status: row.status as InstigatorStatus,
    cursor: row.cursor,
    startedAt: numOrNull(row.started_at),
    updatedAt: num(row.updated_at),
  };
}

export interface TickRow {
  id: number;
  instigator_id: string;
  status: string;
  tick_time: number;
  run_ids: Json;
  skip_reason: string | null;
  error: string | null;
  cursor: string | null;
  created_at: number;
  updated_at: number;
}

export function tickFromRow(row: TickRow): Tick {
  return {
    tickId: num(row.id),
    instigatorId: row.instigator_id,
    status: row.status as TickStatus,
    tickTime: num(row.tick_time),
    runIds: fromJson<string[]>(row.run_ids),
    skipReason: strOrNull(row.skip_reason),
    error: strOrNull(row.error),
    cursor: strOrNull(row.cursor),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export interface LeaseRow {
  name: string;
  holder: string;
  fencing_token: number;
  expires_at: number;
}

export function leaseFromRow(row: LeaseRow): Lease {
  return { name: row.name, holder: row.holder, fencingToken: num(row.fencing_token), expiresAt: num(row.expires_at) };
}
