/**
 * Public types of the Flyt SDK: what asset definitions, contexts, partitions, resources and
 * definitions look like. Implementations live in the sibling modules; the run worker
 * depends only on these shapes.
 */
import type {
  AssetGraph,
  AssetNodeSnapshot,
  BackfillPartitionSet,
  BackfillPolicySnapshot,
  MetadataValue,
  RetryPolicySnapshot,
} from "@flyt/core";
import type { PartitionMapping, PartitionsDefinition, TimeWindow } from "@flyt/partitions";
import type { FreshnessPolicy } from "./freshness.js";
import type { CheckDefinition } from "./checks.js";
import type { AutomationCondition } from "./automation-condition.js";

/** Partitions' shapes live in @flyt/partitions (shared with the platform); part of the SDK's API all the same. */
export type { PartitionsDefinition, PartitionMapping, PartitionKeySpace, IndexRanges, TimeWindow, TimeWindowCadence } from "@flyt/partitions";
/** Backfills' plain shapes live in @flyt/core (shared with the platform). */
export type { BackfillPartitionSet } from "@flyt/core";

/**
 * How a backfill groups an asset's partitions into runs: made by `singleRunBackfill()` or
 * `multiRunBackfill(n)` (docs/backfills.md#policies).
 */
export type BackfillPolicy = BackfillPolicySnapshot;

/** The first and last key (inclusive) of the partitions a run covers. */
export interface PartitionKeyRange {
  start: string;
  end: string;
}

/** A metadata value as a user writes it: typed (`meta.int(3)`) or a plain value inferred like Pipes' `__infer__`. */
export type MetadataInputValue = MetadataValue | string | number | boolean | null | Date | Record<string, unknown> | unknown[];
export type MetadataInput = Record<string, MetadataInputValue>;

/** Structured logger handed to compute functions; every line becomes a LOG event of the step. */
export interface AssetLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type Resources = Record<string, unknown>;

/** What a compute function receives. `R` types `resources`. */
export interface AssetContext<R extends Resources = Resources> {
  runId: string;
  /** The step's key: the asset key for `asset`, the name for `multiAsset`. */
  stepKey: string;
  /** The (first) asset key of the step, printed. */
  assetKey: string;
  /** All asset keys this step materializes, printed. */
  assetKeys: string[];
  /**
   * The run's partition key, when the asset is partitioned (null when it is not).
   * @throws Error for a run over more than one partition (a single-run backfill): read
   * `partitionKeys` or `partitionKeyRange` there.
   */
  readonly partitionKey: string | null;
  /**
   * Every partition key the run covers, in order: one for a run of one partition, the whole
   * range for a run over a range (`flyt/partition_range_start`/`_end` tags), none when the step
   * is not partitioned.
   */
  partitionKeys: string[];
  /** First and last of `partitionKeys` (equal for one partition); null when the step is not partitioned. */
  partitionKeyRange: PartitionKeyRange | null;
  /** For time-window partitions: the window of `partitionKey`, or from the first key's start to the last key's end for a range. */
  partitionTimeWindow: TimeWindow | null;
  /** 1 on the first try, 2 on the first retry… */
  attempt: number;
  log: AssetLogger;
  resources: R;
  /** Aborted when the run is canceled; pass it to fetch() and child processes. */
  signal: AbortSignal;
  /**
   * Adds metadata to this step's materialization (to `assetKey` of a multi-asset when given).
   * Later calls merge over earlier ones; returned metadata merges last.
   */
  addMetadata(metadata: MetadataInput, assetKey?: string): void;
  /**
   * Records the materialization of one of this step's selected assets now, instead of when the
   * step returns — for steps that build many assets one after another (a dbt build), so each
   * shows up as soon as it exists and stays recorded if a later one fails. Metadata given with
   * `addMetadata` so far merges under `metadata`. At most once per asset and attempt; the assets
   * reported this way are not materialized again when the step returns.
   *
   * In a run over several partitions, name the partition (`{ partition }`, one of
   * `partitionKeys`): each is recorded at once, so when the step fails at partition 17 the 16
   * before it stay materialized; when the step succeeds, the partitions not reported are
   * materialized with the returned metadata.
   *
   * @example
   * ctx.reportMaterialization("atlas/dbt/stg_prices", { rows: 120, relation: "main.stg_prices" });
   * for (const year of ctx.partitionKeys) {
   *   ctx.reportMaterialization(ctx.assetKey, { rows: await load(year) }, { partition: year });
   * }
   */
  reportMaterialization(assetKey: string, metadata?: MetadataInput, options?: ReportMaterializationOptions): void;
  /**
   * Records the result of a check this step evaluates itself: one declared with `check({ asset,
   * name })` without `evaluate`, on one of this step's selected assets. A failed blocking check
   * skips the asset's downstream steps, as an evaluated one does.
   *
   * @example
   * ctx.reportCheck({ assetKey: "atlas/dbt/stg_prices", checkName: "not_null_price", passed: true });
   */
  reportCheck(result: ReportedCheck): void;
  /**
   * Adds keys to the dynamic partitions definition `name` (`dynamicPartitions({ name })`);
   * keys it has already are left as they are. Recorded as an event of this step, and applied by
   * the platform when it stores the event, even if the step fails later. At most 10,000 keys a call.
   *
   * @example
   * ctx.addDynamicPartitions("customers", newCustomerIds);
   */
  addDynamicPartitions(name: string, keys: readonly string[]): void;
  /**
   * Removes keys from the dynamic partitions definition `name` (unknown keys are ignored); their
   * materializations stay in the event log. At most 10,000 keys a call.
   *
   * @example
   * ctx.deleteDynamicPartitions("customers", closedAccountIds);
   */
  deleteDynamicPartitions(name: string, keys: readonly string[]): void;
  /**
   * Runs external processes as this step (Dagster Pipes protocol 0.1): what they report becomes
   * this step's events. See docs/pipes.md.
   *
   * @example
   * const result = await ctx.pipes.run("python3", ["ingest.py"], { extras: { year: ctx.partitionKey } });
   */
  pipes: PipesClient;
}

/** Options of `ctx.reportMaterialization`. */
export interface ReportMaterializationOptions {
  description?: string;
  dataVersion?: string;
  /**
   * The partition materialized, one of `ctx.partitionKeys`: required in a run over several
   * partitions; in a run of one partition it may only be that one; refused when the step is not
   * partitioned.
   */
  partition?: string;
}

/** A check result a step reports itself (`ctx.reportCheck`). */
export interface ReportedCheck {
  /** Printed key of the checked asset (one of the step's). */
  assetKey: string;
  /** The name the check was declared with (`check({ asset, name })`). */
  checkName: string;
  passed: boolean;
  metadata?: MetadataInput;
  description?: string;
  /**
   * This result's severity when it is not the declared one: a tool with its own thresholds can
   * warn on a check declared "error" (dbt's `warn_if` met, `error_if` not). A failed result of
   * severity "warn" is recorded as a warning and never blocks downstream steps. Default: the
   * declared severity.
   */
  severity?: "warn" | "error";
  /** The partition checked, one of `ctx.partitionKeys` (as for `reportMaterialization`). */
  partition?: string;
}

/** How `ctx.pipes.run` launches and talks to a process. Every field is optional. */
export interface PipesRunOptions {
  /** Added to the step's environment (`process.env`); `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Working directory of the process; default the worker's. */
  cwd?: string;
  /** Arbitrary JSON data the process reads as `extras` from its context. */
  extras?: Record<string, unknown>;
  /** Where the process writes messages: a temp file (default) or one of its standard streams. */
  channel?: "file" | "stdio";
  /** For `channel: "stdio"`: which stream carries messages. Default "stderr". */
  stdio?: "stderr" | "stdout";
  /** How the context reaches the process: a temp file (default) or inline in the environment variable. */
  contextTransport?: "file" | "env";
  /** A message line longer than this is dropped with a warning. Default 1 MiB. */
  maxMessageBytes?: number;
  /** After SIGTERM on cancellation, how long before SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  /** Called for each `report_custom_message`, as it arrives. */
  onCustomMessage?: (payload: unknown) => void;
}

/** The exception a Pipes process sent with `closed`. */
export interface PipesException {
  name: string | null;
  message: string;
  stack: string[];
  cause: PipesException | null;
  context: PipesException | null;
}

/** What `ctx.pipes.run` resolves with once the process exited 0. */
export interface PipesResult {
  exitCode: number;
  /** Payloads of `report_custom_message`, in order (at most 10 000 are kept). */
  customMessages: unknown[];
  /** Asset keys the process reported a materialization for; the other selected ones are materialized implicitly. */
  reportedAssetKeys: string[];
  /** Whether the process sent `opened` / `closed`. */
  opened: boolean;
  closed: boolean;
  /** Milliseconds from spawn to the first message, null if none came. */
  firstMessageMs: number | null;
  durationMs: number;
  /** For `runPod`: the pod that ran (deleted by then). */
  pod?: { namespace: string; name: string };
}

/** `ctx.pipes`: launches external processes speaking Dagster Pipes. */
export interface PipesClient {
  /**
   * Spawns `command` with `args` in its own process group and waits for it. Resolves when it
   * exits 0; rejects (failing the step unless caught) on a non-zero exit, a signal, a spawn
   * error or cancellation, with the tail of stderr and the exception the process sent.
   */
  run(command: string, args?: readonly string[], options?: PipesRunOptions): Promise<PipesResult>;
  /**
   * Runs a Pipes child as its own Kubernetes Pod (like Dagster's PipesK8sClient): the context
   * goes in the pod's environment, messages come back on its stderr through the pod log. Resolves
   * when the container exits 0; rejects on a non-zero exit, an image pull error, OOM, eviction or
   * cancellation (the pod is deleted in every case). The Kubernetes client is loaded on first
   * use. See docs/pipes.md.
   *
   * @example
   * await ctx.pipes.runPod({ image: "ghcr.io/org/ingest:1.4", args: ["--year", ctx.partitionKey ?? ""] });
   */
  runPod(options: PipesPodOptions): Promise<PipesResult>;
}

/** How `ctx.pipes.runPod` builds the Pod and follows it. Only `image` is required. */
export interface PipesPodOptions {
  image: string;
  /** The container's entrypoint (Kubernetes `command`); default the image's. */
  command?: string[];
  /** The container's `args`. */
  args?: string[];
  /** Environment of the container (the worker's environment is not passed on). */
  env?: Record<string, string>;
  /** Default: the namespace of the current kubeconfig context, in a cluster the pod's own, else "default". */
  namespace?: string;
  /** Container resources, e.g. `{ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } }`. */
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  imagePullSecrets?: string[];
  serviceAccountName?: string;
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Extra PodSpec fields (tolerations, volumes, affinity, …) merged over the generated spec; not `containers`. */
  podSpec?: Record<string, unknown>;
  /** Extra fields of the container (volumeMounts, securityContext, …) merged over the generated one. */
  container?: Record<string, unknown>;
  /** Arbitrary JSON data the child reads as `extras` from its context. */
  extras?: Record<string, unknown>;
  /** Fail when the pod has not started after this long (unschedulable, slow pull). Default 600. */
  startTimeoutSeconds?: number;
  /** Kubernetes `activeDeadlineSeconds` of the pod. */
  activeDeadlineSeconds?: number;
  /** A message line longer than this is dropped with a warning. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Path of a kubeconfig file; default KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  /** Context of the kubeconfig to use; default its current context. */
  kubeContext?: string;
  /** Called for each `report_custom_message`, as it arrives. */
  onCustomMessage?: (payload: unknown) => void;
}

/** What compute may return: nothing, or metadata for the asset (for a multi-asset: metadata keyed by asset key). */
export type ComputeResult = void | MetadataInput;
export type MultiComputeResult = void | Record<string, MetadataInput>;

export type RetryBackoff = "constant" | "linear" | "exponential";

export interface RetryPolicy {
  /** Retries after the first attempt (0 = never retry). */
  maxRetries: number;
  /** Delay before the first retry, in milliseconds. Default 1000. */
  delayMs?: number;
  /** How the delay grows: constant, linear (delay × n) or exponential (delay × 2^(n-1)). Default exponential. */
  backoff?: RetryBackoff;
  /** Cap on any single delay. */
  maxDelayMs?: number;
}

/** A dependency on an asset defined by another code location; made by `externalAsset()`. */
export interface ExternalAssetRef {
  readonly kind: "external-asset";
  /** Printed key. */
  readonly key: string;
  /** The owning location, when named; null: whichever location defines the key. */
  readonly location: string | null;
  /** Made by `upstreamAsset`: a local dependency when this location defines the key. */
  readonly localIfDefined?: boolean;
}

interface AssetSpecCommon {
  /** Upstream assets: printed keys, key arrays, asset definitions, or `externalAsset(...)` of another location. */
  deps?: ReadonlyArray<string | readonly string[] | AssetDefinition | ExternalAssetRef>;
  description?: string;
  /** Group name; "default" when omitted. */
  group?: string;
  owners?: string[];
  tags?: Record<string, string>;
  /** Technologies involved, e.g. "typescript", "sqlite", "dbt". */
  kinds?: string[];
  codeVersion?: string;
  metadata?: Record<string, unknown>;
  /** How recent the data must be; evaluated by the daemon (docs/freshness.md). */
  freshnessPolicy?: FreshnessPolicy;
  /**
   * When the daemon materializes this asset by itself (docs/automation.md), e.g.
   * `AutomationCondition.eager()` or `AutomationCondition.onCron("30 6 * * *", "Europe/Oslo")`.
   */
  automationCondition?: AutomationCondition;
  /**
   * How this asset's partitions read a partitioned dep's, by the dep's printed key (one of
   * `deps`), e.g. `{ "atlas/met/daily": timeWindowPartitionMapping() }`. A dep not listed reads
   * through the default mapping (identity for equal partitions, time windows between cadences,
   * all partitions for an unpartitioned asset); where there is none, loading fails naming the dep.
   */
  partitionMappings?: Record<string, PartitionMapping>;
}

export interface AssetSpec<R extends Resources = Resources> extends AssetSpecCommon {
  /** `"atlas/ssb/population"` or `["atlas","ssb","population"]`. */
  key: string | readonly string[];
  partitions?: PartitionsDefinition;
  /** How a backfill groups this asset's partitions into runs; default one run per partition. */
  backfillPolicy?: BackfillPolicy;
  retryPolicy?: RetryPolicy;
  /** Resource names this asset needs; checked against `defineDefinitions({ resources })`. */
  resources?: ReadonlyArray<keyof R & string>;
  compute: (context: AssetContext<R>) => ComputeResult | Promise<ComputeResult>;
}

export interface MultiAssetSpec<R extends Resources = Resources> {
  /** The step's name (also its step key). */
  name: string;
  assets: ReadonlyArray<AssetSpecCommon & { key: string | readonly string[] }>;
  /** Applied to every asset that does not set its own. */
  group?: string;
  owners?: string[];
  partitions?: PartitionsDefinition;
  /** How a backfill groups the step's partitions into runs (every asset of the step); default one run per partition. */
  backfillPolicy?: BackfillPolicy;
  /** The automation condition of every asset that does not declare its own. */
  automationCondition?: AutomationCondition;
  retryPolicy?: RetryPolicy;
  resources?: ReadonlyArray<keyof R & string>;
  compute: (context: AssetContext<R>) => MultiComputeResult | Promise<MultiComputeResult>;
}

/** One executable step: a single asset or a multi-asset. The run worker executes these. */
export interface StepDefinition {
  readonly stepKey: string;
  /** Printed keys of the assets this step materializes. */
  readonly assetKeys: readonly string[];
  readonly partitions: PartitionsDefinition | null;
  readonly retryPolicy: RetryPolicySnapshot | null;
  readonly resourceKeys: readonly string[];
  readonly multi: boolean;
  readonly compute: (context: AssetContext) => ComputeResult | MultiComputeResult | Promise<ComputeResult | MultiComputeResult>;
  /** Where it was declared (file:line), for error messages. */
  readonly definedAt: string | null;
}

/** What `asset()` / `multiAsset()` return; pass these to `defineDefinitions`. */
export interface AssetDefinition {
  readonly step: StepDefinition;
  readonly nodes: readonly AssetNodeSnapshot[];
  /** Deps on assets of other code locations (`externalAsset`). */
  readonly externalDeps?: readonly ExternalAssetRef[];
  /**
   * Declared partition mappings: asset key → printed dep key → mapping. Resolved to plain data
   * (`AssetNodeSnapshot.partitionMappings`) by `defineDefinitions`, which knows both assets' partitions.
   */
  readonly partitionMappings?: Readonly<Record<string, Readonly<Record<string, PartitionMapping>>>>;
}

/** A configuration value read from the environment when the run starts. */
export interface EnvValue {
  readonly kind: "env";
  readonly name: string;
  readonly secret: boolean;
  readonly default: string | undefined;
}

export type ResourceConfigValue = string | number | boolean | EnvValue;

export interface ResourceDefinition<T = unknown, C extends Record<string, ResourceConfigValue> = Record<string, ResourceConfigValue>> {
  readonly kind: "resource";
  readonly config: C;
  readonly description: string | null;
  /** Builds the value injected into assets from the resolved config (secrets resolved to strings). */
  readonly create: (config: ResolvedConfig<C>) => T | Promise<T>;
  readonly dispose: ((value: T) => void | Promise<void>) | null;
}

export type ResolvedConfig<C> = { [K in keyof C]: C[K] extends EnvValue ? string : C[K] };

/** What the daemon does with ticks it missed while down: the latest only, all (up to a maximum), or none. */
export type CatchUpPolicy = "latest" | "all" | "none";

export interface ScheduleEvaluationContext {
  /** The tick's scheduled instant. */
  scheduledAt: Date;
  /** The partition the schedule's `partition` option gives for this tick, if any. */
  partitionKey: string | null;
  signal: AbortSignal;
}

/** A schedule function's answer: runs to request, or why this tick requests none. */
export interface ScheduleResult {
  runRequests?: RunRequest[];
  /** Keys to add to / delete from dynamic partitions definitions, applied before the requests are launched. */
  dynamicPartitionsRequests?: DynamicPartitionsRequest[];
  /** Backfills to start (docs/backfills.md). */
  backfillRequests?: BackfillRequestSpec[];
  skipReason?: string;
}

/**
 * Keys a schedule or sensor adds to or deletes from the dynamic partitions definition `name`
 * (at most 10,000 of each per request). Added before deleted; run and backfill requests of the
 * same answer may name the added keys.
 */
export interface DynamicPartitionsRequest {
  name: string;
  add?: string[];
  delete?: string[];
}

/** A backfill a schedule or sensor asks for: the daemon stores and plans it like one from the CLI. */
export interface BackfillRequestSpec {
  /** Selection expression; default the instigator's target. */
  selection?: string;
  /** Which partitions: `{ kind: "range", from: "2024", to: "2024" }`, `{ kind: "keys", keys }`, `{ kind: "missing" }`… */
  partitions: BackfillPartitionSet;
  /** Overrides every selected asset's own backfill policy. */
  policy?: BackfillPolicy;
  /** Added to every run of the backfill (keys under `flyt/` are reserved). */
  tags?: Record<string, string>;
}

export interface ScheduleDefinition {
  readonly kind: "schedule";
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  /** Selection expression of the assets to run. */
  readonly target: string;
  readonly tags: Record<string, string>;
  readonly defaultStatus: "RUNNING" | "STOPPED";
  readonly description: string | null;
  readonly catchUp: CatchUpPolicy;
  /** With catchUp "all": at most this many missed ticks are run (the newest ones). */
  readonly maxCatchUpTicks: number;
  /** The partition each scheduled run materializes: a fixed key, or one computed from the tick time. */
  readonly partition: string | ((scheduledAt: Date) => string | null) | null;
  /** Decides per tick what to run; null means "one run of target" (no user code needed). */
  readonly evaluate: ((context: ScheduleEvaluationContext) => ScheduleResult | Promise<ScheduleResult>) | null;
}

export interface SensorEvaluationContext {
  cursor: string | null;
  lastTickTime: Date | null;
  log: AssetLogger;
  signal: AbortSignal;
}

export interface RunRequest {
  runKey?: string;
  partitionKey?: string;
  tags?: Record<string, string>;
  /** Overrides the sensor's target. */
  selection?: string;
}

export interface SensorResult {
  runRequests?: RunRequest[];
  /** Keys to add to / delete from dynamic partitions definitions, applied before the requests are launched. */
  dynamicPartitionsRequests?: DynamicPartitionsRequest[];
  /** Backfills to start (docs/backfills.md), e.g. the newly published year and its downstream. */
  backfillRequests?: BackfillRequestSpec[];
  skipReason?: string;
  cursor?: string | null;
}

/** "custom": user code decides; "asset" and "run_status": the daemon decides from storage (no user code). */
export type SensorType = "custom" | "asset" | "run_status";

export interface SensorDefinition {
  readonly kind: "sensor";
  readonly name: string;
  readonly target: string;
  readonly minimumIntervalSeconds: number;
  readonly defaultStatus: "RUNNING" | "STOPPED";
  readonly description: string | null;
  readonly evaluate: (context: SensorEvaluationContext) => SensorResult | Promise<SensorResult>;
  /** Absent on definitions made before sensor types existed: treat as "custom". */
  readonly sensorType?: SensorType;
  /** Asset sensors: printed keys of the assets whose materializations fire it. */
  readonly assets?: readonly string[];
  /** Run-status sensors: the statuses that fire it (e.g. ["FAILURE"]). */
  readonly runStatuses?: readonly ("SUCCESS" | "FAILURE" | "CANCELED")[];
  /** Run-status sensors: only runs that targeted an asset of this selection (null: every run). */
  readonly monitoredSelection?: string | null;
  /** Tags added to every run the sensor requests. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Validated definitions: the unit a code location serves. */
export interface Definitions {
  readonly kind: "definitions";
  readonly steps: ReadonlyMap<string, StepDefinition>;
  readonly graph: AssetGraph;
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
  readonly schedules: readonly ScheduleDefinition[];
  readonly sensors: readonly SensorDefinition[];
  /** Assets of other code locations that this location's assets depend on. */
  readonly externalAssets?: readonly ExternalAssetRef[];
  /** Asset checks (`check()`), in declaration order; absent on definitions made before checks existed. */
  readonly checks?: readonly CheckDefinition[];
}

export interface DefinitionsInput {
  assets: ReadonlyArray<AssetDefinition>;
  schedules?: ReadonlyArray<ScheduleDefinition>;
  sensors?: ReadonlyArray<SensorDefinition>;
  resources?: Record<string, ResourceDefinition<any, any>>;
  /** Asset checks made with `check()`; each must name an asset of these definitions. */
  checks?: ReadonlyArray<CheckDefinition>;
}
