/**
 * Backfills: the list, one backfill with its counts, per-asset progress (storage keeps each
 * asset's target sets range-encoded; a page of targets is decoded position by position, so a
 * million-target backfill answers like a small one) and the runs it launched.
 */
import { BACKFILL_TAG, type BackfillAssetProgress, type BackfillRecord } from "@flyt/core";
import { decodeRanges, type IndexRanges } from "@flyt/partitions";
import { memo, type RequestContext } from "../context.js";
import type { BackfillTargetStatus, QueryResolvers, Resolvers } from "../generated/resolvers.js";
import { decodePositionCursor, encodePositionCursor, pagePositions, positionsOf, type PartitionPositions } from "../partition-positions.js";
import { graphOf } from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";
import type { BackfillAssetProgressParent } from "./parents.js";
import { tags } from "./views.js";

/** The target sets of one asset, made disjoint by precedence: materialized, failed, canceled, skipped, in progress, requested. */
export function assetProgress(backfillId: string, progress: BackfillAssetProgress): BackfillAssetProgressParent {
  const targets = decodeRanges(progress.targets);
  const within = (encoded: string): IndexRanges => decodeRanges(encoded).intersect(targets);
  const materialized = within(progress.materialized);
  let done = materialized;
  const failed = within(progress.failed).subtract(done);
  done = done.union(failed);
  const canceled = within(progress.canceled).subtract(done);
  done = done.union(canceled);
  const skipped = within(progress.skipped).subtract(done);
  done = done.union(skipped);
  const inProgress = within(progress.launched).subtract(done);
  const requested = targets.subtract(done).subtract(inProgress);
  return { backfillId, assetKey: progress.assetKey, partitioned: progress.partitions === "partitioned", targets, materialized, failed, canceled, skipped, inProgress, requested };
}

function targetStatus(p: BackfillAssetProgressParent, position: number): BackfillTargetStatus {
  if (p.materialized.has(position)) return "MATERIALIZED";
  if (p.failed.has(position)) return "FAILED";
  if (p.canceled.has(position)) return "CANCELED";
  if (p.skipped.has(position)) return "SKIPPED";
  if (p.inProgress.has(position)) return "LAUNCHED";
  return "REQUESTED";
}

/**
 * The positions of an asset's partitions to name a backfill's targets by: the loaded definition,
 * else the one storage was last given (an asset removed since the backfill ran); null when neither.
 */
function positionsFor(ctx: RequestContext, assetKey: string): Promise<PartitionPositions | null> {
  return memo(ctx, `positions:${assetKey}`, async () => {
    const loaded = graphOf(ctx).assets.get(assetKey)?.partitions ?? null;
    const partitions = loaded ?? (await ctx.options.storage.getPartitionStatus(assetKey)).partitions;
    return partitions === null ? null : positionsOf(ctx.options.storage, partitions, ctx.now);
  });
}

export const backfillQueries: QueryResolvers = {
  backfills: async (_p, args, ctx) => {
    const first = clampFirst(args.first, 50, 200);
    const filter = Array.isArray(args.statuses) && args.statuses.length > 0 ? { statuses: args.statuses } : {};
    const page = await ctx.options.storage.listBackfills(filter, { limit: first, cursor: afterArg(args.after) });
    return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
  },
  backfill: (_p, args, ctx) => ctx.options.storage.getBackfill(args.id),
};

export const backfillTypes: Resolvers = {
  Backfill: {
    id: (b) => b.backfillId,
    selection: (b) => b.request.selection,
    partitions: (b) => {
      const set = b.request.partitions;
      return {
        kind: set.kind,
        from: set.kind === "range" ? set.from : null,
        to: set.kind === "range" ? set.to : null,
        keys: set.kind === "keys" ? set.keys : null,
        backfillId: set.kind === "failed" ? (set.backfillId ?? null) : null,
      };
    },
    policy: (b) => {
      const policy = b.request.policy ?? null;
      if (policy === null) return null;
      return policy.kind === "multi-run" ? { kind: policy.kind, maxPartitionsPerRun: policy.maxPartitionsPerRun } : { kind: policy.kind, maxPartitionsPerRun: null };
    },
    tags: (b) => tags(b.request.tags ?? {}),
    maxConcurrentRuns: (b) => b.request.maxConcurrentRuns ?? null,
    requestedBy: (b) => b.request.requestedBy ?? null,
    canCancel: (b) => b.status === "REQUESTED" || b.status === "IN_PROGRESS",
    assets: (b: BackfillRecord) => b.progress.map((p) => assetProgress(b.backfillId, p)),
    runs: async (b, args, ctx) => {
      const first = clampFirst(args.first, 50);
      const page = await ctx.options.storage.listRuns({ tags: { [BACKFILL_TAG]: b.backfillId } }, { limit: first, cursor: afterArg(args.after) });
      return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
    },
  },
  BackfillAssetProgress: {
    total: (p) => p.targets.size,
    requested: (p) => p.requested.size,
    inProgress: (p) => p.inProgress.size,
    materialized: (p) => p.materialized.size,
    failed: (p) => p.failed.size,
    skipped: (p) => p.skipped.size,
    canceled: (p) => p.canceled.size,
    partitions: async (p, args, ctx) => {
      const first = clampFirst(args.first, 100, 1_000);
      const after = decodePositionCursor(afterArg(args.after));
      const sets: Record<BackfillTargetStatus, IndexRanges> = {
        MATERIALIZED: p.materialized,
        FAILED: p.failed,
        CANCELED: p.canceled,
        SKIPPED: p.skipped,
        LAUNCHED: p.inProgress,
        REQUESTED: p.requested,
      };
      const set = args.status ? sets[args.status] : p.targets;
      const positions = pagePositions(set, after, first + 1, false);
      const hasNextPage = positions.length > first;
      if (hasNextPage) positions.length = first;
      const space = p.partitioned ? await positionsFor(ctx, p.assetKey) : null;
      const keys = space === null ? new Map<number, string>() : await space.keysAt(positions);
      const nodes = positions.map((position) => ({ key: keys.get(position) ?? null, status: targetStatus(p, position) }));
      const last = positions[positions.length - 1];
      return { nodes, endCursor: last === undefined ? null : encodePositionCursor(last), hasNextPage };
    },
  },
};
