/**
 * The GraphQL schema of the Flyt webserver, in SDL. `packages/webserver/schema.graphql` is this
 * schema printed (a test keeps it current); docs/api.md explains it. Times are epoch milliseconds
 * (Float). Expected failures of mutations are union members implementing `Error`, not GraphQL
 * errors, so clients branch on `__typename`.
 */
export const typeDefs = /* GraphQL */ `
"""Entry points for reading the state of the platform."""
type Query {
  """
  Assets of every loaded code location, sorted by key; filters combine with AND. Page forward with
  'after' (an endCursor) or back with 'before' (a startCursor: the 'first' assets before it).
  """
  assets(filter: AssetFilter, first: Int = 100, after: String, before: String): AssetConnection!
  """One asset by printed key (a/b/c), or null when no location defines it."""
  asset(key: String!): Asset
  """The merged cross-location asset graph, whole or restricted to a selection expression (see docs/selection.md)."""
  assetGraph(selection: String): AssetGraph!
  """Runs, newest first."""
  runs(filter: RunsFilter, first: Int = 50, after: String): RunConnection!
  run(runId: String!): Run
  schedules: [Schedule!]!
  sensors: [Sensor!]!
  """A schedule or sensor by id (<location>:<name>)."""
  instigator(id: String!): Instigator
  locations: [CodeLocation!]!
  daemon: DaemonStatus!
  """Everything an operator must look at, in one query."""
  overview: Overview!
  """Short list of assets, runs, schedules and sensors matching a text, for the search box."""
  search(text: String!, first: Int = 20): [SearchHit!]!
  """Who is asking and what their role allows (docs/auth.md)."""
  viewer: Viewer!
  """Alert deliveries (sent, failed, suppressed), newest first; failedOnly: only failed ones (docs/alerts.md)."""
  alertDeliveries(first: Int = 50, after: String, failedOnly: Boolean = false): AlertDeliveryConnection!
  """Backfills, newest first; statuses: only these (docs/backfills.md)."""
  backfills(first: Int = 50, after: String, statuses: [BackfillStatus!]): BackfillConnection!
  """One backfill by id, or null."""
  backfill(id: String!): Backfill
  """The keys of a dynamic partitions definition in the order they were added (docs/partitions.md#dynamic)."""
  dynamicPartitions(name: String!, first: Int = 100, after: String): DynamicPartitionConnection!
  """
  Every UNSYNCED asset (docs/staleness.md) of the selection (default: every loaded asset), sorted by
  key, with why. Never-materialized assets are not listed (they are not unsynced, only missing).
  """
  unsyncedAssets(selection: String): [UnsyncedAsset!]!
  """Ticks of the declarative automation loop, newest first (docs/automation.md)."""
  automationTicks(first: Int = 50, after: String): AutomationTickConnection!
  """One automation tick with its evaluations, or null."""
  automationTick(id: Float!): AutomationTick
  """Whether the automation loop is on, globally and per code location."""
  automationStatus: AutomationStatus!
}

"""One alert delivery outcome per alert and channel, as the daemon's alert engine recorded it."""
type AlertDelivery {
  id: Float!
  alertId: String!
  rule: String!
  """run_failure, freshness, check_failure, location_load_failure, leader_lost"""
  kind: String!
  """firing or resolved"""
  status: String!
  channel: String!
  """sent, failed or suppressed"""
  outcome: String!
  attempts: Int!
  error: String
  title: String!
  """How many signals the alert grouped."""
  count: Int!
  at: Float!
}

type AlertDeliveryConnection {
  nodes: [AlertDelivery!]!
  endCursor: String
  hasNextPage: Boolean!
}

"""The daemon's latest freshness verdict for an asset (docs/freshness.md)."""
type FreshnessState {
  """FRESH, WARN, STALE or UNKNOWN"""
  state: String!
  """When the asset entered this state (for STALE: when it became stale)."""
  since: Float!
  staleSince: Float
  """Until when the asset stays fresh without a new materialization."""
  freshUntil: Float
  """When it turns WARN (with a warning window)."""
  warnAt: Float
  """The partition judged (policies with partitions: latest)."""
  partition: String
  reason: String!
  evaluatedAt: Float!
}

"""The latest failed evaluation of a check."""
type FailedCheck {
  assetKey: String!
  name: String!
  """warn or error"""
  severity: String!
  timestamp: Float!
  runId: String!
}

"""The signed-in user (or API token) of this request."""
type Viewer {
  """User name (forwarded mode), token:<name> for an API token, or null when auth mode is none."""
  name: String
  email: String
  """viewer, operator or admin; null when the request has no role."""
  role: String
  """Whether runs, schedules, sensors and locations may be changed (operator or admin)."""
  canOperate: Boolean!
  """Whether API tokens may be managed (admin)."""
  canAdminister: Boolean!
}

type Mutation {
  """
  Launches a run of the assets a selection resolves to: of one partition, of a range of partitions
  (one run over first..last inclusive; the compute sees the range), or of none for unpartitioned assets.
  """
  launchRun(selection: String!, partition: String, partitionRange: PartitionRangeInput, tags: [TagInput!]): LaunchRunResult!
  """Re-executes a finished run: every step, or only those that did not succeed."""
  reexecuteRun(runId: String!, fromFailure: Boolean = false): LaunchRunResult!
  cancelRun(runId: String!): CancelRunResult!
  """Starts or stops a schedule or sensor (persisted; overrides its default status)."""
  setInstigatorStatus(id: String!, status: InstigatorStatus!): InstigatorResult!
  """Reloads one code location (restarts its code server or refetches its snapshot)."""
  reloadLocation(name: String!): ReloadLocationResult!
  """Requests a backfill: the daemon plans it and launches its runs through the run queue (docs/backfills.md)."""
  launchBackfill(input: LaunchBackfillInput!): LaunchBackfillResult!
  """Cancels a backfill: nothing more is launched and its running runs are canceled."""
  cancelBackfill(id: String!): CancelBackfillResult!
  """A new backfill over the targets that failed, were skipped or were canceled in this one."""
  retryBackfill(id: String!): LaunchBackfillResult!
  """Adds keys to a dynamic partitions definition (keys it has already are left as they are)."""
  addDynamicPartitions(name: String!, keys: [String!]!): DynamicPartitionsResult!
  """Deletes keys from a dynamic partitions definition (unknown keys are ignored); their materializations stay."""
  deleteDynamicPartitions(name: String!, keys: [String!]!): DynamicPartitionsResult!
  """
  Launches runs of the UNSYNCED assets of a selection (default: every loaded asset): one run per code
  location over its unpartitioned unsynced assets, and one backfill per partitioned asset over
  exactly its unsynced partitions (docs/staleness.md#per-partition). A partitioned asset unsynced as
  a whole with no unsynced partition, and the assets of a location that is not loaded, are listed
  in 'skipped'.
  """
  materializeUnsynced(selection: String): MaterializeUnsyncedResult!
  """
  Turns the automation loop on or off: for one code location, or globally when location is null
  (globally off: no location is evaluated, whatever its own switch says).
  """
  setAutomationStatus(location: String, status: InstigatorStatus!): SetAutomationStatusResult!
}

"""An unsynced asset left out of materializeUnsynced, and why."""
type SkippedAsset {
  key: String!
  reason: String!
}

type MaterializeUnsyncedSuccess {
  """The runs launched, one per code location (empty when nothing could be launched)."""
  runs: [Run!]!
  """The unsynced unpartitioned assets the runs materialize."""
  launched: [String!]!
  """
  The backfills requested, one per partitioned asset with unsynced partitions (several only beyond
  10,000 scattered partitions), each over exactly those partitions; the daemon runs them.
  """
  backfills: [UnsyncedBackfill!]!
  """
  Unsynced assets left out: partitioned ones unsynced as a whole but with no unsynced partition,
  those whose backfill was refused, and those of a location that is not loaded.
  """
  skipped: [SkippedAsset!]!
  """What was done, in one sentence ("Launched 1 run over 2 unsynced assets and 1 backfill over 7 unsynced partitions of 1 partitioned asset.")."""
  message: String!
}

"""A backfill materializeUnsynced requested over the unsynced partitions of one asset."""
type UnsyncedBackfill {
  """The backfill's id (see the backfill query)."""
  id: String!
  assetKey: String!
  partitionCount: Int!
}
union MaterializeUnsyncedResult = MaterializeUnsyncedSuccess | InvalidSelectionError | UnauthorizedError

union SetAutomationStatusResult = AutomationStatus | LocationNotFoundError | UnauthorizedError

enum SyncState {
  """Materialized with the current code version and the current data versions of its dependencies."""
  SYNCED
  """Code version, an upstream's data version or the dependencies changed since its latest materialization."""
  UNSYNCED
  NEVER_MATERIALIZED
}

"""One reason an asset is unsynced."""
type StalenessCause {
  """code_version_changed, upstream_data_version_changed, dependencies_changed or upstream_unsynced"""
  kind: String!
  """In words: "code version 3 → 4", "upstream atlas/ssb/x has a newer data version"."""
  message: String!
  """The upstream asset at cause (upstream_data_version_changed, upstream_unsynced), else null."""
  upstream: String
}

"""Whether an asset's latest materialization is current with its code and its inputs (docs/staleness.md)."""
type AssetSync {
  state: SyncState!
  """Empty unless UNSYNCED."""
  causes: [StalenessCause!]!
}

type UnsyncedAsset {
  key: String!
  location: String!
  partitioned: Boolean!
  causes: [StalenessCause!]!
}

"""
The materialized partitions of a partitioned asset that are unsynced, and why, compared partition by
partition through the partition mappings (docs/staleness.md#per-partition).
"""
type UnsyncedPartitions {
  """Materialized partitions compared (those that are partitions now)."""
  materialized: Int!
  unsynced: Int!
  """The first 20 runs of consecutive unsynced partitions, oldest first."""
  ranges: [PartitionRange!]!
  """The first 'first' unsynced partitions, oldest first."""
  partitions: [UnsyncedPartition!]!
}

type UnsyncedPartition {
  key: String!
  """Why, at most 5 (moreCauses counts the others)."""
  causes: [StalenessCause!]!
  moreCauses: Int!
}

"""
A node of an automation condition or of an evaluation's result, flattened in preorder: the root
first (depth 0, parentId null), each node followed by its children. Rebuild the tree with parentId.
"""
type AutomationConditionNode {
  """The node's position in this list."""
  id: Int!
  parentId: Int
  depth: Int!
  """missing, in_progress, any_deps_match, since, and, or, not, … (docs/automation.md)"""
  kind: String!
  """The declared label, or a generated description ("any upstream updated since the last request")."""
  description: String!
}

type AutomationResultNode {
  id: Int!
  parentId: Int
  depth: Int!
  kind: String!
  description: String!
  """Partitions (unpartitioned: 0 or 1) where this node was true."""
  trueCount: Int!
  """What made it true or false, in words (null when nothing to add)."""
  detail: String
}

"""One asset's evaluation in one automation tick: what was requested, and why (or why not)."""
type AutomationEvaluation {
  assetKey: String!
  tickId: Float!
  evaluatedAt: Float!
  """Partitions (unpartitioned: 0 or 1) the evaluation requested."""
  requestedCount: Int!
  """Whether the asset is partitioned now (counts are partitions, not 0 or 1)."""
  partitioned: Boolean!
  runIds: [String!]!
  """The result tree, flattened in preorder."""
  result: [AutomationResultNode!]!
}

type AutomationEvaluationConnection {
  nodes: [AutomationEvaluation!]!
  endCursor: String
  hasNextPage: Boolean!
}

"""One tick of the automation loop (an instigator tick of 'automation')."""
type AutomationTick {
  tickId: Float!
  """STARTED, SUCCESS, SKIPPED, FAILURE"""
  status: String!
  tickTime: Float!
  runIds: [String!]!
  skipReason: String
  error: String
  createdAt: Float!
  """Assets whose evaluation the tick stored: those it requested and those whose result changed."""
  evaluatedCount: Int!
  """Assets the tick requested (in runIds' runs)."""
  requestedCount: Int!
  """The stored evaluations, by asset key; requestedOnly: only those that requested something."""
  evaluations(requestedOnly: Boolean = false): [AutomationEvaluation!]!
}

type AutomationTickConnection {
  nodes: [AutomationTick!]!
  endCursor: String
  hasNextPage: Boolean!
}

type AutomationLocationStatus {
  location: String!
  """This location's own switch."""
  status: InstigatorStatus!
  """Whether its assets are evaluated: its switch and the global one are both RUNNING."""
  running: Boolean!
  """Assets of the location that declare an automation condition."""
  assetsWithCondition: Int!
}

type AutomationStatus {
  """The global switch."""
  status: InstigatorStatus!
  locations: [AutomationLocationStatus!]!
}

"""First and last partition key of a range, inclusive."""
input PartitionRangeInput {
  start: String!
  end: String!
}

enum BackfillPartitionsKind {
  """The keys from 'from' to 'to' inclusive."""
  RANGE
  """The keys listed in 'keys'."""
  KEYS
  """Every partition that exists now."""
  ALL
  """Every partition never materialized."""
  MISSING
  """The targets that failed, were skipped or canceled in backfill 'backfillId' (default: the newest backfill of the same selection)."""
  FAILED
}

"""Which partitions a backfill targets; give the fields its kind needs."""
input BackfillPartitionsInput {
  kind: BackfillPartitionsKind!
  from: String
  to: String
  keys: [String!]
  backfillId: String
}

enum BackfillPolicyKind {
  """One run per at most maxPartitionsPerRun partitions (default 1)."""
  MULTI_RUN
  """One run over the whole range."""
  SINGLE_RUN
}

input BackfillPolicyInput {
  kind: BackfillPolicyKind!
  maxPartitionsPerRun: Int
}

input LaunchBackfillInput {
  """Selection syntax (docs/selection.md); may span code locations."""
  selection: String!
  partitions: BackfillPartitionsInput!
  """Overrides every selected asset's own backfill policy."""
  policy: BackfillPolicyInput
  """Added to every run of the backfill (keys under flyt/ are refused)."""
  tags: [TagInput!]
  """Runs of this backfill the queue lets run at once (null: only the queue's own limits)."""
  maxConcurrentRuns: Int
}

"""A backfill request the platform refuses; 'field' names the input at fault (e.g. partitions.to)."""
type InvalidBackfillError implements Error {
  message: String!
  field: String
}
type BackfillNotFoundError implements Error {
  message: String!
  id: String!
}
type BackfillNotCancelableError implements Error {
  message: String!
  status: BackfillStatus!
}

type LaunchBackfillSuccess {
  backfill: Backfill!
}
union LaunchBackfillResult = LaunchBackfillSuccess | InvalidBackfillError | BackfillNotFoundError | UnauthorizedError

type CancelBackfillSuccess {
  backfill: Backfill!
}
union CancelBackfillResult = CancelBackfillSuccess | BackfillNotFoundError | BackfillNotCancelableError | UnauthorizedError

type DynamicPartitionsChange {
  name: String!
  """Keys that were new (add) or existed (delete)."""
  added: Int!
  deleted: Int!
  """Keys the definition has now."""
  count: Int!
}
union DynamicPartitionsResult = DynamicPartitionsChange | InvalidPartitionError | UnauthorizedError

enum BackfillStatus {
  """Stored; the daemon has not planned it yet."""
  REQUESTED
  """Planned; launching runs."""
  IN_PROGRESS
  """An operator canceled it; its runs are being canceled."""
  CANCELING
  CANCELED
  """Every target materialized."""
  COMPLETED_SUCCESS
  """Every target done; some failed or were skipped."""
  COMPLETED_FAILED
  """It could not be planned ('error' says why)."""
  FAILED
}

"""Counts of targets ((asset, partition) pairs) by state."""
type BackfillCounts {
  total: Int!
  """Planned, not yet in a run."""
  requested: Int!
  """In a queued run."""
  queued: Int!
  """In a run that has started and not ended."""
  inProgress: Int!
  materialized: Int!
  failed: Int!
  """Not launched because an upstream target failed or was canceled."""
  skipped: Int!
  canceled: Int!
}

type BackfillPartitionSet {
  """range, keys, all, missing or failed"""
  kind: String!
  from: String
  to: String
  keys: [String!]
  backfillId: String
}

type BackfillPolicy {
  """multi-run or single-run"""
  kind: String!
  maxPartitionsPerRun: Int
}

enum BackfillTargetStatus {
  """Planned, not launched yet."""
  REQUESTED
  """In a run that has not ended."""
  LAUNCHED
  MATERIALIZED
  FAILED
  """Not launched: an upstream target failed or was canceled."""
  SKIPPED
  CANCELED
}

"""One target of a backfill: an asset's partition (key null for an unpartitioned asset, or one whose partitions are no longer known)."""
type BackfillTarget {
  key: String
  status: BackfillTargetStatus!
}

type BackfillTargetConnection {
  nodes: [BackfillTarget!]!
  endCursor: String
  hasNextPage: Boolean!
}

"""One asset's targets in a backfill, by state (range-encoded in storage, decoded page by page here)."""
type BackfillAssetProgress {
  assetKey: String!
  partitioned: Boolean!
  """Targets of this asset."""
  total: Int!
  """Targets not launched yet (neither skipped nor canceled)."""
  requested: Int!
  """In a run that has not ended."""
  inProgress: Int!
  materialized: Int!
  failed: Int!
  skipped: Int!
  canceled: Int!
  """The asset's targets in partition order; status: only these."""
  partitions(first: Int = 100, after: String, status: BackfillTargetStatus): BackfillTargetConnection!
}

type Backfill {
  id: String!
  status: BackfillStatus!
  selection: String!
  partitions: BackfillPartitionSet!
  """The policy the request overrides every asset's with (null: each asset's own)."""
  policy: BackfillPolicy
  tags: [Tag!]!
  maxConcurrentRuns: Int
  requestedBy: String
  counts: BackfillCounts!
  """Why it could not be planned, or the last launch error."""
  error: String
  createdAt: Float!
  updatedAt: Float!
  endedAt: Float
  canCancel: Boolean!
  """Per planned asset (empty while REQUESTED)."""
  assets: [BackfillAssetProgress!]!
  """Runs the backfill launched (tag flyt/backfill), newest first."""
  runs(first: Int = 50, after: String): RunConnection!
}

type BackfillConnection {
  nodes: [Backfill!]!
  endCursor: String
  hasNextPage: Boolean!
}

type DynamicPartition {
  key: String!
  """Its stable position in the definition (never reused after a delete)."""
  index: Int!
  createdAt: Float!
}

type DynamicPartitionConnection {
  name: String!
  """Keys the definition has now."""
  totalCount: Int!
  nodes: [DynamicPartition!]!
  endCursor: String
  hasNextPage: Boolean!
}

interface Error {
  message: String!
}

type InvalidSelectionError implements Error {
  message: String!
}
type InvalidPartitionError implements Error {
  message: String!
}
type LocationUnavailableError implements Error {
  message: String!
  location: String!
}
type RunNotFoundError implements Error {
  message: String!
  runId: String!
}
type ReexecutionError implements Error {
  message: String!
}
type RunNotCancelableError implements Error {
  message: String!
  status: RunStatus!
}
type InstigatorNotFoundError implements Error {
  message: String!
}
type LocationNotFoundError implements Error {
  message: String!
}
type UnauthorizedError implements Error {
  message: String!
}

"""A run tag the caller may not set: a reserved flyt/ key, or a bad value for one of the settable ones."""
type InvalidTagError implements Error {
  message: String!
  key: String!
}

type LaunchRunSuccess {
  run: Run!
}
union LaunchRunResult =
    LaunchRunSuccess
  | InvalidSelectionError
  | InvalidPartitionError
  | InvalidTagError
  | LocationUnavailableError
  | RunNotFoundError
  | ReexecutionError
  | UnauthorizedError

type CancelRunSuccess {
  run: Run!
}
union CancelRunResult = CancelRunSuccess | RunNotFoundError | RunNotCancelableError | UnauthorizedError

union InstigatorResult = Schedule | Sensor | InstigatorNotFoundError | UnauthorizedError

union ReloadLocationResult = CodeLocation | LocationNotFoundError | UnauthorizedError

input TagInput {
  key: String!
  value: String!
}

type Tag {
  key: String!
  value: String!
}

input AssetFilter {
  """Case-insensitive substring of the key, description or group."""
  search: String
  group: String
  location: String
  owner: String
  kind: String
  """A tag as key or key=value."""
  tag: String
  status: AssetStatus
}

enum AssetStatus {
  """The last run that targeted it failed after its last materialization."""
  FAILED
  """A run targeting it is queued or in progress."""
  IN_PROGRESS
  MATERIALIZED
  NEVER_MATERIALIZED
}

type AssetConnection {
  nodes: [Asset!]!
  """Total matching the filter (not only this page)."""
  totalCount: Int!
  endCursor: String
  hasNextPage: Boolean!
  """The first key of this page: pass it as 'before' for the previous page."""
  startCursor: String
  hasPreviousPage: Boolean!
}

type MetadataEntry {
  label: String!
  """int, float, text, markdown, url, path, json, timestamp, table, table_schema, bool, null …"""
  type: String!
  """A short text rendering of the value."""
  text: String!
  """The value as a number for int/float/timestamp entries (for plots), else null."""
  number: Float
  """The value as JSON."""
  json: String!
}

type Materialization {
  eventId: Float!
  runId: String!
  timestamp: Float!
  partition: String
  metadata: [MetadataEntry!]!
}

type MaterializationConnection {
  nodes: [Materialization!]!
  endCursor: String
  hasNextPage: Boolean!
}

type PartitionsDefinition {
  """static, time-window or dynamic"""
  kind: String!
  cadence: String
  timezone: String
  start: String
  """Static partitions' keys (null for time windows and dynamic partitions: page them with PartitionStatus.partitions)."""
  keys: [String!]
  format: String
  """Dynamic partitions: the definition's name (see the dynamicPartitions query)."""
  name: String
}

enum PartitionStatusValue {
  MATERIALIZED
  """Its newest run failed after its last materialization."""
  FAILED
  """Neither materialized nor failed."""
  MISSING
}

"""
An asset's partitions by status, read from storage's range-encoded status (never by listing keys):
answers alike for ten partitions and for a million.
"""
type PartitionStatus {
  """Partitions that exist now (time windows: complete ones; dynamic: keys not deleted)."""
  total: Int!
  materialized: Int!
  failed: Int!
  """total - materialized - failed"""
  missing: Int!
  """The first 'first' runs of consecutive missing partitions, oldest first."""
  missingRanges(first: Int = 20): [PartitionRange!]!
  """Partitions with their status, oldest first (newestFirst: newest first); status: only those."""
  partitions(first: Int = 500, after: String, status: PartitionStatusValue, newestFirst: Boolean = false): PartitionStateConnection!
}

"""Consecutive partitions, first and last key inclusive."""
type PartitionRange {
  startKey: String!
  endKey: String!
  count: Int!
}

type PartitionState {
  key: String!
  status: PartitionStatusValue!
  """
  The materialization's run (MATERIALIZED) or the failed run (FAILED), when the asset has at most
  10,000 materialized partitions (beyond that the status comes from bitmaps alone and this is null).
  """
  runId: String
  timestamp: Float
}

type PartitionStateConnection {
  nodes: [PartitionState!]!
  endCursor: String
  hasNextPage: Boolean!
}

"""How a downstream asset's partitions read an upstream asset's (docs/partitions.md#partition-mappings)."""
type PartitionMapping {
  """identity, time-window, all or static"""
  kind: String!
  """In words, e.g. "daily → monthly: the month's days" or "previous partition"."""
  description: String!
  """True when declared on the dependency; false for the default mapping."""
  declared: Boolean!
  """time-window: the shift of the window's start and end, in upstream partitions."""
  startOffset: Int
  endOffset: Int
}

"""A dependency of an asset: the upstream asset (null when no loaded location defines it) and how partitions map."""
type AssetDependency {
  key: String!
  asset: Asset
  """Null when neither side is partitioned (or the upstream is not loaded)."""
  partitionMapping: PartitionMapping
}

type AssetCheck {
  name: String!
  description: String
  blocking: Boolean!
  """Result of the latest evaluation (null if never evaluated)."""
  passed: Boolean
  """warn or error: of the latest evaluation, else the severity declared in code."""
  severity: String
  """When it was last evaluated (null if never)."""
  timestamp: Float
  runId: String
}

type Asset {
  key: String!
  path: [String!]!
  location: String!
  group: String!
  description: String
  owners: [String!]!
  tags: [Tag!]!
  kinds: [String!]!
  codeVersion: String
  """Printed keys of direct upstream / downstream assets."""
  deps: [String!]!
  dependents: [String!]!
  upstream: [Asset!]!
  """The upstream edges with their partition mappings, in the order of 'deps'."""
  upstreamDependencies: [AssetDependency!]!
  downstream: [Asset!]!
  partitions: PartitionsDefinition
  partitionStatus: PartitionStatus
  status: AssetStatus!
  latestMaterialization: Materialization
  """The newest run that targeted this asset."""
  latestRun: Run
  materializations(first: Int = 50, after: String): MaterializationConnection!
  checks: [AssetCheck!]!
  """The freshness policy as JSON (null without one)."""
  freshnessPolicy: String
  """The daemon's latest verdict under that policy (null without a policy or before the first evaluation)."""
  freshness: FreshnessState
  """Schedules and sensors whose target includes this asset."""
  schedules: [Schedule!]!
  sensors: [Sensor!]!
  """Whether its latest materialization is current with its code and inputs, and why not (docs/staleness.md)."""
  sync: AssetSync!
  """
  Partitioned assets: which of its materialized partitions are unsynced, and why (the first 'first',
  at most 1,000, oldest first); null for an unpartitioned asset.
  """
  unsyncedPartitions(first: Int = 100): UnsyncedPartitions
  """The data version of its latest materialization (the producer's, or derived from its code and input versions)."""
  dataVersion: String
  """The automation condition it declares, flattened in preorder (null: none; docs/automation.md)."""
  automationCondition: [AutomationConditionNode!]
  """Its stored automation evaluations, newest first."""
  automationEvaluations(first: Int = 20, after: String): AutomationEvaluationConnection!
}

type AssetGraphNode {
  key: String!
  group: String!
  location: String!
  status: AssetStatus!
  kinds: [String!]!
  partitioned: Boolean!
  """FRESH, WARN, STALE, UNKNOWN; null for an asset without a freshness policy."""
  freshness: String
  sync: AssetSync!
  """When its latest materialization was recorded (ms since epoch); null if never materialized."""
  lastMaterializedAt: Float
  """Its declared checks with their latest results, as on Asset.checks."""
  checks: [AssetCheck!]!
  """
  Partition counts, as on Asset.partitionStatus; null when unpartitioned. Costs a storage read per
  partitioned asset: ask for it on a selection (the lineage asks for the cards on screen), not on
  every node of a large graph.
  """
  partitionStatus: PartitionStatus
}

type AssetGraphEdge {
  from: String!
  to: String!
  """How 'to' reads the partitions of 'from'; null when neither is partitioned or 'from' is not loaded."""
  partitionMapping: PartitionMapping
}

type AssetGraph {
  nodes: [AssetGraphNode!]!
  edges: [AssetGraphEdge!]!
  """Dependencies no loaded location defines (drawn as missing nodes)."""
  unresolved: [String!]!
}

enum RunStatus {
  QUEUED
  STARTING
  STARTED
  SUCCESS
  FAILURE
  CANCELING
  CANCELED
}

input RunsFilter {
  statuses: [RunStatus!]
  location: String
  assetKey: String
  """manual, schedule, sensor, backfill, automation"""
  origin: String
  tags: [TagInput!]
  createdAfter: Float
  createdBefore: Float
  rootRunId: String
}

type RunConnection {
  nodes: [Run!]!
  endCursor: String
  hasNextPage: Boolean!
}

type Step {
  stepKey: String!
  """PENDING, RUNNING, SUCCESS, FAILURE, SKIPPED, CANCELED"""
  status: String!
  attempts: Int!
  startedAt: Float
  endedAt: Float
  durationMs: Float
  errorMessage: String
  skipReason: String
  materializedAssets: [String!]!
  """Each attempt with its own start and end (a retried step has several); in order."""
  attemptSpans: [StepAttempt!]!
  """
  Checks evaluated by this step that failed, with their severity and whether they are blocking: a
  step can succeed while its blocking check fails (its downstream steps are then skipped and the
  run fails).
  """
  failedChecks: [StepCheckFailure!]!
}

type StepAttempt {
  attempt: Int!
  startedAt: Float!
  """Null while the attempt runs."""
  endedAt: Float
  """RUNNING, SUCCESS, FAILURE (last attempt), RETRIED (a later attempt followed), CANCELED"""
  outcome: String!
}

type StepCheckFailure {
  assetKey: String!
  checkName: String!
  """warn or error"""
  severity: String!
  """Declared blocking in the loaded definitions (false when the check is no longer defined)."""
  blocking: Boolean!
  description: String
  partition: String
}

type RunEvent {
  """Storage id: the cursor for tailing (pass as 'after')."""
  id: Float!
  timestamp: Float!
  stepKey: String
  type: String!
  """debug, info, warn, error (derived for lifecycle events)."""
  level: String!
  """A one-line human rendering (log message, output text, error)."""
  message: String!
  """stdout or stderr for STEP_OUTPUT events."""
  stream: String
  """The whole event body as JSON."""
  body: String!
}

type Run {
  runId: String!
  status: RunStatus!
  selection: String!
  assetKeys: [String!]!
  """
  The steps this run executes when it runs part of its selection (a re-execution from failure, or
  of chosen steps); null when it runs every step of the selection.
  """
  stepKeys: [String!]
  partition: String
  tags: [Tag!]!
  origin: String!
  parentRunId: String
  rootRunId: String
  location: String!
  instigator: String
  createdAt: Float!
  updatedAt: Float!
  startedAt: Float
  endedAt: Float
  durationMs: Float
  """The RUN_FAILURE / RUN_CANCELED message."""
  message: String
  steps: [Step!]!
  events(after: Float, first: Int = 500, types: [String!], stepKey: String): [RunEvent!]!
  canCancel: Boolean!
}

enum InstigatorStatus {
  RUNNING
  STOPPED
}

interface Instigator {
  id: String!
  name: String!
  location: String!
  description: String
  target: String!
  status: InstigatorStatus!
  defaultStatus: InstigatorStatus!
  ticks(first: Int = 20, after: String): [Tick!]!
}

type Schedule implements Instigator {
  id: String!
  name: String!
  location: String!
  description: String
  target: String!
  status: InstigatorStatus!
  defaultStatus: InstigatorStatus!
  ticks(first: Int = 20, after: String): [Tick!]!
  cron: String!
  timezone: String!
  """The next tick times (epoch ms), after now."""
  nextTicks(count: Int = 3): [Float!]!
}

type Sensor implements Instigator {
  id: String!
  name: String!
  location: String!
  description: String
  target: String!
  status: InstigatorStatus!
  defaultStatus: InstigatorStatus!
  ticks(first: Int = 20, after: String): [Tick!]!
  sensorType: String!
  minimumIntervalSeconds: Float!
  """The cursor the next tick starts from (null before the first tick that set one)."""
  cursor: String
}

type Tick {
  tickId: Float!
  """STARTED, SUCCESS, SKIPPED, FAILURE"""
  status: String!
  tickTime: Float!
  runIds: [String!]!
  skipReason: String
  error: String
  """The instigator's cursor after this tick (sensors; null when none was set)."""
  cursor: String
  createdAt: Float!
}

type CodeLocation {
  name: String!
  """LOADING, LOADED, ERROR"""
  status: String!
  source: String!
  errorMessage: String
  loadedAt: Float
  updatedAt: Float!
  assetCount: Int!
  scheduleCount: Int!
  sensorCount: Int!
  """
  Problems of this location's assets seen on the merged graph of every location: dependencies no
  location defines, keys another location defines too, partition mappings that do not fit an
  upstream asset of another location.
  """
  warnings: [String!]!
}

type DaemonLoop {
  daemonId: String!
  loop: String!
  at: Float!
  info: String
  healthy: Boolean!
}

type DaemonStatus {
  """True when every loop heartbeated within the last minute."""
  healthy: Boolean!
  loops: [DaemonLoop!]!
}

type Overview {
  assetCount: Int!
  failedAssets: [Asset!]!
  runningRuns: [Run!]!
  queuedRuns: [Run!]!
  failedRuns24h: [Run!]!
  stoppedSchedules: [Schedule!]!
  stoppedSensors: [Sensor!]!
  locationsWithErrors: [CodeLocation!]!
  daemon: DaemonStatus!
  """Assets whose freshness state is STALE (at most 200, longest stale first) and their count."""
  staleAssets: [Asset!]!
  staleCount: Int!
  """Assets in the WARN state (fresh, but close to stale)."""
  warnCount: Int!
  """Checks whose latest evaluation failed (at most 200, newest first) and their count."""
  failedChecks: [FailedCheck!]!
  failedCheckCount: Int!
  """Alert deliveries that failed in the last 24 hours."""
  failedAlertDeliveries24h: Int!
}

type SearchHit {
  """asset, run, schedule, sensor, location"""
  kind: String!
  label: String!
  """The UI path of the hit."""
  path: String!
}
`;
