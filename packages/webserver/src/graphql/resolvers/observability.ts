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
    const words = text.split(/\s+/).filter((w) => w !== "");
    if (words.length === 0) return [];
    const scored: Array<SearchHit & { score: number }> = [];
    const add = (hit: SearchHit, name: string, whole: string) => {
      const score = searchScore(words, text, name.toLowerCase(), whole.toLowerCase());
      if (score > 0) scored.push({ ...hit, score });
    };
    for (const asset of graphOf(ctx).assets.values()) add({ kind: "asset", label: asset.key, path: `/assets/${asset.key}` }, asset.key.slice(asset.key.lastIndexOf("/") + 1), asset.key);
    for (const i of instigators(ctx)) add({ kind: i.kind, label: `${i.name} (${i.location})`, path: `/${i.kind}s/${encodeURIComponent(idOf(i))}` }, i.name, `${i.location} ${i.name}`);
    for (const l of ctx.options.definitions.list()) add({ kind: "location", label: l.name, path: "/locations" }, l.name, l.name);
    if (words.length === 1 && RUN_ID_PREFIX.test(text)) scored.push(...(await runsById(ctx, text)));
    scored.sort((a, b) => b.score - a.score || a.label.length - b.label.length || a.label.localeCompare(b.label));
    return scored.slice(0, first).map(({ kind, label, path }) => ({ kind, label, path }));
  },
};

/** Run ids are UUIDs; the UI shows their first 8 characters, so a prefix of 4 or more finds a run. */
const RUN_ID_PREFIX = /^[0-9a-f][0-9a-f-]{3,35}$/;
/** How many of the newest runs a run-id prefix is matched against (an exact id is looked up directly). */
const RUN_PREFIX_SCAN = 1000;

async function runsById(ctx: RequestContext, text: string): Promise<Array<SearchHit & { score: number }>> {
  const exact = await ctx.options.storage.getRun(text);
  if (exact) return [{ kind: "run", label: runLabel(exact), path: `/runs/${exact.runId}`, score: 10_000 }];
  const recent = await ctx.options.storage.listRuns({}, { limit: RUN_PREFIX_SCAN });
  return recent.items.filter((r) => r.runId.startsWith(text)).map((r) => ({ kind: "run", label: runLabel(r), path: `/runs/${r.runId}`, score: 5_000 }));
}

function runLabel(run: { runId: string; selection: string; status: string }): string {
  return `${run.runId.slice(0, 8)} ${run.selection} (${run.status.toLowerCase()})`;
}

/**
 * Relevance of a candidate for the typed words (0: not a hit). Every word must occur in `whole`
 * (so "daily overview" finds atlas/serving/daily_overview_json); the text equal to the name ranks
 * first, then a name starting with it, then words that start a name part (after / _ - . or a
 * space) over words found inside one, and words in the name (the key's last part) over words
 * found only in its prefix.
 */
export function searchScore(words: string[], text: string, name: string, whole: string): number {
  if (!words.every((w) => whole.includes(w))) return 0;
  const joined = words.join("_");
  let score = 1;
  if (name === text || name === joined || whole === text) score += 1000;
  else if (name.startsWith(text) || name.startsWith(joined)) score += 400;
  else if (name.includes(joined)) score += 150;
  for (const word of words) {
    const inName = name.indexOf(word);
    if (inName === 0 || (inName > 0 && /[/_\-. ]/.test(name[inName - 1]!))) score += 60;
    else if (inName > 0) score += 30;
    else {
      const inWhole = whole.indexOf(word);
      score += inWhole === 0 || /[/_\-. ]/.test(whole[inWhole - 1] ?? "") ? 15 : 5;
    }
  }
  return score;
}
