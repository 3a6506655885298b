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
