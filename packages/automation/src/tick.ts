/**
 * One automation tick against storage: gathers what the pure evaluator reads with few queries —
 * the asset index in one query, one partition-status query per partitioned asset (run a few at a
 * time), the materializations since the previous tick in one, the runs in progress and (only when
 * a condition asks about failures) recent failed runs page by page, the keys of the dynamic
 * partitions in use — then evaluates. `AutomationReader` is the part of the Storage interface it
 * uses, so the daemon and the CLI pass their storage as it is and this package needs no database.
 */
import type { AssetGraph, AutomationConditionSnapshot, PartitionsSnapshot, RunStatus } from "@flyt/core";
import { conditionChildren } from "./conditions.js";
import { decodeAutomationCursor } from "./cursor.js";
import { CronClock } from "./cron-clock.js";
import { evaluateAutomation } from "./evaluate.js";
import { IN_PROGRESS_RUN_STATUSES, UPDATE_OVERLAP_MS, type AutomationAssetFacts, type AutomationOutput, type AutomationRun, type PartitionStatusInput, type RecentMaterialization } from "./input.js";
import type { DynamicPartitionsInput } from "./space.js";
import type { LatestMaterialization } from "./staleness.js";

/** What a tick reads from storage: a structural subset of @flyt/storage's `Storage`. */
export interface AutomationReader {
  getLatestMaterializations(assetKeys?: string[]): Promise<LatestMaterialization[]>;
  getPartitionStatus(assetKey: string): Promise<PartitionStatusInput>;
  /**
   * Optional: the status of many assets in one round trip. Used when the reader has it; otherwise
   * `getPartitionStatus` is called once per partitioned asset, a few at a time.
   */
  getPartitionStatuses?(assetKeys: string[]): Promise<Array<PartitionStatusInput & { assetKey: string }>>;
  getMaterializationsSince(assetKeys: string[], since: number, limit?: number): Promise<RecentMaterialization[]>;
  listRuns(
    filter?: { statuses?: RunStatus[]; endedAfter?: number },
    page?: { limit?: number; cursor?: string | null },
  ): Promise<{ items: Array<AutomationRun & { endedAt: number | null }>; nextCursor: string | null }>;
  listDynamicPartitions(name: string, page?: { limit?: number; cursor?: string | null }): Promise<{ items: Array<{ key: string; index: number }>; nextCursor: string | null }>;
}

export interface AutomationTickOptions {
  /** Epoch ms of the tick. */
  now: number;
  tickId: number;
  /** The previous tick's cursor (storage's getAutomationCursor()). */
  cursor: string | null;
  /** The code location of an asset. */
  locationOf: (assetKey: string) => string;
  /** Whether automation is on for a location (default: on). */
  enabled?: (location: string) => boolean;
  /** Partition-status queries in flight at once (default 16). */
  concurrency?: number;
}

/** Where a tick's time went. */
export interface AutomationTickStats {
  /** Waiting on storage (wall time of the reads). */
  databaseMs: number;
  /** The pure evaluation. */
  evaluationMs: number;
  /** Storage calls made. */
  queries: number;
  /** Assets evaluated. */
  assets: number;
}

/** Most pages of runs read for one question (1,000 runs a page). */
const MAX_RUN_PAGES = 50;
/** How far back a failed run is looked for when a condition asks about failures. */
const FAILURE_LOOKBACK_MS = 30 * 24 * 3600_000;
const PAGE = 1000;

/**
 * Reads what the tick needs from `reader` and evaluates every asset's condition (see
 * `evaluateAutomation`). The caller stores the result (`recordAutomationTick`) and creates the runs.
 * @example
 * const { output, stats } = await evaluateAutomationTick(storage, graph, { now: Date.now(), tickId, cursor: await storage.getAutomationCursor(), locationOf });
 */
export async function evaluateAutomationTick(reader: AutomationReader, graph: AssetGraph, options: AutomationTickOptions): Promise<{ output: AutomationOutput; stats: AutomationTickStats }> {
  const enabled = options.enabled ?? (() => true);
  let queries = 0;
  let databaseMs = 0;
  const timed = async <T>(read: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await read();
    } finally {
      databaseMs += performance.now() - started;
    }
  };

  // The assets evaluated and every dependency their conditions may read.
  const evaluated: string[] = [];
  const needed = new Set<string>();
  let asksFailures = false;
  const cronsWithoutMemory: Array<{ cron: string; timezone: string }> = [];
  const previous = decodeAutomationCursor(options.cursor).cursor;
  for (const [key, node] of graph.nodes) {
    const condition = node.automationCondition;
    if (condition === null || condition === undefined || !enabled(options.locationOf(key))) continue;
    evaluated.push(key);
    needed.add(key);
    for (const dep of graph.upstreamOf(key)) if (graph.nodes.has(dep)) needed.add(dep);
    walk(condition, (n) => {
      if (n.kind === "execution_failed") asksFailures = true;
      // A partitioned updated_since_cron without memory must read back to the cron's latest tick.
      if (n.kind === "updated_since_cron" && (previous === null || !previous.assets.has(key))) cronsWithoutMemory.push({ cron: n.cron, timezone: n.timezone });
    });
  }
  const keys = [...needed];
  const facts = new Map<string, AutomationAssetFacts>();
  for (const key of keys) facts.set(key, {});

  const latest = keys.length === 0 ? [] : await timed(() => (queries++, reader.getLatestMaterializations(keys)));
  for (const entry of latest) {
    const f = facts.get(entry.assetKey);
    if (f && (!f.latest || entry.timestamp > f.latest.timestamp)) f.latest = entry;
  }

  // Partition status, a few queries in flight at once.
  const partitioned = keys.filter((key) => graph.get(key)?.partitions);
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? 16));
  const statusStarted = performance.now();
  let next = 0;
  if (reader.getPartitionStatuses !== undefined && partitioned.length > 0) {
    const BATCH = 1000;
    for (let i = 0; i < partitioned.length; i += BATCH) {
      queries++;
      for (const status of await reader.getPartitionStatuses(partitioned.slice(i, i + BATCH))) {
        const f = facts.get(status.assetKey);
        if (f) f.partitionStatus = status;
      }
    }
    next = partitioned.length;
  }
  await Promise.all(
    Array.from({ length: Math.min(concurrency, partitioned.length) }, async () => {
      while (next < partitioned.length) {
        const key = partitioned[next++]!;
        queries++;
        facts.get(key)!.partitionStatus = await reader.getPartitionStatus(key);
      }
    }),
  );
  databaseMs += performance.now() - statusStarted;

  // Materializations since the previous tick (minus the overlap), or since a cron's latest tick.
  let since = previous?.tickTime ?? options.now;
  if (cronsWithoutMemory.length > 0) {
    const clock = new CronClock(options.now, previous?.tickTime ?? null);
    for (const { cron, timezone } of cronsWithoutMemory) {
      const latestTick = clock.of(cron, timezone).latest;
      if (latestTick !== null) since = Math.min(since, latestTick);
    }
  }
  since = Math.max(0, since - UPDATE_OVERLAP_MS);
  const materializations = keys.length === 0 ? [] : await timed(() => (queries++, reader.getMaterializationsSince(keys, since)));

  // Runs in progress.
  const runsInProgress: AutomationRun[] = [];
  const neededSet = needed;
  await timed(async () => {
    let cursor: string | null = null;
    for (let page = 0; page < MAX_RUN_PAGES; page++) {
      queries++;
      const result = await reader.listRuns({ statuses: [...IN_PROGRESS_RUN_STATUSES] }, { limit: PAGE, cursor });
      for (const run of result.items) if (run.assetKeys.some((key) => neededSet.has(key))) runsInProgress.push(run);
      cursor = result.nextCursor;
      if (cursor === null) break;
    }
  });

  // Latest failures of unpartitioned assets, only when a condition asks.
  if (asksFailures) {
    // Failures after the oldest latest materialization matter (an older one was followed by a success).
    let after = options.now;
    for (const key of keys) after = Math.min(after, (facts.get(key)!.latest?.timestamp ?? 0) - 1);
    after = Math.max(after, options.now - FAILURE_LOOKBACK_MS);
    await timed(async () => {
      let cursor: string | null = null;
      for (let page = 0; page < MAX_RUN_PAGES; page++) {
        queries++;
        const result = await reader.listRuns({ statuses: ["FAILURE"], endedAfter: after }, { limit: PAGE, cursor });
        for (const run of result.items) {
          if (run.endedAt === null) continue;
          for (const key of run.assetKeys) {
            const f = facts.get(key);
            if (f && (!f.latestFailure || run.endedAt > f.latestFailure.at)) f.latestFailure = { runId: run.runId, at: run.endedAt };
          }
        }
        cursor = result.nextCursor;
        if (cursor === null) break;
      }
    });
  }

  // Keys of dynamic partitions in use.
  const dynamicPartitions = new Map<string, DynamicPartitionsInput>();
  const dynamicNames = new Set<string>();
  for (const key of keys) {
    const partitions: PartitionsSnapshot | null | undefined = graph.get(key)?.partitions;
    if (partitions?.kind === "dynamic") dynamicNames.add(partitions.name);
  }
  for (const name of dynamicNames) {
    const list: Array<{ key: string; index: number }> = [];
    await timed(async () => {
      let cursor: string | null = null;
      for (;;) {
        queries++;
        const result = await reader.listDynamicPartitions(name, { limit: PAGE, cursor });
        for (const item of result.items) list.push({ key: item.key, index: item.index });
        cursor = result.nextCursor;
        if (cursor === null) break;
      }
    });
    dynamicPartitions.set(name, { keys: list });
  }

  const started = performance.now();
  const output = evaluateAutomation({
    graph,
    now: options.now,
    tickId: options.tickId,
    cursor: options.cursor,
    facts,
    runsInProgress,
    materializations,
    dynamicPartitions,
    locationOf: options.locationOf,
    enabled,
  });
  const evaluationMs = performance.now() - started;
  return { output, stats: { databaseMs, evaluationMs, queries, assets: evaluated.length } };
}

function walk(node: AutomationConditionSnapshot, visit: (node: AutomationConditionSnapshot) => void, depth = 0): void {
  if (depth > 64 || typeof node !== "object" || node === null) return;
  visit(node);
  for (const child of conditionChildren(node)) walk(child, visit, depth + 1);
}
