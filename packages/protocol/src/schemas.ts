/**
 * Protocol v1 between the platform and a code-location server, and between a run worker and
 * the platform's ingest API: every request and response body as a zod schema. These schemas
 * are the contract; the JSON Schema files under docs/protocol/v1/ are generated from them
 * (scripts/generate-schemas.mjs) and a test fails when they drift.
 */
import { DEFINITION_LIMITS as L, EventRecordSchema, RUN_ORIGINS, RUN_STATUSES, SerializedErrorSchema } from "@flyt/core";
import { z } from "zod";

/** The major protocol version this code speaks. It is in every path (`/v1/…`) and in a header. */
export const PROTOCOL_VERSION = 1;
/** Header carrying the major version on every request and response. */
export const PROTOCOL_VERSION_HEADER = "flyt-protocol-version";

// A pattern rather than a refinement, so the generated JSON Schema carries the segment limits too.
const assetKey = z
  .string()
  .min(1)
  .max(L.keyChars)
  .regex(new RegExp(`^[^/]{1,${L.keySegmentChars}}(?:/[^/]{1,${L.keySegmentChars}}){0,${L.keySegments - 1}}$`), {
    message: `must be 1 to ${L.keySegments} '/'-separated segments of 1 to ${L.keySegmentChars} characters`,
  });
const name = z.string().min(1).max(L.nameChars);
const stringMap = z.record(z.string());
/** Tags of a definition (asset, schedule, sensor); run tags keep `stringMap`. */
const definitionTags = z
  .record(z.string().max(L.tagKeyChars), z.string().max(L.tagValueChars))
  .refine((tags) => Object.keys(tags).length <= L.tags, { message: `at most ${L.tags} tags` });
const description = z.string().max(L.descriptionChars).nullable();
const selection = z.string().max(L.selectionChars);

// Errors ---------------------------------------------------------------------------------

export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNSUPPORTED_VERSION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "GONE",
  "PAYLOAD_TOO_LARGE",
  "DEFINITIONS_LOAD",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every error response, from any endpoint: `{ error: { code, message, field? } }`. */
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** The request field at fault (dotted path), when one is. */
    field: z.string().nullable().optional(),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** The one table mapping error codes to HTTP statuses. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNSUPPORTED_VERSION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  DEFINITIONS_LOAD: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

// Snapshot -------------------------------------------------------------------------------

export const PartitionsSnapshotSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("static"), keys: z.array(z.string().min(1).max(L.partitionKeyChars)).max(L.partitionKeys) }),
  z.object({
    kind: z.literal("time-window"),
    cadence: z.enum(["hourly", "daily", "monthly", "yearly"]),
    start: z.string(),
    end: z.string().nullable(),
    timezone: z.string(),
    format: z.string(),
  }),
]);

export const RetryPolicySnapshotSchema = z.object({
  maxRetries: z.number().int().nonnegative(),
  delayMs: z.number().nonnegative(),
  backoff: z.enum(["constant", "linear", "exponential"]),
  maxDelayMs: z.number().nonnegative().nullable(),
});

/** A check attached to an asset (core `AssetCheckSnapshot`); its evaluate function stays in the location. */
export const CheckSnapshotSchema = z.object({
  name,
  severity: z.enum(["warn", "error"]),
  blocking: z.boolean(),
  description,
});

const freshnessPartitions = z.enum(["any", "latest"]);

/** A freshness policy (core `FreshnessPolicySnapshot`), evaluated by the daemon (docs/freshness.md). */
export const FreshnessPolicySnapshotSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("time-window"),
    maximumLagMinutes: z.number().positive(),
    warnAfterMinutes: z.number().nonnegative().nullable(),
    partitions: freshnessPartitions,
  }),
  z.object({
    kind: z.literal("cron"),
    cron: z.string().min(1),
    timezone: z.string().min(1),
    maximumLagMinutes: z.number().positive(),
    warnBeforeMinutes: z.number().nonnegative().nullable(),
    partitions: freshnessPartitions,
  }),
]);

export const AssetSnapshotSchema = z.object({
  key: assetKey,
  /** Printed keys of upstream assets: of this location, or declared in `externalAssets`. */
  deps: z.array(assetKey),
  description,
  group: name,
  owners: z.array(z.string().max(L.ownerChars)).max(L.owners),
  tags: definitionTags,
  kinds: z.array(z.string().max(L.kindChars)).max(L.kinds),
  codeVersion: z.string().max(L.codeVersionChars).nullable(),
  partitions: PartitionsSnapshotSchema.nullable(),
  retryPolicy: RetryPolicySnapshotSchema.nullable(),
  stepKey: z.string().min(1).max(L.keyChars),
  metadata: z
    .record(z.unknown())
    .refine((metadata) => Buffer.byteLength(JSON.stringify(metadata), "utf8") <= L.metadataBytes, { message: `at most ${L.metadataBytes} bytes serialized` }),
  checks: z.array(CheckSnapshotSchema),
  freshnessPolicy: FreshnessPolicySnapshotSchema.nullable(),
});
export type AssetSnapshot = z.infer<typeof AssetSnapshotSchema>;

/** An asset of another location that this location's assets depend on. */
export const ExternalAssetSnapshotSchema = z.object({
  key: assetKey,
  /** The owning location when the author named it; null means "whichever location defines it". */
  location: name.nullable(),
});
export type ExternalAssetSnapshot = z.infer<typeof ExternalAssetSnapshotSchema>;

export const ScheduleSnapshotSchema = z.object({
  name,
  cron: z.string().max(L.cronChars),
  timezone: z.string().max(L.timezoneChars),
  target: selection,
  tags: definitionTags,
  defaultStatus: z.enum(["RUNNING", "STOPPED"]),
  description,
  /** What the daemon does with ticks missed while it was down. */
  catchUp: z.enum(["latest", "all", "none"]),
  maxCatchUpTicks: z.number().int().nonnegative(),
  /** The partition of each tick's run: a fixed key, computed by user code per tick, or none. */
  partition: z.discriminatedUnion("kind", [z.object({ kind: z.literal("fixed"), key: z.string().max(L.partitionKeyChars) }), z.object({ kind: z.literal("computed") })]).nullable(),
  /** Whether user code decides each tick (evaluate through the code location) or it is one run of `target`. */
  hasEvaluate: z.boolean(),
});
export type ScheduleSnapshot = z.infer<typeof ScheduleSnapshotSchema>;

export const SensorSnapshotSchema = z.object({
  name,
  target: selection,
  minimumIntervalSeconds: z.number().positive(),
  defaultStatus: z.enum(["RUNNING", "STOPPED"]),
  description,
  /** "custom": evaluated through the code location; "asset" / "run_status": the daemon decides from storage. */
  sensorType: z.enum(["custom", "asset", "run_status"]),
  /** Asset sensors: printed keys whose materializations fire it. */
  assets: z.array(assetKey),
  /** Run-status sensors: statuses that fire it. */
  runStatuses: z.array(z.enum(["SUCCESS", "FAILURE", "CANCELED"])),
  monitoredSelection: selection.nullable(),
  tags: definitionTags,
});
export type SensorSnapshot = z.infer<typeof SensorSnapshotSchema>;

/** The plain-data definitions of one location. Hashed as canonical JSON (see `snapshotHash`). */
export const SnapshotSchema = z.object({
  /** The location's name as the server was told (`--name`), or the definitions file's base name. */
  location: name,
  assets: z.array(AssetSnapshotSchema),
  externalAssets: z.array(ExternalAssetSnapshotSchema),
  schedules: z.array(ScheduleSnapshotSchema),
  sensors: z.array(SensorSnapshotSchema),
  metadata: z.object({ sdkVersion: z.string(), runtime: z.string() }).catchall(z.unknown()),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** `GET /v1/snapshot` → 200 (or 304 when `If-None-Match` carries the current hash; 503 when loading failed). */
export const SnapshotResponseSchema = z.object({
  /** `sha256:<hex>` of the canonical JSON of `snapshot`; also the ETag. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  snapshot: SnapshotSchema,
});
export type SnapshotResponse = z.infer<typeof SnapshotResponseSchema>;

// Health ---------------------------------------------------------------------------------

/** `GET /v1/health` → 200 always while the process serves; `status` says whether definitions loaded. */
export const HealthResponseSchema = z.object({
  status: z.enum(["LOADED", "ERROR"]),
  protocolVersion: z.literal(PROTOCOL_VERSION),
  location: name,
  hash: z.string().nullable(),
  /** Why loading failed, when `status` is ERROR. */
  error: SerializedErrorSchema.nullable(),
  pid: z.number().int(),
  uptimeMs: z.number().nonnegative(),
  activeRuns: z.number().int().nonnegative(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

// Schedules and sensors ------------------------------------------------------------------

export const RunRequestSchema = z.object({
  runKey: z.string().nullable(),
  partitionKey: z.string().nullable(),
  tags: stringMap,
  /** Selection expression of the run (the instigator's target unless overridden). */
  selection: z.string().min(1),
});
export type ProtocolRunRequest = z.infer<typeof RunRequestSchema>;

/** `POST /v1/schedules/{name}/evaluate`. */
export const EvaluateScheduleRequestSchema = z.object({
  /** The scheduled instant being evaluated, epoch ms. */
  scheduledTime: z.number().int().nonnegative(),
  /** How long the schedule's code may run (default 60 s); past it the server stops the evaluation. */
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});
export type EvaluateScheduleRequest = z.infer<typeof EvaluateScheduleRequestSchema>;

export const EvaluateScheduleResponseSchema = z.object({
  runRequests: z.array(RunRequestSchema),
  skipReason: z.string().nullable(),
  error: SerializedErrorSchema.nullable(),
});
export type EvaluateScheduleResponse = z.infer<typeof EvaluateScheduleResponseSchema>;

export const MAX_SENSOR_TIMEOUT_MS = 600_000;
export const DEFAULT_SENSOR_TIMEOUT_MS = 60_000;

/** `POST /v1/sensors/{name}/evaluate`. */
export const EvaluateSensorRequestSchema = z.object({
  cursor: z.string().nullable(),
  /** Epoch ms of the previous tick, or null on the first. */
  lastTickTime: z.number().int().nonnegative().nullable(),
  timeoutMs: z.number().int().min(1).max(MAX_SENSOR_TIMEOUT_MS).optional(),
});
export type EvaluateSensorRequest = z.infer<typeof EvaluateSensorRequestSchema>;

/** User-code failures (a throw, a timeout, a bad result) come back as `error`, with HTTP 200. */
export const EvaluateSensorResponseSchema = z.object({
  runRequests: z.array(RunRequestSchema),
  skipReason: z.string().nullable(),
  /** The cursor to store: unchanged from the request unless the sensor returned one. */
  cursor: z.string().nullable(),
  error: SerializedErrorSchema.nullable(),
  durationMs: z.number().nonnegative(),
});
export type EvaluateSensorResponse = z.infer<typeof EvaluateSensorResponseSchema>;

// Runs -----------------------------------------------------------------------------------

export const RunRecordSchema = z.object({
  runId: z.string().min(1).max(200),
  status: z.enum(RUN_STATUSES),
  selection: z.string(),
  assetKeys: z.array(assetKey),
  stepKeys: z.array(z.string()).nullable(),
  partitionKey: z.string().nullable(),
  tags: stringMap,
  origin: z.enum(RUN_ORIGINS),
  parentRunId: z.string().nullable(),
  rootRunId: z.string().nullable(),
  location: name,
  instigator: z.string().nullable(),
  runKey: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});

/** `POST /v1/runs`: start a run worker for a run the platform created. */
export const LaunchRunRequestSchema = z.object({
  run: RunRecordSchema,
  /** Base URL of the platform's ingest API, e.g. `http://flyt-webserver:3000/ingest/v1`. */
  ingestUrl: z.string().url(),
  /** The run-scoped token; the only credential the worker gets. */
  runToken: z.string().min(32).max(512),
  parallelism: z.number().int().min(1).max(256).optional(),
  heartbeatIntervalMs: z.number().int().min(100).max(300_000).optional(),
});
export type LaunchRunRequest = z.infer<typeof LaunchRunRequestSchema>;

export const LaunchRunResponseSchema = z.object({ runId: z.string(), pid: z.number().int().nullable() });
export type LaunchRunResponse = z.infer<typeof LaunchRunResponseSchema>;

/** `POST /v1/runs/{id}/cancel`. */
export const CancelRunRequestSchema = z.object({ reason: z.string().max(2000).optional() });
export type CancelRunRequest = z.infer<typeof CancelRunRequestSchema>;

/** `GET /v1/runs/{id}` and the cancel response: the worker process as the code server sees it. */
export const RunProcessStatusSchema = z.object({
  runId: z.string(),
  state: z.enum(["RUNNING", "EXITED"]),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** The last few KiB of the worker's stderr (crash reports). */
  stderrTail: z.string(),
  cancelRequested: z.boolean(),
});
export type RunProcessStatus = z.infer<typeof RunProcessStatusSchema>;

// Ingest (run worker → platform) ---------------------------------------------------------

/** Events in one ingest request; larger batches are refused with PAYLOAD_TOO_LARGE. */
export const MAX_INGEST_BATCH = 1000;

/** `POST /ingest/v1/runs/{runId}/events` with `Authorization: Bearer <run token>`. */
export const IngestEventsRequestSchema = z.object({ events: z.array(EventRecordSchema).min(1).max(MAX_INGEST_BATCH) });
export type IngestEventsRequest = z.infer<typeof IngestEventsRequestSchema>;

export const IngestEventsResponseSchema = z.object({
  received: z.number().int().nonnegative(),
  /** Events actually stored; fewer than `received` when some were redeliveries. */
  inserted: z.number().int().nonnegative(),
});
export type IngestEventsResponse = z.infer<typeof IngestEventsResponseSchema>;

/** `POST /ingest/v1/runs/{runId}/heartbeat`. */
export const HeartbeatRequestSchema = z.object({ at: z.number().int().nonnegative() });
export type HeartbeatRequest = z.infer<typeof HeartbeatRequestSchema>;
export const HeartbeatResponseSchema = z.object({ recordedAt: z.number().int() });
