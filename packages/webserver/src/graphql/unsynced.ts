/**
 * Staleness from the API: which assets are unsynced and why, and "Materialize unsynced" — the one
 * path GraphQL (`unsyncedAssets`, `materializeUnsynced`, `Asset.sync`) and REST
 * (`/api/v1/assets/unsynced`, `/api/v1/assets/materialize-unsynced`) share. Sync status is computed
 * by @flyt/automation's `syncStatus` from one read of the asset index and the merged graph
 * (docs/staleness.md): nothing scans the event log. Runs are launched through `launchSelection`,
 * the path of `launchRun`, one per code location.
 */
import { describeStalenessCause, syncStatus } from "@flyt/automation";
import { InvalidSelectionError, resolveSelection, type AssetSyncStatus, type RunRecord, type StalenessCause } from "@flyt/core";
import type { AssetIndexEntry } from "@flyt/storage";
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

export type MaterializeUnsyncedOutcome =
  | { __typename: "MaterializeUnsyncedSuccess"; runs: RunRecord[]; launched: string[]; skipped: Array<{ key: string; reason: string }>; message: string }
  | { __typename: "InvalidSelectionError"; message: string };

const PARTITIONED_REASON = "partitioned: staleness is per asset, so pick the partitions to rebuild and launch a backfill of them (docs/backfills.md)";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Launches one run per code location over the unsynced unpartitioned assets of a selection; the
 * run plans them in dependency order, so an upstream rebuilt by it is rebuilt before its
 * dependents read it. Partitioned ones are listed in `skipped`, as are those of a location whose
 * launch failed (not loaded), with the reason.
 */
export async function materializeUnsynced(deps: LaunchDeps, latest: ReadonlyMap<string, AssetIndexEntry>, selection: string | null | undefined): Promise<MaterializeUnsyncedOutcome> {
  const merged = deps.definitions.graph();
  let keys: Set<string> | null;
  try {
    keys = selectedKeys(merged, selection);
  } catch (error) {
    if (error instanceof InvalidSelectionError) return { __typename: "InvalidSelectionError", message: error.message };
    throw error;
  }
  const unsynced = unsyncedAssets(merged, syncOfAll(merged, latest), keys);
  const skipped: Array<{ key: string; reason: string }> = [];
  const byLocation = new Map<string, string[]>();
  for (const asset of unsynced) {
    if (asset.partitioned) skipped.push({ key: asset.key, reason: PARTITIONED_REASON });
    else byLocation.set(asset.location, [...(byLocation.get(asset.location) ?? []), asset.key]);
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
  skipped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const scope = keys === null ? "" : ` of ${JSON.stringify(selection)}`;
  let message: string;
  if (unsynced.length === 0) message = `No asset${scope} is unsynced; nothing launched.`;
  else if (runs.length === 0) message = `Launched nothing: ${plural(skipped.length, "unsynced asset")}${scope} left out (see skipped).`;
  else message = `Launched ${plural(runs.length, "run")} over ${plural(launched.length, "unsynced asset")}${scope}${skipped.length > 0 ? `; ${plural(skipped.length, "asset")} left out (see skipped)` : ""}.`;
  return { __typename: "MaterializeUnsyncedSuccess", runs, launched, skipped, message };
}
