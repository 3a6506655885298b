/**
 * The event log vocabulary. The log is append-only and the source of truth: run status,
 * step timings and the asset index are all derived from these events.
 *
 * Every event body is validated with `EventBodySchema` wherever it crosses a process
 * boundary (worker → platform, ingest API, storage reads of foreign data).
 */
import { z } from "zod";
import { MetadataSchema } from "./metadata.js";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A serialisable error: what steps and runs report when they fail. */
export const SerializedErrorSchema: z.ZodType<SerializedError> = z.lazy(() =>
  z.object({
    name: z.string(),
    message: z.string(),
    stack: z.string().optional(),
    cause: SerializedErrorSchema.optional(),
  }),
);
export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  cause?: SerializedError | undefined;
}

const assetKeyString = z.string().min(1);

export const EventBodySchema = z.discriminatedUnion("type", [
  // Run lifecycle. Applying one of these also moves `runs.status` (same transaction).
  z.object({ type: z.literal("RUN_QUEUED") }),
  z.object({ type: z.literal("RUN_STARTING") }),
  z.object({ type: z.literal("RUN_STARTED"), pid: z.number().int().optional() }),
  /**
   * The worker's plan, written once before the first step starts: every step it will run, with
   * its assets. Whoever ends a run whose worker vanished reads it to end the steps that never
   * started, and re-execution from failure includes them.
   */
  z.object({
    type: z.literal("RUN_PLANNED"),
    steps: z.array(z.object({ stepKey: z.string().min(1), assetKeys: z.array(assetKeyString) })),
  }),
  z.object({ type: z.literal("RUN_SUCCESS") }),
  z.object({ type: z.literal("RUN_FAILURE"), message: z.string(), error: SerializedErrorSchema.optional() }),
  z.object({ type: z.literal("RUN_CANCELING"), message: z.string().optional() }),
  z.object({ type: z.literal("RUN_CANCELED"), message: z.string().optional() }),

  // Step lifecycle. `stepKey` on the record names the step.
  z.object({ type: z.literal("STEP_START"), attempt: z.number().int().min(1), assetKeys: z.array(assetKeyString) }),
  z.object({ type: z.literal("STEP_SUCCESS"), durationMs: z.number().nonnegative() }),
  z.object({
    type: z.literal("STEP_FAILURE"),
    durationMs: z.number().nonnegative(),
    error: SerializedErrorSchema,
    /** Printed asset keys of the failed step, so the message names them without a join. */
    assetKeys: z.array(assetKeyString),
  }),
  z.object({
    type: z.literal("STEP_RETRY"),
    attempt: z.number().int().min(1),
    delayMs: z.number().nonnegative(),
    error: SerializedErrorSchema,
  }),
  z.object({ type: z.literal("STEP_SKIPPED"), reason: z.string() }),
  z.object({ type: z.literal("STEP_CANCELED") }),

  // Output.
  z.object({
    type: z.literal("LOG"),
    level: z.enum(LOG_LEVELS),
    message: z.string(),
    fields: z.record(z.unknown()).optional(),
  }),
  /** A chunk of a step's captured stdout/stderr; `truncated` marks the point where the per-step cap was hit. */
  z.object({
    type: z.literal("STEP_OUTPUT"),
    stream: z.enum(["stdout", "stderr"]),
    text: z.string(),
    truncated: z.boolean().optional(),
  }),

  // Assets.
  z.object({
    type: z.literal("ASSET_MATERIALIZATION"),
    assetKey: assetKeyString,
    partition: z.string().nullable(),
    metadata: MetadataSchema,
    codeVersion: z.string().nullable().optional(),
    dataVersion: z.string().nullable().optional(),
    description: z.string().optional(),
  }),
  z.object({
    type: z.literal("ASSET_OBSERVATION"),
    assetKey: assetKeyString,
    partition: z.string().nullable(),
    metadata: MetadataSchema,
  }),
  z.object({
    type: z.literal("ASSET_CHECK_EVALUATION"),
    assetKey: assetKeyString,
    checkName: z.string().min(1),
    passed: z.boolean(),
    severity: z.enum(["warn", "error"]),
    partition: z.string().nullable().optional(),
    description: z.string().optional(),
    metadata: MetadataSchema,
  }),
  // Partitions. An asset (ctx.addDynamicPartitions) changes a dynamic partitions definition's
  // keys; storage applies it in the same transaction as the insert (docs/partitions.md#dynamic).
  z.object({
    type: z.literal("DYNAMIC_PARTITIONS_CHANGED"),
    name: z.string().min(1).max(200),
    added: z.array(z.string()).max(10_000),
    deleted: z.array(z.string()).max(10_000),
  }),
]);
export type EventBody = z.infer<typeof EventBodySchema>;
export type EventType = EventBody["type"];
export type EventOfType<T extends EventType> = Extract<EventBody, { type: T }>;

/**
 * One event as sent by a producer and stored.
 * `seq` is the producer's per-run sequence number: `(runId, seq)` is unique, so a retried
 * delivery of the same batch is harmless. Events the platform writes itself (a run queued,
 * a launcher starting it, a monitor failing it) carry `seq: null`: they are written once, in
 * a transaction, never redelivered (see docs/decisions/0003-event-seq.md).
 */
export interface EventRecord {
  runId: string;
  seq: number | null;
  /** Epoch milliseconds at the producer. */
  timestamp: number;
  stepKey: string | null;
  body: EventBody;
}

/** A stored event also has a global, storage-assigned id: the cursor for pagination and tailing. */
export interface StoredEvent extends EventRecord {
  id: number;
}

export const EventRecordSchema = z.object({
  runId: z.string().min(1),
  seq: z.number().int().nonnegative().nullable(),
  timestamp: z.number(),
  stepKey: z.string().nullable(),
  body: EventBodySchema,
});

/** Run lifecycle event → the run status it sets. */
export const RUN_STATUS_BY_EVENT = {
  RUN_QUEUED: "QUEUED",
  RUN_STARTING: "STARTING",
  RUN_STARTED: "STARTED",
  RUN_SUCCESS: "SUCCESS",
  RUN_FAILURE: "FAILURE",
  RUN_CANCELING: "CANCELING",
  RUN_CANCELED: "CANCELED",
} as const satisfies Partial<Record<EventType, string>>;

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) out.stack = error.stack;
    if (error.cause !== undefined) out.cause = serializeError(error.cause);
    return out;
  }
  return { name: "NonErrorThrown", message: typeof error === "string" ? error : safeStringify(error) };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
