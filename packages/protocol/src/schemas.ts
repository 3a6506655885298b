/**
 * Protocol v1 between the platform and a code-location server, and between a run worker and
 * the platform's ingest API: every request and response body as a zod schema. These schemas
 * are the contract; the JSON Schema files under docs/protocol/v1/ are generated from them
 * (scripts/generate-schemas.mjs) and a test fails when they drift.
 */
import { DEFINITION_LIMITS as L, EventRecordSchema, RUN_ORIGINS, RUN_STATUSES, SerializedErrorSchema, type AutomationConditionSnapshot } from "@flyt/core";
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
  /** Keys added and removed at run time; they live in the platform's storage under `name`. */
  z.object({ kind: z.literal("dynamic"), name }),
]);

const partitionKey = z.string().min(1).max(L.partitionKeyChars);
/** Largest shift of a time-window mapping, in upstream windows (a century of hours): `MAX_PARTITION_MAPPING_OFFSET` of @flyt/partitions. */
export const MAX_PARTITION_MAPPING_OFFSET = 1_000_000;
const windowOffset = z.number().int().min(-MAX_PARTITION_MAPPING_OFFSET).max(MAX_PARTITION_MAPPING_OFFSET);

/**
 * How a downstream asset's partitions read one dependency's (core `PartitionMappingSnapshot`,
 * docs/partitions.md#mappings). A static mapping lists, per downstream key, the upstream keys it
 * reads; its keys together are bounded like a static partitions definition.
 */
export const PartitionMappingSnapshotSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("identity") }),
  z.object({ kind: z.literal("time-window"), startOffset: windowOffset, endOffset: windowOffset }),
  z.object({ kind: z.literal("all") }),
  z.object({
    kind: z.literal("static"),
    upstreamKeysByDownstreamKey: z
      .record(partitionKey, z.array(partitionKey).max(L.partitionKeys))
      .refine((map) => Object.keys(map).length <= L.partitionKeys, { message: `at most ${L.partitionKeys} downstream keys` })
      .refine((map) => Object.values(map).reduce((sum, keys) => sum + keys.length, 0) <= L.partitionKeys, {
        message: `at most ${L.partitionKeys} upstream keys in all`,
      }),
  }),
]);
export type PartitionMappingSnapshotWire = z.infer<typeof PartitionMappingSnapshotSchema>;

/** Most partitions one run of a multi-run backfill may cover (core `BackfillPolicySnapshot`). */
export const MAX_PARTITIONS_PER_RUN = 1_000_000;

/** How a backfill groups an asset's partitions into runs (core `BackfillPolicySnapshot`). */
export const BackfillPolicySnapshotSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("multi-run"), maxPartitionsPerRun: z.number().int().min(1).max(MAX_PARTITIONS_PER_RUN) }),
  z.object({ kind: z.literal("single-run") }),
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

// Automation conditions (core `AutomationConditionSnapshot`, docs/automation.md) ------------

const conditionLabel = z.string().min(1).max(L.automationLabelChars).optional();
const conditionCron = z.string().min(1).max(L.cronChars);
const conditionTimezone = z.string().min(1).max(L.timezoneChars);
// A fresh lazy per use: the JSON Schema then references the named definition directly.
const conditionChild = (): z.ZodType<AutomationConditionSnapshot> => z.lazy(() => AutomationConditionNodeSchema);
const leaf = <K extends string>(kind: K) => z.object({ kind: z.literal(kind), label: conditionLabel });

/** One node of a condition tree; the limits of the whole tree are `AutomationConditionSnapshotSchema`'s. */
export const AutomationConditionNodeSchema: z.ZodType<AutomationConditionSnapshot> = z.discriminatedUnion("kind", [
  leaf("missing"),
  leaf("in_progress"),
  leaf("execution_failed"),
  leaf("newly_updated"),
  leaf("newly_requested"),
  leaf("code_version_changed"),
  leaf("unsynced"),
  leaf("will_be_requested"),
  leaf("cron_tick_passed").extend({ cron: conditionCron, timezone: conditionTimezone }),
  leaf("updated_since_cron").extend({ cron: conditionCron, timezone: conditionTimezone }),
  leaf("in_latest_time_window").extend({ lookbackMinutes: z.number().positive().finite().nullable() }),
  leaf("any_deps_match").extend({ condition: conditionChild() }),
  leaf("all_deps_match").extend({ condition: conditionChild() }),
  leaf("newly_true").extend({ condition: conditionChild() }),
  leaf("since").extend({ trigger: conditionChild(), reset: conditionChild() }),
  leaf("not").extend({ operand: conditionChild() }),
  leaf("and").extend({ operands: z.array(conditionChild()).min(1) }),
  leaf("or").extend({ operands: z.array(conditionChild()).min(1) }),
]);

/**
 * Why a condition tree is over the limits (more than `automationConditionNodes` nodes or
 * `automationConditionDepth` levels), or null. Walks without recursion and stops at the limit,
 * so a hostile million-level tree costs as little as a small one and never reaches the
 * (recursive) node schema.
 */
export function automationConditionLimitProblem(value: unknown): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    nodes += 1;
    if (nodes > L.automationConditionNodes) return `has more than ${L.automationConditionNodes} nodes, over the limit`;
    if (depth > L.automationConditionDepth) return `is more than ${L.automationConditionDepth} levels deep, over the limit`;
    const n = node as Record<string, unknown>;
    for (const field of ["condition", "trigger", "reset", "operand"]) if (field in n) stack.push({ node: n[field], depth: depth + 1 });
    if (Array.isArray(n.operands)) for (const operand of n.operands) stack.push({ node: operand, depth: depth + 1 });
  }
  return null;
}

/**
 * An asset's automation condition: a tree of at most `automationConditionNodes` nodes and
 * `automationConditionDepth` levels (DEFINITION_LIMITS), checked before the tree is parsed.
 */
export const AutomationConditionSnapshotSchema = z
  .unknown()
  .superRefine((value, context) => {
    const problem = automationConditionLimitProblem(value);
    if (problem !== null) context.addIssue({ code: z.ZodIssueCode.custom, message: problem, fatal: true });
  })
  .pipe(AutomationConditionNodeSchema)
  .describe(`A condition tree of at most ${L.automationConditionNodes} nodes and ${L.automationConditionDepth} levels (docs/automation.md)`);

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
  /**
   * Mappings declared on deps, by printed dep key (each one of `deps`); a dep without one reads
   * through the default mapping. Absent (older servers, or none declared): all defaults.
   */
  partitionMappings: z.record(assetKey, PartitionMappingSnapshotSchema).optional(),
  /** Absent or null: multi-run, one partition per run. */
  backfillPolicy: BackfillPolicySnapshotSchema.nullable().optional(),
  /** Declarative automation (docs/automation.md). Absent (older servers, or none declared) or null: none. */
  automationCondition: AutomationConditionSnapshotSchema.nullable().optional(),
}).superRefine((asset, context) => {
  // A mapping names the dep it applies to; one naming anything else would be silently ignored.
  for (const key of Object.keys(asset.partitionMappings ?? {})) {
    if (!asset.deps.includes(key)) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ["partitionMappings", key], message: `names ${JSON.stringify(key)}, which is not one of the asset's deps` });
    }
  }
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

/** Keys one dynamic partitions request may add (and, apart, delete); also the limit of one `ctx.addDynamicPartitions` call. */
export const MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST = 10_000;
/** Dynamic partitions requests and backfill requests one schedule or sensor evaluation may return. */
export const MAX_EVALUATION_DYNAMIC_PARTITIONS_REQUESTS = 100;
export const MAX_EVALUATION_BACKFILL_REQUESTS = 100;
/** Keys a backfill request of kind "keys" may list (larger sets: a range, "missing" or "all"). */
export const MAX_BACKFILL_REQUEST_KEYS = 10_000;
/** Tag keys under this prefix are the platform's; requests may not set them. */
export const RESERVED_TAG_PREFIX = "flyt/";

/**
 * Keys a schedule or sensor adds to and deletes from the dynamic partitions definition `name`
 * (docs/partitions.md#dynamic). The daemon applies `delete` after `add`, then launches the
 * evaluation's run and backfill requests, so they may name the keys just added.
 */
export const DynamicPartitionsRequestSchema = z.object({
  name,
  add: z.array(partitionKey).max(MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST),
  delete: z.array(partitionKey).max(MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST),
});
export type DynamicPartitionsRequest = z.infer<typeof DynamicPartitionsRequestSchema>;

/** Which partitions a backfill targets (core `BackfillPartitionSet`, docs/backfills.md). */
export const BackfillPartitionSetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("range"), from: partitionKey, to: partitionKey }),
  z.object({ kind: z.literal("keys"), keys: z.array(partitionKey).min(1).max(MAX_BACKFILL_REQUEST_KEYS) }),
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("missing") }),
  z.object({ kind: z.literal("failed"), backfillId: z.string().min(1).max(200).optional() }),
]);

/**
 * A backfill a schedule or sensor requests (core `BackfillRequest` without the operator's fields):
 * the daemon stores it REQUESTED with `requestedBy` naming the instigator, and plans it as any other.
 */
export const EvaluationBackfillRequestSchema = z.object({
  /** Selection expression (the instigator's target unless the request gave one). */
  selection: selection.min(1),
  partitions: BackfillPartitionSetSchema,
  /** Overrides every selected asset's own policy; null: each asset's own. */
  policy: BackfillPolicySnapshotSchema.nullable(),
  /** Added to every run of the backfill: the instigator's tags, then the request's; none under `flyt/`. */
  tags: definitionTags.refine((tags) => Object.keys(tags).every((key) => !key.startsWith(RESERVED_TAG_PREFIX)), {
    message: `keys under "${RESERVED_TAG_PREFIX}" are reserved for the platform`,
  }),
});
export type EvaluationBackfillRequest = z.infer<typeof EvaluationBackfillRequestSchema>;

/** The optional fields every evaluation response may carry besides its run requests (absent from older servers: none). */
const evaluationRequests = {
  dynamicPartitionsRequests: z.array(DynamicPartitionsRequestSchema).max(MAX_EVALUATION_DYNAMIC_PARTITIONS_REQUESTS).optional(),
  backfillRequests: z.array(EvaluationBackfillRequestSchema).max(MAX_EVALUATION_BACKFILL_REQUESTS).optional(),
};

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
  ...evaluationRequests,
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
  ...evaluationRequests,
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
