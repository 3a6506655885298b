/**
 * Pure decisions about derived state: how run lifecycle events move a run's status and times,
 * and which asset-index rows a batch of newly inserted events updates. Backends apply the
 * result inside the same transaction as the insert; only events actually inserted count.
 */
import {
  RUN_STATUS_BY_EVENT,
  isTerminalRunStatus,
  type EventBody,
  type EventRecord,
  type RunStatus,
} from "@flyt/core";
import type { AssetIndexEntry, CheckIndexEntry } from "../storage.js";

export interface RunLifecycleState {
  status: RunStatus;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

type LifecycleType = keyof typeof RUN_STATUS_BY_EVENT;

export function lifecycleStatus(body: EventBody): RunStatus | null {
  return Object.hasOwn(RUN_STATUS_BY_EVENT, body.type) ? RUN_STATUS_BY_EVENT[body.type as LifecycleType] : null;
}

/**
 * Folds lifecycle events (in write order) into a run's state. A terminal status is final: later
 * events, terminal or not (a late RUN_STARTED after RUN_CANCELED), leave the run unchanged.
 * Returns null when nothing changed.
 */
export function applyLifecycle(
  state: RunLifecycleState,
  events: readonly Pick<EventRecord, "timestamp" | "body">[],
): RunLifecycleState | null {
  let next = state;
  for (const event of events) {
    const status = lifecycleStatus(event.body);
    if (status === null || isTerminalRunStatus(next.status)) continue;
    next = {
      status,
      // Producer clocks may lag: updated_at only moves forward.
      updatedAt: Math.max(next.updatedAt, event.timestamp),
      startedAt: status === "STARTED" && next.startedAt === null ? event.timestamp : next.startedAt,
      endedAt: isTerminalRunStatus(status) ? event.timestamp : next.endedAt,
    };
  }
  return next === state ? null : next;
}

/** A run's lifecycle columns as a backend reads them (locked) before appending its events. */
export interface RunStateRow {
  run_id: string;
  status: RunStatus;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** The new lifecycle state of one run, and whether its status changed (a change is notified). */
export interface LifecycleUpdate {
  runId: string;
  next: RunLifecycleState;
  statusChanged: boolean;
}

/**
 * The runs whose lifecycle columns the inserted events change, each folded once in write order
 * (`applyLifecycle`) from the state read before the insert. Runs with no lifecycle event, or whose
 * state does not move (already terminal), are left out.
 */
export function lifecycleUpdates(inserted: readonly InsertedEvent[], states: ReadonlyMap<string, RunStateRow>): LifecycleUpdate[] {
  const byRun = new Map<string, InsertedEvent[]>();
  for (const event of inserted) {
    if (lifecycleStatus(event.body) === null) continue;
    const list = byRun.get(event.runId) ?? [];
    list.push(event);
    byRun.set(event.runId, list);
  }
  const updates: LifecycleUpdate[] = [];
  for (const [runId, events] of byRun) {
    const row = states.get(runId);
    if (row === undefined) continue;
    const next = applyLifecycle({ status: row.status, updatedAt: row.updated_at, startedAt: row.started_at, endedAt: row.ended_at }, events);
    if (next !== null) updates.push({ runId, next, statusChanged: next.status !== row.status });
  }
  return updates;
}

/** The body a run's first event gets when it is created with `status`. */
export function creationEventBody(status: RunStatus): EventBody {
  switch (status) {
    case "QUEUED":
      return { type: "RUN_QUEUED" };
    case "STARTING":
      return { type: "RUN_STARTING" };
    case "STARTED":
      return { type: "RUN_STARTED" };
    case "SUCCESS":
      return { type: "RUN_SUCCESS" };
    case "FAILURE":
      return { type: "RUN_FAILURE", message: "Run was created with status FAILURE." };
    case "CANCELING":
      return { type: "RUN_CANCELING" };
    case "CANCELED":
      return { type: "RUN_CANCELED" };
  }
}

/** Columns of event_log that are copied out of the body so indexes can find them. */
export function eventColumns(body: EventBody): { assetKey: string | null; partition: string | null } {
  if (body.type === "ASSET_MATERIALIZATION" || body.type === "ASSET_OBSERVATION") {
    return { assetKey: body.assetKey, partition: body.partition };
  }
  if (body.type === "ASSET_CHECK_EVALUATION") return { assetKey: body.assetKey, partition: body.partition ?? null };
  return { assetKey: null, partition: null };
}

export interface InsertedEvent extends EventRecord {
  id: number;
}

export interface IndexUpdates {
  /** One entry per asset key: the newest materialization in the batch. */
  latest: AssetIndexEntry[];
  /** One entry per (asset key, partition). */
  partitions: AssetIndexEntry[];
  /** One entry per (asset key, check name). */
  checks: CheckIndexEntry[];
}

/** What storage records of a materialization when it is stored (core/provenance.ts). */
export interface Provenance {
  /** The event's code version, else the registered one. */
  codeVersion: string | null;
  dataVersion: string;
  dataVersionUserProvided: boolean;
  /** Each registered dependency's data version when it was stored; null without a registered definition. */
  inputDataVersions: Record<string, string | null> | null;
}

/**
 * Reduces a batch of inserted events to the newest index row per key, so a backend writes each
 * index row once per batch. Backends still guard with `event_id <` on upsert, because a
 * concurrent transaction may have written a newer row. `provenance` (by event id) gives each
 * materialization's code and data versions; one it lacks keeps its event's code version and no
 * data version.
 */
export function indexUpdates(inserted: readonly InsertedEvent[], provenance: ReadonlyMap<number, Provenance> = new Map()): IndexUpdates {
  const latest = new Map<string, AssetIndexEntry>();
  const partitions = new Map<string, AssetIndexEntry>();
  const checks = new Map<string, CheckIndexEntry>();
  const newer = <T extends { eventId: number }>(map: Map<string, T>, key: string, entry: T): void => {
    const existing = map.get(key);
    if (existing === undefined || existing.eventId < entry.eventId) map.set(key, entry);
  };
  for (const event of inserted) {
    const body = event.body;
    if (body.type === "ASSET_MATERIALIZATION") {
      const recorded = provenance.get(event.id);
      const entry: AssetIndexEntry = {
        assetKey: body.assetKey,
        partition: body.partition,
        runId: event.runId,
        eventId: event.id,
        timestamp: event.timestamp,
        metadata: body.metadata,
        codeVersion: recorded === undefined ? (body.codeVersion ?? null) : recorded.codeVersion,
        dataVersion: recorded?.dataVersion ?? null,
        dataVersionUserProvided: recorded?.dataVersionUserProvided ?? false,
        inputDataVersions: recorded?.inputDataVersions ?? null,
      };
      newer(latest, body.assetKey, entry);
      if (body.partition !== null) newer(partitions, JSON.stringify([body.assetKey, body.partition]), entry);
    } else if (body.type === "ASSET_CHECK_EVALUATION") {
      newer(checks, JSON.stringify([body.assetKey, body.checkName]), {
        assetKey: body.assetKey,
        checkName: body.checkName,
        passed: body.passed,
        severity: body.severity,
        runId: event.runId,
        eventId: event.id,
        timestamp: event.timestamp,
      });
    }
  }
  return { latest: [...latest.values()], partitions: [...partitions.values()], checks: [...checks.values()] };
}
