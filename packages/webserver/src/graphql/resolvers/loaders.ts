/**
 * Reads shared by many fields of one query, memoised per request (`memo` in context.ts): a catalog
 * page of 10,000 assets costs a handful of storage calls, not a few per asset. Every domain's
 * resolvers read through these, so a new field that needs the same data costs no extra query.
 */
import { isTerminalRunStatus, resolveSelection, type AssetSyncStatus, type RunRecord, type StoredEvent } from "@flyt/core";
import { instigatorId, type AssetFreshnessState, type AssetIndexEntry, type CheckIndexEntry, type InstigatorState } from "@flyt/storage";
import { memo, type MergedGraphView, type RequestContext } from "../context.js";
import { syncOfAll } from "../unsynced.js";
import type { AssetStatus, DaemonStatus, FailedCheck, InstigatorStatus } from "../generated/resolvers.js";
import type { AssetNode, InstigatorNode } from "./parents.js";

const RECENT_RUNS = 500;
const DAEMON_STALE_MS = 60_000;

export function graphOf(ctx: RequestContext): MergedGraphView {
  return ctx.options.definitions.graph();
}

export function latestByAsset(ctx: RequestContext): Promise<Map<string, AssetIndexEntry>> {
  return memo(ctx, "latest", async () => {
    const entries = await ctx.options.storage.getLatestMaterializations();
    return new Map(entries.map((e) => [e.assetKey, e]));
  });
}

/**
 * Every loaded asset's sync status (docs/staleness.md), computed once per request from the one read
 * of the asset index above and the merged graph: a catalog page or a 10,000-node lineage costs no
 * more than one asset.
 */
export function syncByAsset(ctx: RequestContext): Promise<Map<string, AssetSyncStatus>> {
  return memo(ctx, "sync", async () => syncOfAll(graphOf(ctx), await latestByAsset(ctx)));
}

/** The newest run per asset among the most recent runs: what asset status is derived from. */
export function recentRunByAsset(ctx: RequestContext): Promise<Map<string, RunRecord>> {
  return memo(ctx, "recentRuns", async () => {
    const page = await ctx.options.storage.listRuns({}, { limit: RECENT_RUNS });
    const byAsset = new Map<string, RunRecord>();
    for (const run of page.items) for (const key of run.assetKeys) if (!byAsset.has(key)) byAsset.set(key, run);
    return byAsset;
  });
}

/** The daemon's stored freshness verdicts, by asset key (stale entries of removed assets included). */
export function freshnessByAsset(ctx: RequestContext): Promise<Map<string, AssetFreshnessState>> {
  return memo(ctx, "freshness", async () => new Map((await ctx.options.storage.listFreshnessStates()).map((s) => [s.assetKey, s])));
}

/** Latest result per (asset, check), keyed `<asset>\u0000<check>`. */
export function latestChecks(ctx: RequestContext): Promise<Map<string, CheckIndexEntry>> {
  return memo(ctx, "checks", async () => new Map((await ctx.options.storage.getLatestCheckResults()).map((r) => [`${r.assetKey}\u0000${r.checkName}`, r])));
}

/** An asset's verdict, only while it has a policy: a dropped policy leaves an old row behind. */
export async function freshnessOf(ctx: RequestContext, asset: AssetNode | undefined): Promise<AssetFreshnessState | null> {
  if (asset === undefined || !asset.freshnessPolicy) return null;
  return (await freshnessByAsset(ctx)).get(asset.key) ?? null;
}

/** Failed latest results of checks that the loaded definitions still declare, newest first. */
export async function failedChecks(ctx: RequestContext): Promise<FailedCheck[]> {
  const merged = graphOf(ctx);
  const out: FailedCheck[] = [];
  for (const result of (await latestChecks(ctx)).values()) {
    if (result.passed) continue;
    if (!merged.assets.get(result.assetKey)?.checks.some((c) => c.name === result.checkName)) continue;
    out.push({ assetKey: result.assetKey, name: result.checkName, severity: result.severity, timestamp: result.timestamp, runId: result.runId });
  }
  return out.sort((a, b) => b.timestamp - a.timestamp);
}

export function statusOf(key: string, latest: Map<string, AssetIndexEntry>, runs: Map<string, RunRecord>): AssetStatus {
  const run = runs.get(key);
  const mat = latest.get(key);
  if (run !== undefined && !isTerminalRunStatus(run.status)) return "IN_PROGRESS";
  if (run !== undefined && run.status === "FAILURE" && (mat === undefined || mat.timestamp < (run.endedAt ?? run.updatedAt))) return "FAILED";
  return mat === undefined ? "NEVER_MATERIALIZED" : "MATERIALIZED";
}

export async function assetStatus(ctx: RequestContext, key: string): Promise<AssetStatus> {
  return statusOf(key, await latestByAsset(ctx), await recentRunByAsset(ctx));
}

/** Every schedule and sensor of the loaded locations. */
export function instigators(ctx: RequestContext): InstigatorNode[] {
  const out: InstigatorNode[] = [];
  for (const location of ctx.options.definitions.list()) {
    if (location.snapshot === null) continue;
    for (const s of location.snapshot.schedules) out.push({ ...s, location: location.name, kind: "schedule" });
    for (const s of location.snapshot.sensors) out.push({ ...s, location: location.name, kind: "sensor" });
  }
  return out;
}

export function idOf(node: InstigatorNode): string {
  return instigatorId(node.location, node.name);
}

export function findInstigator(ctx: RequestContext, id: string): InstigatorNode | undefined {
  return instigators(ctx).find((i) => idOf(i) === id);
}

export function instigatorStates(ctx: RequestContext): Promise<Map<string, InstigatorState>> {
  return memo(ctx, "instigators", async () => new Map((await ctx.options.storage.listInstigatorStates()).map((s) => [s.id, s])));
}

/** The operator's override if there is one, else the status declared in code. */
export function statusIn(states: Map<string, InstigatorState>, node: InstigatorNode): InstigatorStatus {
  return states.get(idOf(node))?.status ?? node.defaultStatus;
}

export async function instigatorStatus(ctx: RequestContext, node: InstigatorNode): Promise<InstigatorStatus> {
  return statusIn(await instigatorStates(ctx), node);
}

/** The asset keys an instigator targets; a target that no longer resolves targets nothing. */
export function targetKeys(ctx: RequestContext, node: InstigatorNode): Set<string> {
  try {
    return resolveSelection(graphOf(ctx).graph, node.target);
  } catch {
    return new Set();
  }
}

/** A run's lifecycle events, all pages: what step summaries and the failure message are built from. */
export function lifecycleEvents(ctx: RequestContext, runId: string): Promise<StoredEvent[]> {
  return memo(ctx, `events:${runId}`, async () => {
    const out: StoredEvent[] = [];
    let afterId: number | undefined;
    // Step summaries need only lifecycle events (and check results, for a step's failed checks); output and logs are skipped server-side.
    for (;;) {
      const page = await ctx.options.storage.getEvents(runId, {
        limit: 1000,
        ...(afterId === undefined ? {} : { afterId }),
        types: ["RUN_STARTED", "RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED", "RUN_CANCELING", "STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_RETRY", "STEP_SKIPPED", "STEP_CANCELED", "ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"],
      });
      out.push(...page);
      if (page.length < 1000) return out;
      afterId = page[page.length - 1]!.id;
    }
  });
}

export async function daemonStatus(ctx: RequestContext): Promise<DaemonStatus> {
  const beats = await memo(ctx, "daemon", () => ctx.options.storage.listDaemonHeartbeats(ctx.now - 10 * 60_000));
  const loops = beats.map((b) => ({ ...b, healthy: ctx.now - b.at < DAEMON_STALE_MS }));
  return { healthy: loops.length > 0 && loops.every((l) => l.healthy), loops };
}
