/**
 * Turning a validated NewRun into the row and the first event storage writes for it.
 */
import { randomUUID } from "node:crypto";
import { DEFAULT_LOCATION, type EventRecord, type NewRun, type RunRecord } from "@flyt/core";
import { applyLifecycle, creationEventBody } from "./derive.js";

export function prepareNewRun(run: NewRun, now: number): { record: RunRecord; event: EventRecord } {
  const status = run.status ?? "QUEUED";
  const body = creationEventBody(status);
  const initial = { status: "QUEUED" as const, updatedAt: now, startedAt: null, endedAt: null };
  const lifecycle = applyLifecycle(initial, [{ timestamp: now, body }]) ?? initial;
  const runId = run.runId ?? randomUUID();
  const record: RunRecord = {
    runId,
    status: lifecycle.status,
    selection: run.selection,
    assetKeys: [...run.assetKeys],
    stepKeys: run.stepKeys ?? null,
    partitionKey: run.partitionKey ?? null,
    tags: { ...(run.tags ?? {}) },
    origin: run.origin ?? "manual",
    parentRunId: run.parentRunId ?? null,
    rootRunId: run.rootRunId ?? null,
    location: run.location ?? DEFAULT_LOCATION,
    instigator: run.instigator ?? null,
    runKey: run.runKey ?? null,
    createdAt: now,
    updatedAt: lifecycle.updatedAt,
    startedAt: lifecycle.startedAt,
    endedAt: lifecycle.endedAt,
  };
  return { record, event: { runId, seq: null, timestamp: now, stepKey: null, body } };
}

export function uniqueRunIds(events: readonly { runId: string }[]): string[] {
  return [...new Set(events.map((e) => e.runId))];
}

/** The columns a new run row is written with, in the order of `runRowValues`. */
export const RUN_INSERT_COLUMNS =
  "run_id, status, selection, asset_keys, step_keys, partition_key, tags, origin, parent_run_id, root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at";

/** A run record as the values of RUN_INSERT_COLUMNS (JSON columns as JSON text). */
export function runRowValues(record: RunRecord): unknown[] {
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
