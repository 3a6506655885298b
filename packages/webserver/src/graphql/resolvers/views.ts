/**
 * Storage records and snapshot parts turned into the GraphQL shapes several domains share: tags,
 * metadata entries, materializations, code locations, run events. Pure functions, no reads.
 */
import type { MetadataValue, StoredEvent } from "@flyt/core";
import type { LocationEntry } from "../context.js";
import type { Materialization, MetadataEntry, RunEvent, Tag } from "../generated/resolvers.js";
import type { CodeLocationParent } from "./parents.js";

export function tags(record: Record<string, string>): Tag[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function metadataEntries(metadata: Record<string, MetadataValue>): MetadataEntry[] {
  return Object.entries(metadata).map(([label, value]) => {
    const raw = (value as { value?: unknown }).value;
    const number = (value.type === "int" || value.type === "float" || value.type === "timestamp") && typeof raw === "number" ? raw : null;
    let text: string;
    if (typeof raw === "string") text = raw;
    else if (raw === undefined) text = value.type;
    else text = JSON.stringify(raw) ?? "";
    if (text.length > 500) text = `${text.slice(0, 500)}…`;
    return { label, type: value.type, text, number, json: JSON.stringify(value) };
  });
}

export function materialization(entry: { id?: number; eventId?: number; runId: string; timestamp: number; partition: string | null; metadata: Record<string, MetadataValue> }): Materialization {
  return {
    eventId: entry.eventId ?? entry.id ?? 0,
    runId: entry.runId,
    timestamp: entry.timestamp,
    partition: entry.partition,
    metadata: metadataEntries(entry.metadata),
  };
}

export function locationView(entry: LocationEntry): CodeLocationParent {
  return {
    name: entry.name,
    status: entry.status,
    source: entry.source,
    errorMessage: entry.error?.message ?? null,
    loadedAt: entry.loadedAt,
    updatedAt: entry.updatedAt,
    assetCount: entry.snapshot?.assets.length ?? 0,
    scheduleCount: entry.snapshot?.schedules.length ?? 0,
    sensorCount: entry.snapshot?.sensors.length ?? 0,
  };
}

function runMessageAndLevel(event: StoredEvent): { level: string; message: string; stream: string | null } {
  const body = event.body;
  switch (body.type) {
    case "LOG":
      return { level: body.level, message: body.message, stream: null };
    case "STEP_OUTPUT":
      return { level: body.stream === "stderr" ? "warn" : "info", message: body.text, stream: body.stream };
    case "STEP_FAILURE":
      return { level: "error", message: `${body.error.name}: ${body.error.message}`, stream: null };
    case "STEP_RETRY":
      return { level: "warn", message: `retry attempt ${body.attempt} in ${body.delayMs} ms after ${body.error.message}`, stream: null };
    case "RUN_FAILURE":
      return { level: "error", message: body.message, stream: null };
    case "STEP_SKIPPED":
      return { level: "warn", message: `skipped: ${body.reason}`, stream: null };
    case "ASSET_MATERIALIZATION":
      return { level: "info", message: `materialized ${body.assetKey}${body.partition ? ` [${body.partition}]` : ""}`, stream: null };
    case "DYNAMIC_PARTITIONS_CHANGED": {
      const parts = [body.added.length > 0 ? `added ${body.added.length}` : "", body.deleted.length > 0 ? `deleted ${body.deleted.length}` : ""].filter(Boolean).join(", ");
      return { level: "info", message: `dynamic partitions ${body.name}: ${parts || "no change"}`, stream: null };
    }
    case "ASSET_OBSERVATION":
      return { level: "info", message: `observed ${body.assetKey}`, stream: null };
    case "ASSET_CHECK_EVALUATION":
      return { level: body.passed ? "info" : body.severity === "error" ? "error" : "warn", message: `check ${body.checkName} on ${body.assetKey} ${body.passed ? "passed" : "failed"}`, stream: null };
    case "STEP_START":
      return { level: "debug", message: `step started (attempt ${body.attempt})`, stream: null };
    case "STEP_SUCCESS":
      return { level: "info", message: `step succeeded in ${Math.round(body.durationMs)} ms`, stream: null };
    case "STEP_CANCELED":
      return { level: "warn", message: "step canceled", stream: null };
    case "RUN_CANCELING":
    case "RUN_CANCELED":
      return { level: "warn", message: `${body.type.toLowerCase().replace("_", " ")}${body.message ? `: ${body.message}` : ""}`, stream: null };
    case "RUN_PLANNED":
      return { level: "debug", message: `planned ${body.steps.length} step${body.steps.length === 1 ? "" : "s"}: ${body.steps.map((s) => s.stepKey).slice(0, 20).join(", ")}${body.steps.length > 20 ? ", …" : ""}`, stream: null };
    case "RUN_QUEUED":
    case "RUN_STARTING":
    case "RUN_STARTED":
    case "RUN_SUCCESS":
      return { level: "info", message: body.type.toLowerCase().replace("_", " "), stream: null };
  }
}

/** A stored event as the `Run.events` field and the live run stream (run-stream.ts) send it. */
export function runEventView(event: StoredEvent): RunEvent {
  const { level, message, stream } = runMessageAndLevel(event);
  return { id: event.id, timestamp: event.timestamp, stepKey: event.stepKey, type: event.body.type, level, message, stream, body: JSON.stringify(event.body) };
}
