/**
 * What an operator watches: the overview (everything that needs attention in one query), the
 * daemon's heartbeats, alert deliveries, and the search box over assets, instigators, locations
 * and runs.
 */
import { encodeCursor, type AlertDelivery } from "@flyt/storage";
import type { RequestContext } from "../context.js";
import type { QueryResolvers, SearchHit } from "../generated/resolvers.js";
import {
  daemonStatus,
  failedChecks,
  freshnessByAsset,
  graphOf,
  idOf,
  instigators,
  instigatorStates,
  latestByAsset,
  recentRunByAsset,
  statusIn,
  statusOf,
} from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";
import { locationView } from "./views.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DELIVERIES_SCANNED = 5_000;

/** Alert deliveries newest first; with `failedOnly`, pages through storage until `first` failures are found. */
async function alertDeliveries(ctx: RequestContext, first: number, after: string | null, failedOnly: boolean) {
  const nodes: AlertDelivery[] = [];
  let cursor = after;
  let scanned = 0;
  for (;;) {
    const page = await ctx.options.storage.listAlertDeliveries({ limit: failedOnly ? 200 : first, cursor });
    scanned += page.items.length;
    for (const item of page.items) if (!failedOnly || item.outcome === "failed") nodes.push(item);
    cursor = page.nextCursor;
    if (!failedOnly || nodes.length >= first || cursor === null || scanned >= MAX_DELIVERIES_SCANNED) break;
  }
  // With failedOnly a page can overshoot: the storage cursor then points past items not returned,
  // so trim to `first` and continue after the last returned item.
  if (nodes.length > first) {
    nodes.length = first;
    return { nodes, endCursor: encodeCursor("alerts", nodes[nodes.length - 1]!.id), hasNextPage: true };
  }
  return { nodes, endCursor: cursor, hasNextPage: cursor !== null };
}

/** Failed deliveries newer than `since` (newest first in storage, so reading stops at the first older one). */
async function failedDeliveriesSince(ctx: RequestContext, since: number): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  for (let scanned = 0; scanned < MAX_DELIVERIES_SCANNED; ) {
    const page = await ctx.options.storage.listAlertDeliveries({ limit: 200, cursor });
    for (const item of page.items) {
      if (item.at <= since) return count;
      if (item.outcome === "failed") count += 1;
    }
    scanned += page.items.length;
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return count;
}

export const observabilityQueries: QueryResolvers = {
  daemon: (_p, _a, ctx) => daemonStatus(ctx),
  alertDeliveries: (_p, args, ctx) => alertDeliveries(ctx, clampFirst(args.first, 50, 200), afterArg(args.after), args.failedOnly === true),
  overview: async (_p, _a, ctx) => {
    const merged = graphOf(ctx);
    const latest = await latestByAsset(ctx);
    const runs = await recentRunByAsset(ctx);
    const storage = ctx.options.storage;
    const [running, queued, failed] = await Promise.all([
      storage.listRuns({ statuses: ["STARTING", "STARTED", "CANCELING"] }, { limit: 100 }),
      storage.listRuns({ statuses: ["QUEUED"] }, { limit: 100 }),
      storage.listRuns({ statuses: ["FAILURE"], createdAfter: ctx.now - DAY_MS }, { limit: 100 }),
    ]);
    const states = await instigatorStates(ctx);
    const stopped = instigators(ctx).filter((i) => statusIn(states, i) === "STOPPED");
    const freshness = await freshnessByAsset(ctx);
    const judged = [...merged.assets.values()].flatMap((a) => {
      const state = a.freshnessPolicy ? freshness.get(a.key) : undefined;
      return state ? [{ asset: a, state }] : [];
    });
    const stale = judged.filter((j) => j.state.state === "STALE").sort((a, b) => a.state.since - b.state.since);
    const failing = await failedChecks(ctx);
    return {
      staleAssets: stale.slice(0, 200).map((j) => j.asset),
      staleCount: stale.length,
      warnCount: judged.filter((j) => j.state.state === "WARN").length,
      failedChecks: failing.slice(0, 200),
      failedCheckCount: failing.length,
      failedAlertDeliveries24h: await failedDeliveriesSince(ctx, ctx.now - DAY_MS),
      assetCount: merged.assets.size,
      failedAssets: [...merged.assets.values()].filter((a) => statusOf(a.key, latest, runs) === "FAILED").slice(0, 200),
      runningRuns: running.items,
      queuedRuns: queued.items,
      failedRuns24h: failed.items,
      stoppedSchedules: stopped.flatMap((i) => (i.kind === "schedule" ? [i] : [])),
      stoppedSensors: stopped.flatMap((i) => (i.kind === "sensor" ? [i] : [])),
      locationsWithErrors: ctx.options.definitions.list().filter((l) => l.status === "ERROR").map(locationView),
      daemon: await daemonStatus(ctx),
    };
  },
  search: async (_p, args, ctx) => {
    const text = args.text.trim().toLowerCase();
    const first = clampFirst(args.first, 20, 100);
    if (text === "") return [];
    const hits: SearchHit[] = [];
    for (const asset of graphOf(ctx).assets.values()) {
      if (asset.key.toLowerCase().includes(text)) hits.push({ kind: "asset", label: asset.key, path: `/assets/${asset.key}` });
      if (hits.length >= first) return hits;
    }
    for (const i of instigators(ctx)) {
      if (i.name.toLowerCase().includes(text)) hits.push({ kind: i.kind, label: `${i.name} (${i.location})`, path: `/${i.kind}s/${encodeURIComponent(idOf(i))}` });
    }
    for (const l of ctx.options.definitions.list()) if (l.name.toLowerCase().includes(text)) hits.push({ kind: "location", label: l.name, path: "/locations" });
    if (/^[0-9a-f-]{6,}$/.test(text)) {
      const run = await ctx.options.storage.getRun(text);
      if (run) hits.unshift({ kind: "run", label: run.runId, path: `/runs/${run.runId}` });
    }
    return hits.slice(0, first);
  },
};
