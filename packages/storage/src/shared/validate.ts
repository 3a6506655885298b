/**
 * Validation of everything callers hand to storage. Both backends call these before touching
 * the database, so a bad input fails the same way everywhere, with a message naming the culprit.
 */
import { z } from "zod";
import { EventRecordSchema, RUN_ORIGINS, RUN_STATUSES, type EventRecord, type NewRun } from "@flyt/core";
import { StorageInputError } from "../errors.js";
import type { DaemonHeartbeat, InstigatorState, RunFilter, TickUpdate } from "../storage.js";

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new StorageInputError(subject, `invalid (${describeIssues(result.error)})`);
  return result.data;
}

const epochMs = z.number().int().nonnegative();
const nonEmpty = z.string().min(1);
const tagsSchema = z.record(z.string());

const NewRunSchema = z
  .object({
    runId: nonEmpty.max(200).optional(),
    selection: z.string(),
    assetKeys: z.array(nonEmpty),
    stepKeys: z.array(nonEmpty).nullable().optional(),
    partitionKey: z.string().nullable().optional(),
    tags: tagsSchema.optional(),
    origin: z.enum(RUN_ORIGINS).optional(),
    parentRunId: nonEmpty.nullable().optional(),
    rootRunId: nonEmpty.nullable().optional(),
    location: nonEmpty.optional(),
    instigator: nonEmpty.nullable().optional(),
    runKey: nonEmpty.nullable().optional(),
    status: z.enum(RUN_STATUSES).optional(),
  })
  .refine((run) => run.runKey == null || run.instigator != null, {
    message: "a runKey needs an instigator: run keys are unique per (instigator, runKey)",
    path: ["runKey"],
  });

export function validateNewRun(run: NewRun): NewRun {
  return parseWith(NewRunSchema, run, `run ${run && typeof run === "object" && run.runId ? JSON.stringify(run.runId) : "(new)"}`);
}

export function validateEvents(events: EventRecord[]): EventRecord[] {
  if (!Array.isArray(events)) throw new StorageInputError("events", "must be an array of event records");
  return events.map((event, index) => {
    const result = EventRecordSchema.safeParse(event);
    if (!result.success) {
      const runId = event && typeof event === "object" && typeof event.runId === "string" ? event.runId : "?";
      throw new StorageInputError(`event #${index} of run ${JSON.stringify(runId)}`, `invalid (${describeIssues(result.error)})`);
    }
    return result.data;
  });
}

const RunFilterSchema = z
  .object({
    statuses: z.array(z.enum(RUN_STATUSES)).optional(),
    origin: z.enum(RUN_ORIGINS).optional(),
    location: nonEmpty.optional(),
    tags: tagsSchema.optional(),
    assetKey: nonEmpty.optional(),
    parentRunId: nonEmpty.optional(),
    rootRunId: nonEmpty.optional(),
    createdAfter: z.number().optional(),
    createdBefore: z.number().optional(),
    endedAfter: z.number().optional(),
  })
  .strict();

export function validateRunFilter(filter: RunFilter | undefined): RunFilter {
  return parseWith(RunFilterSchema, filter ?? {}, "run filter");
}

export function validateTags(runId: string, tags: Record<string, string>): Record<string, string> {
  return parseWith(tagsSchema, tags, `tags of run ${JSON.stringify(runId)}`);
}

export function validateId(value: unknown, subject: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new StorageInputError(subject, `must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/** Validates an optional list of printed asset keys used as a filter. */
export function validateKeyList(keys: string[] | undefined, subject: string): string[] | undefined {
  if (keys === undefined) return undefined;
  return parseWith(z.array(nonEmpty), keys, subject);
}

const InstigatorStateSchema = z.object({
  id: nonEmpty,
  kind: z.enum(["schedule", "sensor"]),
  status: z.enum(["RUNNING", "STOPPED"]),
  cursor: z.string().nullable(),
  startedAt: epochMs.nullable(),
});

export function validateInstigatorState(state: Omit<InstigatorState, "updatedAt">): Omit<InstigatorState, "updatedAt"> {
  const id = state && typeof state === "object" && typeof state.id === "string" ? state.id : "?";
  return parseWith(InstigatorStateSchema, state, `instigator state ${JSON.stringify(id)}`);
}

const TickUpdateSchema = z.object({
  status: z.enum(["STARTED", "SUCCESS", "SKIPPED", "FAILURE"]),
  runIds: z.array(nonEmpty).optional(),
  skipReason: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  cursor: z.string().nullable().optional(),
});

export function validateTickUpdate(tickId: number, update: TickUpdate): TickUpdate {
  validateStorageId(tickId, "tick id");
  return parseWith(TickUpdateSchema, update, `update of tick ${tickId}`);
}

export function validateStorageId(id: unknown, subject: string): number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
    throw new StorageInputError(subject, `must be a non-negative integer, got ${String(id)}`);
  }
  return id;
}

export function validateEpochMs(value: unknown, subject: string): number {
  return parseWith(epochMs, value, subject);
}

export function validateLeaseArgs(name: string, holder: string, ttlMs: number): void {
  validateId(name, "lease name");
  validateId(holder, `holder of lease ${JSON.stringify(name)}`);
  if (typeof ttlMs !== "number" || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > 2_147_483_647) {
    throw new StorageInputError(`ttl of lease ${JSON.stringify(name)}`, `must be a positive integer of milliseconds, got ${String(ttlMs)}`);
  }
}

const DaemonHeartbeatSchema = z.object({
  daemonId: nonEmpty.max(200),
  loop: nonEmpty.max(100),
  at: epochMs,
  info: z.string().max(2000).nullable(),
});

export function validateDaemonHeartbeat(heartbeat: DaemonHeartbeat): DaemonHeartbeat {
  const loop = heartbeat && typeof heartbeat === "object" && typeof heartbeat.loop === "string" ? heartbeat.loop : "?";
  return parseWith(DaemonHeartbeatSchema, heartbeat, `daemon heartbeat of loop ${JSON.stringify(loop)}`);
}
