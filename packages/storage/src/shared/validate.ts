/**
 * Validation of everything callers hand to storage. Both backends call these before touching
 * the database, so a bad input fails the same way everywhere, with a message naming the culprit.
 */
import { z } from "zod";
import { AUTOMATION_INSTIGATOR_ID, EventRecordSchema, RUN_ORIGINS, RUN_STATUSES, type EventRecord, type NewRun } from "@flyt/core";
import { StorageInputError } from "../errors.js";
import type { DaemonHeartbeat, InstigatorKind, InstigatorState, RunFilter, TickUpdate } from "../storage.js";

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

const ORIGIN_SET = new Set<string>(RUN_ORIGINS);
const STATUS_SET = new Set<string>(RUN_STATUSES);
const isNonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);
const nullable = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || v === null || ok(v);
const nonEmptyArray = (v: unknown): boolean => Array.isArray(v) && v.every(isNonEmpty);

/**
 * The schema's checks by hand, for the scheduler's thousands of runs per pass (zod was a tenth
 * of a 10,000-schedule pass). Same accepted set and output shape (known keys only, tags copied);
 * on any doubt it returns null and the schema decides, with its message.
 */
function fastNewRun(run: NewRun): NewRun | null {
  if (run === null || typeof run !== "object" || Array.isArray(run)) return null;
  const r = run as unknown as Record<string, unknown>;
  for (const key in r) if (!Object.hasOwn(NewRunSchema.innerType().shape, key)) return null;
  if (!optional(r.runId, (v) => isNonEmpty(v) && v.length <= 200)) return null;
  if (typeof r.selection !== "string" || !nonEmptyArray(r.assetKeys)) return null;
  if (!nullable(r.stepKeys, nonEmptyArray) || !nullable(r.partitionKey, (v) => typeof v === "string")) return null;
  let tags: Record<string, string> | undefined;
  if (r.tags !== undefined) {
    if (r.tags === null || typeof r.tags !== "object" || Array.isArray(r.tags) || Object.getPrototypeOf(r.tags) !== Object.prototype) return null;
    tags = {};
    for (const [k, v] of Object.entries(r.tags as Record<string, unknown>)) {
      if (typeof v !== "string") return null;
      tags[k] = v;
    }
  }
  if (!optional(r.origin, (v) => typeof v === "string" && ORIGIN_SET.has(v)) || !optional(r.status, (v) => typeof v === "string" && STATUS_SET.has(v))) return null;
  if (!nullable(r.parentRunId, isNonEmpty) || !nullable(r.rootRunId, isNonEmpty) || !optional(r.location, isNonEmpty)) return null;
  if (!nullable(r.instigator, isNonEmpty) || !nullable(r.runKey, isNonEmpty)) return null;
  if (r.runKey != null && r.instigator == null) return null;
  const out: Record<string, unknown> = {};
  for (const key in r) if (r[key] !== undefined) out[key] = (key === "assetKeys" || key === "stepKeys") && r[key] !== null ? [...(r[key] as string[])] : r[key];
  if (tags !== undefined) out.tags = tags;
  return out as unknown as NewRun;
}

export function validateNewRun(run: NewRun): NewRun {
  return fastNewRun(run) ?? parseWith(NewRunSchema, run, `run ${run && typeof run === "object" && run.runId ? JSON.stringify(run.runId) : "(new)"}`);
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

export const INSTIGATOR_KINDS = ["schedule", "sensor", "automation"] as const;

/** The instigator ids of the automation loop's ticks and on/off switches: `automation`, `automation:<location>`. */
export function isAutomationInstigatorId(id: string): boolean {
  return id === AUTOMATION_INSTIGATOR_ID || (id.startsWith(`${AUTOMATION_INSTIGATOR_ID}:`) && id.length > AUTOMATION_INSTIGATOR_ID.length + 1);
}

const InstigatorStateSchema = z
  .object({
    id: nonEmpty,
    kind: z.enum(INSTIGATOR_KINDS),
    status: z.enum(["RUNNING", "STOPPED"]),
    cursor: z.string().nullable(),
    startedAt: epochMs.nullable(),
  })
  .refine((state) => state.kind !== "automation" || isAutomationInstigatorId(state.id), {
    message: `an automation switch is ${JSON.stringify(AUTOMATION_INSTIGATOR_ID)} (global) or "${AUTOMATION_INSTIGATOR_ID}:<location>"`,
    path: ["id"],
  });

export function validateInstigatorState(state: Omit<InstigatorState, "updatedAt">): Omit<InstigatorState, "updatedAt"> {
  const id = state && typeof state === "object" && typeof state.id === "string" ? state.id : "?";
  return parseWith(InstigatorStateSchema, state, `instigator state ${JSON.stringify(id)}`);
}

/** An optional instigator kind filter. */
export function validateInstigatorKind(kind: unknown): InstigatorKind | undefined {
  if (kind === undefined) return undefined;
  if (typeof kind !== "string" || !(INSTIGATOR_KINDS as readonly string[]).includes(kind)) {
    throw new StorageInputError("instigator kind", `must be one of ${INSTIGATOR_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${JSON.stringify(kind) ?? typeof kind}`);
  }
  return kind as InstigatorKind;
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
