/**
 * Assets: the catalog listing, one asset, the lineage graph, and the fields of `Asset` that read
 * materializations, partitions, checks, freshness and the instigators that target it (sync status
 * and automation: automation.ts).
 */
import { InvalidInputError, parseAssetKey, resolveSelection } from "@flyt/core";
import type { AssetFilter, AssetGraphEdge, QueryResolvers, Resolvers } from "../generated/resolvers.js";
import type { RequestContext } from "../context.js";
import { edgeMapping } from "../mappings.js";
import { assetAutomationFields, syncOf } from "./automation.js";
import { assetStatus, freshnessOf, graphOf, instigators, latestByAsset, latestChecks, recentRunByAsset, statusOf, targetKeys } from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";
import type { AssetGraphNodeParent, AssetNode } from "./parents.js";
import { partitionStatusOf } from "./partitions.js";
import { materialization, tags } from "./views.js";

function matchesFilter(asset: AssetNode, filter: AssetFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.group && asset.group !== filter.group) return false;
  if (filter.location && asset.location !== filter.location) return false;
  if (filter.owner && !asset.owners.includes(filter.owner)) return false;
  if (filter.kind && !asset.kinds.includes(filter.kind)) return false;
  if (filter.tag) {
    const [k, v] = filter.tag.split("=", 2) as [string, string | undefined];
    if (!(k in asset.tags) || (v !== undefined && asset.tags[k] !== v)) return false;
  }
  if (filter.search) {
    const text = filter.search.toLowerCase();
    if (!asset.key.toLowerCase().includes(text) && !(asset.description ?? "").toLowerCase().includes(text) && !asset.group.toLowerCase().includes(text)) return false;
  }
  return true;
}

/** An asset's declared checks with their latest results (one memoised read of every check result per request). */
async function checksOf(ctx: RequestContext, a: AssetNode) {
  const results = await latestChecks(ctx);
  return a.checks.map((check) => {
    const result = results.get(`${a.key}\u0000${check.name}`);
    // A check not yet run shows the severity it is declared with.
    return { ...check, passed: result?.passed ?? null, severity: result?.severity ?? check.severity, timestamp: result?.timestamp ?? null, runId: result?.runId ?? null };
  });
}

export const assetQueries: QueryResolvers = {
  // The cursor of this listing is the last key of the page: assets come from the snapshots, not storage.
  assets: async (_p, args, ctx) => {
    const first = clampFirst(args.first, 100);
    const after = afterArg(args.after);
    const merged = graphOf(ctx);
    let list = [...merged.assets.values()].filter((a) => matchesFilter(a, args.filter));
    const wanted = args.filter?.status;
    if (wanted) {
      const latest = await latestByAsset(ctx);
      const runs = await recentRunByAsset(ctx);
      list = list.filter((a) => statusOf(a.key, latest, runs) === wanted);
    }
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const before = args.before === null || args.before === undefined ? null : afterArg(args.before);
    if (before !== null && after !== null) throw new InvalidInputError("'before'", "cannot be combined with 'after'; page one way at a time");
    let from: number;
    if (before !== null) {
      // The page that ends just before the cursor (the previous page of a forward listing).
      const end = list.findIndex((a) => a.key >= before);
      const to = end === -1 ? list.length : end;
      from = Math.max(0, to - first);
    } else {
      const start = after === null ? 0 : list.findIndex((a) => a.key > after);
      from = start === -1 ? list.length : start;
    }
    const nodes = list.slice(from, from + first);
    const hasNextPage = from + nodes.length < list.length;
    return {
      nodes,
      totalCount: list.length,
      endCursor: nodes.length > 0 ? nodes[nodes.length - 1]!.key : null,
      hasNextPage,
      startCursor: nodes.length > 0 ? nodes[0]!.key : null,
      hasPreviousPage: from > 0,
    };
  },
  asset: (_p, args, ctx) => graphOf(ctx).assets.get(args.key) ?? null,
  assetGraph: async (_p, args, ctx) => {
    const merged = graphOf(ctx);
    let keys: Set<string> | null = null;
    if (typeof args.selection === "string" && args.selection.trim() !== "") keys = resolveSelection(merged.graph, args.selection);
    const latest = await latestByAsset(ctx);
    const runs = await recentRunByAsset(ctx);
    const nodes: AssetGraphNodeParent[] = [];
    const edges: AssetGraphEdge[] = [];
    const unresolved = new Set<string>();
    for (const asset of merged.assets.values()) {
      if (keys !== null && !keys.has(asset.key)) continue;
      nodes.push({ key: asset.key, group: asset.group, location: asset.location, status: statusOf(asset.key, latest, runs), kinds: asset.kinds, partitioned: asset.partitions !== null });
      for (const dep of asset.deps) {
        if (keys !== null && !keys.has(dep)) continue;
        edges.push({ from: dep, to: asset.key, partitionMapping: edgeMapping(asset, dep, merged.assets.get(dep)) });
        if (!merged.assets.has(dep)) unresolved.add(dep);
      }
    }
    return { nodes, edges, unresolved: [...unresolved].sort() };
  },
};

export const assetTypes: Resolvers = {
  Asset: {
    path: (a) => [...parseAssetKey(a.key)],
    tags: (a) => tags(a.tags),
    dependents: (a, _args, ctx) => [...graphOf(ctx).graph.downstreamOf(a.key)],
    upstream: (a, _args, ctx) => a.deps.flatMap((d) => graphOf(ctx).assets.get(d) ?? []),
    upstreamDependencies: (a, _args, ctx) =>
      a.deps.map((dep) => {
        const upstream = graphOf(ctx).assets.get(dep);
        return { key: dep, asset: upstream ?? null, partitionMapping: edgeMapping(a, dep, upstream) };
      }),
    downstream: (a, _args, ctx) => graphOf(ctx).graph.downstreamOf(a.key).flatMap((d) => graphOf(ctx).assets.get(d) ?? []),
    partitions: (a) => {
      const p = a.partitions;
      if (p === null) return null;
      const none = { keys: null, cadence: null, timezone: null, start: null, format: null, name: null };
      switch (p.kind) {
        case "static":
          return { ...none, kind: "static", keys: p.keys };
        case "time-window":
          return { ...none, kind: "time-window", cadence: p.cadence, timezone: p.timezone, start: p.start, format: p.format };
        case "dynamic":
          return { ...none, kind: "dynamic", name: p.name };
      }
    },
    partitionStatus: (a, _args, ctx) => partitionStatusOf(ctx, a),
    status: (a, _args, ctx) => assetStatus(ctx, a.key),
    latestMaterialization: async (a, _args, ctx) => {
      const entry = (await latestByAsset(ctx)).get(a.key);
      return entry ? materialization(entry) : null;
    },
    latestRun: async (a, _args, ctx) => {
      const page = await ctx.options.storage.listRuns({ assetKey: a.key }, { limit: 1 });
      return page.items[0] ?? null;
    },
    materializations: async (a, args, ctx) => {
      const first = clampFirst(args.first, 50);
      const page = await ctx.options.storage.getMaterializationHistory(a.key, { limit: first, cursor: afterArg(args.after) });
      const nodes = page.items.flatMap((event) => {
        const body = event.body;
        if (body.type !== "ASSET_MATERIALIZATION") return [];
        return [materialization({ id: event.id, runId: event.runId, timestamp: event.timestamp, partition: body.partition, metadata: body.metadata })];
      });
      return { nodes, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
    },
    checks: (a, _args, ctx) => checksOf(ctx, a),
    freshnessPolicy: (a) => (a.freshnessPolicy ? JSON.stringify(a.freshnessPolicy) : null),
    freshness: (a, _args, ctx) => freshnessOf(ctx, a),
    schedules: (a, _args, ctx) => instigators(ctx).flatMap((i) => (i.kind === "schedule" && targetKeys(ctx, i).has(a.key) ? [i] : [])),
    sensors: (a, _args, ctx) => instigators(ctx).flatMap((i) => (i.kind === "sensor" && targetKeys(ctx, i).has(a.key) ? [i] : [])),
    ...assetAutomationFields,
  },

  AssetGraphNode: {
    freshness: async (n, _args, ctx) => (await freshnessOf(ctx, graphOf(ctx).assets.get(n.key)))?.state ?? null,
    sync: (n, _args, ctx) => syncOf(ctx, n.key),
    lastMaterializedAt: async (n, _args, ctx) => (await latestByAsset(ctx)).get(n.key)?.timestamp ?? null,
    checks: (n, _args, ctx) => {
      const asset = graphOf(ctx).assets.get(n.key);
      return asset ? checksOf(ctx, asset) : [];
    },
    partitionStatus: (n, _args, ctx) => {
      const asset = graphOf(ctx).assets.get(n.key);
      return asset ? partitionStatusOf(ctx, asset) : null;
    },
  },
};
