// GENERATED — DO NOT EDIT. Produced by scripts/generate-graphql.mjs from packages/webserver/schema.graphql.
import type { GraphQLResolveInfo } from 'graphql';
import type { AssetNode, RunRecord, ScheduleNode, SensorNode, TickRecord, AssetGraphNodeParent, PartitionStatusParent, PartitionStateParent, CodeLocationParent, BackfillRecord, BackfillAssetProgressParent, AutomationEvaluationRecord } from '../resolvers/parents.js';
import type { RequestContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/** One alert delivery outcome per alert and channel, as the daemon's alert engine recorded it. */
export type AlertDelivery = {
  __typename?: 'AlertDelivery';
  alertId: Scalars['String']['output'];
  at: Scalars['Float']['output'];
  attempts: Scalars['Int']['output'];
  channel: Scalars['String']['output'];
  /** How many signals the alert grouped. */
  count: Scalars['Int']['output'];
  error?: Maybe<Scalars['String']['output']>;
  id: Scalars['Float']['output'];
  /** run_failure, freshness, check_failure, location_load_failure, leader_lost */
  kind: Scalars['String']['output'];
  /** sent, failed or suppressed */
  outcome: Scalars['String']['output'];
  rule: Scalars['String']['output'];
  /** firing or resolved */
  status: Scalars['String']['output'];
  title: Scalars['String']['output'];
};

export type AlertDeliveryConnection = {
  __typename?: 'AlertDeliveryConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<AlertDelivery>;
};

export type Asset = {
  __typename?: 'Asset';
  /** The automation condition it declares, flattened in preorder (null: none; docs/automation.md). */
  automationCondition?: Maybe<Array<AutomationConditionNode>>;
  /** Its stored automation evaluations, newest first. */
  automationEvaluations: AutomationEvaluationConnection;
  checks: Array<AssetCheck>;
  codeVersion?: Maybe<Scalars['String']['output']>;
  /** The data version of its latest materialization (the producer's, or derived from its code and input versions). */
  dataVersion?: Maybe<Scalars['String']['output']>;
  dependents: Array<Scalars['String']['output']>;
  /** Printed keys of direct upstream / downstream assets. */
  deps: Array<Scalars['String']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  downstream: Array<Asset>;
  /** The daemon's latest verdict under that policy (null without a policy or before the first evaluation). */
  freshness?: Maybe<FreshnessState>;
  /** The freshness policy as JSON (null without one). */
  freshnessPolicy?: Maybe<Scalars['String']['output']>;
  group: Scalars['String']['output'];
  key: Scalars['String']['output'];
  kinds: Array<Scalars['String']['output']>;
  latestMaterialization?: Maybe<Materialization>;
  /** The newest run that targeted this asset. */
  latestRun?: Maybe<Run>;
  location: Scalars['String']['output'];
  materializations: MaterializationConnection;
  owners: Array<Scalars['String']['output']>;
  partitionStatus?: Maybe<PartitionStatus>;
  partitions?: Maybe<PartitionsDefinition>;
  path: Array<Scalars['String']['output']>;
  /** Schedules and sensors whose target includes this asset. */
  schedules: Array<Schedule>;
  sensors: Array<Sensor>;
  status: AssetStatus;
  /** Whether its latest materialization is current with its code and inputs, and why not (docs/staleness.md). */
  sync: AssetSync;
  tags: Array<Tag>;
  /**
   * Partitioned assets: which of its materialized partitions are unsynced, and why (the first 'first',
   * at most 1,000, oldest first); null for an unpartitioned asset.
   */
  unsyncedPartitions?: Maybe<UnsyncedPartitions>;
  upstream: Array<Asset>;
  /** The upstream edges with their partition mappings, in the order of 'deps'. */
  upstreamDependencies: Array<AssetDependency>;
};


export type AssetAutomationEvaluationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type AssetMaterializationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type AssetUnsyncedPartitionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type AssetCheck = {
  __typename?: 'AssetCheck';
  blocking: Scalars['Boolean']['output'];
  description?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** Result of the latest evaluation (null if never evaluated). */
  passed?: Maybe<Scalars['Boolean']['output']>;
  runId?: Maybe<Scalars['String']['output']>;
  /** warn or error: of the latest evaluation, else the severity declared in code. */
  severity?: Maybe<Scalars['String']['output']>;
  /** When it was last evaluated (null if never). */
  timestamp?: Maybe<Scalars['Float']['output']>;
};

export type AssetConnection = {
  __typename?: 'AssetConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  nodes: Array<Asset>;
  /** The first key of this page: pass it as 'before' for the previous page. */
  startCursor?: Maybe<Scalars['String']['output']>;
  /** Total matching the filter (not only this page). */
  totalCount: Scalars['Int']['output'];
};

/** A dependency of an asset: the upstream asset (null when no loaded location defines it) and how partitions map. */
export type AssetDependency = {
  __typename?: 'AssetDependency';
  asset?: Maybe<Asset>;
  key: Scalars['String']['output'];
  /** Null when neither side is partitioned (or the upstream is not loaded). */
  partitionMapping?: Maybe<PartitionMapping>;
};

export type AssetFilter = {
  group?: InputMaybe<Scalars['String']['input']>;
  kind?: InputMaybe<Scalars['String']['input']>;
  location?: InputMaybe<Scalars['String']['input']>;
  owner?: InputMaybe<Scalars['String']['input']>;
  /** Case-insensitive substring of the key, description or group. */
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<AssetStatus>;
  /** A tag as key or key=value. */
  tag?: InputMaybe<Scalars['String']['input']>;
};

export type AssetGraph = {
  __typename?: 'AssetGraph';
  edges: Array<AssetGraphEdge>;
  nodes: Array<AssetGraphNode>;
  /** Dependencies no loaded location defines (drawn as missing nodes). */
  unresolved: Array<Scalars['String']['output']>;
};

export type AssetGraphEdge = {
  __typename?: 'AssetGraphEdge';
  from: Scalars['String']['output'];
  /** How 'to' reads the partitions of 'from'; null when neither is partitioned or 'from' is not loaded. */
  partitionMapping?: Maybe<PartitionMapping>;
  to: Scalars['String']['output'];
};

export type AssetGraphNode = {
  __typename?: 'AssetGraphNode';
  /** Its declared checks with their latest results, as on Asset.checks. */
  checks: Array<AssetCheck>;
  /** FRESH, WARN, STALE, UNKNOWN; null for an asset without a freshness policy. */
  freshness?: Maybe<Scalars['String']['output']>;
  group: Scalars['String']['output'];
  key: Scalars['String']['output'];
  kinds: Array<Scalars['String']['output']>;
  /** When its latest materialization was recorded (ms since epoch); null if never materialized. */
  lastMaterializedAt?: Maybe<Scalars['Float']['output']>;
  location: Scalars['String']['output'];
  /**
   * Partition counts, as on Asset.partitionStatus; null when unpartitioned. Costs a storage read per
   * partitioned asset: ask for it on a selection (the lineage asks for the cards on screen), not on
   * every node of a large graph.
   */
  partitionStatus?: Maybe<PartitionStatus>;
  partitioned: Scalars['Boolean']['output'];
  status: AssetStatus;
  sync: AssetSync;
};

export type AssetStatus =
  /** The last run that targeted it failed after its last materialization. */
  | 'FAILED'
  /** A run targeting it is queued or in progress. */
  | 'IN_PROGRESS'
  | 'MATERIALIZED'
  | 'NEVER_MATERIALIZED';

/** Whether an asset's latest materialization is current with its code and its inputs (docs/staleness.md). */
export type AssetSync = {
  __typename?: 'AssetSync';
  /** Empty unless UNSYNCED. */
  causes: Array<StalenessCause>;
  state: SyncState;
};

/**
 * A node of an automation condition or of an evaluation's result, flattened in preorder: the root
 * first (depth 0, parentId null), each node followed by its children. Rebuild the tree with parentId.
 */
export type AutomationConditionNode = {
  __typename?: 'AutomationConditionNode';
  depth: Scalars['Int']['output'];
  /** The declared label, or a generated description ("any upstream updated since the last request"). */
  description: Scalars['String']['output'];
  /** The node's position in this list. */
  id: Scalars['Int']['output'];
  /** missing, in_progress, any_deps_match, since, and, or, not, … (docs/automation.md) */
  kind: Scalars['String']['output'];
  parentId?: Maybe<Scalars['Int']['output']>;
};

/** One asset's evaluation in one automation tick: what was requested, and why (or why not). */
export type AutomationEvaluation = {
  __typename?: 'AutomationEvaluation';
  assetKey: Scalars['String']['output'];
  evaluatedAt: Scalars['Float']['output'];
  /** Whether the asset is partitioned now (counts are partitions, not 0 or 1). */
  partitioned: Scalars['Boolean']['output'];
  /** Partitions (unpartitioned: 0 or 1) the evaluation requested. */
  requestedCount: Scalars['Int']['output'];
  /** The result tree, flattened in preorder. */
  result: Array<AutomationResultNode>;
  runIds: Array<Scalars['String']['output']>;
  tickId: Scalars['Float']['output'];
};

export type AutomationEvaluationConnection = {
  __typename?: 'AutomationEvaluationConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<AutomationEvaluation>;
};

export type AutomationLocationStatus = {
  __typename?: 'AutomationLocationStatus';
  /** Assets of the location that declare an automation condition. */
  assetsWithCondition: Scalars['Int']['output'];
  location: Scalars['String']['output'];
  /** Whether its assets are evaluated: its switch and the global one are both RUNNING. */
  running: Scalars['Boolean']['output'];
  /** This location's own switch. */
  status: InstigatorStatus;
};

export type AutomationResultNode = {
  __typename?: 'AutomationResultNode';
  depth: Scalars['Int']['output'];
  description: Scalars['String']['output'];
  /** What made it true or false, in words (null when nothing to add). */
  detail?: Maybe<Scalars['String']['output']>;
  id: Scalars['Int']['output'];
  kind: Scalars['String']['output'];
  parentId?: Maybe<Scalars['Int']['output']>;
  /** Partitions (unpartitioned: 0 or 1) where this node was true. */
  trueCount: Scalars['Int']['output'];
};

export type AutomationStatus = {
  __typename?: 'AutomationStatus';
  locations: Array<AutomationLocationStatus>;
  /** The global switch. */
  status: InstigatorStatus;
};

/** One tick of the automation loop (an instigator tick of 'automation'). */
export type AutomationTick = {
  __typename?: 'AutomationTick';
  createdAt: Scalars['Float']['output'];
  error?: Maybe<Scalars['String']['output']>;
  /** Assets whose evaluation the tick stored: those it requested and those whose result changed. */
  evaluatedCount: Scalars['Int']['output'];
  /** The stored evaluations, by asset key; requestedOnly: only those that requested something. */
  evaluations: Array<AutomationEvaluation>;
  /** Assets the tick requested (in runIds' runs). */
  requestedCount: Scalars['Int']['output'];
  runIds: Array<Scalars['String']['output']>;
  skipReason?: Maybe<Scalars['String']['output']>;
  /** STARTED, SUCCESS, SKIPPED, FAILURE */
  status: Scalars['String']['output'];
  tickId: Scalars['Float']['output'];
  tickTime: Scalars['Float']['output'];
};


/** One tick of the automation loop (an instigator tick of 'automation'). */
export type AutomationTickEvaluationsArgs = {
  requestedOnly?: InputMaybe<Scalars['Boolean']['input']>;
};

export type AutomationTickConnection = {
  __typename?: 'AutomationTickConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<AutomationTick>;
};

export type Backfill = {
  __typename?: 'Backfill';
  /** Per planned asset (empty while REQUESTED). */
  assets: Array<BackfillAssetProgress>;
  canCancel: Scalars['Boolean']['output'];
  counts: BackfillCounts;
  createdAt: Scalars['Float']['output'];
  endedAt?: Maybe<Scalars['Float']['output']>;
  /** Why it could not be planned, or the last launch error. */
  error?: Maybe<Scalars['String']['output']>;
  id: Scalars['String']['output'];
  maxConcurrentRuns?: Maybe<Scalars['Int']['output']>;
  partitions: BackfillPartitionSet;
  /** The policy the request overrides every asset's with (null: each asset's own). */
  policy?: Maybe<BackfillPolicy>;
  requestedBy?: Maybe<Scalars['String']['output']>;
  /** Runs the backfill launched (tag flyt/backfill), newest first. */
  runs: RunConnection;
  selection: Scalars['String']['output'];
  status: BackfillStatus;
  tags: Array<Tag>;
  updatedAt: Scalars['Float']['output'];
};


export type BackfillRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** One asset's targets in a backfill, by state (range-encoded in storage, decoded page by page here). */
export type BackfillAssetProgress = {
  __typename?: 'BackfillAssetProgress';
  assetKey: Scalars['String']['output'];
  canceled: Scalars['Int']['output'];
  failed: Scalars['Int']['output'];
  /** In a run that has not ended. */
  inProgress: Scalars['Int']['output'];
  materialized: Scalars['Int']['output'];
  partitioned: Scalars['Boolean']['output'];
  /** The asset's targets in partition order; status: only these. */
  partitions: BackfillTargetConnection;
  /** Targets not launched yet (neither skipped nor canceled). */
  requested: Scalars['Int']['output'];
  skipped: Scalars['Int']['output'];
  /** Targets of this asset. */
  total: Scalars['Int']['output'];
};


/** One asset's targets in a backfill, by state (range-encoded in storage, decoded page by page here). */
export type BackfillAssetProgressPartitionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<BackfillTargetStatus>;
};

export type BackfillConnection = {
  __typename?: 'BackfillConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<Backfill>;
};

/** Counts of targets ((asset, partition) pairs) by state. */
export type BackfillCounts = {
  __typename?: 'BackfillCounts';
  canceled: Scalars['Int']['output'];
  failed: Scalars['Int']['output'];
  /** In a run that has started and not ended. */
  inProgress: Scalars['Int']['output'];
  materialized: Scalars['Int']['output'];
  /** In a queued run. */
  queued: Scalars['Int']['output'];
  /** Planned, not yet in a run. */
  requested: Scalars['Int']['output'];
  /** Not launched because an upstream target failed or was canceled. */
  skipped: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
};

export type BackfillNotCancelableError = Error & {
  __typename?: 'BackfillNotCancelableError';
  message: Scalars['String']['output'];
  status: BackfillStatus;
};

export type BackfillNotFoundError = Error & {
  __typename?: 'BackfillNotFoundError';
  id: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type BackfillPartitionSet = {
  __typename?: 'BackfillPartitionSet';
  backfillId?: Maybe<Scalars['String']['output']>;
  from?: Maybe<Scalars['String']['output']>;
  keys?: Maybe<Array<Scalars['String']['output']>>;
  /** range, keys, all, missing or failed */
  kind: Scalars['String']['output'];
  to?: Maybe<Scalars['String']['output']>;
};

/** Which partitions a backfill targets; give the fields its kind needs. */
export type BackfillPartitionsInput = {
  backfillId?: InputMaybe<Scalars['String']['input']>;
  from?: InputMaybe<Scalars['String']['input']>;
  keys?: InputMaybe<Array<Scalars['String']['input']>>;
  kind: BackfillPartitionsKind;
  to?: InputMaybe<Scalars['String']['input']>;
};

export type BackfillPartitionsKind =
  /** Every partition that exists now. */
  | 'ALL'
  /** The targets that failed, were skipped or canceled in backfill 'backfillId' (default: the newest backfill of the same selection). */
  | 'FAILED'
  /** The keys listed in 'keys'. */
  | 'KEYS'
  /** Every partition never materialized. */
  | 'MISSING'
  /** The keys from 'from' to 'to' inclusive. */
  | 'RANGE';

export type BackfillPolicy = {
  __typename?: 'BackfillPolicy';
  /** multi-run or single-run */
  kind: Scalars['String']['output'];
  maxPartitionsPerRun?: Maybe<Scalars['Int']['output']>;
};

export type BackfillPolicyInput = {
  kind: BackfillPolicyKind;
  maxPartitionsPerRun?: InputMaybe<Scalars['Int']['input']>;
};

export type BackfillPolicyKind =
  /** One run per at most maxPartitionsPerRun partitions (default 1). */
  | 'MULTI_RUN'
  /** One run over the whole range. */
  | 'SINGLE_RUN';

export type BackfillStatus =
  | 'CANCELED'
  /** An operator canceled it; its runs are being canceled. */
  | 'CANCELING'
  /** Every target done; some failed or were skipped. */
  | 'COMPLETED_FAILED'
  /** Every target materialized. */
  | 'COMPLETED_SUCCESS'
  /** It could not be planned ('error' says why). */
  | 'FAILED'
  /** Planned; launching runs. */
  | 'IN_PROGRESS'
  /** Stored; the daemon has not planned it yet. */
  | 'REQUESTED';

/** One target of a backfill: an asset's partition (key null for an unpartitioned asset, or one whose partitions are no longer known). */
export type BackfillTarget = {
  __typename?: 'BackfillTarget';
  key?: Maybe<Scalars['String']['output']>;
  status: BackfillTargetStatus;
};

export type BackfillTargetConnection = {
  __typename?: 'BackfillTargetConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<BackfillTarget>;
};

export type BackfillTargetStatus =
  | 'CANCELED'
  | 'FAILED'
  /** In a run that has not ended. */
  | 'LAUNCHED'
  | 'MATERIALIZED'
  /** Planned, not launched yet. */
  | 'REQUESTED'
  /** Not launched: an upstream target failed or was canceled. */
  | 'SKIPPED';

export type CancelBackfillResult = BackfillNotCancelableError | BackfillNotFoundError | CancelBackfillSuccess | UnauthorizedError;

export type CancelBackfillSuccess = {
  __typename?: 'CancelBackfillSuccess';
  backfill: Backfill;
};

export type CancelRunResult = CancelRunSuccess | RunNotCancelableError | RunNotFoundError | UnauthorizedError;

export type CancelRunSuccess = {
  __typename?: 'CancelRunSuccess';
  run: Run;
};

export type CodeLocation = {
  __typename?: 'CodeLocation';
  assetCount: Scalars['Int']['output'];
  errorMessage?: Maybe<Scalars['String']['output']>;
  loadedAt?: Maybe<Scalars['Float']['output']>;
  name: Scalars['String']['output'];
  scheduleCount: Scalars['Int']['output'];
  sensorCount: Scalars['Int']['output'];
  source: Scalars['String']['output'];
  /** LOADING, LOADED, ERROR */
  status: Scalars['String']['output'];
  updatedAt: Scalars['Float']['output'];
  /**
   * Problems of this location's assets seen on the merged graph of every location: dependencies no
   * location defines, keys another location defines too, partition mappings that do not fit an
   * upstream asset of another location.
   */
  warnings: Array<Scalars['String']['output']>;
};

export type DaemonLoop = {
  __typename?: 'DaemonLoop';
  at: Scalars['Float']['output'];
  daemonId: Scalars['String']['output'];
  healthy: Scalars['Boolean']['output'];
  info?: Maybe<Scalars['String']['output']>;
  loop: Scalars['String']['output'];
};

export type DaemonStatus = {
  __typename?: 'DaemonStatus';
  /** True when every loop heartbeated within the last minute. */
  healthy: Scalars['Boolean']['output'];
  loops: Array<DaemonLoop>;
};

export type DynamicPartition = {
  __typename?: 'DynamicPartition';
  createdAt: Scalars['Float']['output'];
  /** Its stable position in the definition (never reused after a delete). */
  index: Scalars['Int']['output'];
  key: Scalars['String']['output'];
};

export type DynamicPartitionConnection = {
  __typename?: 'DynamicPartitionConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  nodes: Array<DynamicPartition>;
  /** Keys the definition has now. */
  totalCount: Scalars['Int']['output'];
};

export type DynamicPartitionsChange = {
  __typename?: 'DynamicPartitionsChange';
  /** Keys that were new (add) or existed (delete). */
  added: Scalars['Int']['output'];
  /** Keys the definition has now. */
  count: Scalars['Int']['output'];
  deleted: Scalars['Int']['output'];
  name: Scalars['String']['output'];
};

export type DynamicPartitionsResult = DynamicPartitionsChange | InvalidPartitionError | UnauthorizedError;

export type Error = {
  message: Scalars['String']['output'];
};

/** The latest failed evaluation of a check. */
export type FailedCheck = {
  __typename?: 'FailedCheck';
  assetKey: Scalars['String']['output'];
  name: Scalars['String']['output'];
  runId: Scalars['String']['output'];
  /** warn or error */
  severity: Scalars['String']['output'];
  timestamp: Scalars['Float']['output'];
};

/** The daemon's latest freshness verdict for an asset (docs/freshness.md). */
export type FreshnessState = {
  __typename?: 'FreshnessState';
  evaluatedAt: Scalars['Float']['output'];
  /** Until when the asset stays fresh without a new materialization. */
  freshUntil?: Maybe<Scalars['Float']['output']>;
  /** The partition judged (policies with partitions: latest). */
  partition?: Maybe<Scalars['String']['output']>;
  reason: Scalars['String']['output'];
  /** When the asset entered this state (for STALE: when it became stale). */
  since: Scalars['Float']['output'];
  staleSince?: Maybe<Scalars['Float']['output']>;
  /** FRESH, WARN, STALE or UNKNOWN */
  state: Scalars['String']['output'];
  /** When it turns WARN (with a warning window). */
  warnAt?: Maybe<Scalars['Float']['output']>;
};

export type Instigator = {
  defaultStatus: InstigatorStatus;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['String']['output'];
  location: Scalars['String']['output'];
  name: Scalars['String']['output'];
  status: InstigatorStatus;
  target: Scalars['String']['output'];
  ticks: Array<Tick>;
};


export type InstigatorTicksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type InstigatorNotFoundError = Error & {
  __typename?: 'InstigatorNotFoundError';
  message: Scalars['String']['output'];
};

export type InstigatorResult = InstigatorNotFoundError | Schedule | Sensor | UnauthorizedError;

export type InstigatorStatus =
  | 'RUNNING'
  | 'STOPPED';

/** A backfill request the platform refuses; 'field' names the input at fault (e.g. partitions.to). */
export type InvalidBackfillError = Error & {
  __typename?: 'InvalidBackfillError';
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type InvalidPartitionError = Error & {
  __typename?: 'InvalidPartitionError';
  message: Scalars['String']['output'];
};

export type InvalidSelectionError = Error & {
  __typename?: 'InvalidSelectionError';
  message: Scalars['String']['output'];
};

/** A run tag the caller may not set: a reserved flyt/ key, or a bad value for one of the settable ones. */
export type InvalidTagError = Error & {
  __typename?: 'InvalidTagError';
  key: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type LaunchBackfillInput = {
  /** Runs of this backfill the queue lets run at once (null: only the queue's own limits). */
  maxConcurrentRuns?: InputMaybe<Scalars['Int']['input']>;
  partitions: BackfillPartitionsInput;
  /** Overrides every selected asset's own backfill policy. */
  policy?: InputMaybe<BackfillPolicyInput>;
  /** Selection syntax (docs/selection.md); may span code locations. */
  selection: Scalars['String']['input'];
  /** Added to every run of the backfill (keys under flyt/ are refused). */
  tags?: InputMaybe<Array<TagInput>>;
};

export type LaunchBackfillResult = BackfillNotFoundError | InvalidBackfillError | LaunchBackfillSuccess | UnauthorizedError;

export type LaunchBackfillSuccess = {
  __typename?: 'LaunchBackfillSuccess';
  backfill: Backfill;
};

export type LaunchRunResult = InvalidPartitionError | InvalidSelectionError | InvalidTagError | LaunchRunSuccess | LocationUnavailableError | ReexecutionError | RunNotFoundError | UnauthorizedError;

export type LaunchRunSuccess = {
  __typename?: 'LaunchRunSuccess';
  run: Run;
};

export type LocationNotFoundError = Error & {
  __typename?: 'LocationNotFoundError';
  message: Scalars['String']['output'];
};

export type LocationUnavailableError = Error & {
  __typename?: 'LocationUnavailableError';
  location: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type Materialization = {
  __typename?: 'Materialization';
  eventId: Scalars['Float']['output'];
  metadata: Array<MetadataEntry>;
  partition?: Maybe<Scalars['String']['output']>;
  runId: Scalars['String']['output'];
  timestamp: Scalars['Float']['output'];
};

export type MaterializationConnection = {
  __typename?: 'MaterializationConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<Materialization>;
};

export type MaterializeUnsyncedResult = InvalidSelectionError | MaterializeUnsyncedSuccess | UnauthorizedError;

export type MaterializeUnsyncedSuccess = {
  __typename?: 'MaterializeUnsyncedSuccess';
  /**
   * The backfills requested, one per partitioned asset with unsynced partitions (several only beyond
   * 10,000 scattered partitions), each over exactly those partitions; the daemon runs them.
   */
  backfills: Array<UnsyncedBackfill>;
  /** The unsynced unpartitioned assets the runs materialize. */
  launched: Array<Scalars['String']['output']>;
  /** What was done, in one sentence ("Launched 1 run over 2 unsynced assets and 1 backfill over 7 unsynced partitions of 1 partitioned asset."). */
  message: Scalars['String']['output'];
  /** The runs launched, one per code location (empty when nothing could be launched). */
  runs: Array<Run>;
  /**
   * Unsynced assets left out: partitioned ones unsynced as a whole but with no unsynced partition,
   * those whose backfill was refused, and those of a location that is not loaded.
   */
  skipped: Array<SkippedAsset>;
};

export type MetadataEntry = {
  __typename?: 'MetadataEntry';
  /** The value as JSON. */
  json: Scalars['String']['output'];
  label: Scalars['String']['output'];
  /** The value as a number for int/float/timestamp entries (for plots), else null. */
  number?: Maybe<Scalars['Float']['output']>;
  /** A short text rendering of the value. */
  text: Scalars['String']['output'];
  /** int, float, text, markdown, url, path, json, timestamp, table, table_schema, bool, null … */
  type: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Adds keys to a dynamic partitions definition (keys it has already are left as they are). */
  addDynamicPartitions: DynamicPartitionsResult;
  /** Cancels a backfill: nothing more is launched and its running runs are canceled. */
  cancelBackfill: CancelBackfillResult;
  cancelRun: CancelRunResult;
  /** Deletes keys from a dynamic partitions definition (unknown keys are ignored); their materializations stay. */
  deleteDynamicPartitions: DynamicPartitionsResult;
  /** Requests a backfill: the daemon plans it and launches its runs through the run queue (docs/backfills.md). */
  launchBackfill: LaunchBackfillResult;
  /**
   * Launches a run of the assets a selection resolves to: of one partition, of a range of partitions
   * (one run over first..last inclusive; the compute sees the range), or of none for unpartitioned assets.
   */
  launchRun: LaunchRunResult;
  /**
   * Launches runs of the UNSYNCED assets of a selection (default: every loaded asset): one run per code
   * location over its unpartitioned unsynced assets, and one backfill per partitioned asset over
   * exactly its unsynced partitions (docs/staleness.md#per-partition). A partitioned asset unsynced as
   * a whole with no unsynced partition, and the assets of a location that is not loaded, are listed
   * in 'skipped'.
   */
  materializeUnsynced: MaterializeUnsyncedResult;
  /** Re-executes a finished run: every step, or only those that did not succeed. */
  reexecuteRun: LaunchRunResult;
  /** Reloads one code location (restarts its code server or refetches its snapshot). */
  reloadLocation: ReloadLocationResult;
  /** A new backfill over the targets that failed, were skipped or were canceled in this one. */
  retryBackfill: LaunchBackfillResult;
  /**
   * Turns the automation loop on or off: for one code location, or globally when location is null
   * (globally off: no location is evaluated, whatever its own switch says).
   */
  setAutomationStatus: SetAutomationStatusResult;
  /** Starts or stops a schedule or sensor (persisted; overrides its default status). */
  setInstigatorStatus: InstigatorResult;
};


export type MutationAddDynamicPartitionsArgs = {
  keys: Array<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};


export type MutationCancelBackfillArgs = {
  id: Scalars['String']['input'];
};


export type MutationCancelRunArgs = {
  runId: Scalars['String']['input'];
};


export type MutationDeleteDynamicPartitionsArgs = {
  keys: Array<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};


export type MutationLaunchBackfillArgs = {
  input: LaunchBackfillInput;
};


export type MutationLaunchRunArgs = {
  partition?: InputMaybe<Scalars['String']['input']>;
  partitionRange?: InputMaybe<PartitionRangeInput>;
  selection: Scalars['String']['input'];
  tags?: InputMaybe<Array<TagInput>>;
};


export type MutationMaterializeUnsyncedArgs = {
  selection?: InputMaybe<Scalars['String']['input']>;
};


export type MutationReexecuteRunArgs = {
  fromFailure?: InputMaybe<Scalars['Boolean']['input']>;
  runId: Scalars['String']['input'];
};


export type MutationReloadLocationArgs = {
  name: Scalars['String']['input'];
};


export type MutationRetryBackfillArgs = {
  id: Scalars['String']['input'];
};


export type MutationSetAutomationStatusArgs = {
  location?: InputMaybe<Scalars['String']['input']>;
  status: InstigatorStatus;
};


export type MutationSetInstigatorStatusArgs = {
  id: Scalars['String']['input'];
  status: InstigatorStatus;
};

export type Overview = {
  __typename?: 'Overview';
  assetCount: Scalars['Int']['output'];
  daemon: DaemonStatus;
  /** Alert deliveries that failed in the last 24 hours. */
  failedAlertDeliveries24h: Scalars['Int']['output'];
  failedAssets: Array<Asset>;
  failedCheckCount: Scalars['Int']['output'];
  /** Checks whose latest evaluation failed (at most 200, newest first) and their count. */
  failedChecks: Array<FailedCheck>;
  failedRuns24h: Array<Run>;
  locationsWithErrors: Array<CodeLocation>;
  queuedRuns: Array<Run>;
  runningRuns: Array<Run>;
  /** Assets whose freshness state is STALE (at most 200, longest stale first) and their count. */
  staleAssets: Array<Asset>;
  staleCount: Scalars['Int']['output'];
  stoppedSchedules: Array<Schedule>;
  stoppedSensors: Array<Sensor>;
  /** Assets in the WARN state (fresh, but close to stale). */
  warnCount: Scalars['Int']['output'];
};

/** How a downstream asset's partitions read an upstream asset's (docs/partitions.md#partition-mappings). */
export type PartitionMapping = {
  __typename?: 'PartitionMapping';
  /** True when declared on the dependency; false for the default mapping. */
  declared: Scalars['Boolean']['output'];
  /** In words, e.g. "daily → monthly: the month's days" or "previous partition". */
  description: Scalars['String']['output'];
  endOffset?: Maybe<Scalars['Int']['output']>;
  /** identity, time-window, all or static */
  kind: Scalars['String']['output'];
  /** time-window: the shift of the window's start and end, in upstream partitions. */
  startOffset?: Maybe<Scalars['Int']['output']>;
};

/** Consecutive partitions, first and last key inclusive. */
export type PartitionRange = {
  __typename?: 'PartitionRange';
  count: Scalars['Int']['output'];
  endKey: Scalars['String']['output'];
  startKey: Scalars['String']['output'];
};

/** First and last partition key of a range, inclusive. */
export type PartitionRangeInput = {
  end: Scalars['String']['input'];
  start: Scalars['String']['input'];
};

export type PartitionState = {
  __typename?: 'PartitionState';
  key: Scalars['String']['output'];
  /**
   * The materialization's run (MATERIALIZED) or the failed run (FAILED), when the asset has at most
   * 10,000 materialized partitions (beyond that the status comes from bitmaps alone and this is null).
   */
  runId?: Maybe<Scalars['String']['output']>;
  status: PartitionStatusValue;
  timestamp?: Maybe<Scalars['Float']['output']>;
};

export type PartitionStateConnection = {
  __typename?: 'PartitionStateConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<PartitionState>;
};

/**
 * An asset's partitions by status, read from storage's range-encoded status (never by listing keys):
 * answers alike for ten partitions and for a million.
 */
export type PartitionStatus = {
  __typename?: 'PartitionStatus';
  failed: Scalars['Int']['output'];
  materialized: Scalars['Int']['output'];
  /** total - materialized - failed */
  missing: Scalars['Int']['output'];
  /** The first 'first' runs of consecutive missing partitions, oldest first. */
  missingRanges: Array<PartitionRange>;
  /** Partitions with their status, oldest first (newestFirst: newest first); status: only those. */
  partitions: PartitionStateConnection;
  /** Partitions that exist now (time windows: complete ones; dynamic: keys not deleted). */
  total: Scalars['Int']['output'];
};


/**
 * An asset's partitions by status, read from storage's range-encoded status (never by listing keys):
 * answers alike for ten partitions and for a million.
 */
export type PartitionStatusMissingRangesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/**
 * An asset's partitions by status, read from storage's range-encoded status (never by listing keys):
 * answers alike for ten partitions and for a million.
 */
export type PartitionStatusPartitionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  newestFirst?: InputMaybe<Scalars['Boolean']['input']>;
  status?: InputMaybe<PartitionStatusValue>;
};

export type PartitionStatusValue =
  /** Its newest run failed after its last materialization. */
  | 'FAILED'
  | 'MATERIALIZED'
  /** Neither materialized nor failed. */
  | 'MISSING';

export type PartitionsDefinition = {
  __typename?: 'PartitionsDefinition';
  cadence?: Maybe<Scalars['String']['output']>;
  format?: Maybe<Scalars['String']['output']>;
  /** Static partitions' keys (null for time windows and dynamic partitions: page them with PartitionStatus.partitions). */
  keys?: Maybe<Array<Scalars['String']['output']>>;
  /** static, time-window or dynamic */
  kind: Scalars['String']['output'];
  /** Dynamic partitions: the definition's name (see the dynamicPartitions query). */
  name?: Maybe<Scalars['String']['output']>;
  start?: Maybe<Scalars['String']['output']>;
  timezone?: Maybe<Scalars['String']['output']>;
};

/** Entry points for reading the state of the platform. */
export type Query = {
  __typename?: 'Query';
  /** Alert deliveries (sent, failed, suppressed), newest first; failedOnly: only failed ones (docs/alerts.md). */
  alertDeliveries: AlertDeliveryConnection;
  /** One asset by printed key (a/b/c), or null when no location defines it. */
  asset?: Maybe<Asset>;
  /** The merged cross-location asset graph, whole or restricted to a selection expression (see docs/selection.md). */
  assetGraph: AssetGraph;
  /**
   * Assets of every loaded code location, sorted by key; filters combine with AND. Page forward with
   * 'after' (an endCursor) or back with 'before' (a startCursor: the 'first' assets before it).
   */
  assets: AssetConnection;
  /** Whether the automation loop is on, globally and per code location. */
  automationStatus: AutomationStatus;
  /** One automation tick with its evaluations, or null. */
  automationTick?: Maybe<AutomationTick>;
  /** Ticks of the declarative automation loop, newest first (docs/automation.md). */
  automationTicks: AutomationTickConnection;
  /** One backfill by id, or null. */
  backfill?: Maybe<Backfill>;
  /** Backfills, newest first; statuses: only these (docs/backfills.md). */
  backfills: BackfillConnection;
  daemon: DaemonStatus;
  /** The keys of a dynamic partitions definition in the order they were added (docs/partitions.md#dynamic). */
  dynamicPartitions: DynamicPartitionConnection;
  /** A schedule or sensor by id (<location>:<name>). */
  instigator?: Maybe<Instigator>;
  locations: Array<CodeLocation>;
  /** Everything an operator must look at, in one query. */
  overview: Overview;
  run?: Maybe<Run>;
  /** Runs, newest first. */
  runs: RunConnection;
  schedules: Array<Schedule>;
  /** Short list of assets, runs, schedules and sensors matching a text, for the search box. */
  search: Array<SearchHit>;
  sensors: Array<Sensor>;
  /**
   * Every UNSYNCED asset (docs/staleness.md) of the selection (default: every loaded asset), sorted by
   * key, with why. Never-materialized assets are not listed (they are not unsynced, only missing).
   */
  unsyncedAssets: Array<UnsyncedAsset>;
  /** Who is asking and what their role allows (docs/auth.md). */
  viewer: Viewer;
};


/** Entry points for reading the state of the platform. */
export type QueryAlertDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  failedOnly?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Entry points for reading the state of the platform. */
export type QueryAssetArgs = {
  key: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryAssetGraphArgs = {
  selection?: InputMaybe<Scalars['String']['input']>;
};


/** Entry points for reading the state of the platform. */
export type QueryAssetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AssetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Entry points for reading the state of the platform. */
export type QueryAutomationTickArgs = {
  id: Scalars['Float']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryAutomationTicksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Entry points for reading the state of the platform. */
export type QueryBackfillArgs = {
  id: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryBackfillsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  statuses?: InputMaybe<Array<BackfillStatus>>;
};


/** Entry points for reading the state of the platform. */
export type QueryDynamicPartitionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryInstigatorArgs = {
  id: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryRunArgs = {
  runId: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<RunsFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Entry points for reading the state of the platform. */
export type QuerySearchArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  text: Scalars['String']['input'];
};


/** Entry points for reading the state of the platform. */
export type QueryUnsyncedAssetsArgs = {
  selection?: InputMaybe<Scalars['String']['input']>;
};

export type ReexecutionError = Error & {
  __typename?: 'ReexecutionError';
  message: Scalars['String']['output'];
};

export type ReloadLocationResult = CodeLocation | LocationNotFoundError | UnauthorizedError;

export type Run = {
  __typename?: 'Run';
  assetKeys: Array<Scalars['String']['output']>;
  canCancel: Scalars['Boolean']['output'];
  createdAt: Scalars['Float']['output'];
  durationMs?: Maybe<Scalars['Float']['output']>;
  endedAt?: Maybe<Scalars['Float']['output']>;
  events: Array<RunEvent>;
  instigator?: Maybe<Scalars['String']['output']>;
  location: Scalars['String']['output'];
  /** The RUN_FAILURE / RUN_CANCELED message. */
  message?: Maybe<Scalars['String']['output']>;
  origin: Scalars['String']['output'];
  parentRunId?: Maybe<Scalars['String']['output']>;
  partition?: Maybe<Scalars['String']['output']>;
  rootRunId?: Maybe<Scalars['String']['output']>;
  runId: Scalars['String']['output'];
  selection: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['Float']['output']>;
  status: RunStatus;
  /**
   * The steps this run executes when it runs part of its selection (a re-execution from failure, or
   * of chosen steps); null when it runs every step of the selection.
   */
  stepKeys?: Maybe<Array<Scalars['String']['output']>>;
  steps: Array<Step>;
  tags: Array<Tag>;
  updatedAt: Scalars['Float']['output'];
};


export type RunEventsArgs = {
  after?: InputMaybe<Scalars['Float']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  stepKey?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type RunConnection = {
  __typename?: 'RunConnection';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  nodes: Array<Run>;
};

export type RunEvent = {
  __typename?: 'RunEvent';
  /** The whole event body as JSON. */
  body: Scalars['String']['output'];
  /** Storage id: the cursor for tailing (pass as 'after'). */
  id: Scalars['Float']['output'];
  /** debug, info, warn, error (derived for lifecycle events). */
  level: Scalars['String']['output'];
  /** A one-line human rendering (log message, output text, error). */
  message: Scalars['String']['output'];
  stepKey?: Maybe<Scalars['String']['output']>;
  /** stdout or stderr for STEP_OUTPUT events. */
  stream?: Maybe<Scalars['String']['output']>;
  timestamp: Scalars['Float']['output'];
  type: Scalars['String']['output'];
};

export type RunNotCancelableError = Error & {
  __typename?: 'RunNotCancelableError';
  message: Scalars['String']['output'];
  status: RunStatus;
};

export type RunNotFoundError = Error & {
  __typename?: 'RunNotFoundError';
  message: Scalars['String']['output'];
  runId: Scalars['String']['output'];
};

export type RunStatus =
  | 'CANCELED'
  | 'CANCELING'
  | 'FAILURE'
  | 'QUEUED'
  | 'STARTED'
  | 'STARTING'
  | 'SUCCESS';

export type RunsFilter = {
  assetKey?: InputMaybe<Scalars['String']['input']>;
  createdAfter?: InputMaybe<Scalars['Float']['input']>;
  createdBefore?: InputMaybe<Scalars['Float']['input']>;
  location?: InputMaybe<Scalars['String']['input']>;
  /** manual, schedule, sensor, backfill, automation */
  origin?: InputMaybe<Scalars['String']['input']>;
  rootRunId?: InputMaybe<Scalars['String']['input']>;
  statuses?: InputMaybe<Array<RunStatus>>;
  tags?: InputMaybe<Array<TagInput>>;
};

export type Schedule = Instigator & {
  __typename?: 'Schedule';
  cron: Scalars['String']['output'];
  defaultStatus: InstigatorStatus;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['String']['output'];
  location: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** The next tick times (epoch ms), after now. */
  nextTicks: Array<Scalars['Float']['output']>;
  status: InstigatorStatus;
  target: Scalars['String']['output'];
  ticks: Array<Tick>;
  timezone: Scalars['String']['output'];
};


export type ScheduleNextTicksArgs = {
  count?: InputMaybe<Scalars['Int']['input']>;
};


export type ScheduleTicksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type SearchHit = {
  __typename?: 'SearchHit';
  /** asset, run, schedule, sensor, location */
  kind: Scalars['String']['output'];
  label: Scalars['String']['output'];
  /** The UI path of the hit. */
  path: Scalars['String']['output'];
};

export type Sensor = Instigator & {
  __typename?: 'Sensor';
  /** The cursor the next tick starts from (null before the first tick that set one). */
  cursor?: Maybe<Scalars['String']['output']>;
  defaultStatus: InstigatorStatus;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['String']['output'];
  location: Scalars['String']['output'];
  minimumIntervalSeconds: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  sensorType: Scalars['String']['output'];
  status: InstigatorStatus;
  target: Scalars['String']['output'];
  ticks: Array<Tick>;
};


export type SensorTicksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type SetAutomationStatusResult = AutomationStatus | LocationNotFoundError | UnauthorizedError;

/** An unsynced asset left out of materializeUnsynced, and why. */
export type SkippedAsset = {
  __typename?: 'SkippedAsset';
  key: Scalars['String']['output'];
  reason: Scalars['String']['output'];
};

/** One reason an asset is unsynced. */
export type StalenessCause = {
  __typename?: 'StalenessCause';
  /** code_version_changed, upstream_data_version_changed, dependencies_changed or upstream_unsynced */
  kind: Scalars['String']['output'];
  /** In words: "code version 3 → 4", "upstream atlas/ssb/x has a newer data version". */
  message: Scalars['String']['output'];
  /** The upstream asset at cause (upstream_data_version_changed, upstream_unsynced), else null. */
  upstream?: Maybe<Scalars['String']['output']>;
};

export type Step = {
  __typename?: 'Step';
  /** Each attempt with its own start and end (a retried step has several); in order. */
  attemptSpans: Array<StepAttempt>;
  attempts: Scalars['Int']['output'];
  durationMs?: Maybe<Scalars['Float']['output']>;
  endedAt?: Maybe<Scalars['Float']['output']>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  /**
   * Checks evaluated by this step that failed, with their severity and whether they are blocking: a
   * step can succeed while its blocking check fails (its downstream steps are then skipped and the
   * run fails).
   */
  failedChecks: Array<StepCheckFailure>;
  materializedAssets: Array<Scalars['String']['output']>;
  skipReason?: Maybe<Scalars['String']['output']>;
  startedAt?: Maybe<Scalars['Float']['output']>;
  /** PENDING, RUNNING, SUCCESS, FAILURE, SKIPPED, CANCELED */
  status: Scalars['String']['output'];
  stepKey: Scalars['String']['output'];
};

export type StepAttempt = {
  __typename?: 'StepAttempt';
  attempt: Scalars['Int']['output'];
  /** Null while the attempt runs. */
  endedAt?: Maybe<Scalars['Float']['output']>;
  /** RUNNING, SUCCESS, FAILURE (last attempt), RETRIED (a later attempt followed), CANCELED */
  outcome: Scalars['String']['output'];
  startedAt: Scalars['Float']['output'];
};

export type StepCheckFailure = {
  __typename?: 'StepCheckFailure';
  assetKey: Scalars['String']['output'];
  /** Declared blocking in the loaded definitions (false when the check is no longer defined). */
  blocking: Scalars['Boolean']['output'];
  checkName: Scalars['String']['output'];
  description?: Maybe<Scalars['String']['output']>;
  partition?: Maybe<Scalars['String']['output']>;
  /** warn or error */
  severity: Scalars['String']['output'];
};

export type SyncState =
  | 'NEVER_MATERIALIZED'
  /** Materialized with the current code version and the current data versions of its dependencies. */
  | 'SYNCED'
  /** Code version, an upstream's data version or the dependencies changed since its latest materialization. */
  | 'UNSYNCED';

export type Tag = {
  __typename?: 'Tag';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type TagInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type Tick = {
  __typename?: 'Tick';
  createdAt: Scalars['Float']['output'];
  /** The instigator's cursor after this tick (sensors; null when none was set). */
  cursor?: Maybe<Scalars['String']['output']>;
  error?: Maybe<Scalars['String']['output']>;
  runIds: Array<Scalars['String']['output']>;
  skipReason?: Maybe<Scalars['String']['output']>;
  /** STARTED, SUCCESS, SKIPPED, FAILURE */
  status: Scalars['String']['output'];
  tickId: Scalars['Float']['output'];
  tickTime: Scalars['Float']['output'];
};

export type UnauthorizedError = Error & {
  __typename?: 'UnauthorizedError';
  message: Scalars['String']['output'];
};

export type UnsyncedAsset = {
  __typename?: 'UnsyncedAsset';
  causes: Array<StalenessCause>;
  key: Scalars['String']['output'];
  location: Scalars['String']['output'];
  partitioned: Scalars['Boolean']['output'];
};

/** A backfill materializeUnsynced requested over the unsynced partitions of one asset. */
export type UnsyncedBackfill = {
  __typename?: 'UnsyncedBackfill';
  assetKey: Scalars['String']['output'];
  /** The backfill's id (see the backfill query). */
  id: Scalars['String']['output'];
  partitionCount: Scalars['Int']['output'];
};

export type UnsyncedPartition = {
  __typename?: 'UnsyncedPartition';
  /** Why, at most 5 (moreCauses counts the others). */
  causes: Array<StalenessCause>;
  key: Scalars['String']['output'];
  moreCauses: Scalars['Int']['output'];
};

/**
 * The materialized partitions of a partitioned asset that are unsynced, and why, compared partition by
 * partition through the partition mappings (docs/staleness.md#per-partition).
 */
export type UnsyncedPartitions = {
  __typename?: 'UnsyncedPartitions';
  /** Materialized partitions compared (those that are partitions now). */
  materialized: Scalars['Int']['output'];
  /** The first 'first' unsynced partitions, oldest first. */
  partitions: Array<UnsyncedPartition>;
  /** The first 20 runs of consecutive unsynced partitions, oldest first. */
  ranges: Array<PartitionRange>;
  unsynced: Scalars['Int']['output'];
};

/** The signed-in user (or API token) of this request. */
export type Viewer = {
  __typename?: 'Viewer';
  /** Whether API tokens may be managed (admin). */
  canAdminister: Scalars['Boolean']['output'];
  /** Whether runs, schedules, sensors and locations may be changed (operator or admin). */
  canOperate: Scalars['Boolean']['output'];
  email?: Maybe<Scalars['String']['output']>;
  /** User name (forwarded mode), token:<name> for an API token, or null when auth mode is none. */
  name?: Maybe<Scalars['String']['output']>;
  /** viewer, operator or admin; null when the request has no role. */
  role?: Maybe<Scalars['String']['output']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;



/** Mapping of union types */
export type ResolversUnionTypes<_RefType extends Record<string, unknown>> = {
  CancelBackfillResult:
    | ( BackfillNotCancelableError & { __typename: 'BackfillNotCancelableError' } )
    | ( BackfillNotFoundError & { __typename: 'BackfillNotFoundError' } )
    | ( Omit<CancelBackfillSuccess, 'backfill'> & { backfill: _RefType['Backfill'] } & { __typename: 'CancelBackfillSuccess' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  CancelRunResult:
    | ( Omit<CancelRunSuccess, 'run'> & { run: _RefType['Run'] } & { __typename: 'CancelRunSuccess' } )
    | ( RunNotCancelableError & { __typename: 'RunNotCancelableError' } )
    | ( RunNotFoundError & { __typename: 'RunNotFoundError' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  DynamicPartitionsResult:
    | ( DynamicPartitionsChange & { __typename: 'DynamicPartitionsChange' } )
    | ( InvalidPartitionError & { __typename: 'InvalidPartitionError' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  InstigatorResult:
    | ( InstigatorNotFoundError & { __typename: 'InstigatorNotFoundError' } )
    | ( ScheduleNode & { __typename: 'Schedule' } )
    | ( SensorNode & { __typename: 'Sensor' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  LaunchBackfillResult:
    | ( BackfillNotFoundError & { __typename: 'BackfillNotFoundError' } )
    | ( InvalidBackfillError & { __typename: 'InvalidBackfillError' } )
    | ( Omit<LaunchBackfillSuccess, 'backfill'> & { backfill: _RefType['Backfill'] } & { __typename: 'LaunchBackfillSuccess' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  LaunchRunResult:
    | ( InvalidPartitionError & { __typename: 'InvalidPartitionError' } )
    | ( InvalidSelectionError & { __typename: 'InvalidSelectionError' } )
    | ( InvalidTagError & { __typename: 'InvalidTagError' } )
    | ( Omit<LaunchRunSuccess, 'run'> & { run: _RefType['Run'] } & { __typename: 'LaunchRunSuccess' } )
    | ( LocationUnavailableError & { __typename: 'LocationUnavailableError' } )
    | ( ReexecutionError & { __typename: 'ReexecutionError' } )
    | ( RunNotFoundError & { __typename: 'RunNotFoundError' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  MaterializeUnsyncedResult:
    | ( InvalidSelectionError & { __typename: 'InvalidSelectionError' } )
    | ( Omit<MaterializeUnsyncedSuccess, 'runs'> & { runs: Array<_RefType['Run']> } & { __typename: 'MaterializeUnsyncedSuccess' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  ReloadLocationResult:
    | ( CodeLocationParent & { __typename: 'CodeLocation' } )
    | ( LocationNotFoundError & { __typename: 'LocationNotFoundError' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
  SetAutomationStatusResult:
    | ( AutomationStatus & { __typename: 'AutomationStatus' } )
    | ( LocationNotFoundError & { __typename: 'LocationNotFoundError' } )
    | ( UnauthorizedError & { __typename: 'UnauthorizedError' } )
  ;
};

/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  Error:
    | ( BackfillNotCancelableError )
    | ( BackfillNotFoundError )
    | ( InstigatorNotFoundError )
    | ( InvalidBackfillError )
    | ( InvalidPartitionError )
    | ( InvalidSelectionError )
    | ( InvalidTagError )
    | ( LocationNotFoundError )
    | ( LocationUnavailableError )
    | ( ReexecutionError )
    | ( RunNotCancelableError )
    | ( RunNotFoundError )
    | ( UnauthorizedError )
  ;
  Instigator:
    | ( ScheduleNode )
    | ( SensorNode )
  ;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AlertDelivery: ResolverTypeWrapper<AlertDelivery>;
  AlertDeliveryConnection: ResolverTypeWrapper<AlertDeliveryConnection>;
  Asset: ResolverTypeWrapper<AssetNode>;
  AssetCheck: ResolverTypeWrapper<AssetCheck>;
  AssetConnection: ResolverTypeWrapper<Omit<AssetConnection, 'nodes'> & { nodes: Array<ResolversTypes['Asset']> }>;
  AssetDependency: ResolverTypeWrapper<Omit<AssetDependency, 'asset'> & { asset?: Maybe<ResolversTypes['Asset']> }>;
  AssetFilter: AssetFilter;
  AssetGraph: ResolverTypeWrapper<Omit<AssetGraph, 'nodes'> & { nodes: Array<ResolversTypes['AssetGraphNode']> }>;
  AssetGraphEdge: ResolverTypeWrapper<AssetGraphEdge>;
  AssetGraphNode: ResolverTypeWrapper<AssetGraphNodeParent>;
  AssetStatus: AssetStatus;
  AssetSync: ResolverTypeWrapper<AssetSync>;
  AutomationConditionNode: ResolverTypeWrapper<AutomationConditionNode>;
  AutomationEvaluation: ResolverTypeWrapper<AutomationEvaluationRecord>;
  AutomationEvaluationConnection: ResolverTypeWrapper<Omit<AutomationEvaluationConnection, 'nodes'> & { nodes: Array<ResolversTypes['AutomationEvaluation']> }>;
  AutomationLocationStatus: ResolverTypeWrapper<AutomationLocationStatus>;
  AutomationResultNode: ResolverTypeWrapper<AutomationResultNode>;
  AutomationStatus: ResolverTypeWrapper<AutomationStatus>;
  AutomationTick: ResolverTypeWrapper<TickRecord>;
  AutomationTickConnection: ResolverTypeWrapper<Omit<AutomationTickConnection, 'nodes'> & { nodes: Array<ResolversTypes['AutomationTick']> }>;
  Backfill: ResolverTypeWrapper<BackfillRecord>;
  BackfillAssetProgress: ResolverTypeWrapper<BackfillAssetProgressParent>;
  BackfillConnection: ResolverTypeWrapper<Omit<BackfillConnection, 'nodes'> & { nodes: Array<ResolversTypes['Backfill']> }>;
  BackfillCounts: ResolverTypeWrapper<BackfillCounts>;
  BackfillNotCancelableError: ResolverTypeWrapper<BackfillNotCancelableError>;
  BackfillNotFoundError: ResolverTypeWrapper<BackfillNotFoundError>;
  BackfillPartitionSet: ResolverTypeWrapper<BackfillPartitionSet>;
  BackfillPartitionsInput: BackfillPartitionsInput;
  BackfillPartitionsKind: BackfillPartitionsKind;
  BackfillPolicy: ResolverTypeWrapper<BackfillPolicy>;
  BackfillPolicyInput: BackfillPolicyInput;
  BackfillPolicyKind: BackfillPolicyKind;
  BackfillStatus: BackfillStatus;
  BackfillTarget: ResolverTypeWrapper<BackfillTarget>;
  BackfillTargetConnection: ResolverTypeWrapper<BackfillTargetConnection>;
  BackfillTargetStatus: BackfillTargetStatus;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CancelBackfillResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['CancelBackfillResult']>;
  CancelBackfillSuccess: ResolverTypeWrapper<Omit<CancelBackfillSuccess, 'backfill'> & { backfill: ResolversTypes['Backfill'] }>;
  CancelRunResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['CancelRunResult']>;
  CancelRunSuccess: ResolverTypeWrapper<Omit<CancelRunSuccess, 'run'> & { run: ResolversTypes['Run'] }>;
  CodeLocation: ResolverTypeWrapper<CodeLocationParent>;
  DaemonLoop: ResolverTypeWrapper<DaemonLoop>;
  DaemonStatus: ResolverTypeWrapper<DaemonStatus>;
  DynamicPartition: ResolverTypeWrapper<DynamicPartition>;
  DynamicPartitionConnection: ResolverTypeWrapper<DynamicPartitionConnection>;
  DynamicPartitionsChange: ResolverTypeWrapper<DynamicPartitionsChange>;
  DynamicPartitionsResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['DynamicPartitionsResult']>;
  Error: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Error']>;
  FailedCheck: ResolverTypeWrapper<FailedCheck>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  FreshnessState: ResolverTypeWrapper<FreshnessState>;
  Instigator: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Instigator']>;
  InstigatorNotFoundError: ResolverTypeWrapper<InstigatorNotFoundError>;
  InstigatorResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['InstigatorResult']>;
  InstigatorStatus: InstigatorStatus;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  InvalidBackfillError: ResolverTypeWrapper<InvalidBackfillError>;
  InvalidPartitionError: ResolverTypeWrapper<InvalidPartitionError>;
  InvalidSelectionError: ResolverTypeWrapper<InvalidSelectionError>;
  InvalidTagError: ResolverTypeWrapper<InvalidTagError>;
  LaunchBackfillInput: LaunchBackfillInput;
  LaunchBackfillResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['LaunchBackfillResult']>;
  LaunchBackfillSuccess: ResolverTypeWrapper<Omit<LaunchBackfillSuccess, 'backfill'> & { backfill: ResolversTypes['Backfill'] }>;
  LaunchRunResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['LaunchRunResult']>;
  LaunchRunSuccess: ResolverTypeWrapper<Omit<LaunchRunSuccess, 'run'> & { run: ResolversTypes['Run'] }>;
  LocationNotFoundError: ResolverTypeWrapper<LocationNotFoundError>;
  LocationUnavailableError: ResolverTypeWrapper<LocationUnavailableError>;
  Materialization: ResolverTypeWrapper<Materialization>;
  MaterializationConnection: ResolverTypeWrapper<MaterializationConnection>;
  MaterializeUnsyncedResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['MaterializeUnsyncedResult']>;
  MaterializeUnsyncedSuccess: ResolverTypeWrapper<Omit<MaterializeUnsyncedSuccess, 'runs'> & { runs: Array<ResolversTypes['Run']> }>;
  MetadataEntry: ResolverTypeWrapper<MetadataEntry>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Overview: ResolverTypeWrapper<Omit<Overview, 'failedAssets' | 'failedRuns24h' | 'locationsWithErrors' | 'queuedRuns' | 'runningRuns' | 'staleAssets' | 'stoppedSchedules' | 'stoppedSensors'> & { failedAssets: Array<ResolversTypes['Asset']>, failedRuns24h: Array<ResolversTypes['Run']>, locationsWithErrors: Array<ResolversTypes['CodeLocation']>, queuedRuns: Array<ResolversTypes['Run']>, runningRuns: Array<ResolversTypes['Run']>, staleAssets: Array<ResolversTypes['Asset']>, stoppedSchedules: Array<ResolversTypes['Schedule']>, stoppedSensors: Array<ResolversTypes['Sensor']> }>;
  PartitionMapping: ResolverTypeWrapper<PartitionMapping>;
  PartitionRange: ResolverTypeWrapper<PartitionRange>;
  PartitionRangeInput: PartitionRangeInput;
  PartitionState: ResolverTypeWrapper<PartitionStateParent>;
  PartitionStateConnection: ResolverTypeWrapper<Omit<PartitionStateConnection, 'nodes'> & { nodes: Array<ResolversTypes['PartitionState']> }>;
  PartitionStatus: ResolverTypeWrapper<PartitionStatusParent>;
  PartitionStatusValue: PartitionStatusValue;
  PartitionsDefinition: ResolverTypeWrapper<PartitionsDefinition>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReexecutionError: ResolverTypeWrapper<ReexecutionError>;
  ReloadLocationResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['ReloadLocationResult']>;
  Run: ResolverTypeWrapper<RunRecord>;
  RunConnection: ResolverTypeWrapper<Omit<RunConnection, 'nodes'> & { nodes: Array<ResolversTypes['Run']> }>;
  RunEvent: ResolverTypeWrapper<RunEvent>;
  RunNotCancelableError: ResolverTypeWrapper<RunNotCancelableError>;
  RunNotFoundError: ResolverTypeWrapper<RunNotFoundError>;
  RunStatus: RunStatus;
  RunsFilter: RunsFilter;
  Schedule: ResolverTypeWrapper<ScheduleNode>;
  SearchHit: ResolverTypeWrapper<SearchHit>;
  Sensor: ResolverTypeWrapper<SensorNode>;
  SetAutomationStatusResult: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['SetAutomationStatusResult']>;
  SkippedAsset: ResolverTypeWrapper<SkippedAsset>;
  StalenessCause: ResolverTypeWrapper<StalenessCause>;
  Step: ResolverTypeWrapper<Step>;
  StepAttempt: ResolverTypeWrapper<StepAttempt>;
  StepCheckFailure: ResolverTypeWrapper<StepCheckFailure>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  SyncState: SyncState;
  Tag: ResolverTypeWrapper<Tag>;
  TagInput: TagInput;
  Tick: ResolverTypeWrapper<TickRecord>;
  UnauthorizedError: ResolverTypeWrapper<UnauthorizedError>;
  UnsyncedAsset: ResolverTypeWrapper<UnsyncedAsset>;
  UnsyncedBackfill: ResolverTypeWrapper<UnsyncedBackfill>;
  UnsyncedPartition: ResolverTypeWrapper<UnsyncedPartition>;
  UnsyncedPartitions: ResolverTypeWrapper<UnsyncedPartitions>;
  Viewer: ResolverTypeWrapper<Viewer>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AlertDelivery: AlertDelivery;
  AlertDeliveryConnection: AlertDeliveryConnection;
  Asset: AssetNode;
  AssetCheck: AssetCheck;
  AssetConnection: Omit<AssetConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Asset']> };
  AssetDependency: Omit<AssetDependency, 'asset'> & { asset?: Maybe<ResolversParentTypes['Asset']> };
  AssetFilter: AssetFilter;
  AssetGraph: Omit<AssetGraph, 'nodes'> & { nodes: Array<ResolversParentTypes['AssetGraphNode']> };
  AssetGraphEdge: AssetGraphEdge;
  AssetGraphNode: AssetGraphNodeParent;
  AssetSync: AssetSync;
  AutomationConditionNode: AutomationConditionNode;
  AutomationEvaluation: AutomationEvaluationRecord;
  AutomationEvaluationConnection: Omit<AutomationEvaluationConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['AutomationEvaluation']> };
  AutomationLocationStatus: AutomationLocationStatus;
  AutomationResultNode: AutomationResultNode;
  AutomationStatus: AutomationStatus;
  AutomationTick: TickRecord;
  AutomationTickConnection: Omit<AutomationTickConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['AutomationTick']> };
  Backfill: BackfillRecord;
  BackfillAssetProgress: BackfillAssetProgressParent;
  BackfillConnection: Omit<BackfillConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Backfill']> };
  BackfillCounts: BackfillCounts;
  BackfillNotCancelableError: BackfillNotCancelableError;
  BackfillNotFoundError: BackfillNotFoundError;
  BackfillPartitionSet: BackfillPartitionSet;
  BackfillPartitionsInput: BackfillPartitionsInput;
  BackfillPolicy: BackfillPolicy;
  BackfillPolicyInput: BackfillPolicyInput;
  BackfillTarget: BackfillTarget;
  BackfillTargetConnection: BackfillTargetConnection;
  Boolean: Scalars['Boolean']['output'];
  CancelBackfillResult: ResolversUnionTypes<ResolversParentTypes>['CancelBackfillResult'];
  CancelBackfillSuccess: Omit<CancelBackfillSuccess, 'backfill'> & { backfill: ResolversParentTypes['Backfill'] };
  CancelRunResult: ResolversUnionTypes<ResolversParentTypes>['CancelRunResult'];
  CancelRunSuccess: Omit<CancelRunSuccess, 'run'> & { run: ResolversParentTypes['Run'] };
  CodeLocation: CodeLocationParent;
  DaemonLoop: DaemonLoop;
  DaemonStatus: DaemonStatus;
  DynamicPartition: DynamicPartition;
  DynamicPartitionConnection: DynamicPartitionConnection;
  DynamicPartitionsChange: DynamicPartitionsChange;
  DynamicPartitionsResult: ResolversUnionTypes<ResolversParentTypes>['DynamicPartitionsResult'];
  Error: ResolversInterfaceTypes<ResolversParentTypes>['Error'];
  FailedCheck: FailedCheck;
  Float: Scalars['Float']['output'];
  FreshnessState: FreshnessState;
  Instigator: ResolversInterfaceTypes<ResolversParentTypes>['Instigator'];
  InstigatorNotFoundError: InstigatorNotFoundError;
  InstigatorResult: ResolversUnionTypes<ResolversParentTypes>['InstigatorResult'];
  Int: Scalars['Int']['output'];
  InvalidBackfillError: InvalidBackfillError;
  InvalidPartitionError: InvalidPartitionError;
  InvalidSelectionError: InvalidSelectionError;
  InvalidTagError: InvalidTagError;
  LaunchBackfillInput: LaunchBackfillInput;
  LaunchBackfillResult: ResolversUnionTypes<ResolversParentTypes>['LaunchBackfillResult'];
  LaunchBackfillSuccess: Omit<LaunchBackfillSuccess, 'backfill'> & { backfill: ResolversParentTypes['Backfill'] };
  LaunchRunResult: ResolversUnionTypes<ResolversParentTypes>['LaunchRunResult'];
  LaunchRunSuccess: Omit<LaunchRunSuccess, 'run'> & { run: ResolversParentTypes['Run'] };
  LocationNotFoundError: LocationNotFoundError;
  LocationUnavailableError: LocationUnavailableError;
  Materialization: Materialization;
  MaterializationConnection: MaterializationConnection;
  MaterializeUnsyncedResult: ResolversUnionTypes<ResolversParentTypes>['MaterializeUnsyncedResult'];
  MaterializeUnsyncedSuccess: Omit<MaterializeUnsyncedSuccess, 'runs'> & { runs: Array<ResolversParentTypes['Run']> };
  MetadataEntry: MetadataEntry;
  Mutation: Record<PropertyKey, never>;
  Overview: Omit<Overview, 'failedAssets' | 'failedRuns24h' | 'locationsWithErrors' | 'queuedRuns' | 'runningRuns' | 'staleAssets' | 'stoppedSchedules' | 'stoppedSensors'> & { failedAssets: Array<ResolversParentTypes['Asset']>, failedRuns24h: Array<ResolversParentTypes['Run']>, locationsWithErrors: Array<ResolversParentTypes['CodeLocation']>, queuedRuns: Array<ResolversParentTypes['Run']>, runningRuns: Array<ResolversParentTypes['Run']>, staleAssets: Array<ResolversParentTypes['Asset']>, stoppedSchedules: Array<ResolversParentTypes['Schedule']>, stoppedSensors: Array<ResolversParentTypes['Sensor']> };
  PartitionMapping: PartitionMapping;
  PartitionRange: PartitionRange;
  PartitionRangeInput: PartitionRangeInput;
  PartitionState: PartitionStateParent;
  PartitionStateConnection: Omit<PartitionStateConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['PartitionState']> };
  PartitionStatus: PartitionStatusParent;
  PartitionsDefinition: PartitionsDefinition;
  Query: Record<PropertyKey, never>;
  ReexecutionError: ReexecutionError;
  ReloadLocationResult: ResolversUnionTypes<ResolversParentTypes>['ReloadLocationResult'];
  Run: RunRecord;
  RunConnection: Omit<RunConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Run']> };
  RunEvent: RunEvent;
  RunNotCancelableError: RunNotCancelableError;
  RunNotFoundError: RunNotFoundError;
  RunsFilter: RunsFilter;
  Schedule: ScheduleNode;
  SearchHit: SearchHit;
  Sensor: SensorNode;
  SetAutomationStatusResult: ResolversUnionTypes<ResolversParentTypes>['SetAutomationStatusResult'];
  SkippedAsset: SkippedAsset;
  StalenessCause: StalenessCause;
  Step: Step;
  StepAttempt: StepAttempt;
  StepCheckFailure: StepCheckFailure;
  String: Scalars['String']['output'];
  Tag: Tag;
  TagInput: TagInput;
  Tick: TickRecord;
  UnauthorizedError: UnauthorizedError;
  UnsyncedAsset: UnsyncedAsset;
  UnsyncedBackfill: UnsyncedBackfill;
  UnsyncedPartition: UnsyncedPartition;
  UnsyncedPartitions: UnsyncedPartitions;
  Viewer: Viewer;
};

export type AlertDeliveryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AlertDelivery'] = ResolversParentTypes['AlertDelivery']> = {
  alertId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rule?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AlertDeliveryConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AlertDeliveryConnection'] = ResolversParentTypes['AlertDeliveryConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['AlertDelivery']>, ParentType, ContextType>;
};

export type AssetResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Asset'] = ResolversParentTypes['Asset']> = {
  automationCondition?: Resolver<Maybe<Array<ResolversTypes['AutomationConditionNode']>>, ParentType, ContextType>;
  automationEvaluations?: Resolver<ResolversTypes['AutomationEvaluationConnection'], ParentType, ContextType, RequireFields<AssetAutomationEvaluationsArgs, 'first'>>;
  checks?: Resolver<Array<ResolversTypes['AssetCheck']>, ParentType, ContextType>;
  codeVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dataVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dependents?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  deps?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  downstream?: Resolver<Array<ResolversTypes['Asset']>, ParentType, ContextType>;
  freshness?: Resolver<Maybe<ResolversTypes['FreshnessState']>, ParentType, ContextType>;
  freshnessPolicy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  group?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kinds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  latestMaterialization?: Resolver<Maybe<ResolversTypes['Materialization']>, ParentType, ContextType>;
  latestRun?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  materializations?: Resolver<ResolversTypes['MaterializationConnection'], ParentType, ContextType, RequireFields<AssetMaterializationsArgs, 'first'>>;
  owners?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  partitionStatus?: Resolver<Maybe<ResolversTypes['PartitionStatus']>, ParentType, ContextType>;
  partitions?: Resolver<Maybe<ResolversTypes['PartitionsDefinition']>, ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  schedules?: Resolver<Array<ResolversTypes['Schedule']>, ParentType, ContextType>;
  sensors?: Resolver<Array<ResolversTypes['Sensor']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AssetStatus'], ParentType, ContextType>;
  sync?: Resolver<ResolversTypes['AssetSync'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType>;
  unsyncedPartitions?: Resolver<Maybe<ResolversTypes['UnsyncedPartitions']>, ParentType, ContextType, RequireFields<AssetUnsyncedPartitionsArgs, 'first'>>;
  upstream?: Resolver<Array<ResolversTypes['Asset']>, ParentType, ContextType>;
  upstreamDependencies?: Resolver<Array<ResolversTypes['AssetDependency']>, ParentType, ContextType>;
};

export type AssetCheckResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetCheck'] = ResolversParentTypes['AssetCheck']> = {
  blocking?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  passed?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  runId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  severity?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timestamp?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type AssetConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetConnection'] = ResolversParentTypes['AssetConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Asset']>, ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AssetDependencyResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetDependency'] = ResolversParentTypes['AssetDependency']> = {
  asset?: Resolver<Maybe<ResolversTypes['Asset']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitionMapping?: Resolver<Maybe<ResolversTypes['PartitionMapping']>, ParentType, ContextType>;
};

export type AssetGraphResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetGraph'] = ResolversParentTypes['AssetGraph']> = {
  edges?: Resolver<Array<ResolversTypes['AssetGraphEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['AssetGraphNode']>, ParentType, ContextType>;
  unresolved?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type AssetGraphEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetGraphEdge'] = ResolversParentTypes['AssetGraphEdge']> = {
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitionMapping?: Resolver<Maybe<ResolversTypes['PartitionMapping']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AssetGraphNodeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetGraphNode'] = ResolversParentTypes['AssetGraphNode']> = {
  checks?: Resolver<Array<ResolversTypes['AssetCheck']>, ParentType, ContextType>;
  freshness?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  group?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kinds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  lastMaterializedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitionStatus?: Resolver<Maybe<ResolversTypes['PartitionStatus']>, ParentType, ContextType>;
  partitioned?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AssetStatus'], ParentType, ContextType>;
  sync?: Resolver<ResolversTypes['AssetSync'], ParentType, ContextType>;
};

export type AssetSyncResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AssetSync'] = ResolversParentTypes['AssetSync']> = {
  causes?: Resolver<Array<ResolversTypes['StalenessCause']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['SyncState'], ParentType, ContextType>;
};

export type AutomationConditionNodeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationConditionNode'] = ResolversParentTypes['AutomationConditionNode']> = {
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parentId?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type AutomationEvaluationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationEvaluation'] = ResolversParentTypes['AutomationEvaluation']> = {
  assetKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  evaluatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  partitioned?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  requestedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  result?: Resolver<Array<ResolversTypes['AutomationResultNode']>, ParentType, ContextType>;
  runIds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  tickId?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type AutomationEvaluationConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationEvaluationConnection'] = ResolversParentTypes['AutomationEvaluationConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['AutomationEvaluation']>, ParentType, ContextType>;
};

export type AutomationLocationStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationLocationStatus'] = ResolversParentTypes['AutomationLocationStatus']> = {
  assetsWithCondition?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  running?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
};

export type AutomationResultNodeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationResultNode'] = ResolversParentTypes['AutomationResultNode']> = {
  depth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  detail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parentId?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  trueCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AutomationStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationStatus'] = ResolversParentTypes['AutomationStatus']> = {
  locations?: Resolver<Array<ResolversTypes['AutomationLocationStatus']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type AutomationTickResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationTick'] = ResolversParentTypes['AutomationTick']> = {
  createdAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  evaluatedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  evaluations?: Resolver<Array<ResolversTypes['AutomationEvaluation']>, ParentType, ContextType, RequireFields<AutomationTickEvaluationsArgs, 'requestedOnly'>>;
  requestedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  runIds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  skipReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tickId?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  tickTime?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type AutomationTickConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['AutomationTickConnection'] = ResolversParentTypes['AutomationTickConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['AutomationTick']>, ParentType, ContextType>;
};

export type BackfillResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Backfill'] = ResolversParentTypes['Backfill']> = {
  assets?: Resolver<Array<ResolversTypes['BackfillAssetProgress']>, ParentType, ContextType>;
  canCancel?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  counts?: Resolver<ResolversTypes['BackfillCounts'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  maxConcurrentRuns?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  partitions?: Resolver<ResolversTypes['BackfillPartitionSet'], ParentType, ContextType>;
  policy?: Resolver<Maybe<ResolversTypes['BackfillPolicy']>, ParentType, ContextType>;
  requestedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  runs?: Resolver<ResolversTypes['RunConnection'], ParentType, ContextType, RequireFields<BackfillRunsArgs, 'first'>>;
  selection?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BackfillStatus'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type BackfillAssetProgressResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillAssetProgress'] = ResolversParentTypes['BackfillAssetProgress']> = {
  assetKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  canceled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inProgress?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  materialized?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  partitioned?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  partitions?: Resolver<ResolversTypes['BackfillTargetConnection'], ParentType, ContextType, RequireFields<BackfillAssetProgressPartitionsArgs, 'first'>>;
  requested?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  skipped?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BackfillConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillConnection'] = ResolversParentTypes['BackfillConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Backfill']>, ParentType, ContextType>;
};

export type BackfillCountsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillCounts'] = ResolversParentTypes['BackfillCounts']> = {
  canceled?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  inProgress?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  materialized?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  queued?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  requested?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  skipped?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BackfillNotCancelableErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillNotCancelableError'] = ResolversParentTypes['BackfillNotCancelableError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BackfillStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type BackfillNotFoundErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillNotFoundError'] = ResolversParentTypes['BackfillNotFoundError']> = {
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type BackfillPartitionSetResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillPartitionSet'] = ResolversParentTypes['BackfillPartitionSet']> = {
  backfillId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  keys?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type BackfillPolicyResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillPolicy'] = ResolversParentTypes['BackfillPolicy']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  maxPartitionsPerRun?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type BackfillTargetResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillTarget'] = ResolversParentTypes['BackfillTarget']> = {
  key?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['BackfillTargetStatus'], ParentType, ContextType>;
};

export type BackfillTargetConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['BackfillTargetConnection'] = ResolversParentTypes['BackfillTargetConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['BackfillTarget']>, ParentType, ContextType>;
};

export type CancelBackfillResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CancelBackfillResult'] = ResolversParentTypes['CancelBackfillResult']> = {
  __resolveType: TypeResolveFn<'BackfillNotCancelableError' | 'BackfillNotFoundError' | 'CancelBackfillSuccess' | 'UnauthorizedError', ParentType, ContextType>;
};

export type CancelBackfillSuccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CancelBackfillSuccess'] = ResolversParentTypes['CancelBackfillSuccess']> = {
  backfill?: Resolver<ResolversTypes['Backfill'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CancelRunResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CancelRunResult'] = ResolversParentTypes['CancelRunResult']> = {
  __resolveType: TypeResolveFn<'CancelRunSuccess' | 'RunNotCancelableError' | 'RunNotFoundError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type CancelRunSuccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CancelRunSuccess'] = ResolversParentTypes['CancelRunSuccess']> = {
  run?: Resolver<ResolversTypes['Run'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CodeLocationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CodeLocation'] = ResolversParentTypes['CodeLocation']> = {
  assetCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  errorMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  loadedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  scheduleCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sensorCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type DaemonLoopResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DaemonLoop'] = ResolversParentTypes['DaemonLoop']> = {
  at?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  daemonId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  healthy?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  info?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  loop?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DaemonStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DaemonStatus'] = ResolversParentTypes['DaemonStatus']> = {
  healthy?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  loops?: Resolver<Array<ResolversTypes['DaemonLoop']>, ParentType, ContextType>;
};

export type DynamicPartitionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DynamicPartition'] = ResolversParentTypes['DynamicPartition']> = {
  createdAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DynamicPartitionConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DynamicPartitionConnection'] = ResolversParentTypes['DynamicPartitionConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['DynamicPartition']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type DynamicPartitionsChangeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DynamicPartitionsChange'] = ResolversParentTypes['DynamicPartitionsChange']> = {
  added?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deleted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type DynamicPartitionsResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['DynamicPartitionsResult'] = ResolversParentTypes['DynamicPartitionsResult']> = {
  __resolveType: TypeResolveFn<'DynamicPartitionsChange' | 'InvalidPartitionError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type ErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Error'] = ResolversParentTypes['Error']> = {
  __resolveType: TypeResolveFn<'BackfillNotCancelableError' | 'BackfillNotFoundError' | 'InstigatorNotFoundError' | 'InvalidBackfillError' | 'InvalidPartitionError' | 'InvalidSelectionError' | 'InvalidTagError' | 'LocationNotFoundError' | 'LocationUnavailableError' | 'ReexecutionError' | 'RunNotCancelableError' | 'RunNotFoundError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type FailedCheckResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FailedCheck'] = ResolversParentTypes['FailedCheck']> = {
  assetKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type FreshnessStateResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FreshnessState'] = ResolversParentTypes['FreshnessState']> = {
  evaluatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  freshUntil?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  partition?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  since?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  staleSince?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  warnAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type InstigatorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Instigator'] = ResolversParentTypes['Instigator']> = {
  __resolveType: TypeResolveFn<'Schedule' | 'Sensor', ParentType, ContextType>;
};

export type InstigatorNotFoundErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InstigatorNotFoundError'] = ResolversParentTypes['InstigatorNotFoundError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type InstigatorResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InstigatorResult'] = ResolversParentTypes['InstigatorResult']> = {
  __resolveType: TypeResolveFn<'InstigatorNotFoundError' | 'Schedule' | 'Sensor' | 'UnauthorizedError', ParentType, ContextType>;
};

export type InvalidBackfillErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvalidBackfillError'] = ResolversParentTypes['InvalidBackfillError']> = {
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type InvalidPartitionErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvalidPartitionError'] = ResolversParentTypes['InvalidPartitionError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type InvalidSelectionErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvalidSelectionError'] = ResolversParentTypes['InvalidSelectionError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type InvalidTagErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['InvalidTagError'] = ResolversParentTypes['InvalidTagError']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type LaunchBackfillResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LaunchBackfillResult'] = ResolversParentTypes['LaunchBackfillResult']> = {
  __resolveType: TypeResolveFn<'BackfillNotFoundError' | 'InvalidBackfillError' | 'LaunchBackfillSuccess' | 'UnauthorizedError', ParentType, ContextType>;
};

export type LaunchBackfillSuccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LaunchBackfillSuccess'] = ResolversParentTypes['LaunchBackfillSuccess']> = {
  backfill?: Resolver<ResolversTypes['Backfill'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type LaunchRunResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LaunchRunResult'] = ResolversParentTypes['LaunchRunResult']> = {
  __resolveType: TypeResolveFn<'InvalidPartitionError' | 'InvalidSelectionError' | 'InvalidTagError' | 'LaunchRunSuccess' | 'LocationUnavailableError' | 'ReexecutionError' | 'RunNotFoundError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type LaunchRunSuccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LaunchRunSuccess'] = ResolversParentTypes['LaunchRunSuccess']> = {
  run?: Resolver<ResolversTypes['Run'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type LocationNotFoundErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LocationNotFoundError'] = ResolversParentTypes['LocationNotFoundError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type LocationUnavailableErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['LocationUnavailableError'] = ResolversParentTypes['LocationUnavailableError']> = {
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MaterializationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Materialization'] = ResolversParentTypes['Materialization']> = {
  eventId?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  metadata?: Resolver<Array<ResolversTypes['MetadataEntry']>, ParentType, ContextType>;
  partition?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  runId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type MaterializationConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['MaterializationConnection'] = ResolversParentTypes['MaterializationConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Materialization']>, ParentType, ContextType>;
};

export type MaterializeUnsyncedResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['MaterializeUnsyncedResult'] = ResolversParentTypes['MaterializeUnsyncedResult']> = {
  __resolveType: TypeResolveFn<'InvalidSelectionError' | 'MaterializeUnsyncedSuccess' | 'UnauthorizedError', ParentType, ContextType>;
};

export type MaterializeUnsyncedSuccessResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['MaterializeUnsyncedSuccess'] = ResolversParentTypes['MaterializeUnsyncedSuccess']> = {
  backfills?: Resolver<Array<ResolversTypes['UnsyncedBackfill']>, ParentType, ContextType>;
  launched?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runs?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType>;
  skipped?: Resolver<Array<ResolversTypes['SkippedAsset']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type MetadataEntryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['MetadataEntry'] = ResolversParentTypes['MetadataEntry']> = {
  json?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  number?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  addDynamicPartitions?: Resolver<ResolversTypes['DynamicPartitionsResult'], ParentType, ContextType, RequireFields<MutationAddDynamicPartitionsArgs, 'keys' | 'name'>>;
  cancelBackfill?: Resolver<ResolversTypes['CancelBackfillResult'], ParentType, ContextType, RequireFields<MutationCancelBackfillArgs, 'id'>>;
  cancelRun?: Resolver<ResolversTypes['CancelRunResult'], ParentType, ContextType, RequireFields<MutationCancelRunArgs, 'runId'>>;
  deleteDynamicPartitions?: Resolver<ResolversTypes['DynamicPartitionsResult'], ParentType, ContextType, RequireFields<MutationDeleteDynamicPartitionsArgs, 'keys' | 'name'>>;
  launchBackfill?: Resolver<ResolversTypes['LaunchBackfillResult'], ParentType, ContextType, RequireFields<MutationLaunchBackfillArgs, 'input'>>;
  launchRun?: Resolver<ResolversTypes['LaunchRunResult'], ParentType, ContextType, RequireFields<MutationLaunchRunArgs, 'selection'>>;
  materializeUnsynced?: Resolver<ResolversTypes['MaterializeUnsyncedResult'], ParentType, ContextType, Partial<MutationMaterializeUnsyncedArgs>>;
  reexecuteRun?: Resolver<ResolversTypes['LaunchRunResult'], ParentType, ContextType, RequireFields<MutationReexecuteRunArgs, 'fromFailure' | 'runId'>>;
  reloadLocation?: Resolver<ResolversTypes['ReloadLocationResult'], ParentType, ContextType, RequireFields<MutationReloadLocationArgs, 'name'>>;
  retryBackfill?: Resolver<ResolversTypes['LaunchBackfillResult'], ParentType, ContextType, RequireFields<MutationRetryBackfillArgs, 'id'>>;
  setAutomationStatus?: Resolver<ResolversTypes['SetAutomationStatusResult'], ParentType, ContextType, RequireFields<MutationSetAutomationStatusArgs, 'status'>>;
  setInstigatorStatus?: Resolver<ResolversTypes['InstigatorResult'], ParentType, ContextType, RequireFields<MutationSetInstigatorStatusArgs, 'id' | 'status'>>;
};

export type OverviewResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Overview'] = ResolversParentTypes['Overview']> = {
  assetCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  daemon?: Resolver<ResolversTypes['DaemonStatus'], ParentType, ContextType>;
  failedAlertDeliveries24h?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failedAssets?: Resolver<Array<ResolversTypes['Asset']>, ParentType, ContextType>;
  failedCheckCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failedChecks?: Resolver<Array<ResolversTypes['FailedCheck']>, ParentType, ContextType>;
  failedRuns24h?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType>;
  locationsWithErrors?: Resolver<Array<ResolversTypes['CodeLocation']>, ParentType, ContextType>;
  queuedRuns?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType>;
  runningRuns?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType>;
  staleAssets?: Resolver<Array<ResolversTypes['Asset']>, ParentType, ContextType>;
  staleCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stoppedSchedules?: Resolver<Array<ResolversTypes['Schedule']>, ParentType, ContextType>;
  stoppedSensors?: Resolver<Array<ResolversTypes['Sensor']>, ParentType, ContextType>;
  warnCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PartitionMappingResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionMapping'] = ResolversParentTypes['PartitionMapping']> = {
  declared?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endOffset?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startOffset?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type PartitionRangeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionRange'] = ResolversParentTypes['PartitionRange']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  endKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PartitionStateResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionState'] = ResolversParentTypes['PartitionState']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PartitionStatusValue'], ParentType, ContextType>;
  timestamp?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type PartitionStateConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionStateConnection'] = ResolversParentTypes['PartitionStateConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['PartitionState']>, ParentType, ContextType>;
};

export type PartitionStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionStatus'] = ResolversParentTypes['PartitionStatus']> = {
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  materialized?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  missing?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  missingRanges?: Resolver<Array<ResolversTypes['PartitionRange']>, ParentType, ContextType, RequireFields<PartitionStatusMissingRangesArgs, 'first'>>;
  partitions?: Resolver<ResolversTypes['PartitionStateConnection'], ParentType, ContextType, RequireFields<PartitionStatusPartitionsArgs, 'first' | 'newestFirst'>>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PartitionsDefinitionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PartitionsDefinition'] = ResolversParentTypes['PartitionsDefinition']> = {
  cadence?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  format?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  keys?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  start?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timezone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  alertDeliveries?: Resolver<ResolversTypes['AlertDeliveryConnection'], ParentType, ContextType, RequireFields<QueryAlertDeliveriesArgs, 'failedOnly' | 'first'>>;
  asset?: Resolver<Maybe<ResolversTypes['Asset']>, ParentType, ContextType, RequireFields<QueryAssetArgs, 'key'>>;
  assetGraph?: Resolver<ResolversTypes['AssetGraph'], ParentType, ContextType, Partial<QueryAssetGraphArgs>>;
  assets?: Resolver<ResolversTypes['AssetConnection'], ParentType, ContextType, RequireFields<QueryAssetsArgs, 'first'>>;
  automationStatus?: Resolver<ResolversTypes['AutomationStatus'], ParentType, ContextType>;
  automationTick?: Resolver<Maybe<ResolversTypes['AutomationTick']>, ParentType, ContextType, RequireFields<QueryAutomationTickArgs, 'id'>>;
  automationTicks?: Resolver<ResolversTypes['AutomationTickConnection'], ParentType, ContextType, RequireFields<QueryAutomationTicksArgs, 'first'>>;
  backfill?: Resolver<Maybe<ResolversTypes['Backfill']>, ParentType, ContextType, RequireFields<QueryBackfillArgs, 'id'>>;
  backfills?: Resolver<ResolversTypes['BackfillConnection'], ParentType, ContextType, RequireFields<QueryBackfillsArgs, 'first'>>;
  daemon?: Resolver<ResolversTypes['DaemonStatus'], ParentType, ContextType>;
  dynamicPartitions?: Resolver<ResolversTypes['DynamicPartitionConnection'], ParentType, ContextType, RequireFields<QueryDynamicPartitionsArgs, 'first' | 'name'>>;
  instigator?: Resolver<Maybe<ResolversTypes['Instigator']>, ParentType, ContextType, RequireFields<QueryInstigatorArgs, 'id'>>;
  locations?: Resolver<Array<ResolversTypes['CodeLocation']>, ParentType, ContextType>;
  overview?: Resolver<ResolversTypes['Overview'], ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType, RequireFields<QueryRunArgs, 'runId'>>;
  runs?: Resolver<ResolversTypes['RunConnection'], ParentType, ContextType, RequireFields<QueryRunsArgs, 'first'>>;
  schedules?: Resolver<Array<ResolversTypes['Schedule']>, ParentType, ContextType>;
  search?: Resolver<Array<ResolversTypes['SearchHit']>, ParentType, ContextType, RequireFields<QuerySearchArgs, 'first' | 'text'>>;
  sensors?: Resolver<Array<ResolversTypes['Sensor']>, ParentType, ContextType>;
  unsyncedAssets?: Resolver<Array<ResolversTypes['UnsyncedAsset']>, ParentType, ContextType, Partial<QueryUnsyncedAssetsArgs>>;
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
};

export type ReexecutionErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ReexecutionError'] = ResolversParentTypes['ReexecutionError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReloadLocationResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ReloadLocationResult'] = ResolversParentTypes['ReloadLocationResult']> = {
  __resolveType: TypeResolveFn<'CodeLocation' | 'LocationNotFoundError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type RunResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Run'] = ResolversParentTypes['Run']> = {
  assetKeys?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  canCancel?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  durationMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['RunEvent']>, ParentType, ContextType, RequireFields<RunEventsArgs, 'first'>>;
  instigator?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  origin?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parentRunId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  partition?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  rootRunId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  runId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  selection?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
  stepKeys?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  steps?: Resolver<Array<ResolversTypes['Step']>, ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type RunConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RunConnection'] = ResolversParentTypes['RunConnection']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType>;
};

export type RunEventResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RunEvent'] = ResolversParentTypes['RunEvent']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  level?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stepKey?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stream?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RunNotCancelableErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RunNotCancelableError'] = ResolversParentTypes['RunNotCancelableError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RunStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type RunNotFoundErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RunNotFoundError'] = ResolversParentTypes['RunNotFoundError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ScheduleResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Schedule'] = ResolversParentTypes['Schedule']> = {
  cron?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  defaultStatus?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nextTicks?: Resolver<Array<ResolversTypes['Float']>, ParentType, ContextType, RequireFields<ScheduleNextTicksArgs, 'count'>>;
  status?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ticks?: Resolver<Array<ResolversTypes['Tick']>, ParentType, ContextType, RequireFields<ScheduleTicksArgs, 'first'>>;
  timezone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SearchHitResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SearchHit'] = ResolversParentTypes['SearchHit']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SensorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Sensor'] = ResolversParentTypes['Sensor']> = {
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  defaultStatus?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  minimumIntervalSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensorType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['InstigatorStatus'], ParentType, ContextType>;
  target?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ticks?: Resolver<Array<ResolversTypes['Tick']>, ParentType, ContextType, RequireFields<SensorTicksArgs, 'first'>>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SetAutomationStatusResultResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SetAutomationStatusResult'] = ResolversParentTypes['SetAutomationStatusResult']> = {
  __resolveType: TypeResolveFn<'AutomationStatus' | 'LocationNotFoundError' | 'UnauthorizedError', ParentType, ContextType>;
};

export type SkippedAssetResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['SkippedAsset'] = ResolversParentTypes['SkippedAsset']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StalenessCauseResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['StalenessCause'] = ResolversParentTypes['StalenessCause']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  upstream?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StepResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Step'] = ResolversParentTypes['Step']> = {
  attemptSpans?: Resolver<Array<ResolversTypes['StepAttempt']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  durationMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  errorMessage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failedChecks?: Resolver<Array<ResolversTypes['StepCheckFailure']>, ParentType, ContextType>;
  materializedAssets?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  skipReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stepKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StepAttemptResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['StepAttempt'] = ResolversParentTypes['StepAttempt']> = {
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  endedAt?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type StepCheckFailureResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['StepCheckFailure'] = ResolversParentTypes['StepCheckFailure']> = {
  assetKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  blocking?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  checkName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  partition?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TagResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Tag'] = ResolversParentTypes['Tag']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TickResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Tick'] = ResolversParentTypes['Tick']> = {
  createdAt?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  cursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  runIds?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  skipReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tickId?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  tickTime?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type UnauthorizedErrorResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UnauthorizedError'] = ResolversParentTypes['UnauthorizedError']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type UnsyncedAssetResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UnsyncedAsset'] = ResolversParentTypes['UnsyncedAsset']> = {
  causes?: Resolver<Array<ResolversTypes['StalenessCause']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  location?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitioned?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type UnsyncedBackfillResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UnsyncedBackfill'] = ResolversParentTypes['UnsyncedBackfill']> = {
  assetKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  partitionCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UnsyncedPartitionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UnsyncedPartition'] = ResolversParentTypes['UnsyncedPartition']> = {
  causes?: Resolver<Array<ResolversTypes['StalenessCause']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  moreCauses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UnsyncedPartitionsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['UnsyncedPartitions'] = ResolversParentTypes['UnsyncedPartitions']> = {
  materialized?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  partitions?: Resolver<Array<ResolversTypes['UnsyncedPartition']>, ParentType, ContextType>;
  ranges?: Resolver<Array<ResolversTypes['PartitionRange']>, ParentType, ContextType>;
  unsynced?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  canAdminister?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  canOperate?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  role?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  AlertDelivery?: AlertDeliveryResolvers<ContextType>;
  AlertDeliveryConnection?: AlertDeliveryConnectionResolvers<ContextType>;
  Asset?: AssetResolvers<ContextType>;
  AssetCheck?: AssetCheckResolvers<ContextType>;
  AssetConnection?: AssetConnectionResolvers<ContextType>;
  AssetDependency?: AssetDependencyResolvers<ContextType>;
  AssetGraph?: AssetGraphResolvers<ContextType>;
  AssetGraphEdge?: AssetGraphEdgeResolvers<ContextType>;
  AssetGraphNode?: AssetGraphNodeResolvers<ContextType>;
  AssetSync?: AssetSyncResolvers<ContextType>;
  AutomationConditionNode?: AutomationConditionNodeResolvers<ContextType>;
  AutomationEvaluation?: AutomationEvaluationResolvers<ContextType>;
  AutomationEvaluationConnection?: AutomationEvaluationConnectionResolvers<ContextType>;
  AutomationLocationStatus?: AutomationLocationStatusResolvers<ContextType>;
  AutomationResultNode?: AutomationResultNodeResolvers<ContextType>;
  AutomationStatus?: AutomationStatusResolvers<ContextType>;
  AutomationTick?: AutomationTickResolvers<ContextType>;
  AutomationTickConnection?: AutomationTickConnectionResolvers<ContextType>;
  Backfill?: BackfillResolvers<ContextType>;
  BackfillAssetProgress?: BackfillAssetProgressResolvers<ContextType>;
  BackfillConnection?: BackfillConnectionResolvers<ContextType>;
  BackfillCounts?: BackfillCountsResolvers<ContextType>;
  BackfillNotCancelableError?: BackfillNotCancelableErrorResolvers<ContextType>;
  BackfillNotFoundError?: BackfillNotFoundErrorResolvers<ContextType>;
  BackfillPartitionSet?: BackfillPartitionSetResolvers<ContextType>;
  BackfillPolicy?: BackfillPolicyResolvers<ContextType>;
  BackfillTarget?: BackfillTargetResolvers<ContextType>;
  BackfillTargetConnection?: BackfillTargetConnectionResolvers<ContextType>;
  CancelBackfillResult?: CancelBackfillResultResolvers<ContextType>;
  CancelBackfillSuccess?: CancelBackfillSuccessResolvers<ContextType>;
  CancelRunResult?: CancelRunResultResolvers<ContextType>;
  CancelRunSuccess?: CancelRunSuccessResolvers<ContextType>;
  CodeLocation?: CodeLocationResolvers<ContextType>;
  DaemonLoop?: DaemonLoopResolvers<ContextType>;
  DaemonStatus?: DaemonStatusResolvers<ContextType>;
  DynamicPartition?: DynamicPartitionResolvers<ContextType>;
  DynamicPartitionConnection?: DynamicPartitionConnectionResolvers<ContextType>;
  DynamicPartitionsChange?: DynamicPartitionsChangeResolvers<ContextType>;
  DynamicPartitionsResult?: DynamicPartitionsResultResolvers<ContextType>;
  Error?: ErrorResolvers<ContextType>;
  FailedCheck?: FailedCheckResolvers<ContextType>;
  FreshnessState?: FreshnessStateResolvers<ContextType>;
  Instigator?: InstigatorResolvers<ContextType>;
  InstigatorNotFoundError?: InstigatorNotFoundErrorResolvers<ContextType>;
  InstigatorResult?: InstigatorResultResolvers<ContextType>;
  InvalidBackfillError?: InvalidBackfillErrorResolvers<ContextType>;
  InvalidPartitionError?: InvalidPartitionErrorResolvers<ContextType>;
  InvalidSelectionError?: InvalidSelectionErrorResolvers<ContextType>;
  InvalidTagError?: InvalidTagErrorResolvers<ContextType>;
  LaunchBackfillResult?: LaunchBackfillResultResolvers<ContextType>;
  LaunchBackfillSuccess?: LaunchBackfillSuccessResolvers<ContextType>;
  LaunchRunResult?: LaunchRunResultResolvers<ContextType>;
  LaunchRunSuccess?: LaunchRunSuccessResolvers<ContextType>;
  LocationNotFoundError?: LocationNotFoundErrorResolvers<ContextType>;
  LocationUnavailableError?: LocationUnavailableErrorResolvers<ContextType>;
  Materialization?: MaterializationResolvers<ContextType>;
  MaterializationConnection?: MaterializationConnectionResolvers<ContextType>;
  MaterializeUnsyncedResult?: MaterializeUnsyncedResultResolvers<ContextType>;
  MaterializeUnsyncedSuccess?: MaterializeUnsyncedSuccessResolvers<ContextType>;
  MetadataEntry?: MetadataEntryResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Overview?: OverviewResolvers<ContextType>;
  PartitionMapping?: PartitionMappingResolvers<ContextType>;
  PartitionRange?: PartitionRangeResolvers<ContextType>;
  PartitionState?: PartitionStateResolvers<ContextType>;
  PartitionStateConnection?: PartitionStateConnectionResolvers<ContextType>;
  PartitionStatus?: PartitionStatusResolvers<ContextType>;
  PartitionsDefinition?: PartitionsDefinitionResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReexecutionError?: ReexecutionErrorResolvers<ContextType>;
  ReloadLocationResult?: ReloadLocationResultResolvers<ContextType>;
  Run?: RunResolvers<ContextType>;
  RunConnection?: RunConnectionResolvers<ContextType>;
  RunEvent?: RunEventResolvers<ContextType>;
  RunNotCancelableError?: RunNotCancelableErrorResolvers<ContextType>;
  RunNotFoundError?: RunNotFoundErrorResolvers<ContextType>;
  Schedule?: ScheduleResolvers<ContextType>;
  SearchHit?: SearchHitResolvers<ContextType>;
  Sensor?: SensorResolvers<ContextType>;
  SetAutomationStatusResult?: SetAutomationStatusResultResolvers<ContextType>;
  SkippedAsset?: SkippedAssetResolvers<ContextType>;
  StalenessCause?: StalenessCauseResolvers<ContextType>;
  Step?: StepResolvers<ContextType>;
  StepAttempt?: StepAttemptResolvers<ContextType>;
  StepCheckFailure?: StepCheckFailureResolvers<ContextType>;
  Tag?: TagResolvers<ContextType>;
  Tick?: TickResolvers<ContextType>;
  UnauthorizedError?: UnauthorizedErrorResolvers<ContextType>;
  UnsyncedAsset?: UnsyncedAssetResolvers<ContextType>;
  UnsyncedBackfill?: UnsyncedBackfillResolvers<ContextType>;
  UnsyncedPartition?: UnsyncedPartitionResolvers<ContextType>;
  UnsyncedPartitions?: UnsyncedPartitionsResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
};
