/**
 * Resolvers of the GraphQL schema (type-defs.ts) over storage and the code locations. Reads
 * shared by many fields of one query (latest materializations, recent runs, instigator states)
 * are memoised per request, so a catalog page of 10,000 assets costs a handful of storage calls.
 * Mutations return union members for expected failures; anything else is an internal error that
 * the HTTP layer masks.
 */
import {
  InvalidInputError,
  isTerminalRunStatus,
  parseAssetKey,
  resolveSelection,
  type MetadataValue,
  type RunRecord,
  type RunStatus,
  type StoredEvent,
} from "@flyt/core";
import type { AssetSnapshot, ScheduleSnapshot, SensorSnapshot } from "@flyt/protocol";
import { summarizeRun } from "@flyt/contracts";
import { nextScheduleTimes, partitionsFromSnapshot } from "@flyt/sdk";
import { encodeCursor, type AlertDelivery, type AssetFreshnessState, type AssetIndexEntry, type CheckIndexEntry, type InstigatorState, type RunFilter, type Tick } from "@flyt/storage";
import { memo, type LocationEntry, type RequestContext } from "./context.js";
import { launchSelection, reexecute } from "./launch.js";

type AssetNode = AssetSnapshot & { location: string };
type ScheduleNode = ScheduleSnapshot & { location: string; kind: "schedule" };
type SensorNode = SensorSnapshot & { location: string; kind: "sensor" };
type InstigatorNode = ScheduleNode | SensorNode;
type Args = Record<string, any>;

export const MAX_PAGE = 500;
const RECENT_RUNS = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
const DAEMON_STALE_MS = 60_000;

// ---------------------------------------------------------------------------- helpers

function clampFirst(first: unknown, fallback: number, max = MAX_PAGE): number {
  if (typeof first !== "number" || !Number.isInteger(first)) return fallback;
  if (first < 1) throw new InvalidInputError("'first'", `must be at least 1 (a page size), got ${first}`);
  if (first > max) throw new InvalidInputError("'first'", `may be at most ${max}, got ${first}; page with 'after' for more`);
  return first;
}

function tags(record: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function graphOf(ctx: RequestContext) {
  return ctx.options.definitions.graph();
}

function latestByAsset(ctx: RequestContext): Promise<Map<string, AssetIndexEntry>> {
  return memo(ctx, "latest", async () => {
    const entries = await ctx.options.storage.getLatestMaterializations();
    return new Map(entries.map((e) => [e.assetKey, e]));
  });
}

/** The newest run per asset among the most recent runs: what asset status is derived from. */
function recentRunByAsset(ctx: RequestContext): Promise<Map<string, RunRecord>> {
  return memo(ctx, "recentRuns", async () => {
    const page = await ctx.options.storage.listRuns({}, { limit: RECENT_RUNS });
    const byAsset = new Map<string, RunRecord>();
    for (const run of page.items) for (const key of run.assetKeys) if (!byAsset.has(key)) byAsset.set(key, run);
    return byAsset;
  });
}

/** The daemon's stored freshness verdicts, by asset key (stale entries of removed assets included). */
function freshnessByAsset(ctx: RequestContext): Promise<Map<string, AssetFreshnessState>> {
  return memo(ctx, "freshness", async () => new Map((await ctx.options.storage.listFreshnessStates()).map((s) => [s.assetKey, s])));
}

/** Latest result per (asset, check), keyed `<asset>\u0000<check>`. */
function latestChecks(ctx: RequestContext): Promise<Map<string, CheckIndexEntry>> {
  return memo(ctx, "checks", async () => new Map((await ctx.options.storage.getLatestCheckResults()).map((r) => [`${r.assetKey}\u0000${r.checkName}`, r])));
}

/** An asset's verdict, only while it has a policy: a dropped policy leaves an old row behind. */
async function freshnessOf(ctx: RequestContext, asset: AssetNode | undefined): Promise<AssetFreshnessState | null> {
  if (asset === undefined || !asset.freshnessPolicy) return null;
  return (await freshnessByAsset(ctx)).get(asset.key) ?? null;
}

/** Failed latest results of checks that the loaded definitions still declare, newest first. */
async function failedChecks(ctx: RequestContext) {
  const merged = graphOf(ctx);
  const out: Array<{ assetKey: string; name: string; severity: string; timestamp: number; runId: string }> = [];
  for (const result of (await latestChecks(ctx)).values()) {
    if (result.passed) continue;
    if (!merged.assets.get(result.assetKey)?.checks.some((c) => c.name === result.checkName)) continue;
    out.push({ assetKey: result.assetKey, name: result.checkName, severity: result.severity, timestamp: result.timestamp, runId: result.runId });
  }
  return out.sort((a, b) => b.timestamp - a.timestamp);
}

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

function instigatorStates(ctx: RequestContext): Promise<Map<string, InstigatorState>> {
  return memo(ctx, "instigators", async () => new Map((await ctx.options.storage.listInstigatorStates()).map((s) => [s.id, s])));
}

type AssetStatus = "FAILED" | "IN_PROGRESS" | "MATERIALIZED" | "NEVER_MATERIALIZED";

function statusOf(key: string, latest: Map<string, AssetIndexEntry>, runs: Map<string, RunRecord>): AssetStatus {
  const run = runs.get(key);
  const mat = latest.get(key);
  if (run !== undefined && !isTerminalRunStatus(run.status)) return "IN_PROGRESS";
  if (run !== undefined && run.status === "FAILURE" && (mat === undefined || mat.timestamp < (run.endedAt ?? run.updatedAt))) return "FAILED";
  return mat === undefined ? "NEVER_MATERIALIZED" : "MATERIALIZED";
}

async function assetStatus(ctx: RequestContext, key: string): Promise<AssetStatus> {
  return statusOf(key, await latestByAsset(ctx), await recentRunByAsset(ctx));
}

function metadataEntries(metadata: Record<string, MetadataValue>) {
  return Object.entries(metadata).map(([label, value]) => {
    const raw = (value as { value?: unknown }).value;
    const number = (value.type === "int" || value.type === "float" || value.type === "timestamp") && typeof raw === "number" ? raw : null;
    let text: string;
    if (typeof raw === "string") text = raw;
    else if (raw === undefined) text = value.type;
    else text = JSON.stringify(raw) ?? "";
    if (text.length > 500) text = `${text.slice(0, 500)}…`;
    return { label, type: value.type, text, number, json: JSON.stringify(value) };
  });
}

function materialization(entry: { id?: number; eventId?: number; runId: string; timestamp: number; partition: string | null; metadata: Record<string, MetadataValue> }) {
  return {
    eventId: entry.eventId ?? entry.id ?? 0,
    runId: entry.runId,
    timestamp: entry.timestamp,
    partition: entry.partition,
    metadata: metadataEntries(entry.metadata),
  };
}

function locationView(entry: LocationEntry) {
  return {
    name: entry.name,
    status: entry.status,
    source: entry.source,
    errorMessage: entry.error?.message ?? null,
    loadedAt: entry.loadedAt,
    updatedAt: entry.updatedAt,
    assetCount: entry.snapshot?.assets.length ?? 0,
    scheduleCount: entry.snapshot?.schedules.length ?? 0,
    sensorCount: entry.snapshot?.sensors.length ?? 0,
  };
}

function instigators(ctx: RequestContext): InstigatorNode[] {
  const out: InstigatorNode[] = [];
  for (const location of ctx.options.definitions.list()) {
    if (location.snapshot === null) continue;
    for (const s of location.snapshot.schedules) out.push({ ...s, location: location.name, kind: "schedule" });
    for (const s of location.snapshot.sensors) out.push({ ...s, location: location.name, kind: "sensor" });
  }
  return out;
}

function instigatorId(node: InstigatorNode): string {
  return `${node.location}:${node.name}`;
}

async function instigatorStatus(ctx: RequestContext, node: InstigatorNode): Promise<"RUNNING" | "STOPPED"> {
  return (await instigatorStates(ctx)).get(instigatorId(node))?.status ?? node.defaultStatus;
}

function targetKeys(ctx: RequestContext, node: InstigatorNode): Set<string> {
  try {
    return resolveSelection(graphOf(ctx).graph, node.target);
  } catch {
    return new Set();
  }
}

function runMessageAndLevel(event: StoredEvent): { level: string; message: string; stream: string | null } {
  const body = event.body;
  switch (body.type) {
    case "LOG":
      return { level: body.level, message: body.message, stream: null };
    case "STEP_OUTPUT":
      return { level: body.stream === "stderr" ? "warn" : "info", message: body.text, stream: body.stream };
    case "STEP_FAILURE":
      return { level: "error", message: `${body.error.name}: ${body.error.message}`, stream: null };
    case "STEP_RETRY":
      return { level: "warn", message: `retry attempt ${body.attempt} in ${body.delayMs} ms after ${body.error.message}`, stream: null };
    case "RUN_FAILURE":
      return { level: "error", message: body.message, stream: null };
    case "STEP_SKIPPED":
      return { level: "warn", message: `skipped: ${body.reason}`, stream: null };
    case "ASSET_MATERIALIZATION":
      return { level: "info", message: `materialized ${body.assetKey}${body.partition ? ` [${body.partition}]` : ""}`, stream: null };
    case "ASSET_OBSERVATION":
      return { level: "info", message: `observed ${body.assetKey}`, stream: null };
    case "ASSET_CHECK_EVALUATION":
      return { level: body.passed ? "info" : body.severity === "error" ? "error" : "warn", message: `check ${body.checkName} on ${body.assetKey} ${body.passed ? "passed" : "failed"}`, stream: null };
    case "STEP_START":
      return { level: "debug", message: `step started (attempt ${body.attempt})`, stream: null };
    case "STEP_SUCCESS":
      return { level: "info", message: `step succeeded in ${Math.round(body.durationMs)} ms`, stream: null };
    case "STEP_CANCELED":
      return { level: "warn", message: "step canceled", stream: null };
    case "RUN_CANCELING":
    case "RUN_CANCELED":
      return { level: "warn", message: `${body.type.toLowerCase().replace("_", " ")}${body.message ? `: ${body.message}` : ""}`, stream: null };
    case "RUN_PLANNED":
      return { level: "debug", message: `planned ${body.steps.length} step${body.steps.length === 1 ? "" : "s"}: ${body.steps.map((s) => s.stepKey).slice(0, 20).join(", ")}${body.steps.length > 20 ? ", …" : ""}`, stream: null };
    case "RUN_QUEUED":
    case "RUN_STARTING":
    case "RUN_STARTED":
    case "RUN_SUCCESS":
      return { level: "info", message: body.type.toLowerCase().replace("_", " "), stream: null };
  }
}

export function runEventView(event: StoredEvent) {
  const { level, message, stream } = runMessageAndLevel(event);
  return { id: event.id, timestamp: event.timestamp, stepKey: event.stepKey, type: event.body.type, level, message, stream, body: JSON.stringify(event.body) };
}

/** The `after` argument as storage takes it; storage decodes it and says what is wrong with a bad one. */
function afterArg(cursor: unknown): string | null {
  if (cursor === null || cursor === undefined) return null;
  if (typeof cursor !== "string" || cursor.length > 1000) throw new InvalidInputError("'after'", "must be the endCursor of a previous page of the same listing, unchanged");
  return cursor;
}

function matchesFilter(asset: AssetNode, filter: Args | null | undefined): boolean {
  if (!filter) return true;
  if (filter.group && asset.group !== filter.group) return false;
  if (filter.location && asset.location !== filter.location) return false;
  if (filter.owner && !asset.owners.includes(filter.owner)) return false;
  if (filter.kind && !asset.kinds.includes(filter.kind)) return false;
  if (filter.tag) {
    const [k, v] = String(filter.tag).split("=", 2) as [string, string | undefined];
    if (!(k in asset.tags) || (v !== undefined && asset.tags[k] !== v)) return false;
  }
  if (filter.search) {
    const text = String(filter.search).toLowerCase();
    if (!asset.key.toLowerCase().includes(text) && !(asset.description ?? "").toLowerCase().includes(text) && !asset.group.toLowerCase().includes(text)) return false;
  }
  return true;
}

function runFilter(input: Args | null | undefined): RunFilter {
  const filter: RunFilter = {};
  if (!input) return filter;
  if (input.statuses) filter.statuses = input.statuses as RunStatus[];
  if (input.location) filter.location = input.location;
  if (input.assetKey) filter.assetKey = input.assetKey;
  if (input.origin) filter.origin = input.origin;
  if (input.rootRunId) filter.rootRunId = input.rootRunId;
  if (typeof input.createdAfter === "number") filter.createdAfter = input.createdAfter;
  if (typeof input.createdBefore === "number") filter.createdBefore = input.createdBefore;
  if (Array.isArray(input.tags)) filter.tags = Object.fromEntries((input.tags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
  return filter;
}

const unauthorized = { __typename: "UnauthorizedError", message: "You may look but not change anything: launching, re-executing and canceling runs, starting and stopping schedules and sensors and reloading locations need the operator role." };

async function getEventsAll(ctx: RequestContext, runId: string): Promise<StoredEvent[]> {
  return memo(ctx, `events:${runId}`, async () => {
    const out: StoredEvent[] = [];
    let afterId: number | undefined;
    // Step summaries need only lifecycle events; output and logs are skipped server-side.
    for (;;) {
      const page = await ctx.options.storage.getEvents(runId, {
        limit: 1000,
        ...(afterId === undefined ? {} : { afterId }),
        types: ["RUN_STARTED", "RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED", "RUN_CANCELING", "STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_RETRY", "STEP_SKIPPED", "STEP_CANCELED", "ASSET_MATERIALIZATION"],
      });
      out.push(...page);
      if (page.length < 1000) return out;
      afterId = page[page.length - 1]!.id;
    }
  });
}

// ---------------------------------------------------------------------------- resolvers

export const resolvers: Record<string, Record<string, (parent: any, args: Args, ctx: RequestContext) => unknown>> = {
  Query: {
    assets: async (_p, args, ctx) => {
      const first = clampFirst(args.first, 100);
      const after = afterArg(args.after);
      const merged = graphOf(ctx);
      let list = [...merged.assets.values()].filter((a) => matchesFilter(a, args.filter));
      if (args.filter?.status) {
        const latest = await latestByAsset(ctx);
        const runs = await recentRunByAsset(ctx);
        list = list.filter((a) => statusOf(a.key, latest, runs) === args.filter.status);
      }
      list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const start = after === null ? 0 : list.findIndex((a) => a.key > after);
      const from = start === -1 ? list.length : start;
      const nodes = list.slice(from, from + first);
      const hasNextPage = from + first < list.length;
      return { nodes, totalCount: list.length, endCursor: nodes.length > 0 ? nodes[nodes.length - 1]!.key : null, hasNextPage };
    },
    asset: (_p, args, ctx) => graphOf(ctx).assets.get(String(args.key)) ?? null,
    assetGraph: async (_p, args, ctx) => {
      const merged = graphOf(ctx);
      let keys: Set<string> | null = null;
      if (typeof args.selection === "string" && args.selection.trim() !== "") keys = resolveSelection(merged.graph, args.selection);
      const latest = await latestByAsset(ctx);
      const runs = await recentRunByAsset(ctx);
      const nodes = [];
      const edges = [];
      const unresolved = new Set<string>();
      for (const asset of merged.assets.values()) {
        if (keys !== null && !keys.has(asset.key)) continue;
        nodes.push({ key: asset.key, group: asset.group, location: asset.location, status: statusOf(asset.key, latest, runs), kinds: asset.kinds, partitioned: asset.partitions !== null });
        for (const dep of asset.deps) {
          if (keys !== null && !keys.has(dep)) continue;
          edges.push({ from: dep, to: asset.key });
          if (!merged.assets.has(dep)) unresolved.add(dep);
        }
      }
      return { nodes, edges, unresolved: [...unresolved].sort() };
    },
    runs: async (_p, args, ctx) => {
      const first = clampFirst(args.first, 50);
      const page = await ctx.options.storage.listRuns(runFilter(args.filter), { limit: first, cursor: afterArg(args.after) });
      return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
    },
    run: (_p, args, ctx) => ctx.options.storage.getRun(String(args.runId)),
    schedules: (_p, _a, ctx) => instigators(ctx).filter((i) => i.kind === "schedule"),
    sensors: (_p, _a, ctx) => instigators(ctx).filter((i) => i.kind === "sensor"),
    instigator: (_p, args, ctx) => instigators(ctx).find((i) => instigatorId(i) === args.id) ?? null,
    locations: (_p, _a, ctx) => ctx.options.definitions.list().map(locationView),
    daemon: (_p, _a, ctx) => daemonStatus(ctx),
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
      const all = instigators(ctx);
      const states = await instigatorStates(ctx);
      const stopped = all.filter((i) => (states.get(instigatorId(i))?.status ?? i.defaultStatus) === "STOPPED");
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
        stoppedSchedules: stopped.filter((i) => i.kind === "schedule"),
        stoppedSensors: stopped.filter((i) => i.kind === "sensor"),
        locationsWithErrors: ctx.options.definitions.list().filter((l) => l.status === "ERROR").map(locationView),
        daemon: await daemonStatus(ctx),
      };
    },
    search: async (_p, args, ctx) => {
      const text = String(args.text).trim().toLowerCase();
      const first = clampFirst(args.first, 20, 100);
      if (text === "") return [];
      const hits: Array<{ kind: string; label: string; path: string }> = [];
      for (const asset of graphOf(ctx).assets.values()) {
        if (asset.key.toLowerCase().includes(text)) hits.push({ kind: "asset", label: asset.key, path: `/assets/${asset.key}` });
        if (hits.length >= first) return hits;
      }
      for (const i of instigators(ctx)) {
        if (i.name.toLowerCase().includes(text)) hits.push({ kind: i.kind, label: `${i.name} (${i.location})`, path: `/${i.kind}s/${encodeURIComponent(instigatorId(i))}` });
      }
      for (const l of ctx.options.definitions.list()) if (l.name.toLowerCase().includes(text)) hits.push({ kind: "location", label: l.name, path: "/locations" });
      if (/^[0-9a-f-]{6,}$/.test(text)) {
        const run = await ctx.options.storage.getRun(text);
        if (run) hits.unshift({ kind: "run", label: run.runId, path: `/runs/${run.runId}` });
      }
      return hits.slice(0, first);
    },
    alertDeliveries: (_p, args, ctx) => alertDeliveries(ctx, clampFirst(args.first, 50, 200), afterArg(args.after), args.failedOnly === true),
    viewer: (_p, _args, ctx) => ({
      name: ctx.viewer.name ?? null,
      email: ctx.viewer.email ?? null,
      role: ctx.viewer.role ?? null,
      canOperate: ctx.viewer.canMutate,
      canAdminister: ctx.viewer.role === "admin" || (ctx.viewer.role === undefined && ctx.viewer.canMutate),
    }),
  },

  Mutation: {
    launchRun: async (_p, args, ctx) => {
      if (!ctx.viewer.canMutate) return unauthorized;
      const tags: Record<string, string> = {};
      for (const t of (args.tags ?? []) as Array<{ key: string; value: string }>) tags[t.key] = t.value;
      const partition = typeof args.partition === "string" && args.partition !== "" ? args.partition : null;
      return launchSelection(ctx.options, { selection: String(args.selection), partition, tags });
    },
    reexecuteRun: async (_p, args, ctx) => {
      if (!ctx.viewer.canMutate) return unauthorized;
      return reexecute(ctx.options, String(args.runId), args.fromFailure === true);
    },
    cancelRun: async (_p, args, ctx) => {
      if (!ctx.viewer.canMutate) return unauthorized;
      const run = await ctx.options.storage.getRun(String(args.runId));
      if (!run) return { __typename: "RunNotFoundError", runId: args.runId, message: `No run ${JSON.stringify(args.runId)}` };
      if (isTerminalRunStatus(run.status)) return { __typename: "RunNotCancelableError", status: run.status, message: `Run ${run.runId} already ended ${run.status}.` };
      await ctx.options.runs.cancel(run, "canceled from the UI");
      return { __typename: "CancelRunSuccess", run: (await ctx.options.storage.getRun(run.runId)) ?? run };
    },
    setInstigatorStatus: async (_p, args, ctx) => {
      if (!ctx.viewer.canMutate) return unauthorized;
      const node = instigators(ctx).find((i) => instigatorId(i) === args.id);
      if (!node) return { __typename: "InstigatorNotFoundError", message: `No schedule or sensor ${JSON.stringify(args.id)}; ids are <location>:<name>.` };
      const current = await ctx.options.storage.getInstigatorState(String(args.id));
      const status = args.status as "RUNNING" | "STOPPED";
      await ctx.options.storage.upsertInstigatorState({
        id: instigatorId(node),
        kind: node.kind,
        status,
        cursor: current?.cursor ?? null,
        startedAt: status === "RUNNING" ? (current?.status === "RUNNING" ? current.startedAt : ctx.now) : (current?.startedAt ?? null),
      });
      ctx.cache.delete("instigators");
      return node;
    },
    reloadLocation: async (_p, args, ctx) => {
      if (!ctx.viewer.canMutate) return unauthorized;
      const name = String(args.name);
      if (!ctx.options.definitions.list().some((l) => l.name === name)) return { __typename: "LocationNotFoundError", message: `No code location ${JSON.stringify(name)}.` };
      return { __typename: "CodeLocation", ...locationView(await ctx.options.definitions.reload(name)) };
    },
  },

  Asset: {
    path: (a: AssetNode) => [...parseAssetKey(a.key)],
    tags: (a: AssetNode) => tags(a.tags),
    dependents: (a: AssetNode, _args, ctx) => [...graphOf(ctx).graph.downstreamOf(a.key)],
    upstream: (a: AssetNode, _args, ctx) => a.deps.flatMap((d) => graphOf(ctx).assets.get(d) ?? []),
    downstream: (a: AssetNode, _args, ctx) => graphOf(ctx).graph.downstreamOf(a.key).flatMap((d) => graphOf(ctx).assets.get(d) ?? []),
    partitions: (a: AssetNode) => {
      const p = a.partitions;
      if (p === null) return null;
      return p.kind === "static"
        ? { kind: "static", keys: p.keys, cadence: null, timezone: null, start: null, format: null }
        : { kind: "time-window", cadence: p.cadence, timezone: p.timezone, start: p.start, format: p.format, keys: null };
    },
    partitionStatus: async (a: AssetNode, _args, ctx) => {
      if (a.partitions === null) return null;
      const keys = partitionsFromSnapshot(a.partitions).keys(new Date(ctx.now));
      const done = new Map((await ctx.options.storage.getPartitionMaterializations(a.key)).map((e) => [e.partition ?? "", e]));
      // A partition is FAILED when its newest failed run is newer than its materialization.
      const failedRuns = await ctx.options.storage.listRuns({ assetKey: a.key, statuses: ["FAILURE"] }, { limit: 200 });
      const failed = new Map<string, RunRecord>();
      for (const run of failedRuns.items) if (run.partitionKey !== null && !failed.has(run.partitionKey)) failed.set(run.partitionKey, run);
      const states = keys.map((key) => {
        const mat = done.get(key);
        const fail = failed.get(key);
        if (fail && (!mat || mat.timestamp < (fail.endedAt ?? fail.updatedAt))) return { key, status: "FAILED", runId: fail.runId, timestamp: fail.endedAt };
        return mat ? { key, status: "MATERIALIZED", runId: mat.runId, timestamp: mat.timestamp } : { key, status: "MISSING", runId: null, timestamp: null };
      });
      return {
        total: keys.length,
        materialized: states.filter((s) => s.status === "MATERIALIZED").length,
        failed: states.filter((s) => s.status === "FAILED").length,
        states,
      };
    },
    status: (a: AssetNode, _args, ctx) => assetStatus(ctx, a.key),
    latestMaterialization: async (a: AssetNode, _args, ctx) => {
      const entry = (await latestByAsset(ctx)).get(a.key);
      return entry ? materialization(entry) : null;
    },
    latestRun: async (a: AssetNode, _args, ctx) => {
      const page = await ctx.options.storage.listRuns({ assetKey: a.key }, { limit: 1 });
      return page.items[0] ?? null;
    },
    materializations: async (a: AssetNode, args, ctx) => {
      const first = clampFirst(args.first, 50);
      const page = await ctx.options.storage.getMaterializationHistory(a.key, { limit: first, cursor: afterArg(args.after) });
      const nodes = page.items.flatMap((event) => {
        const body = event.body;
        if (body.type !== "ASSET_MATERIALIZATION") return [];
        return [materialization({ id: event.id, runId: event.runId, timestamp: event.timestamp, partition: body.partition, metadata: body.metadata })];
      });
      return { nodes, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
    },
    checks: async (a: AssetNode, _args, ctx) => {
      const results = await latestChecks(ctx);
      return a.checks.map((check) => {
        const result = results.get(`${a.key}\u0000${check.name}`);
        // A check not yet run shows the severity it is declared with.
        return { ...check, passed: result?.passed ?? null, severity: result?.severity ?? check.severity, timestamp: result?.timestamp ?? null, runId: result?.runId ?? null };
      });
    },
    freshnessPolicy: (a: AssetNode) => (a.freshnessPolicy ? JSON.stringify(a.freshnessPolicy) : null),
    freshness: (a: AssetNode, _args, ctx) => freshnessOf(ctx, a),
    schedules: (a: AssetNode, _args, ctx) => instigators(ctx).filter((i) => i.kind === "schedule" && targetKeys(ctx, i).has(a.key)),
    sensors: (a: AssetNode, _args, ctx) => instigators(ctx).filter((i) => i.kind === "sensor" && targetKeys(ctx, i).has(a.key)),
  },

  AssetGraphNode: {
    freshness: async (n: { key: string }, _args, ctx) => (await freshnessOf(ctx, graphOf(ctx).assets.get(n.key)))?.state ?? null,
  },

  PartitionStatus: {
    partitions: (p: { states: unknown[] }, args) => {
      const first = clampFirst(args.first, 500, 10_000);
      return p.states.length > first ? p.states.slice(p.states.length - first) : p.states;
    },
  },

  Run: {
    partition: (r: RunRecord) => r.partitionKey,
    tags: (r: RunRecord) => tags(r.tags),
    durationMs: (r: RunRecord) => (r.startedAt !== null && r.endedAt !== null ? r.endedAt - r.startedAt : null),
    canCancel: (r: RunRecord) => !isTerminalRunStatus(r.status),
    message: async (r: RunRecord, _args, ctx) => {
      if (r.status !== "FAILURE" && r.status !== "CANCELED") return null;
      return summarizeRun(await getEventsAll(ctx, r.runId)).message;
    },
    steps: async (r: RunRecord, _args, ctx) =>
      summarizeRun(await getEventsAll(ctx, r.runId)).steps.map((s) => ({
        ...s,
        errorMessage: s.error ? `${s.error.name}: ${s.error.message}` : null,
        materializedAssets: [...new Set(s.materializations.map((m) => m.assetKey))],
      })),
    events: async (r: RunRecord, args, ctx) => {
      const first = clampFirst(args.first, 500, 1000);
      const events = await ctx.options.storage.getEvents(r.runId, {
        limit: first,
        ...(typeof args.after === "number" ? { afterId: args.after } : {}),
        ...(Array.isArray(args.types) && args.types.length > 0 ? { types: args.types } : {}),
        ...(typeof args.stepKey === "string" ? { stepKey: args.stepKey } : {}),
      });
      return events.map(runEventView);
    },
  },

  Instigator: {},
  Schedule: instigatorFields(),
  Sensor: (({ nextTicks: _unused, ...rest }) => rest)(instigatorFields()),

  Tick: {
    createdAt: (t: Tick) => t.createdAt,
  },
};

function instigatorFields(): Record<string, (parent: any, args: Args, ctx: RequestContext) => unknown> {
  return {
    id: (i: InstigatorNode) => instigatorId(i),
    status: (i: InstigatorNode, _args, ctx) => instigatorStatus(ctx, i),
    ticks: async (i: InstigatorNode, args, ctx) => {
      const first = clampFirst(args.first, 20, 200);
      return (await ctx.options.storage.listTicks(instigatorId(i), { limit: first, cursor: afterArg(args.after) })).items;
    },
    nextTicks: (i: InstigatorNode, args, ctx) => {
      if (i.kind !== "schedule") return [];
      const count = clampFirst(args.count, 3, 50);
      return nextScheduleTimes(i, new Date(ctx.now), count).map((d) => d.getTime());
    },
  };
}

async function daemonStatus(ctx: RequestContext) {
  const beats = await memo(ctx, "daemon", () => ctx.options.storage.listDaemonHeartbeats(ctx.now - 10 * 60_000));
  const loops = beats.map((b) => ({ ...b, healthy: ctx.now - b.at < DAEMON_STALE_MS }));
  return { healthy: loops.length > 0 && loops.every((l) => l.healthy), loops };
}

/** Union/interface members are chosen by `__typename` on results, or by shape for instigators. */
export function resolveTypeName(value: any): string | undefined {
  if (typeof value?.__typename === "string") return value.__typename as string;
  if (value?.kind === "schedule") return "Schedule";
  if (value?.kind === "sensor") return "Sensor";
  return undefined;
}
