// GENERATED — DO NOT EDIT. Produced by scripts/generate-graphql.mjs from packages/webserver/schema.graphql.
/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AssetFilter = {
  group?: string | null | undefined;
  kind?: string | null | undefined;
  location?: string | null | undefined;
  owner?: string | null | undefined;
  /** Case-insensitive substring of the key, description or group. */
  search?: string | null | undefined;
  status?: AssetStatus | null | undefined;
  /** A tag as key or key=value. */
  tag?: string | null | undefined;
};

export type AssetStatus =
  /** The last run that targeted it failed after its last materialization. */
  | 'FAILED'
  /** A run targeting it is queued or in progress. */
  | 'IN_PROGRESS'
  | 'MATERIALIZED'
  | 'NEVER_MATERIALIZED';

/** Which partitions a backfill targets; give the fields its kind needs. */
export type BackfillPartitionsInput = {
  backfillId?: string | null | undefined;
  from?: string | null | undefined;
  keys?: Array<string> | null | undefined;
  kind: BackfillPartitionsKind;
  to?: string | null | undefined;
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

export type BackfillPolicyInput = {
  kind: BackfillPolicyKind;
  maxPartitionsPerRun?: number | null | undefined;
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

export type InstigatorStatus =
  | 'RUNNING'
  | 'STOPPED';

export type LaunchBackfillInput = {
  /** Runs of this backfill the queue lets run at once (null: only the queue's own limits). */
  maxConcurrentRuns?: number | null | undefined;
  partitions: BackfillPartitionsInput;
  /** Overrides every selected asset's own backfill policy. */
  policy?: BackfillPolicyInput | null | undefined;
  /** Selection syntax (docs/selection.md); may span code locations. */
  selection: string;
  /** Added to every run of the backfill (keys under flyt/ are refused). */
  tags?: Array<TagInput> | null | undefined;
};

export type PartitionStatusValue =
  /** Its newest run failed after its last materialization. */
  | 'FAILED'
  | 'MATERIALIZED'
  /** Neither materialized nor failed. */
  | 'MISSING';

export type RunStatus =
  | 'CANCELED'
  | 'CANCELING'
  | 'FAILURE'
  | 'QUEUED'
  | 'STARTED'
  | 'STARTING'
  | 'SUCCESS';

export type RunsFilter = {
  assetKey?: string | null | undefined;
  createdAfter?: number | null | undefined;
  createdBefore?: number | null | undefined;
  location?: string | null | undefined;
  /** manual, schedule, sensor, backfill, automation */
  origin?: string | null | undefined;
  rootRunId?: string | null | undefined;
  statuses?: Array<RunStatus> | null | undefined;
  tags?: Array<TagInput> | null | undefined;
};

export type SyncState =
  | 'NEVER_MATERIALIZED'
  /** Materialized with the current code version and the current data versions of its dependencies. */
  | 'SYNCED'
  /** Code version, an upstream's data version or the dependencies changed since its latest materialization. */
  | 'UNSYNCED';

export type TagInput = {
  key: string;
  value: string;
};

export type ViewerInfoQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerInfoQuery = { viewer: { name: string | null, email: string | null, role: string | null, canOperate: boolean, canAdminister: boolean } };

export type RunSummaryFragment = { runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null };

export type RunEventLineFragment = { id: number, timestamp: number, stepKey: string | null, type: string, level: string, message: string, stream: string | null };

export type AssetQueryVariables = Exact<{
  key: string;
}>;


export type AssetQuery = { asset: { key: string, location: string, group: string, description: string | null, owners: Array<string>, kinds: Array<string>, codeVersion: string | null, dataVersion: string | null, status: AssetStatus, freshnessPolicy: string | null, deps: Array<string>, dependents: Array<string>, sync: { state: SyncState, causes: Array<{ kind: string, message: string, upstream: string | null }> }, tags: Array<{ key: string, value: string }>, upstreamDependencies: Array<{ key: string, partitionMapping: { description: string, declared: boolean } | null }>, partitions: { kind: string, keys: Array<string> | null, cadence: string | null, timezone: string | null, start: string | null, format: string | null, name: string | null } | null, partitionStatus: { total: number, materialized: number, failed: number, missing: number, missingRanges: Array<{ startKey: string, endKey: string, count: number }>, partitions: { nodes: Array<{ key: string, status: PartitionStatusValue, runId: string | null }> } } | null, checks: Array<{ name: string, description: string | null, blocking: boolean, passed: boolean | null, severity: string | null, timestamp: number | null, runId: string | null }>, freshness: { state: string, since: number, freshUntil: number | null, warnAt: number | null, reason: string } | null, schedules: Array<{ id: string, name: string, cron: string }>, sensors: Array<{ id: string, name: string }>, latestRun: { runId: string, status: RunStatus } | null, materializations: { nodes: Array<{ eventId: number, runId: string, timestamp: number, partition: string | null, metadata: Array<{ label: string, type: string, text: string, number: number | null, json: string }> }> } } | null };

export type AssetAutomationQueryVariables = Exact<{
  key: string;
  after?: string | null | undefined;
}>;


export type AssetAutomationQuery = { asset: { key: string, partitions: { kind: string } | null, automationCondition: Array<{ id: number, parentId: number | null, depth: number, kind: string, description: string }> | null, automationEvaluations: { endCursor: string | null, hasNextPage: boolean, nodes: Array<{ tickId: number, evaluatedAt: number, requestedCount: number, partitioned: boolean, runIds: Array<string>, result: Array<{ id: number, parentId: number | null, depth: number, kind: string, description: string, trueCount: number, detail: string | null }> }> } } | null };

export type LaunchMutationVariables = Exact<{
  selection: string;
  partition?: string | null | undefined;
}>;


export type LaunchMutation = { launchRun:
    | { __typename: 'InvalidPartitionError', message: string }
    | { __typename: 'InvalidSelectionError', message: string }
    | { __typename: 'InvalidTagError', message: string }
    | { __typename: 'LaunchRunSuccess', run: { runId: string } }
    | { __typename: 'LocationUnavailableError', message: string }
    | { __typename: 'ReexecutionError', message: string }
    | { __typename: 'RunNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type CatalogQueryVariables = Exact<{
  filter?: AssetFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  before?: string | null | undefined;
}>;


export type CatalogQuery = { assets: { totalCount: number, endCursor: string | null, hasNextPage: boolean, startCursor: string | null, hasPreviousPage: boolean, nodes: Array<{ key: string, group: string, location: string, kinds: Array<string>, status: AssetStatus, freshnessPolicy: string | null, sync: { state: SyncState, causes: Array<{ kind: string, message: string, upstream: string | null }> }, latestMaterialization: { timestamp: number, runId: string } | null, partitionStatus: { total: number, materialized: number } | null, freshness: { state: string, since: number, freshUntil: number | null, warnAt: number | null, reason: string } | null, checks: Array<{ name: string, passed: boolean | null, severity: string | null }> }> }, locations: Array<{ name: string }> };

export type CatalogResolveSelectionQueryVariables = Exact<{
  selection: string;
}>;


export type CatalogResolveSelectionQuery = { assetGraph: { nodes: Array<{ key: string }> } };

export type AssetSyncFieldsFragment = { state: SyncState, causes: Array<{ kind: string, message: string, upstream: string | null }> };

export type AutomationTicksQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type AutomationTicksQuery = { automationStatus: { status: InstigatorStatus, locations: Array<{ location: string, status: InstigatorStatus, running: boolean, assetsWithCondition: number }> }, automationTicks: { endCursor: string | null, hasNextPage: boolean, nodes: Array<{ tickId: number, status: string, tickTime: number, runIds: Array<string>, skipReason: string | null, error: string | null, evaluatedCount: number, requestedCount: number }> } };

export type AutomationTickQueryVariables = Exact<{
  id: number;
}>;


export type AutomationTickQuery = { automationTick: { tickId: number, status: string, tickTime: number, runIds: Array<string>, skipReason: string | null, error: string | null, evaluatedCount: number, requestedCount: number, evaluations: Array<{ assetKey: string, requestedCount: number, partitioned: boolean, runIds: Array<string>, evaluatedAt: number, result: Array<{ id: number, parentId: number | null, depth: number, kind: string, description: string, trueCount: number, detail: string | null }> }> } | null };

export type SetAutomationStatusMutationVariables = Exact<{
  location?: string | null | undefined;
  status: InstigatorStatus;
}>;


export type SetAutomationStatusMutation = { setAutomationStatus:
    | { __typename: 'AutomationStatus' }
    | { __typename: 'LocationNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type AutomationConditionNodeFieldsFragment = { id: number, parentId: number | null, depth: number, kind: string, description: string };

export type AutomationResultNodeFieldsFragment = { id: number, parentId: number | null, depth: number, kind: string, description: string, trueCount: number, detail: string | null };

export type BackfillCountsFieldsFragment = { total: number, requested: number, queued: number, inProgress: number, materialized: number, failed: number, skipped: number, canceled: number };

export type BackfillPartitionSetFieldsFragment = { kind: string, from: string | null, to: string | null, keys: Array<string> | null, backfillId: string | null };

export type BackfillsQueryVariables = Exact<{
  statuses?: Array<BackfillStatus> | BackfillStatus | null | undefined;
  after?: string | null | undefined;
}>;


export type BackfillsQuery = { backfills: { endCursor: string | null, hasNextPage: boolean, nodes: Array<{ id: string, status: BackfillStatus, selection: string, requestedBy: string | null, createdAt: number, endedAt: number | null, error: string | null, partitions: { kind: string, from: string | null, to: string | null, keys: Array<string> | null, backfillId: string | null }, counts: { total: number, requested: number, queued: number, inProgress: number, materialized: number, failed: number, skipped: number, canceled: number } }> } };

export type BackfillQueryVariables = Exact<{
  id: string;
  targets?: BackfillTargetStatus | null | undefined;
}>;


export type BackfillQuery = { backfill: { id: string, status: BackfillStatus, selection: string, requestedBy: string | null, createdAt: number, updatedAt: number, endedAt: number | null, error: string | null, canCancel: boolean, maxConcurrentRuns: number | null, partitions: { kind: string, from: string | null, to: string | null, keys: Array<string> | null, backfillId: string | null }, policy: { kind: string, maxPartitionsPerRun: number | null } | null, tags: Array<{ key: string, value: string }>, counts: { total: number, requested: number, queued: number, inProgress: number, materialized: number, failed: number, skipped: number, canceled: number }, assets: Array<{ assetKey: string, partitioned: boolean, total: number, requested: number, inProgress: number, materialized: number, failed: number, skipped: number, canceled: number, partitions: { hasNextPage: boolean, nodes: Array<{ key: string | null, status: BackfillTargetStatus }> } }>, runs: { hasNextPage: boolean, nodes: Array<{ runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null }> } } | null };

export type CancelBackfillMutationVariables = Exact<{
  id: string;
}>;


export type CancelBackfillMutation = { cancelBackfill:
    | { __typename: 'BackfillNotCancelableError', message: string }
    | { __typename: 'BackfillNotFoundError', message: string }
    | { __typename: 'CancelBackfillSuccess' }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type RetryBackfillMutationVariables = Exact<{
  id: string;
}>;


export type RetryBackfillMutation = { retryBackfill:
    | { __typename: 'BackfillNotFoundError', message: string }
    | { __typename: 'InvalidBackfillError', message: string }
    | { __typename: 'LaunchBackfillSuccess', backfill: { id: string } }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type InstigatorsQueryVariables = Exact<{ [key: string]: never; }>;


export type InstigatorsQuery = { schedules: Array<{ __typename: 'Schedule', id: string, name: string, location: string, target: string, status: InstigatorStatus, cron: string, timezone: string, nextTicks: Array<number>, description: string | null }>, sensors: Array<{ __typename: 'Sensor', id: string, name: string, location: string, target: string, status: InstigatorStatus, sensorType: string, minimumIntervalSeconds: number, description: string | null }> };

export type InstigatorQueryVariables = Exact<{
  id: string;
}>;


export type InstigatorQuery = { instigator:
    | { __typename: 'Schedule', cron: string, timezone: string, nextTicks: Array<number>, id: string, name: string, location: string, target: string, status: InstigatorStatus, defaultStatus: InstigatorStatus, description: string | null, ticks: Array<{ tickId: number, status: string, tickTime: number, runIds: Array<string>, skipReason: string | null, error: string | null, cursor: string | null }> }
    | { __typename: 'Sensor', sensorType: string, minimumIntervalSeconds: number, cursor: string | null, id: string, name: string, location: string, target: string, status: InstigatorStatus, defaultStatus: InstigatorStatus, description: string | null, ticks: Array<{ tickId: number, status: string, tickTime: number, runIds: Array<string>, skipReason: string | null, error: string | null, cursor: string | null }> }
   | null };

export type SetStatusMutationVariables = Exact<{
  id: string;
  status: InstigatorStatus;
}>;


export type SetStatusMutation = { setInstigatorStatus:
    | { __typename: 'InstigatorNotFoundError', message: string }
    | { __typename: 'Schedule' }
    | { __typename: 'Sensor' }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type LaunchPlanQueryVariables = Exact<{
  selection: string;
}>;


export type LaunchPlanQuery = { assetGraph: { nodes: Array<{ key: string, location: string, partitioned: boolean }>, edges: Array<{ from: string, to: string }> }, locations: Array<{ name: string, status: string }> };

export type LaunchPartitionKeysQueryVariables = Exact<{
  key: string;
}>;


export type LaunchPartitionKeysQuery = { asset: { key: string, partitions: { kind: string, cadence: string | null, name: string | null } | null, partitionStatus: { total: number, partitions: { nodes: Array<{ key: string }> } } | null } | null };

export type LaunchSelectionMutationVariables = Exact<{
  selection: string;
  tags?: Array<TagInput> | TagInput | null | undefined;
}>;


export type LaunchSelectionMutation = { launchRun:
    | { __typename: 'InvalidPartitionError', message: string }
    | { __typename: 'InvalidSelectionError', message: string }
    | { __typename: 'InvalidTagError', message: string }
    | { __typename: 'LaunchRunSuccess', run: { runId: string, location: string, assetKeys: Array<string> } }
    | { __typename: 'LocationUnavailableError', message: string }
    | { __typename: 'ReexecutionError', message: string }
    | { __typename: 'RunNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type LaunchBackfillFromDialogMutationVariables = Exact<{
  input: LaunchBackfillInput;
}>;


export type LaunchBackfillFromDialogMutation = { launchBackfill:
    | { __typename: 'BackfillNotFoundError', message: string }
    | { __typename: 'InvalidBackfillError', field: string | null, message: string }
    | { __typename: 'LaunchBackfillSuccess', backfill: { id: string } }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type LaunchMaterializeUnsyncedMutationVariables = Exact<{
  selection?: string | null | undefined;
}>;


export type LaunchMaterializeUnsyncedMutation = { materializeUnsynced:
    | { __typename: 'InvalidSelectionError', message: string }
    | { __typename: 'MaterializeUnsyncedSuccess', message: string, launched: Array<string>, runs: Array<{ runId: string, location: string, assetKeys: Array<string> }>, backfills: Array<{ id: string, assetKey: string, partitionCount: number }>, skipped: Array<{ key: string, reason: string }> }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type LineageSelectQueryVariables = Exact<{
  selection: string;
}>;


export type LineageSelectQuery = { assetGraph: { nodes: Array<{ key: string }> } };

export type LineageQueryVariables = Exact<{ [key: string]: never; }>;


export type LineageQuery = { assetGraph: { nodes: Array<{ key: string, group: string, location: string, status: AssetStatus, kinds: Array<string>, partitioned: boolean, freshness: string | null, lastMaterializedAt: number | null, sync: { state: SyncState }, checks: Array<{ passed: boolean | null, severity: string | null }> }>, edges: Array<{ from: string, to: string, partitionMapping: { kind: string, description: string } | null }> } };

export type LineageStatusQueryVariables = Exact<{
  selection: string;
}>;


export type LineageStatusQuery = { assetGraph: { nodes: Array<{ key: string, status: AssetStatus, freshness: string | null, lastMaterializedAt: number | null, sync: { state: SyncState }, checks: Array<{ passed: boolean | null, severity: string | null }> }> } };

export type LineageRunsQueryVariables = Exact<{ [key: string]: never; }>;


export type LineageRunsQuery = { runs: { nodes: Array<{ runId: string, status: RunStatus, assetKeys: Array<string> }> } };

export type LineagePartitionsQueryVariables = Exact<{
  selection: string;
}>;


export type LineagePartitionsQuery = { assetGraph: { nodes: Array<{ key: string, partitionStatus: { total: number, materialized: number, failed: number } | null }> } };

export type LocationsQueryVariables = Exact<{ [key: string]: never; }>;


export type LocationsQuery = { locations: Array<{ name: string, status: string, source: string, errorMessage: string | null, loadedAt: number | null, updatedAt: number, assetCount: number, scheduleCount: number, sensorCount: number }> };

export type ReloadMutationVariables = Exact<{
  name: string;
}>;


export type ReloadMutation = { reloadLocation:
    | { __typename: 'CodeLocation', status: string, errorMessage: string | null }
    | { __typename: 'LocationNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type MetadataEntryFieldsFragment = { label: string, type: string, text: string, number: number | null, json: string };

export type MetadataAssetKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type MetadataAssetKeysQuery = { assetGraph: { nodes: Array<{ key: string }> } };

export type FreshnessFieldsFragment = { state: string, since: number, freshUntil: number | null, warnAt: number | null, reason: string };

export type CheckStateFragment = { name: string, passed: boolean | null, severity: string | null };

export type AlertsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  failedOnly?: boolean | null | undefined;
}>;


export type AlertsQuery = { alertDeliveries: { endCursor: string | null, hasNextPage: boolean, nodes: Array<{ id: number, rule: string, kind: string, status: string, channel: string, outcome: string, attempts: number, error: string | null, title: string, count: number, at: number }> } };

export type OverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewQuery = { overview: { assetCount: number, staleCount: number, warnCount: number, failedCheckCount: number, failedAlertDeliveries24h: number, failedAssets: Array<{ key: string, location: string }>, runningRuns: Array<{ runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null }>, queuedRuns: Array<{ runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null }>, failedRuns24h: Array<{ message: string | null, runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null }>, stoppedSchedules: Array<{ id: string, name: string, location: string }>, stoppedSensors: Array<{ id: string, name: string, location: string }>, locationsWithErrors: Array<{ name: string, errorMessage: string | null }>, daemon: { healthy: boolean, loops: Array<{ loop: string, at: number, healthy: boolean }> }, staleAssets: Array<{ key: string, location: string, freshness: { state: string, since: number, freshUntil: number | null, warnAt: number | null, reason: string } | null }>, failedChecks: Array<{ assetKey: string, name: string, severity: string, timestamp: number, runId: string }> } };

export type RunQueryVariables = Exact<{
  runId: string;
}>;


export type RunQuery = { run: { runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, parentRunId: string | null, createdAt: number, startedAt: number | null, endedAt: number | null, durationMs: number | null, message: string | null, canCancel: boolean, assetKeys: Array<string>, stepKeys: Array<string> | null, tags: Array<{ key: string, value: string }>, steps: Array<{ stepKey: string, status: string, attempts: number, startedAt: number | null, endedAt: number | null, durationMs: number | null, errorMessage: string | null, skipReason: string | null, attemptSpans: Array<{ attempt: number, startedAt: number, endedAt: number | null, outcome: string }>, failedChecks: Array<{ assetKey: string, checkName: string, severity: string, blocking: boolean, description: string | null, partition: string | null }> }> } | null };

export type ReexecuteMutationVariables = Exact<{
  runId: string;
  fromFailure?: boolean | null | undefined;
}>;


export type ReexecuteMutation = { reexecuteRun:
    | { __typename: 'InvalidPartitionError', message: string }
    | { __typename: 'InvalidSelectionError', message: string }
    | { __typename: 'InvalidTagError', message: string }
    | { __typename: 'LaunchRunSuccess', run: { runId: string } }
    | { __typename: 'LocationUnavailableError', message: string }
    | { __typename: 'ReexecutionError', message: string }
    | { __typename: 'RunNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type CancelMutationVariables = Exact<{
  runId: string;
}>;


export type CancelMutation = { cancelRun:
    | { __typename: 'CancelRunSuccess' }
    | { __typename: 'RunNotCancelableError', message: string }
    | { __typename: 'RunNotFoundError', message: string }
    | { __typename: 'UnauthorizedError', message: string }
   };

export type RunsQueryVariables = Exact<{
  filter?: RunsFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type RunsQuery = { runs: { endCursor: string | null, hasNextPage: boolean, nodes: Array<{ runId: string, status: RunStatus, selection: string, partition: string | null, location: string, origin: string, createdAt: number, startedAt: number | null, endedAt: number | null }> } };

export type SearchQueryVariables = Exact<{
  text: string;
}>;


export type SearchQuery = { search: Array<{ kind: string, label: string, path: string }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const RunSummaryFragmentDoc = new TypedDocumentString(`
    fragment RunSummary on Run {
  runId
  status
  selection
  partition
  location
  origin
  createdAt
  startedAt
  endedAt
}
    `, {"fragmentName":"RunSummary"}) as unknown as TypedDocumentString<RunSummaryFragment, unknown>;
export const RunEventLineFragmentDoc = new TypedDocumentString(`
    fragment RunEventLine on RunEvent {
  id
  timestamp
  stepKey
  type
  level
  message
  stream
}
    `, {"fragmentName":"RunEventLine"}) as unknown as TypedDocumentString<RunEventLineFragment, unknown>;
export const AssetSyncFieldsFragmentDoc = new TypedDocumentString(`
    fragment AssetSyncFields on AssetSync {
  state
  causes {
    kind
    message
    upstream
  }
}
    `, {"fragmentName":"AssetSyncFields"}) as unknown as TypedDocumentString<AssetSyncFieldsFragment, unknown>;
export const AutomationConditionNodeFieldsFragmentDoc = new TypedDocumentString(`
    fragment AutomationConditionNodeFields on AutomationConditionNode {
  id
  parentId
  depth
  kind
  description
}
    `, {"fragmentName":"AutomationConditionNodeFields"}) as unknown as TypedDocumentString<AutomationConditionNodeFieldsFragment, unknown>;
export const AutomationResultNodeFieldsFragmentDoc = new TypedDocumentString(`
    fragment AutomationResultNodeFields on AutomationResultNode {
  id
  parentId
  depth
  kind
  description
  trueCount
  detail
}
    `, {"fragmentName":"AutomationResultNodeFields"}) as unknown as TypedDocumentString<AutomationResultNodeFieldsFragment, unknown>;
export const BackfillCountsFieldsFragmentDoc = new TypedDocumentString(`
    fragment BackfillCountsFields on BackfillCounts {
  total
  requested
  queued
  inProgress
  materialized
  failed
  skipped
  canceled
}
    `, {"fragmentName":"BackfillCountsFields"}) as unknown as TypedDocumentString<BackfillCountsFieldsFragment, unknown>;
export const BackfillPartitionSetFieldsFragmentDoc = new TypedDocumentString(`
    fragment BackfillPartitionSetFields on BackfillPartitionSet {
  kind
  from
  to
  keys
  backfillId
}
    `, {"fragmentName":"BackfillPartitionSetFields"}) as unknown as TypedDocumentString<BackfillPartitionSetFieldsFragment, unknown>;
export const MetadataEntryFieldsFragmentDoc = new TypedDocumentString(`
    fragment MetadataEntryFields on MetadataEntry {
  label
  type
  text
  number
  json
}
    `, {"fragmentName":"MetadataEntryFields"}) as unknown as TypedDocumentString<MetadataEntryFieldsFragment, unknown>;
export const FreshnessFieldsFragmentDoc = new TypedDocumentString(`
    fragment FreshnessFields on FreshnessState {
  state
  since
  freshUntil
  warnAt
  reason
}
    `, {"fragmentName":"FreshnessFields"}) as unknown as TypedDocumentString<FreshnessFieldsFragment, unknown>;
export const CheckStateFragmentDoc = new TypedDocumentString(`
    fragment CheckState on AssetCheck {
  name
  passed
  severity
}
    `, {"fragmentName":"CheckState"}) as unknown as TypedDocumentString<CheckStateFragment, unknown>;
export const ViewerInfoDocument = new TypedDocumentString(`
    query ViewerInfo {
  viewer {
    name
    email
    role
    canOperate
    canAdminister
  }
}
    `) as unknown as TypedDocumentString<ViewerInfoQuery, ViewerInfoQueryVariables>;
export const AssetDocument = new TypedDocumentString(`
    query Asset($key: String!) {
  asset(key: $key) {
    key
    location
    group
    description
    owners
    kinds
    codeVersion
    dataVersion
    status
    freshnessPolicy
    sync {
      ...AssetSyncFields
    }
    tags {
      key
      value
    }
    deps
    dependents
    upstreamDependencies {
      key
      partitionMapping {
        description
        declared
      }
    }
    partitions {
      kind
      keys
      cadence
      timezone
      start
      format
      name
    }
    partitionStatus {
      total
      materialized
      failed
      missing
      missingRanges(first: 5) {
        startKey
        endKey
        count
      }
      partitions(first: 2000, newestFirst: true) {
        nodes {
          key
          status
          runId
        }
      }
    }
    checks {
      name
      description
      blocking
      passed
      severity
      timestamp
      runId
    }
    freshness {
      ...FreshnessFields
    }
    schedules {
      id
      name
      cron
    }
    sensors {
      id
      name
    }
    latestRun {
      runId
      status
    }
    materializations(first: 100) {
      nodes {
        eventId
        runId
        timestamp
        partition
        metadata {
          ...MetadataEntryFields
        }
      }
    }
  }
}
    fragment AssetSyncFields on AssetSync {
  state
  causes {
    kind
    message
    upstream
  }
}
fragment MetadataEntryFields on MetadataEntry {
  label
  type
  text
  number
  json
}
fragment FreshnessFields on FreshnessState {
  state
  since
  freshUntil
  warnAt
  reason
}`) as unknown as TypedDocumentString<AssetQuery, AssetQueryVariables>;
export const AssetAutomationDocument = new TypedDocumentString(`
    query AssetAutomation($key: String!, $after: String) {
  asset(key: $key) {
    key
    partitions {
      kind
    }
    automationCondition {
      ...AutomationConditionNodeFields
    }
    automationEvaluations(first: 20, after: $after) {
      nodes {
        tickId
        evaluatedAt
        requestedCount
        partitioned
        runIds
        result {
          ...AutomationResultNodeFields
        }
      }
      endCursor
      hasNextPage
    }
  }
}
    fragment AutomationConditionNodeFields on AutomationConditionNode {
  id
  parentId
  depth
  kind
  description
}
fragment AutomationResultNodeFields on AutomationResultNode {
  id
  parentId
  depth
  kind
  description
  trueCount
  detail
}`) as unknown as TypedDocumentString<AssetAutomationQuery, AssetAutomationQueryVariables>;
export const LaunchDocument = new TypedDocumentString(`
    mutation Launch($selection: String!, $partition: String) {
  launchRun(selection: $selection, partition: $partition) {
    __typename
    ... on LaunchRunSuccess {
      run {
        runId
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LaunchMutation, LaunchMutationVariables>;
export const CatalogDocument = new TypedDocumentString(`
    query Catalog($filter: AssetFilter, $first: Int, $after: String, $before: String) {
  assets(filter: $filter, first: $first, after: $after, before: $before) {
    totalCount
    endCursor
    hasNextPage
    startCursor
    hasPreviousPage
    nodes {
      key
      group
      location
      kinds
      status
      sync {
        ...AssetSyncFields
      }
      latestMaterialization {
        timestamp
        runId
      }
      partitionStatus {
        total
        materialized
      }
      freshnessPolicy
      freshness {
        ...FreshnessFields
      }
      checks {
        ...CheckState
      }
    }
  }
  locations {
    name
  }
}
    fragment AssetSyncFields on AssetSync {
  state
  causes {
    kind
    message
    upstream
  }
}
fragment FreshnessFields on FreshnessState {
  state
  since
  freshUntil
  warnAt
  reason
}
fragment CheckState on AssetCheck {
  name
  passed
  severity
}`) as unknown as TypedDocumentString<CatalogQuery, CatalogQueryVariables>;
export const CatalogResolveSelectionDocument = new TypedDocumentString(`
    query CatalogResolveSelection($selection: String!) {
  assetGraph(selection: $selection) {
    nodes {
      key
    }
  }
}
    `) as unknown as TypedDocumentString<CatalogResolveSelectionQuery, CatalogResolveSelectionQueryVariables>;
export const AutomationTicksDocument = new TypedDocumentString(`
    query AutomationTicks($after: String) {
  automationStatus {
    status
    locations {
      location
      status
      running
      assetsWithCondition
    }
  }
  automationTicks(first: 50, after: $after) {
    nodes {
      tickId
      status
      tickTime
      runIds
      skipReason
      error
      evaluatedCount
      requestedCount
    }
    endCursor
    hasNextPage
  }
}
    `) as unknown as TypedDocumentString<AutomationTicksQuery, AutomationTicksQueryVariables>;
export const AutomationTickDocument = new TypedDocumentString(`
    query AutomationTick($id: Float!) {
  automationTick(id: $id) {
    tickId
    status
    tickTime
    runIds
    skipReason
    error
    evaluatedCount
    requestedCount
    evaluations {
      assetKey
      requestedCount
      partitioned
      runIds
      evaluatedAt
      result {
        ...AutomationResultNodeFields
      }
    }
  }
}
    fragment AutomationResultNodeFields on AutomationResultNode {
  id
  parentId
  depth
  kind
  description
  trueCount
  detail
}`) as unknown as TypedDocumentString<AutomationTickQuery, AutomationTickQueryVariables>;
export const SetAutomationStatusDocument = new TypedDocumentString(`
    mutation SetAutomationStatus($location: String, $status: InstigatorStatus!) {
  setAutomationStatus(location: $location, status: $status) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SetAutomationStatusMutation, SetAutomationStatusMutationVariables>;
export const BackfillsDocument = new TypedDocumentString(`
    query Backfills($statuses: [BackfillStatus!], $after: String) {
  backfills(first: 50, after: $after, statuses: $statuses) {
    endCursor
    hasNextPage
    nodes {
      id
      status
      selection
      requestedBy
      createdAt
      endedAt
      error
      partitions {
        ...BackfillPartitionSetFields
      }
      counts {
        ...BackfillCountsFields
      }
    }
  }
}
    fragment BackfillCountsFields on BackfillCounts {
  total
  requested
  queued
  inProgress
  materialized
  failed
  skipped
  canceled
}
fragment BackfillPartitionSetFields on BackfillPartitionSet {
  kind
  from
  to
  keys
  backfillId
}`) as unknown as TypedDocumentString<BackfillsQuery, BackfillsQueryVariables>;
export const BackfillDocument = new TypedDocumentString(`
    query Backfill($id: String!, $targets: BackfillTargetStatus) {
  backfill(id: $id) {
    id
    status
    selection
    requestedBy
    createdAt
    updatedAt
    endedAt
    error
    canCancel
    maxConcurrentRuns
    partitions {
      ...BackfillPartitionSetFields
    }
    policy {
      kind
      maxPartitionsPerRun
    }
    tags {
      key
      value
    }
    counts {
      ...BackfillCountsFields
    }
    assets {
      assetKey
      partitioned
      total
      requested
      inProgress
      materialized
      failed
      skipped
      canceled
      partitions(first: 500, status: $targets) {
        nodes {
          key
          status
        }
        hasNextPage
      }
    }
    runs(first: 25) {
      nodes {
        ...RunSummary
      }
      hasNextPage
    }
  }
}
    fragment RunSummary on Run {
  runId
  status
  selection
  partition
  location
  origin
  createdAt
  startedAt
  endedAt
}
fragment BackfillCountsFields on BackfillCounts {
  total
  requested
  queued
  inProgress
  materialized
  failed
  skipped
  canceled
}
fragment BackfillPartitionSetFields on BackfillPartitionSet {
  kind
  from
  to
  keys
  backfillId
}`) as unknown as TypedDocumentString<BackfillQuery, BackfillQueryVariables>;
export const CancelBackfillDocument = new TypedDocumentString(`
    mutation CancelBackfill($id: String!) {
  cancelBackfill(id: $id) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CancelBackfillMutation, CancelBackfillMutationVariables>;
export const RetryBackfillDocument = new TypedDocumentString(`
    mutation RetryBackfill($id: String!) {
  retryBackfill(id: $id) {
    __typename
    ... on LaunchBackfillSuccess {
      backfill {
        id
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RetryBackfillMutation, RetryBackfillMutationVariables>;
export const InstigatorsDocument = new TypedDocumentString(`
    query Instigators {
  schedules {
    __typename
    id
    name
    location
    target
    status
    cron
    timezone
    nextTicks(count: 1)
    description
  }
  sensors {
    __typename
    id
    name
    location
    target
    status
    sensorType
    minimumIntervalSeconds
    description
  }
}
    `) as unknown as TypedDocumentString<InstigatorsQuery, InstigatorsQueryVariables>;
export const InstigatorDocument = new TypedDocumentString(`
    query Instigator($id: String!) {
  instigator(id: $id) {
    __typename
    id
    name
    location
    target
    status
    defaultStatus
    description
    ... on Schedule {
      cron
      timezone
      nextTicks(count: 5)
    }
    ... on Sensor {
      sensorType
      minimumIntervalSeconds
      cursor
    }
    ticks(first: 50) {
      tickId
      status
      tickTime
      runIds
      skipReason
      error
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<InstigatorQuery, InstigatorQueryVariables>;
export const SetStatusDocument = new TypedDocumentString(`
    mutation SetStatus($id: String!, $status: InstigatorStatus!) {
  setInstigatorStatus(id: $id, status: $status) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<SetStatusMutation, SetStatusMutationVariables>;
export const LaunchPlanDocument = new TypedDocumentString(`
    query LaunchPlan($selection: String!) {
  assetGraph(selection: $selection) {
    nodes {
      key
      location
      partitioned
    }
    edges {
      from
      to
    }
  }
  locations {
    name
    status
  }
}
    `) as unknown as TypedDocumentString<LaunchPlanQuery, LaunchPlanQueryVariables>;
export const LaunchPartitionKeysDocument = new TypedDocumentString(`
    query LaunchPartitionKeys($key: String!) {
  asset(key: $key) {
    key
    partitions {
      kind
      cadence
      name
    }
    partitionStatus {
      total
      partitions(first: 500, newestFirst: true) {
        nodes {
          key
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LaunchPartitionKeysQuery, LaunchPartitionKeysQueryVariables>;
export const LaunchSelectionDocument = new TypedDocumentString(`
    mutation LaunchSelection($selection: String!, $tags: [TagInput!]) {
  launchRun(selection: $selection, tags: $tags) {
    __typename
    ... on LaunchRunSuccess {
      run {
        runId
        location
        assetKeys
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LaunchSelectionMutation, LaunchSelectionMutationVariables>;
export const LaunchBackfillFromDialogDocument = new TypedDocumentString(`
    mutation LaunchBackfillFromDialog($input: LaunchBackfillInput!) {
  launchBackfill(input: $input) {
    __typename
    ... on LaunchBackfillSuccess {
      backfill {
        id
      }
    }
    ... on InvalidBackfillError {
      field
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LaunchBackfillFromDialogMutation, LaunchBackfillFromDialogMutationVariables>;
export const LaunchMaterializeUnsyncedDocument = new TypedDocumentString(`
    mutation LaunchMaterializeUnsynced($selection: String) {
  materializeUnsynced(selection: $selection) {
    __typename
    ... on MaterializeUnsyncedSuccess {
      message
      launched
      runs {
        runId
        location
        assetKeys
      }
      backfills {
        id
        assetKey
        partitionCount
      }
      skipped {
        key
        reason
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LaunchMaterializeUnsyncedMutation, LaunchMaterializeUnsyncedMutationVariables>;
export const LineageSelectDocument = new TypedDocumentString(`
    query LineageSelect($selection: String!) {
  assetGraph(selection: $selection) {
    nodes {
      key
    }
  }
}
    `) as unknown as TypedDocumentString<LineageSelectQuery, LineageSelectQueryVariables>;
export const LineageDocument = new TypedDocumentString(`
    query Lineage {
  assetGraph {
    nodes {
      key
      group
      location
      status
      kinds
      partitioned
      freshness
      sync {
        state
      }
      lastMaterializedAt
      checks {
        passed
        severity
      }
    }
    edges {
      from
      to
      partitionMapping {
        kind
        description
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LineageQuery, LineageQueryVariables>;
export const LineageStatusDocument = new TypedDocumentString(`
    query LineageStatus($selection: String!) {
  assetGraph(selection: $selection) {
    nodes {
      key
      status
      freshness
      sync {
        state
      }
      lastMaterializedAt
      checks {
        passed
        severity
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LineageStatusQuery, LineageStatusQueryVariables>;
export const LineageRunsDocument = new TypedDocumentString(`
    query LineageRuns {
  runs(first: 25) {
    nodes {
      runId
      status
      assetKeys
    }
  }
}
    `) as unknown as TypedDocumentString<LineageRunsQuery, LineageRunsQueryVariables>;
export const LineagePartitionsDocument = new TypedDocumentString(`
    query LineagePartitions($selection: String!) {
  assetGraph(selection: $selection) {
    nodes {
      key
      partitionStatus {
        total
        materialized
        failed
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LineagePartitionsQuery, LineagePartitionsQueryVariables>;
export const LocationsDocument = new TypedDocumentString(`
    query Locations {
  locations {
    name
    status
    source
    errorMessage
    loadedAt
    updatedAt
    assetCount
    scheduleCount
    sensorCount
  }
}
    `) as unknown as TypedDocumentString<LocationsQuery, LocationsQueryVariables>;
export const ReloadDocument = new TypedDocumentString(`
    mutation Reload($name: String!) {
  reloadLocation(name: $name) {
    __typename
    ... on CodeLocation {
      status
      errorMessage
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ReloadMutation, ReloadMutationVariables>;
export const MetadataAssetKeysDocument = new TypedDocumentString(`
    query MetadataAssetKeys {
  assetGraph {
    nodes {
      key
    }
  }
}
    `) as unknown as TypedDocumentString<MetadataAssetKeysQuery, MetadataAssetKeysQueryVariables>;
export const AlertsDocument = new TypedDocumentString(`
    query Alerts($first: Int, $after: String, $failedOnly: Boolean) {
  alertDeliveries(first: $first, after: $after, failedOnly: $failedOnly) {
    nodes {
      id
      rule
      kind
      status
      channel
      outcome
      attempts
      error
      title
      count
      at
    }
    endCursor
    hasNextPage
  }
}
    `) as unknown as TypedDocumentString<AlertsQuery, AlertsQueryVariables>;
export const OverviewDocument = new TypedDocumentString(`
    query Overview {
  overview {
    assetCount
    failedAssets {
      key
      location
    }
    runningRuns {
      ...RunSummary
    }
    queuedRuns {
      ...RunSummary
    }
    failedRuns24h {
      ...RunSummary
      message
    }
    stoppedSchedules {
      id
      name
      location
    }
    stoppedSensors {
      id
      name
      location
    }
    locationsWithErrors {
      name
      errorMessage
    }
    daemon {
      healthy
      loops {
        loop
        at
        healthy
      }
    }
    staleCount
    warnCount
    staleAssets {
      key
      location
      freshness {
        ...FreshnessFields
      }
    }
    failedCheckCount
    failedChecks {
      assetKey
      name
      severity
      timestamp
      runId
    }
    failedAlertDeliveries24h
  }
}
    fragment RunSummary on Run {
  runId
  status
  selection
  partition
  location
  origin
  createdAt
  startedAt
  endedAt
}
fragment FreshnessFields on FreshnessState {
  state
  since
  freshUntil
  warnAt
  reason
}`) as unknown as TypedDocumentString<OverviewQuery, OverviewQueryVariables>;
export const RunDocument = new TypedDocumentString(`
    query Run($runId: String!) {
  run(runId: $runId) {
    runId
    status
    selection
    partition
    location
    origin
    parentRunId
    createdAt
    startedAt
    endedAt
    durationMs
    message
    canCancel
    assetKeys
    stepKeys
    tags {
      key
      value
    }
    steps {
      stepKey
      status
      attempts
      startedAt
      endedAt
      durationMs
      errorMessage
      skipReason
      attemptSpans {
        attempt
        startedAt
        endedAt
        outcome
      }
      failedChecks {
        assetKey
        checkName
        severity
        blocking
        description
        partition
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunQuery, RunQueryVariables>;
export const ReexecuteDocument = new TypedDocumentString(`
    mutation Reexecute($runId: String!, $fromFailure: Boolean) {
  reexecuteRun(runId: $runId, fromFailure: $fromFailure) {
    __typename
    ... on LaunchRunSuccess {
      run {
        runId
      }
    }
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ReexecuteMutation, ReexecuteMutationVariables>;
export const CancelDocument = new TypedDocumentString(`
    mutation Cancel($runId: String!) {
  cancelRun(runId: $runId) {
    __typename
    ... on Error {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CancelMutation, CancelMutationVariables>;
export const RunsDocument = new TypedDocumentString(`
    query Runs($filter: RunsFilter, $after: String) {
  runs(filter: $filter, first: 50, after: $after) {
    endCursor
    hasNextPage
    nodes {
      ...RunSummary
    }
  }
}
    fragment RunSummary on Run {
  runId
  status
  selection
  partition
  location
  origin
  createdAt
  startedAt
  endedAt
}`) as unknown as TypedDocumentString<RunsQuery, RunsQueryVariables>;
export const SearchDocument = new TypedDocumentString(`
    query Search($text: String!) {
  search(text: $text, first: 12) {
    kind
    label
    path
  }
}
    `) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;
