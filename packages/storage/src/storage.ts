/**
 * The one storage interface every Flyt component talks to. Backends (sqlite/, postgres/)
 * implement it and pass the same conformance suite (conformance.test.ts).
 *
 * Rules every backend keeps:
 * - `appendEvents` is idempotent on `(runId, seq)` for events with a seq, and applies the
 *   derived updates (run status and times, asset index) in the same transaction as the insert.
 * - No method on the API path scans the whole event log: pages are keyset-paginated on ids.
 * - Times are epoch milliseconds.
 */
import type {
  AutomationAssetEvaluation,
  BackfillAssetProgress,
  BackfillCounts,
  BackfillRecord,
  BackfillRequest,
  BackfillStatus,
  EventRecord,
  PartitionsSnapshot,
  EventType,
  Metadata,
  NewRun,
  RunOrigin,
  RunRecord,
  RunStatus,
  StoredEvent,
} from "@flyt/core";

/** A page of results with an opaque cursor for the next page (null when there is none). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** At most this many items; backends clamp to MAX_PAGE_SIZE. */
  limit?: number;
  cursor?: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface RunFilter {
  statuses?: RunStatus[];
  origin?: RunOrigin;
  location?: string;
  /** Runs whose tags contain all of these pairs. */
  tags?: Record<string, string>;
  /** Runs that targeted this printed asset key. */
  assetKey?: string;
  parentRunId?: string;
  rootRunId?: string;
  /** Exclusive lower bound on `createdAt` (epoch ms). */
  createdAfter?: number;
  /** Exclusive upper bound on `createdAt` (epoch ms). */
  createdBefore?: number;
  /** Exclusive lower bound on `endedAt` (epoch ms): runs that finished after this moment. */
  endedAfter?: number;
}

export interface EventQuery {
  /** Only events with a storage id greater than this (tailing a live run). */
  afterId?: number;
  /** At most this many events (clamped to MAX_PAGE_SIZE); all of the run's events when omitted. */
  limit?: number;
  types?: EventType[];
  stepKey?: string;
}

/** The latest materialization of an asset, or of one partition of it, kept current on write. */
export interface AssetIndexEntry {
  assetKey: string;
  /** null for unpartitioned assets; the partition key otherwise. */
  partition: string | null;
  runId: string;
  eventId: number;
  timestamp: number;
  metadata: Metadata;
  codeVersion: string | null;
  /**
   * The materialization's data version: the producer's (`dataVersion` on the event, from Pipes or
   * the SDK), else derived from its code version and input data versions (`derivedDataVersionInput`
   * in core, sha256). Null for materializations stored before data versions existed.
   */
  dataVersion: string | null;
  /** True when the producer gave the data version. */
  dataVersionUserProvided: boolean;
  /**
   * The data version of each dependency (registered with `putAssetDefinitions`) when this
   * materialization was stored: its provenance. Null when the asset's dependencies were not known.
   */
  inputDataVersions: Record<string, string | null> | null;
}

/** What storage needs to know of an asset to record the provenance of its materializations. */
export interface AssetDefinitionEntry {
  assetKey: string;
  /** Printed keys of its dependencies (itself excluded). */
  deps: string[];
  codeVersion: string | null;
}

/** What one automation tick decided (`recordAutomationTick`). */
export interface AutomationTickDecision {
  evaluations: AutomationAssetEvaluation[];
  /** The cursor the next tick starts from. */
  cursor: string;
  /** The runs to create, each with `runKey` and `instigator: "automation"`. */
  plannedRuns: NewRun[];
}

/** A partition materialized after some moment (automation's "newly updated"). */
export interface PartitionMaterialization {
  assetKey: string;
  /** null for an unpartitioned asset. */
  partition: string | null;
  timestamp: number;
  runId: string;
}

/** The latest result of one check of one asset. */
export interface CheckIndexEntry {
  assetKey: string;
  checkName: string;
  passed: boolean;
  severity: "warn" | "error";
  runId: string;
  eventId: number;
  timestamp: number;
}

/** `automation`: the automation loop's on/off switches (global `automation`, per location `automation:<location>`). */
export type InstigatorKind = "schedule" | "sensor" | "automation";
export type InstigatorStatus = "RUNNING" | "STOPPED";

/** Operator-controlled state of a schedule or sensor: overrides the default declared in code. */
export interface InstigatorState {
  /** `<location>:<name>`. */
  id: string;
  kind: InstigatorKind;
  status: InstigatorStatus;
  cursor: string | null;
  /** Moment the operator (or the default) turned it on; catch-up never goes before it. */
  startedAt: number | null;
  updatedAt: number;
}

export type TickStatus = "STARTED" | "SUCCESS" | "SKIPPED" | "FAILURE";

export interface Tick {
  tickId: number;
  instigatorId: string;
  status: TickStatus;
  /** The scheduled instant (schedules) or evaluation time (sensors). */
  tickTime: number;
  runIds: string[];
  skipReason: string | null;
  error: string | null;
  cursor: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface TickUpdate {
  status: TickStatus;
  runIds?: string[];
  skipReason?: string | null;
  error?: string | null;
  cursor?: string | null;
}

export interface Lease {
  name: string;
  holder: string;
  /** Increases on every change of holder: a fencing token for writes made under the lease. */
  fencingToken: number;
  expiresAt: number;
}

/** A daemon loop's last sign of life (`flyt daemon status`). */
export interface DaemonHeartbeat {
  /** The daemon process (host, pid and a random suffix). */
  daemonId: string;
  /** Loop name: "scheduler", "sensors", "run-queue", "run-monitor", "run-retries", "leader". */
  loop: string;
  at: number;
  /** Free text the loop wants shown (e.g. "leader", "standby", last error). */
  info: string | null;
}

/** The last heartbeat of a run's worker. */
export interface RunHeartbeat {
  runId: string;
  at: number;
}

/** A run was created or changed status. */
export interface RunChange {
  runId: string;
  status: RunStatus;
  /**
   * The run as written, when the writer could include it: `createRun` sends it with the QUEUED
   * change (on PostgreSQL when it fits in a notification), so a dispatcher need not read the run.
   */
  run?: RunRecord;
}

/** A subscription to run changes; close it to stop listening. */
export interface RunWatch {
  close(): Promise<void>;
}

export interface RunWatchOptions {
  /**
   * Called when changes may have been missed: on PostgreSQL, after the watch's connection was
   * lost (a database restart, a failover, a network cut) and re-established, since notifications
   * sent while no session listened are gone. It carries no run: the listener should re-read
   * everything it tracks (the daemon's run queue does a full re-list). SQLite never calls it: its
   * signal is in-process and cannot be lost.
   */
  onMissed?: () => void;
}

/**
 * A run-scoped ingest token as stored: only its hash (`sha256` hex of the token), never the token.
 * It lets a run worker write events of `runId`, and materializations/checks of `assetKeys` only.
 */
export interface RunToken {
  tokenHash: string;
  runId: string;
  location: string;
  /** Printed keys of the run's assets: the only assets the token may write events about. */
  assetKeys: string[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type NewRunToken = Omit<RunToken, "createdAt" | "revokedAt">;

export type ApiTokenRole = "viewer" | "operator" | "admin";

/**
 * An API token for automation as stored: only its hash (`sha256` hex of the `flyt_…` token).
 * It authenticates as `role` until `expiresAt` (null: no expiry) or until revoked.
 */
export interface ApiToken {
  id: string;
  /** Unique among live tokens; says what the token is for ("ci-deploy"). */
  name: string;
  tokenHash: string;
  role: ApiTokenRole;
  /** Who created it (free text, e.g. the OS user running the CLI). */
  createdBy: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type NewApiToken = Pick<ApiToken, "id" | "name" | "tokenHash" | "role" | "createdBy" | "expiresAt">;

/** One alert delivery outcome per alert and channel (the alert engine's `AlertDeliveryRecord`). */
export interface NewAlertDelivery {
  alertId: string;
  rule: string;
  /** run_failure | freshness | check_failure | location_load_failure | leader_lost (free text here). */
  kind: string;
  status: "firing" | "resolved";
  channel: string;
  outcome: "sent" | "failed" | "suppressed";
  attempts: number;
  error: string | null;
  title: string;
  /** How many signals the alert grouped. */
  count: number;
  /** Epoch ms of the outcome. */
  at: number;
}

export interface AlertDelivery extends NewAlertDelivery {
  /** Storage id, increasing. */
  id: number;
}

export type FreshnessStateName = "FRESH" | "WARN" | "STALE" | "UNKNOWN";

/** The daemon's latest freshness verdict for one asset; `since` is when this state began. */
export interface AssetFreshnessState {
  assetKey: string;
  state: FreshnessStateName;
  /** Epoch ms when the asset entered `state` (for STALE: when it became stale). */
  since: number;
  staleSince: number | null;
  freshUntil: number | null;
  warnAt: number | null;
  partition: string | null;
  reason: string;
  evaluatedAt: number;
}


/** An asset's partitions definition as the platform last loaded it: storage needs it to place a partition key in the asset's status bitmaps. */
export interface PartitionsDefinitionEntry {
  assetKey: string;
  /** null: the asset is not partitioned (any status it had is dropped). */
  partitions: PartitionsSnapshot | null;
}

/**
 * Per-partition status of one asset, range-encoded over its partition indices (positions in its
 * key space; for dynamic partitions, the key's position in storage). Kept current on write from
 * materializations (MATERIALIZED) and run failures (FAILED, until a later materialization), never
 * by scanning the event log. Empty sets when the asset's definition was never registered.
 */
export interface PartitionStatusRanges {
  assetKey: string;
  /** The definition the indices refer to (as registered with `putPartitionsDefinitions`), or null. */
  partitions: PartitionsSnapshot | null;
  /** Encoded index ranges (`encodeRanges` of @flyt/partitions): "0-24,30-31". */
  materialized: string;
  failed: string;
}

/** One key of a dynamic partitions definition: `index` is its stable position (never reused). */
export interface DynamicPartitionKey {
  key: string;
  index: number;
  createdAt: number;
}

export interface DynamicPartitionsChange {
  /** How many of the keys were new (added) or existed (deleted). */
  added: number;
  deleted: number;
}

export interface BackfillFilter {
  statuses?: BackfillStatus[];
}

/** A backfill to store: REQUESTED, with no plan yet. */
export interface NewBackfill {
  backfillId?: string;
  request: BackfillRequest;
}

/** What the daemon writes as it plans and drives a backfill. */
export interface BackfillUpdate {
  status?: BackfillStatus;
  plan?: unknown;
  progress?: BackfillAssetProgress[];
  counts?: BackfillCounts;
  error?: string | null;
  endedAt?: number | null;
}

/** Result of createRun: `created: false` means the `(instigator, runKey)` pair already had a run. */
export interface CreateRunResult {
  run: RunRecord;
  created: boolean;
}

/** One schedule tick that requests one run, for `createScheduledRuns`. */
export interface ScheduledRun {
  instigatorId: string;
  /** The scheduled instant. */
  tickTime: number;
  /** Needs a `runKey`; `instigator` is set to `instigatorId`; the run starts QUEUED. */
  run: NewRun;
}

/** Result of one item of `createScheduledRuns`: `created: false` when its run key already had a run. */
export interface ScheduledRunResult {
  tick: Tick;
  run: RunRecord;
  created: boolean;
}

/**
 * A write made under a lease: storage refuses it with `LeaseLostError` (writing nothing) unless
 * `holder` still holds lease `leaseName` with this `fencingToken`. The daemon leader fences its
 * ticks, claims and the runs its scheduler, sensors and retries create, so a deposed leader that
 * has not noticed yet cannot act next to the new one. The check and the write are one
 * transaction; a lease taken over meanwhile either waits for it or makes it fail.
 */
export interface Fence {
  leaseName: string;
  holder: string;
  fencingToken: number;
}

export interface ReclaimQuery {
  /** Only runs whose claim (their last status change) is this old or older, epoch ms. */
  claimedBefore: number;
  /** Most runs returned; default 100. */
  limit?: number;
  /** Runs to leave alone: the caller's own launches in flight (a leader that lost and regained the lead). */
  except?: string[];
}

/** Options of the writes that can be fenced. */
export interface WriteOptions {
  fence?: Fence | null;
}

/**
 * What a backend can do, for callers that must act differently: they ask for the capability,
 * never for the backend's name, so a new backend states its flags instead of being special-cased.
 */
export interface StorageCapabilities {
  /**
   * `watchRuns` hears changes made by other processes (PostgreSQL LISTEN/NOTIFY). Without it a
   * listener hears only this process's writes and must re-read what other processes change (the
   * queue then polls more often and re-reads a run whose worker ended elsewhere).
   */
  readonly crossProcessChangeFeed: boolean;
  /**
   * Lease contenders may run on several hosts (or pid namespaces). Without it every contender
   * shares one host and its process table, so a lease whose holder's pid is gone can be taken at
   * once (docs/failover.md#sqlite-single-host); with it that would risk two leaders.
   */
  readonly multiHostLease: boolean;
}

export interface Storage {
  /** Backend name ("sqlite", "postgres"), for messages and metrics only; behaviour goes by `capabilities`. */
  readonly kind: string;
  readonly capabilities: StorageCapabilities;
  /** The schema version this build expects (its newest migration); `schemaVersion()` is the database's. */
  readonly expectedSchemaVersion: number;

  // Runs --------------------------------------------------------------------------------
  /** Creates a run and writes its RUN_QUEUED (or given status) event in one transaction. */
  createRun(run: NewRun, options?: WriteOptions): Promise<CreateRunResult>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** Newest first. */
  listRuns(filter?: RunFilter, page?: PageRequest): Promise<Page<RunRecord>>;
  /** Replaces a run's tags (merge is the caller's job). */
  setRunTags(runId: string, tags: Record<string, string>): Promise<void>;
  /**
   * Atomically moves a QUEUED run to STARTING (writing its RUN_STARTING event) and returns it;
   * returns null when the run is not QUEUED any more (another daemon claimed it, it was canceled).
   * This is what keeps two daemons from launching the same run.
   */
  claimQueuedRun(runId: string): Promise<RunRecord | null>;
  /**
   * Calls `listener` after runs are created or change status: from any process on PostgreSQL
   * (LISTEN/NOTIFY), from this process on SQLite (an in-process signal per database file).
   * Delivery is a wake-up hint, not a log: listeners must re-read storage, and keep a slow poll.
   *
   * Rejects when storage cannot be reached at the call. Once open, a watch lasts until closed: on
   * PostgreSQL a lost connection is re-made in the background with capped backoff (100 ms
   * doubling to 5 s, for as long as the outage lasts), and each time it is back
   * `options.onMissed` is called, because changes made meanwhile were not delivered.
   */
  watchRuns(listener: (change: RunChange) => void, options?: RunWatchOptions): Promise<RunWatch>;

  // Batches (scheduler and run queue) -------------------------------------------------------
  /** The runs with these ids that exist, in the order asked (unknown ids are left out). */
  getRuns(runIds: string[]): Promise<RunRecord[]>;
  /**
   * For many schedule ticks at once, in one transaction: each item's run (deduplicated on
   * `(instigator, runKey)`: a duplicate, in storage or earlier in the batch, reports the existing
   * run with `created: false`), the RUN_QUEUED events, and a SUCCESS tick naming the run.
   * Results are in item order. Either every item is written or none.
   */
  createScheduledRuns(items: ScheduledRun[], options?: WriteOptions): Promise<ScheduledRunResult[]>;
  /**
   * `claimQueuedRun` for many runs in one transaction: returns the runs actually moved from
   * QUEUED to STARTING (in the order asked); runs no longer QUEUED are left out.
   */
  claimQueuedRuns(runIds: string[], options?: WriteOptions): Promise<RunRecord[]>;
  /**
   * The new leader's share of its predecessors' claims: re-claims, under `options.fence` (required),
   * the runs still STARTING that an earlier leader (a lower fencing token) claimed at or before
   * `claimedBefore` and whose worker never beat — its launch never happened or never reached a
   * worker — and returns them for relaunching. Each gets a LOG event saying so, and its STARTING
   * clock restarts. Runs claimed without a fence (the CLI's) are never returned; of two leaders
   * racing, the fence lets one through.
   */
  reclaimStartingRuns(query: ReclaimQuery, options: WriteOptions): Promise<RunRecord[]>;

  // Heartbeats --------------------------------------------------------------------------
  /** Records that a run's worker is alive at `at` (default now). Unknown run ids are ignored. */
  recordRunHeartbeat(runId: string, at?: number): Promise<void>;
  /** The last heartbeat of each of these runs that has one. */
  getRunHeartbeats(runIds: string[]): Promise<RunHeartbeat[]>;
  /** Upserts a daemon loop's heartbeat. */
  recordDaemonHeartbeat(heartbeat: DaemonHeartbeat): Promise<void>;
  /** Daemon heartbeats newer than `since` (default: all), newest first. */
  listDaemonHeartbeats(since?: number): Promise<DaemonHeartbeat[]>;

  // Run tokens --------------------------------------------------------------------------
  /** Stores a token's hash for a run (the run must exist). */
  createRunToken(token: NewRunToken): Promise<RunToken>;
  /** The token with this hash, revoked or expired ones included (the caller decides), or null. */
  getRunToken(tokenHash: string): Promise<RunToken | null>;
  /** Revokes every token of a run; returns how many were still live. */
  revokeRunTokens(runId: string): Promise<number>;
  /**
   * Adds to the output (LOG and STEP_OUTPUT bytes and events) a run has sent through the ingest
   * API and returns its totals after the addition: the per-run output budget, kept in storage so
   * every webserver replica counts the same run. Unknown run ids are rejected.
   */
  addRunOutputUsage(runId: string, bytes: number, events: number): Promise<{ bytes: number; events: number }>;

  // API tokens --------------------------------------------------------------------------
  /** Stores a new API token's hash; its name must not be taken by a live (unrevoked) token. */
  createApiToken(token: NewApiToken): Promise<ApiToken>;
  /** The token with this hash, revoked or expired ones included (the caller decides), or null. */
  getApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  /** Every token (revoked ones included), newest first. */
  listApiTokens(): Promise<ApiToken[]>;
  /** Revokes a token by id or by live name; returns the revoked token, or null when none matched. */
  revokeApiToken(idOrName: string): Promise<ApiToken | null>;
  /** Records that a token was used at `at` (kept coarse: written at most once a minute). */
  touchApiToken(id: string, at: number): Promise<void>;

  // Observability -----------------------------------------------------------------------
  /** Records one alert delivery outcome. */
  recordAlertDelivery(delivery: NewAlertDelivery): Promise<AlertDelivery>;
  /** Alert deliveries, newest first, paginated. */
  listAlertDeliveries(page?: PageRequest): Promise<Page<AlertDelivery>>;
  /**
   * Stores an asset's freshness verdict. When the state is unchanged, `since` keeps its stored
   * value (the caller's is ignored); returns the previous verdict (null for the first).
   */
  putFreshnessState(state: AssetFreshnessState): Promise<AssetFreshnessState | null>;
  /** Stored verdicts of these assets (default all), by asset key. */
  listFreshnessStates(assetKeys?: string[]): Promise<AssetFreshnessState[]>;

  // Events ------------------------------------------------------------------------------
  /**
   * Appends events (any runs) in one transaction; events whose `(runId, seq)` already exists
   * are ignored. Returns the number actually inserted. Unknown run ids are rejected.
   */
  appendEvents(events: EventRecord[]): Promise<number>;
  /** Events of one run in write order (storage id order). */
  getEvents(runId: string, query?: EventQuery): Promise<StoredEvent[]>;

  // Asset index -------------------------------------------------------------------------
  /** Latest unpartitioned-or-any materialization per asset (one entry per asset key). */
  getLatestMaterializations(assetKeys?: string[]): Promise<AssetIndexEntry[]>;
  /** Latest materialization per partition of one asset. */
  getPartitionMaterializations(assetKey: string): Promise<AssetIndexEntry[]>;
  /** Materialization events of one asset, newest first, paginated. */
  getMaterializationHistory(assetKey: string, page?: PageRequest): Promise<Page<StoredEvent>>;
  getLatestCheckResults(assetKeys?: string[]): Promise<CheckIndexEntry[]>;

  // Partitions --------------------------------------------------------------------------
  /**
   * Registers the partitions definitions of these assets (the webserver and the daemon call it when
   * a location loads). An asset whose definition changed has its status rebuilt from the asset
   * index in the same call (keys that are no longer partitions are dropped from the bitmaps).
   */
  putPartitionsDefinitions(entries: PartitionsDefinitionEntry[]): Promise<void>;
  /** The status of one partitioned asset (see `PartitionStatusRanges`); empty sets for an unknown asset. */
  getPartitionStatus(assetKey: string): Promise<PartitionStatusRanges>;
  /**
   * `getPartitionStatus` of many assets in a few queries (the automation loop reads thousands per
   * tick), in the order asked; at most 10,000 keys.
   */
  getPartitionStatuses(assetKeys: string[]): Promise<PartitionStatusRanges[]>;
  /** Adds keys to dynamic partitions definition `name` (existing ones are left as they are). */
  addDynamicPartitions(name: string, keys: string[]): Promise<DynamicPartitionsChange>;
  /** Removes keys from `name` (unknown ones are ignored); their materializations stay in the log. */
  deleteDynamicPartitions(name: string, keys: string[]): Promise<DynamicPartitionsChange>;
  /** Keys of `name` in index order, paginated. */
  listDynamicPartitions(name: string, page?: PageRequest): Promise<Page<DynamicPartitionKey>>;
  /** How many keys `name` has, and the encoded set of their indices (deleted keys leave holes). */
  getDynamicPartitionsIndex(name: string): Promise<{ count: number; indices: string }>;
  /** The keys of `name` at these indices (unknown or deleted ones left out), in index order. */
  getDynamicPartitionsAt(name: string, indices: number[]): Promise<DynamicPartitionKey[]>;
  /** The entries of these keys of `name` that exist. */
  getDynamicPartitions(name: string, keys: string[]): Promise<DynamicPartitionKey[]>;

  // Backfills ---------------------------------------------------------------------------
  createBackfill(backfill: NewBackfill): Promise<BackfillRecord>;
  getBackfill(backfillId: string): Promise<BackfillRecord | null>;
  /** Newest first. */
  listBackfills(filter?: BackfillFilter, page?: PageRequest): Promise<Page<BackfillRecord>>;
  /**
   * Applies a daemon's update; fenced like the daemon's other writes. A terminal backfill is not
   * changed (returns it as stored). Returns the backfill after the update, or null when unknown.
   */
  updateBackfill(backfillId: string, update: BackfillUpdate, options?: WriteOptions): Promise<BackfillRecord | null>;
  /**
   * An operator's cancel: REQUESTED or IN_PROGRESS → CANCELING (the daemon cancels its live runs,
   * launches nothing more, then marks it CANCELED). Returns the backfill, or null when unknown.
   */
  requestBackfillCancel(backfillId: string): Promise<BackfillRecord | null>;

  // Asset definitions and automation ---------------------------------------------------------
  /**
   * Registers assets' dependencies and code versions (the webserver and the daemon call it when a
   * location loads; an unchanged entry writes nothing), so that appendEvents records each
   * materialization's provenance (input data versions) and derives its data version.
   */
  putAssetDefinitions(entries: AssetDefinitionEntry[]): Promise<void>;
  /**
   * Materializations (per asset and partition, the latest of each) stored after `since` (epoch ms,
   * exclusive), for these assets; at most `limit` (default 100,000), newest last.
   */
  getMaterializationsSince(assetKeys: string[], since: number, limit?: number): Promise<PartitionMaterialization[]>;
  /** The automation loop's cursor (opaque JSON text owned by @flyt/automation), or null before the first tick. */
  getAutomationCursor(): Promise<string | null>;
  /**
   * Stores what a tick decided, in one transaction, fenced like the daemon's other writes: its
   * evaluations (assets whose result changed or that were requested; the latest per asset is kept
   * current), the new cursor, and the runs it will create (each with its run key), so that a
   * leader taking over finishes the tick's plan instead of evaluating again.
   */
  recordAutomationTick(tickId: number, decision: AutomationTickDecision, options?: WriteOptions): Promise<void>;
  /** The runs a tick planned (null when the tick stored no decision). */
  getAutomationTickPlan(tickId: number): Promise<NewRun[] | null>;
  /** The latest stored evaluation of each of these assets (default all). */
  getLatestAutomationEvaluations(assetKeys?: string[]): Promise<AutomationAssetEvaluation[]>;
  /** Stored evaluations of one asset, newest first, paginated. */
  listAutomationEvaluations(assetKey: string, page?: PageRequest): Promise<Page<AutomationAssetEvaluation>>;
  /** Every stored evaluation of one tick (by asset key). */
  getAutomationEvaluationsOfTick(tickId: number): Promise<AutomationAssetEvaluation[]>;

  // Instigators -------------------------------------------------------------------------
  getInstigatorState(id: string): Promise<InstigatorState | null>;
  listInstigatorStates(kind?: InstigatorKind): Promise<InstigatorState[]>;
  upsertInstigatorState(state: Omit<InstigatorState, "updatedAt">, options?: WriteOptions): Promise<InstigatorState>;
  createTick(instigatorId: string, tickTime: number, options?: WriteOptions): Promise<Tick>;
  updateTick(tickId: number, update: TickUpdate, options?: WriteOptions): Promise<Tick>;
  /** Newest first. */
  listTicks(instigatorId: string, page?: PageRequest): Promise<Page<Tick>>;
  /** One tick by id (any instigator), or null. */
  getTick(tickId: number): Promise<Tick | null>;

  // Leases ------------------------------------------------------------------------------
  /**
   * Takes the lease if free or expired, or renews it if `holder` already has it.
   * Returns the lease held after the call, or null if someone else holds it.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Expires the lease if `holder` has it (the row stays, so fencing tokens keep increasing). */
  releaseLease(name: string, holder: string): Promise<void>;
  /** The live lease, or null when it is free or expired. */
  getLease(name: string): Promise<Lease | null>;

  // Lifecycle ---------------------------------------------------------------------------
  /** The schema version applied (highest migration number). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
