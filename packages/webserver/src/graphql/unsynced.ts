/**
 * Staleness from the API: which assets are unsynced and why, which partitions of a partitioned
 * asset are, and "Materialize unsynced" — the one path GraphQL (`unsyncedAssets`,
 * `materializeUnsynced`, `Asset.sync`, `Asset.unsyncedPartitions`) and REST
 * (`/api/v1/assets/unsynced`, `/api/v1/assets/materialize-unsynced`,
 * `/api/v1/assets/<key>/unsynced-partitions`) share. Sync status is computed by @flyt/automation's
 * `syncStatus` from one read of the asset index and the merged graph, per partition by
 * `partitionSyncStatus` from the asset's (and its partitioned dependencies') latest
 * materialization per partition (docs/staleness.md): nothing scans the event log. Runs are
 * launched through `launchSelection`, the path of `launchRun`, one per code location; partitions
 * through `launchBackfill`, the path of the `launchBackfill` mutation, one backfill per asset.
 */
import { describeStalenessCause, partitionSyncStatus, SpaceCache, syncStatus, type DynamicPartitionsInput, type PartitionSyncStatus } from "@flyt/automation";
import { MAX_BACKFILL_KEYS } from "@flyt/backfills";
import { InvalidSelectionError, resolveSelection, type AssetSyncStatus, type BackfillPartitionSet, type PartitionsSnapshot, type RunRecord, type StalenessCause } from "@flyt/core";
import type { AssetIndexEntry, Storage } from "@flyt/storage";
import { launchBackfill } from "./backfills.js";
import type { MergedGraphView } from "./context.js";
import { launchSelection, type LaunchDeps } from "./launch.js";

/** A staleness cause as the API shows it: the stored kind, the words, and the upstream at cause. */
export interface CauseView {
  kind: StalenessCause["kind"];
  message: string;
  upstream: string | null;
}

export function causeView(cause: StalenessCause): CauseView {
  const upstream = cause.kind === "upstream_data_version_changed" || cause.kind === "upstream_unsynced" ? cause.upstream : null;
  return { kind: cause.kind, message: describeStalenessCause(cause), upstream };
}

/** Sync status of every loaded asset, by key: one pass over the graph and the latest materializations. */
export function syncOfAll(merged: MergedGraphView, latest: ReadonlyMap<string, AssetIndexEntry>): Map<string, AssetSyncStatus> {
  return syncStatus(merged.graph, latest.values());
}

export interface UnsyncedAssetView {
  key: string;
  location: string;
  partitioned: boolean;
  causes: CauseView[];
}

/**
 * The assets a selection names (null or blank: every loaded asset).
 * @throws InvalidSelectionError naming the expression (a caller fault: its message reaches the client)
 */
export function selectedKeys(merged: MergedGraphView, selection: string | null | undefined): Set<string> | null {
  if (selection === null || selection === undefined || selection.trim() === "") return null;
  return resolveSelection(merged.graph, selection);
}

/** The UNSYNCED assets among `keys` (null: all), sorted by key, with their causes. */
export function unsyncedAssets(merged: MergedGraphView, sync: ReadonlyMap<string, AssetSyncStatus>, keys: Set<string> | null): UnsyncedAssetView[] {
  const out: UnsyncedAssetView[] = [];
  for (const asset of merged.assets.values()) {
    if (keys !== null && !keys.has(asset.key)) continue;
    const status = sync.get(asset.key);
    if (status?.state !== "UNSYNCED") continue;
    out.push({ key: asset.key, location: asset.location, partitioned: asset.partitions !== null, causes: status.causes.map(causeView) });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One partition of `UnsyncedPartitionsView`. */
export interface UnsyncedPartitionView {
  key: string;
  causes: CauseView[];
  /** Causes past the per-partition cap, not listed. */
  moreCauses: number;
}

/** A partitioned asset's unsynced partitions as the API shows them. */
export interface UnsyncedPartitionsView {
  /** Materialized partitions compared (those that are partitions now). */
  materialized: number;
  unsynced: number;
  /** The first runs of consecutive unsynced partitions, oldest first. */
  ranges: Array<{ startKey: string; endKey: string; count: number }>;
  /** The first unsynced partitions, oldest first. */
  partitions: UnsyncedPartitionView[];
}

/** Keys of dynamic partitions read per page. */
const DYNAMIC_PAGE = 1_000;
/** Runs of consecutive unsynced partitions an UnsyncedPartitionsView lists. */
const MAX_RANGES = 20;

/**
 * Per-partition staleness of the partitioned assets of one request, from storage: each asset's
 * (and each partitioned dependency's) latest materialization per partition and the keys of the
 * dynamic partitions they use are read once, whatever the number of assets asked about.
 */
export class PartitionStaleness {
  private readonly partitionReads = new Map<string, Promise<AssetIndexEntry[]>>();
  private readonly dynamic = new Map<string, DynamicPartitionsInput>();
  /** Shares `dynamic`: a dynamic definition's space is built on first use, after its keys were read (`of` reads them first). */
  private readonly spaces: SpaceCache;

  constructor(
    private readonly storage: Pick<Storage, "getPartitionMaterializations" | "listDynamicPartitions">,
    private readonly merged: MergedGraphView,
    private readonly latest: ReadonlyMap<string, AssetIndexEntry>,
    private readonly now: number,
  ) {
    this.spaces = new SpaceCache(now, this.dynamic);
  }

  /** The unsynced partitions of `assetKey`, or null when it is not a loaded partitioned asset. */
  async of(assetKey: string): Promise<PartitionSyncStatus | null> {
    const graph = this.merged.graph;
    const node = graph.get(assetKey);
    if (node === undefined || node.partitions === null) return null;
    const deps = graph.upstreamOf(assetKey).filter((dep) => (graph.get(dep)?.partitions ?? null) !== null);
    for (const key of [assetKey, ...deps]) await this.loadDynamic(graph.get(key)!.partitions!);
    const upstreamPartitions = new Map<string, AssetIndexEntry[]>();
    for (const dep of deps) upstreamPartitions.set(dep, await this.partitionsOf(dep));
    return partitionSyncStatus({ graph, assetKey, partitions: await this.partitionsOf(assetKey), latest: this.latest, upstreamPartitions, now: this.now, spaces: this.spaces });
  }

  private partitionsOf(assetKey: string): Promise<AssetIndexEntry[]> {
    let read = this.partitionReads.get(assetKey);
    if (read === undefined) {
      read = this.storage.getPartitionMaterializations(assetKey);
      this.partitionReads.set(assetKey, read);
    }
    return read;
  }

  private async loadDynamic(partitions: PartitionsSnapshot): Promise<void> {
    if (partitions.kind !== "dynamic" || this.dynamic.has(partitions.name)) return;
    const keys: Array<{ key: string; index: number }> = [];
    let cursor: string | null = null;
    do {
      const page = await this.storage.listDynamicPartitions(partitions.name, { limit: DYNAMIC_PAGE, cursor });
      for (const item of page.items) keys.push({ key: item.key, index: item.index });
      cursor = page.nextCursor;
    } while (cursor !== null);
    this.dynamic.set(partitions.name, { keys });
  }
}

/** The API's view of a partitioned asset's unsynced partitions: counts, the first `first` partitions and ranges. */
export function unsyncedPartitionsView(status: PartitionSyncStatus, first: number): UnsyncedPartitionsView {
  const ranges: UnsyncedPartitionsView["ranges"] = [];
  let open: { startKey: string; endKey: string; count: number; last: number } | null = null;
  for (const p of status.unsynced) {
    if (open !== null && p.position === open.last + 1) {
      open.endKey = p.key;
      open.count++;
      open.last = p.position;
      continue;
    }
    if (open !== null) ranges.push({ startKey: open.startKey, endKey: open.endKey, count: open.count });
    if (ranges.length >= MAX_RANGES) {
      open = null;
      break;
    }
    open = { startKey: p.key, endKey: p.key, count: 1, last: p.position };
  }
  if (open !== null) ranges.push({ startKey: open.startKey, endKey: open.endKey, count: open.count });
  return {
    materialized: status.materializedCount,
    unsynced: status.unsyncedCount,
    ranges,
    partitions: status.unsynced.slice(0, first).map((p) => ({ key: p.key, causes: p.causes.map(causeView), moreCauses: p.moreCauses })),
  };
}

/** A backfill "Materialize unsynced" requested: of one partitioned asset, over its unsynced partitions. */
export interface UnsyncedBackfill {
  id: string;
  assetKey: string;
  partitionCount: number;
}

export type MaterializeUnsyncedOutcome =
  | {
      __typename: "MaterializeUnsyncedSuccess";
      runs: RunRecord[];
      launched: string[];
      backfills: UnsyncedBackfill[];
      skipped: Array<{ key: string; reason: string }>;
      message: string;
    }
  | { __typename: "InvalidSelectionError"; message: string };

/** Who a backfill of materializeUnsynced says requested it. */
export const MATERIALIZE_UNSYNCED_REQUESTER = "materialize unsynced";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The partition sets of the backfills over `status`'s unsynced partitions: one range when they
 * are consecutive, else their keys — in pieces of at most MAX_BACKFILL_KEYS (the most a backfill
 * request may list), so more than that many scattered partitions take several backfills.
 */
function partitionSetsOf(status: PartitionSyncStatus): BackfillPartitionSet[] {
  const keys = status.unsynced.map((p) => p.key);
  if (status.unsyncedRanges.intervals.length === 1 && keys.length > 1) return [{ kind: "range", from: keys[0]!, to: keys[keys.length - 1]! }];
  const sets: BackfillPartitionSet[] = [];
  for (let i = 0; i < keys.length; i += MAX_BACKFILL_KEYS) sets.push({ kind: "keys", keys: keys.slice(i, i + MAX_BACKFILL_KEYS) });
  return sets;
}

/** Why a partitioned asset unsynced as a whole has no partition to rebuild. */
function nothingToRebuild(status: AssetSyncStatus | undefined): string {
  const causes = status?.causes ?? [];
  if (causes.length > 0 && causes.every((c) => c.kind === "upstream_unsynced")) {
    return `unsynced only through its upstream (${causes.map(describeStalenessCause).join("; ")}) and none of its own partitions is: materialize the upstream first, then the partitions that read what changed become unsynced`;
  }
  return `none of its materialized partitions is unsynced (${causes.map(describeStalenessCause).join("; ") || "no cause"} concerns partitions it has not materialized, which are missing, not unsynced: backfill them with the "missing" set, docs/backfills.md)`;
}

/**
 * "Materialize unsynced" over a selection:
 * - one run per code location over its unsynced unpartitioned assets (the run plans them in
 *   dependency order, so an upstream rebuilt by it is rebuilt before its dependents read it);
 * - one backfill per partitioned asset over exactly its unsynced partitions (partitionSyncStatus),
 *   through `launchBackfill` (validated as the mutation is) with `requestedBy` naming this action.
 *   Every materialized partitioned asset of the selection is compared partition by partition, not
 *   only those UNSYNCED as a whole: a newer partition materialized with the current code hides
 *   older ones made with the previous code from the asset-level state.
 * Listed in `skipped`, with the reason: a partitioned asset UNSYNCED as a whole but with no
 * unsynced partition, a backfill refused, a location whose run could not be launched.
 */
export async function materializeUnsynced(
  deps: LaunchDeps & { now?: () => number },
  latest: ReadonlyMap<string, AssetIndexEntry>,
  selection: string | null | undefined,
  requestedBy: string | null = null,
): Promise<MaterializeUnsyncedOutcome> {
  const merged = deps.definitions.graph();
  let keys: Set<string> | null;
  try {
    keys = selectedKeys(merged, selection);
  } catch (error) {
    if (error instanceof InvalidSelectionError) return { __typename: "InvalidSelectionError", message: error.message };
    throw error;
  }
  const now = (deps.now ?? Date.now)();
  const sync = syncOfAll(merged, latest);
  const unsynced = unsyncedAssets(merged, sync, keys);
  const skipped: Array<{ key: string; reason: string }> = [];
  const byLocation = new Map<string, string[]>();
  for (const asset of unsynced) {
    if (!asset.partitioned) byLocation.set(asset.location, [...(byLocation.get(asset.location) ?? []), asset.key]);
  }
  const runs: RunRecord[] = [];
  const launched: string[] = [];
  for (const [location, assetKeys] of [...byLocation].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const outcome = await launchSelection(deps, { selection: assetKeys.join(", "), partition: null, tags: {}, location });
    if (outcome.__typename === "LaunchRunSuccess") {
      runs.push(outcome.run);
      launched.push(...assetKeys);
    } else {
      for (const key of assetKeys) skipped.push({ key, reason: outcome.message });
    }
  }

  const backfills: UnsyncedBackfill[] = [];
  const partitioned = [...merged.assets.values()]
    .filter((a) => a.partitions !== null && (keys === null || keys.has(a.key)) && (sync.get(a.key)?.state ?? "NEVER_MATERIALIZED") !== "NEVER_MATERIALIZED")
    .map((a) => a.key)
    .sort();
  const partitions = new PartitionStaleness(deps.storage, merged, latest, now);
  const backfillDeps = { storage: deps.storage, graph: () => merged, now: () => now };
  const by = `${MATERIALIZE_UNSYNCED_REQUESTER}${requestedBy ? ` (${requestedBy})` : ""}`.slice(0, 200);
  for (const key of partitioned) {
    const status = await partitions.of(key);
    if (status === null) continue;
    if (status.unsyncedCount === 0) {
      if (sync.get(key)?.state === "UNSYNCED") skipped.push({ key, reason: nothingToRebuild(sync.get(key)) });
      continue;
    }
    for (const set of partitionSetsOf(status)) {
      const outcome = await launchBackfill(backfillDeps, { selection: key, partitions: set, policy: null, tags: {}, maxConcurrentRuns: null }, by);
      if (outcome.__typename === "LaunchBackfillSuccess") {
        backfills.push({ id: outcome.backfill.backfillId, assetKey: key, partitionCount: set.kind === "keys" ? set.keys.length : status.unsyncedCount });
      } else {
        skipped.push({ key, reason: `backfill of its ${plural(status.unsyncedCount, "unsynced partition")} refused: ${outcome.message}` });
        break;
      }
    }
  }

  skipped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const scope = keys === null ? "" : ` of ${JSON.stringify(selection)}`;
  const parts: string[] = [];
  if (runs.length > 0) parts.push(`${plural(runs.length, "run")} over ${plural(launched.length, "unsynced asset")}`);
  if (backfills.length > 0) {
    const count = backfills.reduce((n, b) => n + b.partitionCount, 0);
    parts.push(`${plural(backfills.length, "backfill")} over ${plural(count, "unsynced partition")} of ${plural(new Set(backfills.map((b) => b.assetKey)).size, "partitioned asset")}`);
  }
  const left = skipped.length > 0 ? `; ${plural(skipped.length, "asset")} left out (see skipped)` : "";
  let message: string;
  if (parts.length > 0) message = `Launched ${parts.join(" and ")}${scope}${left}.`;
  else if (skipped.length > 0) message = `Launched nothing: ${plural(skipped.length, "unsynced asset")}${scope} left out (see skipped).`;
  else message = `No asset${scope} is unsynced; nothing launched.`;
  return { __typename: "MaterializeUnsyncedSuccess", runs, launched, backfills, skipped, message };
}
