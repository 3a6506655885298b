/**
 * Partitions: an asset's partition status (counts, the first missing ranges, a page of keys with
 * their status) read from storage's range-encoded status and the asset's key space — never by
 * listing keys, so a million hourly partitions answer like ten — and the keys of dynamic
 * partitions definitions.
 */
import { InvalidInputError, type RunRecord } from "@flyt/core";
import { decodeRanges } from "@flyt/partitions";
import { canonicalJson } from "@flyt/protocol";
import type { AssetIndexEntry } from "@flyt/storage";
import { memo, type RequestContext } from "../context.js";
import { dynamicNameProblem } from "../dynamic-partitions.js";
import type { QueryResolvers, Resolvers } from "../generated/resolvers.js";
import { decodePositionCursor, encodePositionCursor, pagePositions, positionsOf } from "../partition-positions.js";
import { afterArg, clampFirst } from "./paging.js";
import type { AssetNode, PartitionStateParent, PartitionStatusParent } from "./parents.js";

/** Materialized partitions up to which `PartitionState.runId`/`timestamp` are read from the asset index. */
export const PARTITION_DETAIL_LIMIT = 10_000;
/** Failed runs read to name the run of a FAILED partition. */
const FAILED_RUNS_READ = 200;

/**
 * The status of a partitioned asset. Storage keeps it by the definition it was last given; when
 * that is not the loaded one (a webserver without a workspace registering definitions, or a
 * reload not registered yet) it is registered here first, so the answer is never of another
 * definition's positions.
 */
export function partitionStatusOf(ctx: RequestContext, asset: AssetNode): Promise<PartitionStatusParent | null> {
  const partitions = asset.partitions;
  if (partitions === null) return Promise.resolve(null);
  return memo(ctx, `partitionStatus:${asset.key}`, async () => {
    const storage = ctx.options.storage;
    let stored = await storage.getPartitionStatus(asset.key);
    if (stored.partitions === null || canonicalJson(stored.partitions) !== canonicalJson(partitions)) {
      await storage.putPartitionsDefinitions([{ assetKey: asset.key, partitions }]);
      stored = await storage.getPartitionStatus(asset.key);
    }
    const positions = await positionsOf(storage, partitions, ctx.now);
    const live = positions.live;
    const materialized = decodeRanges(stored.materialized).intersect(live);
    const failed = decodeRanges(stored.failed).intersect(live).subtract(materialized);
    const missing = live.subtract(materialized).subtract(failed);
    return { assetKey: asset.key, positions, live, materialized, failed, missing };
  });
}

/** The asset index's entry per partition, when the asset has few enough materialized partitions to read them all. */
function partitionEntries(ctx: RequestContext, status: PartitionStatusParent | null, assetKey: string): Promise<Map<string, AssetIndexEntry> | null> {
  return memo(ctx, `partitionEntries:${assetKey}`, async () => {
    if (status === null || status.materialized.size > PARTITION_DETAIL_LIMIT) return null;
    return new Map((await ctx.options.storage.getPartitionMaterializations(assetKey)).map((e) => [e.partition ?? "", e]));
  });
}

/** The newest failed run per partition key among the asset's latest failed runs. */
function failedRuns(ctx: RequestContext, assetKey: string): Promise<Map<string, RunRecord>> {
  return memo(ctx, `failedRuns:${assetKey}`, async () => {
    const page = await ctx.options.storage.listRuns({ assetKey, statuses: ["FAILURE"] }, { limit: FAILED_RUNS_READ });
    const out = new Map<string, RunRecord>();
    for (const run of page.items) if (run.partitionKey !== null && !out.has(run.partitionKey)) out.set(run.partitionKey, run);
    return out;
  });
}

async function stateDetail(ctx: RequestContext, state: PartitionStateParent): Promise<{ runId: string | null; timestamp: number | null }> {
  if (state.status === "MATERIALIZED") {
    const asset = ctx.options.definitions.graph().assets.get(state.assetKey);
    const status = asset ? await partitionStatusOf(ctx, asset) : null;
    const entry = (await partitionEntries(ctx, status, state.assetKey))?.get(state.key);
    return entry ? { runId: entry.runId, timestamp: entry.timestamp } : { runId: null, timestamp: null };
  }
  if (state.status === "FAILED") {
    const run = (await failedRuns(ctx, state.assetKey)).get(state.key);
    return run ? { runId: run.runId, timestamp: run.endedAt ?? run.updatedAt } : { runId: null, timestamp: null };
  }
  return { runId: null, timestamp: null };
}

export const partitionQueries: QueryResolvers = {
  dynamicPartitions: async (_p, args, ctx) => {
    const problem = dynamicNameProblem(args.name, null);
    if (problem !== null) throw new InvalidInputError("'name'", problem);
    const first = clampFirst(args.first, 100, 1_000);
    const page = await ctx.options.storage.listDynamicPartitions(args.name, { limit: first, cursor: afterArg(args.after) });
    const { count } = await ctx.options.storage.getDynamicPartitionsIndex(args.name);
    return { name: args.name, totalCount: count, nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
  },
};

export const partitionTypes: Resolvers = {
  PartitionStatus: {
    total: (s) => s.live.size,
    materialized: (s) => s.materialized.size,
    failed: (s) => s.failed.size,
    missing: (s) => s.missing.size,
    missingRanges: async (s, args) => {
      const first = clampFirst(args.first, 20, 1_000);
      const ranges = s.missing.firstIntervals(first);
      const ends = ranges.flatMap(([start, end]) => [start, end - 1]);
      const keys = await s.positions.keysAt(ends);
      // A range whose end key is gone (a dynamic key deleted since the status was read) is left out.
      return ranges.flatMap(([start, end]) => {
        const startKey = keys.get(start);
        const endKey = keys.get(end - 1);
        return startKey === undefined || endKey === undefined ? [] : [{ startKey, endKey, count: end - start }];
      });
    },
    partitions: async (s, args) => {
      const first = clampFirst(args.first, 500, 10_000);
      const after = decodePositionCursor(afterArg(args.after));
      const set = args.status === "MATERIALIZED" ? s.materialized : args.status === "FAILED" ? s.failed : args.status === "MISSING" ? s.missing : s.live;
      const descending = args.newestFirst === true;
      const positions = pagePositions(set, after, first + 1, descending);
      const hasNextPage = positions.length > first;
      if (hasNextPage) positions.length = first;
      const keys = await s.positions.keysAt(positions);
      // A dynamic key deleted since the status was read drops out; the cursor still moves past it.
      const nodes = positions.flatMap((position): PartitionStateParent[] => {
        const key = keys.get(position);
        if (key === undefined) return [];
        return [{ assetKey: s.assetKey, key, status: s.materialized.has(position) ? "MATERIALIZED" : s.failed.has(position) ? "FAILED" : "MISSING" }];
      });
      const last = positions[positions.length - 1];
      return { nodes, endCursor: last === undefined ? null : encodePositionCursor(last), hasNextPage };
    },
  },
  PartitionState: {
    runId: async (p, _args, ctx) => (await stateDetail(ctx, p)).runId,
    timestamp: async (p, _args, ctx) => (await stateDetail(ctx, p)).timestamp,
  },
};
