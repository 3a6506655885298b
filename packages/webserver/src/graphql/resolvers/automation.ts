/**
 * Staleness and declarative automation: `Asset.sync` / `AssetGraphNode.sync` and the
 * `unsyncedAssets` query (one sync computation per request, loaders.ts), `Asset.unsyncedPartitions`
 * (per partition, unsynced.ts), the condition an asset declares and its evaluations, the
 * automation loop's ticks and its on/off switches.
 */
import { AUTOMATION_INSTIGATOR_ID, type AssetSyncStatus } from "@flyt/core";
import type { Tick } from "@flyt/storage";
import { automationStatusOf, flattenCondition, flattenResult, tickCounts } from "../automation.js";
import { memo, type RequestContext } from "../context.js";
import type { AssetSync, QueryResolvers, Resolvers } from "../generated/resolvers.js";
import { causeView, PartitionStaleness, selectedKeys, unsyncedAssets, unsyncedPartitionsView } from "../unsynced.js";
import { graphOf, instigatorStates, latestByAsset, syncByAsset } from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";

/** An asset the sync computation does not know (not loaded any more) reads as never materialized. */
function syncView(status: AssetSyncStatus | undefined): AssetSync {
  if (status === undefined) return { state: "NEVER_MATERIALIZED", causes: [] };
  return { state: status.state, causes: status.causes.map(causeView) };
}

export async function syncOf(ctx: RequestContext, key: string): Promise<AssetSync> {
  return syncView((await syncByAsset(ctx)).get(key));
}

/** Per-partition staleness for this request: partition reads shared by every asset asked about. */
async function partitionStaleness(ctx: RequestContext): Promise<PartitionStaleness> {
  const latest = await latestByAsset(ctx);
  return memo(ctx, "partitionStaleness", async () => new PartitionStaleness(ctx.options.storage, graphOf(ctx), latest, ctx.now));
}

/** One automation tick by id, or null (a schedule's or sensor's tick is not an automation tick). */
export async function findAutomationTick(storage: RequestContext["options"]["storage"], tickId: number): Promise<Tick | null> {
  if (!Number.isSafeInteger(tickId) || tickId < 1) return null;
  const tick = await storage.getTick(tickId);
  return tick !== null && tick.instigatorId === AUTOMATION_INSTIGATOR_ID ? tick : null;
}

function tickEvaluations(ctx: RequestContext, tickId: number) {
  return memo(ctx, `automationTick:${tickId}`, () => ctx.options.storage.getAutomationEvaluationsOfTick(tickId));
}

/** Per location, how many of its assets declare a condition (one pass over the merged graph). */
function locationsWithConditions(ctx: RequestContext): Array<{ name: string; assetsWithCondition: number }> {
  const counts = new Map<string, number>(ctx.options.definitions.list().map((l) => [l.name, 0]));
  for (const asset of graphOf(ctx).assets.values()) {
    if (asset.automationCondition) counts.set(asset.location, (counts.get(asset.location) ?? 0) + 1);
  }
  return [...counts].map(([name, assetsWithCondition]) => ({ name, assetsWithCondition })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function automationStatus(ctx: RequestContext) {
  return automationStatusOf(await instigatorStates(ctx), locationsWithConditions(ctx));
}

export const automationQueries: QueryResolvers = {
  unsyncedAssets: async (_p, args, ctx) => {
    const merged = graphOf(ctx);
    const keys = selectedKeys(merged, args.selection);
    return unsyncedAssets(merged, await syncByAsset(ctx), keys);
  },
  automationTicks: async (_p, args, ctx) => {
    const first = clampFirst(args.first, 50, 200);
    const page = await ctx.options.storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit: first, cursor: afterArg(args.after) });
    return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
  },
  automationTick: (_p, args, ctx) => findAutomationTick(ctx.options.storage, args.id),
  automationStatus: (_p, _a, ctx) => automationStatus(ctx),
};

export const automationTypes: Resolvers = {
  AutomationTick: {
    evaluatedCount: async (t, _a, ctx) => tickCounts(await tickEvaluations(ctx, t.tickId)).evaluatedCount,
    requestedCount: async (t, _a, ctx) => tickCounts(await tickEvaluations(ctx, t.tickId)).requestedCount,
    evaluations: async (t, args, ctx) => {
      const all = await tickEvaluations(ctx, t.tickId);
      const list = args.requestedOnly === true ? all.filter((e) => e.requestedCount > 0) : all;
      return [...list].sort((a, b) => (a.assetKey < b.assetKey ? -1 : a.assetKey > b.assetKey ? 1 : 0));
    },
  },
  AutomationEvaluation: {
    result: (e) => flattenResult(e.root),
    partitioned: (e, _a, ctx) => (graphOf(ctx).assets.get(e.assetKey)?.partitions ?? null) !== null,
  },
};

/** The fields of `Asset` this module resolves (assets.ts spreads them in). */
export const assetAutomationFields = {
  sync: (a: { key: string }, _args: unknown, ctx: RequestContext) => syncOf(ctx, a.key),
  dataVersion: async (a: { key: string }, _args: unknown, ctx: RequestContext) => (await latestByAsset(ctx)).get(a.key)?.dataVersion ?? null,
  unsyncedPartitions: async (a: { key: string }, args: { first?: number | null }, ctx: RequestContext) => {
    const first = clampFirst(args.first, 100, 1_000);
    const status = await (await partitionStaleness(ctx)).of(a.key);
    return status === null ? null : unsyncedPartitionsView(status, first);
  },
  automationCondition: (a: { automationCondition?: Parameters<typeof flattenCondition>[0] | null }) => (a.automationCondition ? flattenCondition(a.automationCondition) : null),
  automationEvaluations: async (a: { key: string }, args: { first?: number | null; after?: string | null }, ctx: RequestContext) => {
    const first = clampFirst(args.first, 20, 200);
    const page = await ctx.options.storage.listAutomationEvaluations(a.key, { limit: first, cursor: afterArg(args.after) });
    return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
  },
};

