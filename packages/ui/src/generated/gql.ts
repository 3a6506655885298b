// GENERATED — DO NOT EDIT. Produced by scripts/generate-graphql.mjs from packages/webserver/schema.graphql.
/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ViewerInfo { viewer { name email role canOperate canAdminister } }": typeof types.ViewerInfoDocument,
    "fragment RunSummary on Run { runId status selection partition location origin createdAt startedAt endedAt }": typeof types.RunSummaryFragmentDoc,
    "fragment RunEventLine on RunEvent { id timestamp stepKey type level message stream }": typeof types.RunEventLineFragmentDoc,
    "query Asset($key: String!) { asset(key: $key) {\n  key location group description owners kinds codeVersion dataVersion status freshnessPolicy\n  sync { ...AssetSyncFields }\n  tags { key value } deps dependents\n  upstreamDependencies { key partitionMapping { description declared } }\n  partitions { kind keys cadence timezone start format name }\n  partitionStatus { total materialized failed missing missingRanges(first: 5) { startKey endKey count } partitions(first: 2000, newestFirst: true) { nodes { key status runId } } }\n  checks { name description blocking passed severity timestamp runId }\n  freshness { ...FreshnessFields }\n  schedules { id name cron } sensors { id name }\n  latestRun { runId status }\n  materializations(first: 100) { nodes { eventId runId timestamp partition metadata { ...MetadataEntryFields } } }\n} }": typeof types.AssetDocument,
    "query AssetAutomation($key: String!, $after: String) { asset(key: $key) {\n  key partitions { kind }\n  automationCondition { ...AutomationConditionNodeFields }\n  automationEvaluations(first: 20, after: $after) {\n    nodes { tickId evaluatedAt requestedCount partitioned runIds result { ...AutomationResultNodeFields } }\n    endCursor hasNextPage\n  }\n} }": typeof types.AssetAutomationDocument,
    "mutation Launch($selection: String!, $partition: String) {\n  launchRun(selection: $selection, partition: $partition) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } }\n}": typeof types.LaunchDocument,
    "query Catalog($filter: AssetFilter, $first: Int, $after: String, $before: String) {\n  assets(filter: $filter, first: $first, after: $after, before: $before) {\n    totalCount endCursor hasNextPage startCursor hasPreviousPage\n    nodes { key group location kinds status sync { ...AssetSyncFields } latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }\n  }\n  locations { name }\n}": typeof types.CatalogDocument,
    "query CatalogResolveSelection($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }": typeof types.CatalogResolveSelectionDocument,
    "fragment AssetSyncFields on AssetSync { state causes { kind message upstream } }": typeof types.AssetSyncFieldsFragmentDoc,
    "query AutomationTicks($after: String) {\n  automationStatus { status locations { location status running assetsWithCondition } }\n  automationTicks(first: 50, after: $after) { nodes { tickId status tickTime runIds skipReason error evaluatedCount requestedCount } endCursor hasNextPage }\n}": typeof types.AutomationTicksDocument,
    "query AutomationTick($id: Float!) {\n  automationTick(id: $id) {\n    tickId status tickTime runIds skipReason error evaluatedCount requestedCount\n    evaluations { assetKey requestedCount partitioned runIds evaluatedAt result { ...AutomationResultNodeFields } }\n  }\n}": typeof types.AutomationTickDocument,
    "mutation SetAutomationStatus($location: String, $status: InstigatorStatus!) {\n  setAutomationStatus(location: $location, status: $status) { __typename ... on Error { message } }\n}": typeof types.SetAutomationStatusDocument,
    "fragment AutomationConditionNodeFields on AutomationConditionNode { id parentId depth kind description }": typeof types.AutomationConditionNodeFieldsFragmentDoc,
    "fragment AutomationResultNodeFields on AutomationResultNode { id parentId depth kind description trueCount detail }": typeof types.AutomationResultNodeFieldsFragmentDoc,
    "fragment BackfillCountsFields on BackfillCounts { total requested queued inProgress materialized failed skipped canceled }": typeof types.BackfillCountsFieldsFragmentDoc,
    "fragment BackfillPartitionSetFields on BackfillPartitionSet { kind from to keys backfillId }": typeof types.BackfillPartitionSetFieldsFragmentDoc,
    "query Backfills($statuses: [BackfillStatus!], $after: String) {\n  backfills(first: 50, after: $after, statuses: $statuses) {\n    endCursor hasNextPage\n    nodes { id status selection requestedBy createdAt endedAt error partitions { ...BackfillPartitionSetFields } counts { ...BackfillCountsFields } }\n  }\n}": typeof types.BackfillsDocument,
    "query Backfill($id: String!, $targets: BackfillTargetStatus) { backfill(id: $id) {\n  id status selection requestedBy createdAt updatedAt endedAt error canCancel maxConcurrentRuns\n  partitions { ...BackfillPartitionSetFields }\n  policy { kind maxPartitionsPerRun }\n  tags { key value }\n  counts { ...BackfillCountsFields }\n  assets { assetKey partitioned total requested inProgress materialized failed skipped canceled\n    partitions(first: 500, status: $targets) { nodes { key status } hasNextPage } }\n  runs(first: 25) { nodes { ...RunSummary } hasNextPage }\n} }": typeof types.BackfillDocument,
    "mutation CancelBackfill($id: String!) { cancelBackfill(id: $id) { __typename ... on Error { message } } }": typeof types.CancelBackfillDocument,
    "mutation RetryBackfill($id: String!) { retryBackfill(id: $id) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on Error { message } } }": typeof types.RetryBackfillDocument,
    "query Instigators { schedules { __typename id name location target status cron timezone nextTicks(count: 1) description } sensors { __typename id name location target status sensorType minimumIntervalSeconds description } }": typeof types.InstigatorsDocument,
    "query Instigator($id: String!) { instigator(id: $id) { __typename id name location target status defaultStatus description\n  ... on Schedule { cron timezone nextTicks(count: 5) }\n  ... on Sensor { sensorType minimumIntervalSeconds cursor }\n  ticks(first: 50) { tickId status tickTime runIds skipReason error cursor }\n} }": typeof types.InstigatorDocument,
    "mutation SetStatus($id: String!, $status: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $status) { __typename ... on Error { message } } }": typeof types.SetStatusDocument,
    "query LaunchPlan($selection: String!) {\n  assetGraph(selection: $selection) { nodes { key location partitioned } edges { from to } }\n  locations { name status }\n}": typeof types.LaunchPlanDocument,
    "query LaunchPartitionKeys($key: String!) { asset(key: $key) {\n  key partitions { kind cadence name }\n  partitionStatus { total partitions(first: 500, newestFirst: true) { nodes { key } } }\n} }": typeof types.LaunchPartitionKeysDocument,
    "mutation LaunchSelection($selection: String!, $tags: [TagInput!]) {\n  launchRun(selection: $selection, tags: $tags) { __typename ... on LaunchRunSuccess { run { runId location assetKeys } } ... on Error { message } }\n}": typeof types.LaunchSelectionDocument,
    "mutation LaunchBackfillFromDialog($input: LaunchBackfillInput!) {\n  launchBackfill(input: $input) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on InvalidBackfillError { field } ... on Error { message } }\n}": typeof types.LaunchBackfillFromDialogDocument,
    "mutation LaunchMaterializeUnsynced($selection: String) {\n  materializeUnsynced(selection: $selection) {\n    __typename\n    ... on MaterializeUnsyncedSuccess { message launched runs { runId location assetKeys } backfills { id assetKey partitionCount } skipped { key reason } }\n    ... on Error { message }\n  }\n}": typeof types.LaunchMaterializeUnsyncedDocument,
    "query LineageSelect($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }": typeof types.LineageSelectDocument,
    "query Lineage { assetGraph {\n  nodes { key group location status kinds partitioned freshness sync { state } lastMaterializedAt checks { passed severity } }\n  edges { from to partitionMapping { kind description } }\n} }": typeof types.LineageDocument,
    "query LineageStatus($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key status freshness sync { state } lastMaterializedAt checks { passed severity } }\n} }": typeof types.LineageStatusDocument,
    "query LineageRuns { runs(first: 25) { nodes { runId status assetKeys } } }": typeof types.LineageRunsDocument,
    "query LineagePartitions($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key partitionStatus { total materialized failed } }\n} }": typeof types.LineagePartitionsDocument,
    "query Locations { locations { name status source errorMessage loadedAt updatedAt assetCount scheduleCount sensorCount } }": typeof types.LocationsDocument,
    "mutation Reload($name: String!) { reloadLocation(name: $name) { __typename ... on CodeLocation { status errorMessage } ... on Error { message } } }": typeof types.ReloadDocument,
    "fragment MetadataEntryFields on MetadataEntry { label type text number json }": typeof types.MetadataEntryFieldsFragmentDoc,
    "query MetadataAssetKeys { assetGraph { nodes { key } } }": typeof types.MetadataAssetKeysDocument,
    "fragment FreshnessFields on FreshnessState { state since freshUntil warnAt reason }": typeof types.FreshnessFieldsFragmentDoc,
    "fragment CheckState on AssetCheck { name passed severity }": typeof types.CheckStateFragmentDoc,
    "query Alerts($first: Int, $after: String, $failedOnly: Boolean) {\n  alertDeliveries(first: $first, after: $after, failedOnly: $failedOnly) {\n    nodes { id rule kind status channel outcome attempts error title count at }\n    endCursor hasNextPage\n  }\n}": typeof types.AlertsDocument,
    "query Overview { overview {\n  assetCount\n  failedAssets { key location }\n  runningRuns { ...RunSummary } queuedRuns { ...RunSummary } failedRuns24h { ...RunSummary message }\n  stoppedSchedules { id name location } stoppedSensors { id name location }\n  locationsWithErrors { name errorMessage }\n  daemon { healthy loops { loop at healthy } }\n  staleCount warnCount staleAssets { key location freshness { ...FreshnessFields } }\n  failedCheckCount failedChecks { assetKey name severity timestamp runId }\n  failedAlertDeliveries24h\n} }": typeof types.OverviewDocument,
    "query Run($runId: String!) { run(runId: $runId) {\n  runId status selection partition location origin parentRunId createdAt startedAt endedAt durationMs message canCancel assetKeys stepKeys\n  tags { key value }\n  steps {\n    stepKey status attempts startedAt endedAt durationMs errorMessage skipReason\n    attemptSpans { attempt startedAt endedAt outcome }\n    failedChecks { assetKey checkName severity blocking description partition }\n  }\n} }": typeof types.RunDocument,
    "mutation Reexecute($runId: String!, $fromFailure: Boolean) { reexecuteRun(runId: $runId, fromFailure: $fromFailure) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }": typeof types.ReexecuteDocument,
    "mutation Cancel($runId: String!) { cancelRun(runId: $runId) { __typename ... on Error { message } } }": typeof types.CancelDocument,
    "query Runs($filter: RunsFilter, $after: String) { runs(filter: $filter, first: 50, after: $after) { endCursor hasNextPage nodes { ...RunSummary } } }": typeof types.RunsDocument,
    "query Search($text: String!) { search(text: $text, first: 12) { kind label path } }": typeof types.SearchDocument,
};
const documents: Documents = {
    "query ViewerInfo { viewer { name email role canOperate canAdminister } }": types.ViewerInfoDocument,
    "fragment RunSummary on Run { runId status selection partition location origin createdAt startedAt endedAt }": types.RunSummaryFragmentDoc,
    "fragment RunEventLine on RunEvent { id timestamp stepKey type level message stream }": types.RunEventLineFragmentDoc,
    "query Asset($key: String!) { asset(key: $key) {\n  key location group description owners kinds codeVersion dataVersion status freshnessPolicy\n  sync { ...AssetSyncFields }\n  tags { key value } deps dependents\n  upstreamDependencies { key partitionMapping { description declared } }\n  partitions { kind keys cadence timezone start format name }\n  partitionStatus { total materialized failed missing missingRanges(first: 5) { startKey endKey count } partitions(first: 2000, newestFirst: true) { nodes { key status runId } } }\n  checks { name description blocking passed severity timestamp runId }\n  freshness { ...FreshnessFields }\n  schedules { id name cron } sensors { id name }\n  latestRun { runId status }\n  materializations(first: 100) { nodes { eventId runId timestamp partition metadata { ...MetadataEntryFields } } }\n} }": types.AssetDocument,
    "query AssetAutomation($key: String!, $after: String) { asset(key: $key) {\n  key partitions { kind }\n  automationCondition { ...AutomationConditionNodeFields }\n  automationEvaluations(first: 20, after: $after) {\n    nodes { tickId evaluatedAt requestedCount partitioned runIds result { ...AutomationResultNodeFields } }\n    endCursor hasNextPage\n  }\n} }": types.AssetAutomationDocument,
    "mutation Launch($selection: String!, $partition: String) {\n  launchRun(selection: $selection, partition: $partition) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } }\n}": types.LaunchDocument,
    "query Catalog($filter: AssetFilter, $first: Int, $after: String, $before: String) {\n  assets(filter: $filter, first: $first, after: $after, before: $before) {\n    totalCount endCursor hasNextPage startCursor hasPreviousPage\n    nodes { key group location kinds status sync { ...AssetSyncFields } latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }\n  }\n  locations { name }\n}": types.CatalogDocument,
    "query CatalogResolveSelection($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }": types.CatalogResolveSelectionDocument,
    "fragment AssetSyncFields on AssetSync { state causes { kind message upstream } }": types.AssetSyncFieldsFragmentDoc,
    "query AutomationTicks($after: String) {\n  automationStatus { status locations { location status running assetsWithCondition } }\n  automationTicks(first: 50, after: $after) { nodes { tickId status tickTime runIds skipReason error evaluatedCount requestedCount } endCursor hasNextPage }\n}": types.AutomationTicksDocument,
    "query AutomationTick($id: Float!) {\n  automationTick(id: $id) {\n    tickId status tickTime runIds skipReason error evaluatedCount requestedCount\n    evaluations { assetKey requestedCount partitioned runIds evaluatedAt result { ...AutomationResultNodeFields } }\n  }\n}": types.AutomationTickDocument,
    "mutation SetAutomationStatus($location: String, $status: InstigatorStatus!) {\n  setAutomationStatus(location: $location, status: $status) { __typename ... on Error { message } }\n}": types.SetAutomationStatusDocument,
    "fragment AutomationConditionNodeFields on AutomationConditionNode { id parentId depth kind description }": types.AutomationConditionNodeFieldsFragmentDoc,
    "fragment AutomationResultNodeFields on AutomationResultNode { id parentId depth kind description trueCount detail }": types.AutomationResultNodeFieldsFragmentDoc,
    "fragment BackfillCountsFields on BackfillCounts { total requested queued inProgress materialized failed skipped canceled }": types.BackfillCountsFieldsFragmentDoc,
    "fragment BackfillPartitionSetFields on BackfillPartitionSet { kind from to keys backfillId }": types.BackfillPartitionSetFieldsFragmentDoc,
    "query Backfills($statuses: [BackfillStatus!], $after: String) {\n  backfills(first: 50, after: $after, statuses: $statuses) {\n    endCursor hasNextPage\n    nodes { id status selection requestedBy createdAt endedAt error partitions { ...BackfillPartitionSetFields } counts { ...BackfillCountsFields } }\n  }\n}": types.BackfillsDocument,
    "query Backfill($id: String!, $targets: BackfillTargetStatus) { backfill(id: $id) {\n  id status selection requestedBy createdAt updatedAt endedAt error canCancel maxConcurrentRuns\n  partitions { ...BackfillPartitionSetFields }\n  policy { kind maxPartitionsPerRun }\n  tags { key value }\n  counts { ...BackfillCountsFields }\n  assets { assetKey partitioned total requested inProgress materialized failed skipped canceled\n    partitions(first: 500, status: $targets) { nodes { key status } hasNextPage } }\n  runs(first: 25) { nodes { ...RunSummary } hasNextPage }\n} }": types.BackfillDocument,
    "mutation CancelBackfill($id: String!) { cancelBackfill(id: $id) { __typename ... on Error { message } } }": types.CancelBackfillDocument,
    "mutation RetryBackfill($id: String!) { retryBackfill(id: $id) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on Error { message } } }": types.RetryBackfillDocument,
    "query Instigators { schedules { __typename id name location target status cron timezone nextTicks(count: 1) description } sensors { __typename id name location target status sensorType minimumIntervalSeconds description } }": types.InstigatorsDocument,
    "query Instigator($id: String!) { instigator(id: $id) { __typename id name location target status defaultStatus description\n  ... on Schedule { cron timezone nextTicks(count: 5) }\n  ... on Sensor { sensorType minimumIntervalSeconds cursor }\n  ticks(first: 50) { tickId status tickTime runIds skipReason error cursor }\n} }": types.InstigatorDocument,
    "mutation SetStatus($id: String!, $status: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $status) { __typename ... on Error { message } } }": types.SetStatusDocument,
    "query LaunchPlan($selection: String!) {\n  assetGraph(selection: $selection) { nodes { key location partitioned } edges { from to } }\n  locations { name status }\n}": types.LaunchPlanDocument,
    "query LaunchPartitionKeys($key: String!) { asset(key: $key) {\n  key partitions { kind cadence name }\n  partitionStatus { total partitions(first: 500, newestFirst: true) { nodes { key } } }\n} }": types.LaunchPartitionKeysDocument,
    "mutation LaunchSelection($selection: String!, $tags: [TagInput!]) {\n  launchRun(selection: $selection, tags: $tags) { __typename ... on LaunchRunSuccess { run { runId location assetKeys } } ... on Error { message } }\n}": types.LaunchSelectionDocument,
    "mutation LaunchBackfillFromDialog($input: LaunchBackfillInput!) {\n  launchBackfill(input: $input) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on InvalidBackfillError { field } ... on Error { message } }\n}": types.LaunchBackfillFromDialogDocument,
    "mutation LaunchMaterializeUnsynced($selection: String) {\n  materializeUnsynced(selection: $selection) {\n    __typename\n    ... on MaterializeUnsyncedSuccess { message launched runs { runId location assetKeys } backfills { id assetKey partitionCount } skipped { key reason } }\n    ... on Error { message }\n  }\n}": types.LaunchMaterializeUnsyncedDocument,
    "query LineageSelect($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }": types.LineageSelectDocument,
    "query Lineage { assetGraph {\n  nodes { key group location status kinds partitioned freshness sync { state } lastMaterializedAt checks { passed severity } }\n  edges { from to partitionMapping { kind description } }\n} }": types.LineageDocument,
    "query LineageStatus($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key status freshness sync { state } lastMaterializedAt checks { passed severity } }\n} }": types.LineageStatusDocument,
    "query LineageRuns { runs(first: 25) { nodes { runId status assetKeys } } }": types.LineageRunsDocument,
    "query LineagePartitions($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key partitionStatus { total materialized failed } }\n} }": types.LineagePartitionsDocument,
    "query Locations { locations { name status source errorMessage loadedAt updatedAt assetCount scheduleCount sensorCount } }": types.LocationsDocument,
    "mutation Reload($name: String!) { reloadLocation(name: $name) { __typename ... on CodeLocation { status errorMessage } ... on Error { message } } }": types.ReloadDocument,
    "fragment MetadataEntryFields on MetadataEntry { label type text number json }": types.MetadataEntryFieldsFragmentDoc,
    "query MetadataAssetKeys { assetGraph { nodes { key } } }": types.MetadataAssetKeysDocument,
    "fragment FreshnessFields on FreshnessState { state since freshUntil warnAt reason }": types.FreshnessFieldsFragmentDoc,
    "fragment CheckState on AssetCheck { name passed severity }": types.CheckStateFragmentDoc,
    "query Alerts($first: Int, $after: String, $failedOnly: Boolean) {\n  alertDeliveries(first: $first, after: $after, failedOnly: $failedOnly) {\n    nodes { id rule kind status channel outcome attempts error title count at }\n    endCursor hasNextPage\n  }\n}": types.AlertsDocument,
    "query Overview { overview {\n  assetCount\n  failedAssets { key location }\n  runningRuns { ...RunSummary } queuedRuns { ...RunSummary } failedRuns24h { ...RunSummary message }\n  stoppedSchedules { id name location } stoppedSensors { id name location }\n  locationsWithErrors { name errorMessage }\n  daemon { healthy loops { loop at healthy } }\n  staleCount warnCount staleAssets { key location freshness { ...FreshnessFields } }\n  failedCheckCount failedChecks { assetKey name severity timestamp runId }\n  failedAlertDeliveries24h\n} }": types.OverviewDocument,
    "query Run($runId: String!) { run(runId: $runId) {\n  runId status selection partition location origin parentRunId createdAt startedAt endedAt durationMs message canCancel assetKeys stepKeys\n  tags { key value }\n  steps {\n    stepKey status attempts startedAt endedAt durationMs errorMessage skipReason\n    attemptSpans { attempt startedAt endedAt outcome }\n    failedChecks { assetKey checkName severity blocking description partition }\n  }\n} }": types.RunDocument,
    "mutation Reexecute($runId: String!, $fromFailure: Boolean) { reexecuteRun(runId: $runId, fromFailure: $fromFailure) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }": types.ReexecuteDocument,
    "mutation Cancel($runId: String!) { cancelRun(runId: $runId) { __typename ... on Error { message } } }": types.CancelDocument,
    "query Runs($filter: RunsFilter, $after: String) { runs(filter: $filter, first: 50, after: $after) { endCursor hasNextPage nodes { ...RunSummary } } }": types.RunsDocument,
    "query Search($text: String!) { search(text: $text, first: 12) { kind label path } }": types.SearchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ViewerInfo { viewer { name email role canOperate canAdminister } }"): typeof import('./graphql').ViewerInfoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment RunSummary on Run { runId status selection partition location origin createdAt startedAt endedAt }"): typeof import('./graphql').RunSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment RunEventLine on RunEvent { id timestamp stepKey type level message stream }"): typeof import('./graphql').RunEventLineFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Asset($key: String!) { asset(key: $key) {\n  key location group description owners kinds codeVersion dataVersion status freshnessPolicy\n  sync { ...AssetSyncFields }\n  tags { key value } deps dependents\n  upstreamDependencies { key partitionMapping { description declared } }\n  partitions { kind keys cadence timezone start format name }\n  partitionStatus { total materialized failed missing missingRanges(first: 5) { startKey endKey count } partitions(first: 2000, newestFirst: true) { nodes { key status runId } } }\n  checks { name description blocking passed severity timestamp runId }\n  freshness { ...FreshnessFields }\n  schedules { id name cron } sensors { id name }\n  latestRun { runId status }\n  materializations(first: 100) { nodes { eventId runId timestamp partition metadata { ...MetadataEntryFields } } }\n} }"): typeof import('./graphql').AssetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AssetAutomation($key: String!, $after: String) { asset(key: $key) {\n  key partitions { kind }\n  automationCondition { ...AutomationConditionNodeFields }\n  automationEvaluations(first: 20, after: $after) {\n    nodes { tickId evaluatedAt requestedCount partitioned runIds result { ...AutomationResultNodeFields } }\n    endCursor hasNextPage\n  }\n} }"): typeof import('./graphql').AssetAutomationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Launch($selection: String!, $partition: String) {\n  launchRun(selection: $selection, partition: $partition) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } }\n}"): typeof import('./graphql').LaunchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Catalog($filter: AssetFilter, $first: Int, $after: String, $before: String) {\n  assets(filter: $filter, first: $first, after: $after, before: $before) {\n    totalCount endCursor hasNextPage startCursor hasPreviousPage\n    nodes { key group location kinds status sync { ...AssetSyncFields } latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }\n  }\n  locations { name }\n}"): typeof import('./graphql').CatalogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CatalogResolveSelection($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }"): typeof import('./graphql').CatalogResolveSelectionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AssetSyncFields on AssetSync { state causes { kind message upstream } }"): typeof import('./graphql').AssetSyncFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AutomationTicks($after: String) {\n  automationStatus { status locations { location status running assetsWithCondition } }\n  automationTicks(first: 50, after: $after) { nodes { tickId status tickTime runIds skipReason error evaluatedCount requestedCount } endCursor hasNextPage }\n}"): typeof import('./graphql').AutomationTicksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AutomationTick($id: Float!) {\n  automationTick(id: $id) {\n    tickId status tickTime runIds skipReason error evaluatedCount requestedCount\n    evaluations { assetKey requestedCount partitioned runIds evaluatedAt result { ...AutomationResultNodeFields } }\n  }\n}"): typeof import('./graphql').AutomationTickDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetAutomationStatus($location: String, $status: InstigatorStatus!) {\n  setAutomationStatus(location: $location, status: $status) { __typename ... on Error { message } }\n}"): typeof import('./graphql').SetAutomationStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AutomationConditionNodeFields on AutomationConditionNode { id parentId depth kind description }"): typeof import('./graphql').AutomationConditionNodeFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AutomationResultNodeFields on AutomationResultNode { id parentId depth kind description trueCount detail }"): typeof import('./graphql').AutomationResultNodeFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment BackfillCountsFields on BackfillCounts { total requested queued inProgress materialized failed skipped canceled }"): typeof import('./graphql').BackfillCountsFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment BackfillPartitionSetFields on BackfillPartitionSet { kind from to keys backfillId }"): typeof import('./graphql').BackfillPartitionSetFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Backfills($statuses: [BackfillStatus!], $after: String) {\n  backfills(first: 50, after: $after, statuses: $statuses) {\n    endCursor hasNextPage\n    nodes { id status selection requestedBy createdAt endedAt error partitions { ...BackfillPartitionSetFields } counts { ...BackfillCountsFields } }\n  }\n}"): typeof import('./graphql').BackfillsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Backfill($id: String!, $targets: BackfillTargetStatus) { backfill(id: $id) {\n  id status selection requestedBy createdAt updatedAt endedAt error canCancel maxConcurrentRuns\n  partitions { ...BackfillPartitionSetFields }\n  policy { kind maxPartitionsPerRun }\n  tags { key value }\n  counts { ...BackfillCountsFields }\n  assets { assetKey partitioned total requested inProgress materialized failed skipped canceled\n    partitions(first: 500, status: $targets) { nodes { key status } hasNextPage } }\n  runs(first: 25) { nodes { ...RunSummary } hasNextPage }\n} }"): typeof import('./graphql').BackfillDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelBackfill($id: String!) { cancelBackfill(id: $id) { __typename ... on Error { message } } }"): typeof import('./graphql').CancelBackfillDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RetryBackfill($id: String!) { retryBackfill(id: $id) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on Error { message } } }"): typeof import('./graphql').RetryBackfillDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Instigators { schedules { __typename id name location target status cron timezone nextTicks(count: 1) description } sensors { __typename id name location target status sensorType minimumIntervalSeconds description } }"): typeof import('./graphql').InstigatorsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Instigator($id: String!) { instigator(id: $id) { __typename id name location target status defaultStatus description\n  ... on Schedule { cron timezone nextTicks(count: 5) }\n  ... on Sensor { sensorType minimumIntervalSeconds cursor }\n  ticks(first: 50) { tickId status tickTime runIds skipReason error cursor }\n} }"): typeof import('./graphql').InstigatorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetStatus($id: String!, $status: InstigatorStatus!) { setInstigatorStatus(id: $id, status: $status) { __typename ... on Error { message } } }"): typeof import('./graphql').SetStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LaunchPlan($selection: String!) {\n  assetGraph(selection: $selection) { nodes { key location partitioned } edges { from to } }\n  locations { name status }\n}"): typeof import('./graphql').LaunchPlanDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LaunchPartitionKeys($key: String!) { asset(key: $key) {\n  key partitions { kind cadence name }\n  partitionStatus { total partitions(first: 500, newestFirst: true) { nodes { key } } }\n} }"): typeof import('./graphql').LaunchPartitionKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LaunchSelection($selection: String!, $tags: [TagInput!]) {\n  launchRun(selection: $selection, tags: $tags) { __typename ... on LaunchRunSuccess { run { runId location assetKeys } } ... on Error { message } }\n}"): typeof import('./graphql').LaunchSelectionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LaunchBackfillFromDialog($input: LaunchBackfillInput!) {\n  launchBackfill(input: $input) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on InvalidBackfillError { field } ... on Error { message } }\n}"): typeof import('./graphql').LaunchBackfillFromDialogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation LaunchMaterializeUnsynced($selection: String) {\n  materializeUnsynced(selection: $selection) {\n    __typename\n    ... on MaterializeUnsyncedSuccess { message launched runs { runId location assetKeys } backfills { id assetKey partitionCount } skipped { key reason } }\n    ... on Error { message }\n  }\n}"): typeof import('./graphql').LaunchMaterializeUnsyncedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LineageSelect($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }"): typeof import('./graphql').LineageSelectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Lineage { assetGraph {\n  nodes { key group location status kinds partitioned freshness sync { state } lastMaterializedAt checks { passed severity } }\n  edges { from to partitionMapping { kind description } }\n} }"): typeof import('./graphql').LineageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LineageStatus($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key status freshness sync { state } lastMaterializedAt checks { passed severity } }\n} }"): typeof import('./graphql').LineageStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LineageRuns { runs(first: 25) { nodes { runId status assetKeys } } }"): typeof import('./graphql').LineageRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LineagePartitions($selection: String!) { assetGraph(selection: $selection) {\n  nodes { key partitionStatus { total materialized failed } }\n} }"): typeof import('./graphql').LineagePartitionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Locations { locations { name status source errorMessage loadedAt updatedAt assetCount scheduleCount sensorCount } }"): typeof import('./graphql').LocationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Reload($name: String!) { reloadLocation(name: $name) { __typename ... on CodeLocation { status errorMessage } ... on Error { message } } }"): typeof import('./graphql').ReloadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MetadataEntryFields on MetadataEntry { label type text number json }"): typeof import('./graphql').MetadataEntryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MetadataAssetKeys { assetGraph { nodes { key } } }"): typeof import('./graphql').MetadataAssetKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment FreshnessFields on FreshnessState { state since freshUntil warnAt reason }"): typeof import('./graphql').FreshnessFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment CheckState on AssetCheck { name passed severity }"): typeof import('./graphql').CheckStateFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Alerts($first: Int, $after: String, $failedOnly: Boolean) {\n  alertDeliveries(first: $first, after: $after, failedOnly: $failedOnly) {\n    nodes { id rule kind status channel outcome attempts error title count at }\n    endCursor hasNextPage\n  }\n}"): typeof import('./graphql').AlertsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Overview { overview {\n  assetCount\n  failedAssets { key location }\n  runningRuns { ...RunSummary } queuedRuns { ...RunSummary } failedRuns24h { ...RunSummary message }\n  stoppedSchedules { id name location } stoppedSensors { id name location }\n  locationsWithErrors { name errorMessage }\n  daemon { healthy loops { loop at healthy } }\n  staleCount warnCount staleAssets { key location freshness { ...FreshnessFields } }\n  failedCheckCount failedChecks { assetKey name severity timestamp runId }\n  failedAlertDeliveries24h\n} }"): typeof import('./graphql').OverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Run($runId: String!) { run(runId: $runId) {\n  runId status selection partition location origin parentRunId createdAt startedAt endedAt durationMs message canCancel assetKeys stepKeys\n  tags { key value }\n  steps {\n    stepKey status attempts startedAt endedAt durationMs errorMessage skipReason\n    attemptSpans { attempt startedAt endedAt outcome }\n    failedChecks { assetKey checkName severity blocking description partition }\n  }\n} }"): typeof import('./graphql').RunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Reexecute($runId: String!, $fromFailure: Boolean) { reexecuteRun(runId: $runId, fromFailure: $fromFailure) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }"): typeof import('./graphql').ReexecuteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Cancel($runId: String!) { cancelRun(runId: $runId) { __typename ... on Error { message } } }"): typeof import('./graphql').CancelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Runs($filter: RunsFilter, $after: String) { runs(filter: $filter, first: 50, after: $after) { endCursor hasNextPage nodes { ...RunSummary } } }"): typeof import('./graphql').RunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Search($text: String!) { search(text: $text, first: 12) { kind label path } }"): typeof import('./graphql').SearchDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
