/**
 * The backfill loop (leader only): plans REQUESTED backfills against the workspace's assets and
 * what storage knows, then drives each IN_PROGRESS one pass by pass — folds the runs that ended
 * into its range-encoded progress, skips what reads a failed target, creates the runs of the
 * chunks that may launch (up to its `maxConcurrentRuns`), and completes it — and winds CANCELING
 * ones down. Every run goes through the run queue like any other (origin "backfill", instigator
 * `backfill:<id>`, run key `<unit>:<first position>`, tag `flyt/backfill=<id>`).
 *
 * Crash safety comes from storage alone: a run is created before the progress saying so is
 * written, and `(instigator, runKey)` is unique, so a leader killed between the two is followed by
 * one that asks for the same chunk, gets the existing run back (`created: false`) and records it;
 * a new leader re-reads every ended run of the backfill once and re-applies it (applying is
 * idempotent). So no chunk launches twice and none is forgotten, and no `resume` is ever needed.
 */
import { AssetGraph, BACKFILL_TAG, coerceError, FlytError, isCallerFault, LeaseLostError, resolveSelection, type AssetNodeSnapshot, type BackfillAssetProgress, type BackfillRecord, type RunRecord, type RunStatus } from "@flyt/core";
import {
  applyRunOutcomes,
  BackfillPlanningError,
  backfillCounts,
  cancelUnlaunched,
  chunkForRunKey,
  completionStatus,
  initialProgress,
  isBackfillComplete,
  isBackfillPlan,
  markChunksLaunched,
  nextLaunchableChunks,
  planBackfill,
  requestedPartitionKeys,
  skipBlockedTargets,
  unsettledRunKeys,
  validateBackfillRequest,
  type BackfillChunk,
  type BackfillPlan,
  type BackfillPlanInputs,
  type RunOutcome,
} from "@flyt/backfills";
import { decodeRanges, rangeOf, rangesFromIndices } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import type { Clock } from "../clock.js";
import { fenced, type FenceSource } from "../instigators.js";
import { METRICS, type MetricRegistry } from "../metrics.js";
import { retryPolicy } from "../run-retries.js";
import { chunkRunFields, positionsOfKeys } from "./chunk-runs.js";

/** An asset of a loaded code location. */
export interface LocatedAsset {
  node: AssetNodeSnapshot;
  location: string;
}

export interface BackfillLoopOptions {
  storage: Storage;
  clock: Clock;
  metrics: MetricRegistry;
  /** The assets of every loaded code location, re-read every pass (plans are made against them). */
  assets: () => Promise<readonly LocatedAsset[]> | readonly LocatedAsset[];
  /** Checked before each backfill: a process that lost leadership stops writing. */
  isActive?: () => boolean;
  /** The leader's fence: runs and backfill updates written with it are refused once another daemon leads. */
  fence?: FenceSource;
  onError: (error: Error) => void;
  /** What the loop did (planned, completed, canceled), one line each. */
  log?: (level: "info" | "warn", message: string) => void;
  /** Runs created per backfill per pass at most (default 200), so one huge backfill cannot stall the pass. */
  maxLaunchesPerPass?: number;
  /**
   * Drive only these backfills (`flyt backfill` driving its own while no daemon runs: it plans
   * against its own locations only, so it must not touch backfills of others). Default: every one.
   */
  backfillIds?: readonly string[];
}

/** The instigator of every run of backfill `id`. */
export function backfillInstigator(backfillId: string): string {
  return `backfill:${backfillId}`;
}

const LIVE_STATUSES: RunStatus[] = ["QUEUED", "STARTING", "STARTED", "CANCELING"];
const ENDED_STATUSES: RunStatus[] = ["SUCCESS", "FAILURE", "CANCELED"];
/** Runs ended this long before a pass are read again by the next (writers' clocks and commit order differ). */
const ENDED_OVERLAP_MS = 5 * 60_000;
const PAGE = 1000;
/** Partitions of a canceled run above which what it materialized is read from the status, not its events. */
const MAX_EVENTS_READ = 10_000;

/** What this process remembers of one backfill while it leads (forgotten on a change of leader). */
interface Memory {
  plan: BackfillPlan;
  /** Ended runs already folded into the stored progress. */
  applied: Set<string>;
  /** Runs ended after this (minus the overlap) are read next pass; null: read every ended run. */
  endedAfter: number | null;
  /** Folded into this pass's progress, not stored yet: they join `applied` once the progress is written. */
  pending: Set<string>;
  pendingEndedAfter: number | null;
}

function newMemory(plan: BackfillPlan): Memory {
  return { plan, applied: new Set(), endedAfter: null, pending: new Set(), pendingEndedAfter: null };
}

/** This pass's progress was stored (or needed no write): what it folded in counts as applied. */
function commit(memory: Memory): void {
  for (const id of memory.pending) memory.applied.add(id);
  memory.pending.clear();
  if (memory.pendingEndedAfter !== null) memory.endedAfter = memory.pendingEndedAfter;
  memory.pendingEndedAfter = null;
}

/** A pass starts from the stored progress: what an earlier pass folded in without storing it is folded in again. */
function begin(memory: Memory): void {
  memory.pending.clear();
  memory.pendingEndedAfter = null;
}

export class BackfillLoop {
  private readonly memory = new Map<string, Memory>();
  /** Run key of a run whose retries carry the backfill tag (the retry's own key is `retry-of:…`). */
  private readonly rootRunKeys = new Map<string, string | null>();
  private registered: string | null = null;
  /** Backfills REQUESTED, IN_PROGRESS or CANCELING at the last pass. */
  private inFlight = 0;

  constructor(private readonly options: BackfillLoopOptions) {}

  /** Forget what this process remembers (after a change of leader another may have driven the backfills). */
  reset(): void {
    this.memory.clear();
    this.registered = null;
  }

  /** Whether the last pass found backfills to drive (the daemon wakes the loop on run ends only then). */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  private active(): boolean {
    return this.options.isActive === undefined || this.options.isActive();
  }

  async pass(): Promise<void> {
    const { storage, metrics, clock } = this.options;
    const started = clock.now();
    const backfills: BackfillRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await storage.listBackfills({ statuses: ["REQUESTED", "IN_PROGRESS", "CANCELING"] }, { limit: 100, cursor });
      const only = this.options.backfillIds;
      backfills.push(...(only === undefined ? page.items : page.items.filter((b) => only.includes(b.backfillId))));
      cursor = page.nextCursor;
    } while (cursor !== null);
    metrics.setGauge(METRICS.backfillsActive, backfills.length);
    this.inFlight = backfills.length;
    // Oldest first: an earlier request gets its runs into the queue first.
    for (const backfill of backfills.reverse()) {
      if (!this.active()) return;
      try {
        if (backfill.status === "REQUESTED") await this.plan(backfill);
        else if (backfill.status === "IN_PROGRESS") await this.drive(backfill);
        else await this.cancel(backfill);
      } catch (error) {
        if (error instanceof LeaseLostError) throw error;
        this.options.onError(new Error(`backfill ${backfill.backfillId}: ${coerceError(error).message}`, { cause: error }));
      }
    }
    for (const id of this.memory.keys()) if (!backfills.some((b) => b.backfillId === id)) this.memory.delete(id);
    if (backfills.length > 0) metrics.observe(METRICS.backfillPassMs, Math.max(0, clock.now() - started));
  }

  // ─── planning ──────────────────────────────────────────────────────────────────────────────

  /** Registers the partitions definitions of the loaded assets with storage when they changed (status bitmaps key on them). */
  private async register(assets: readonly LocatedAsset[]): Promise<void> {
    const entries = assets.filter((a) => a.node.partitions !== null && a.node.partitions !== undefined).map((a) => ({ assetKey: a.node.key, partitions: a.node.partitions! }));
    entries.sort((a, b) => (a.assetKey < b.assetKey ? -1 : a.assetKey > b.assetKey ? 1 : 0));
    const signature = JSON.stringify(entries);
    if (signature === this.registered) return;
    await this.options.storage.putPartitionsDefinitions(entries);
    this.registered = signature;
  }

  private async plan(backfill: BackfillRecord): Promise<void> {
    const { storage, clock } = this.options;
    const assets = await this.options.assets();
    if (assets.length === 0) return; // No location loaded yet: plan once one is.
    await this.register(assets);
    const graph = new AssetGraph(assets.map((a) => a.node));
    const locations = new Map(assets.map((a) => [a.node.key, a.location]));
    const now = clock.now();
    let plan: BackfillPlan;
    try {
      const request = validateBackfillRequest(backfill.request, graph, { now });
      plan = planBackfill(request, graph, await this.planInputs(backfill, graph, locations, now));
    } catch (error) {
      // The request no longer fits the workspace (or never did): say why, for good. Anything else
      // (storage unreachable) is retried next pass.
      if (!(error instanceof FlytError) || !isCallerFault(error)) throw error;
      if (await this.canceledMeanwhile(backfill.backfillId)) return;
      await storage.updateBackfill(backfill.backfillId, { status: "FAILED", error: error.message, endedAt: now }, fenced(this.options.fence));
      this.options.log?.("warn", `backfill ${backfill.backfillId} failed to plan: ${error.message}`);
      return;
    }
    if (await this.canceledMeanwhile(backfill.backfillId)) return;
    const progress = initialProgress(plan);
    const counts = backfillCounts(plan, progress);
    if (plan.totalTargets === 0) {
      await storage.updateBackfill(backfill.backfillId, { status: "COMPLETED_SUCCESS", plan, progress, counts, error: null, endedAt: now }, fenced(this.options.fence));
      this.options.log?.("info", `backfill ${backfill.backfillId}: nothing to do (no target)`);
      return;
    }
    await storage.updateBackfill(backfill.backfillId, { status: "IN_PROGRESS", plan, progress, counts, error: null }, fenced(this.options.fence));
    this.memory.set(backfill.backfillId, newMemory(plan));
    this.options.log?.("info", `backfill ${backfill.backfillId} planned: ${plan.totalTargets} targets of ${plan.assets.length} assets in ${plan.units.length} units`);
  }

  /** True when an operator canceled the backfill since it was read (its status must not be overwritten). */
  private async canceledMeanwhile(backfillId: string): Promise<boolean> {
    const current = await this.options.storage.getBackfill(backfillId);
    return current === null || current.status !== "REQUESTED";
  }

  private async planInputs(backfill: BackfillRecord, graph: AssetGraph, locations: ReadonlyMap<string, string>, now: number): Promise<BackfillPlanInputs> {
    const { storage } = this.options;
    const request = backfill.request;
    const inputs: BackfillPlanInputs = { now, locationOf: (key) => locations.get(key) ?? null };
    // The selection resolves again inside the planner; here only to know what to read.
    const nodes = [...resolveSelection(graph, request.selection)].map((key) => graph.get(key)!);
    const dynamicNames = [...new Set(nodes.flatMap((n) => (n.partitions?.kind === "dynamic" ? [n.partitions.name] : [])))];
    if (dynamicNames.length > 0) {
      const dynamicPartitions: Record<string, string> = {};
      const dynamicKeyPositions: Record<string, Record<string, number>> = {};
      const named = requestedPartitionKeys(request);
      for (const name of dynamicNames) {
        dynamicPartitions[name] = (await storage.getDynamicPartitionsIndex(name)).indices;
        if (named.length > 0) dynamicKeyPositions[name] = Object.fromEntries((await storage.getDynamicPartitions(name, named)).map((k) => [k.key, k.index]));
      }
      inputs.dynamicPartitions = dynamicPartitions;
      inputs.dynamicKeyPositions = dynamicKeyPositions;
    }
    if (request.partitions.kind === "missing") {
      const materialized: Record<string, string> = {};
      const unpartitioned = nodes.filter((n) => n.partitions === null || n.partitions === undefined).map((n) => n.key);
      if (unpartitioned.length > 0) for (const entry of await storage.getLatestMaterializations(unpartitioned)) materialized[entry.assetKey] = "0";
      for (const node of nodes) if (node.partitions !== null && node.partitions !== undefined) materialized[node.key] = (await storage.getPartitionStatus(node.key)).materialized;
      inputs.materialized = materialized;
    }
    if (request.partitions.kind === "failed") inputs.previous = await this.previousOf(backfill);
    return inputs;
  }

  /** The backfill a `failed` set retries: the one it names, else the newest earlier one of the same selection. */
  private async previousOf(backfill: BackfillRecord): Promise<BackfillPlanInputs["previous"]> {
    const set = backfill.request.partitions;
    if (set.kind !== "failed") return null;
    const { storage } = this.options;
    if (set.backfillId !== undefined) {
      const named = await storage.getBackfill(set.backfillId);
      if (named === null) throw new BackfillPlanningError("partitions.backfillId", `no backfill with id ${JSON.stringify(set.backfillId)}`);
      return { backfillId: named.backfillId, progress: named.progress };
    }
    let cursor: string | null = null;
    do {
      const page = await storage.listBackfills({}, { limit: 100, cursor });
      for (const candidate of page.items) {
        if (candidate.backfillId === backfill.backfillId || candidate.createdAt > backfill.createdAt) continue;
        if (candidate.request.selection === backfill.request.selection && candidate.progress.length > 0) return { backfillId: candidate.backfillId, progress: candidate.progress };
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    throw new BackfillPlanningError("partitions", `no earlier backfill of selection ${JSON.stringify(backfill.request.selection)} to retry; name one with partitions.backfillId`);
  }

  // ─── driving ───────────────────────────────────────────────────────────────────────────────

  private memoryOf(backfill: BackfillRecord): Memory {
    let memory = this.memory.get(backfill.backfillId);
    if (memory === undefined) {
      if (!isBackfillPlan(backfill.plan)) throw new Error(`its stored plan is not one this daemon can read (plan version ${JSON.stringify((backfill.plan as { version?: unknown } | null)?.version ?? null)})`);
      memory = newMemory(backfill.plan);
      this.memory.set(backfill.backfillId, memory);
    }
    return memory;
  }

  /** Every run of the backfill in these statuses (its retries included: they carry its tag). */
  private async runsOf(backfillId: string, statuses: RunStatus[], endedAfter?: number): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.options.storage.listRuns(
        { tags: { [BACKFILL_TAG]: backfillId }, statuses, ...(endedAfter === undefined ? {} : { endedAfter }) },
        { limit: PAGE, cursor },
      );
      runs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return runs;
  }

  /** The run key of the chunk a run of the backfill computes: its own, or for a retry its root run's. */
  private async chunkKeyOf(backfillId: string, run: RunRecord): Promise<string | null> {
    if (run.instigator === backfillInstigator(backfillId)) return run.runKey;
    const root = run.rootRunId ?? run.parentRunId;
    if (root === null) return null;
    if (!this.rootRunKeys.has(root)) {
      const original = await this.options.storage.getRun(root);
      this.rootRunKeys.set(root, original !== null && original.instigator === backfillInstigator(backfillId) ? original.runKey : null);
      if (this.rootRunKeys.size > 100_000) this.rootRunKeys.clear();
    }
    return this.rootRunKeys.get(root) ?? null;
  }

  /**
   * What a run that did not succeed materialized of its chunk, per asset. A failed run: storage's
   * status read back (the failure marked FAILED every target it did not materialize, so the rest
   * of the chunk it did). A canceled run (no such mark) and unpartitioned ones: the run's own
   * materializations, read from its events, unless the chunk is too big to read them all.
   */
  private async materializedBy(run: RunRecord, chunk: BackfillChunk, plan: BackfillPlan): Promise<Record<string, string>> {
    const { storage } = this.options;
    const out: Record<string, string> = {};
    const own = rangeOf(chunk.start, chunk.end);
    const partitions = chunk.partitions;
    if (partitions === null || (run.status === "CANCELED" && chunk.end - chunk.start <= MAX_EVENTS_READ)) {
      const keys = new Map<string, Set<string | null>>();
      for (const event of await storage.getEvents(run.runId, { types: ["ASSET_MATERIALIZATION"] })) {
        if (event.body.type !== "ASSET_MATERIALIZATION" || !chunk.assetKeys.includes(event.body.assetKey)) continue;
        (keys.get(event.body.assetKey) ?? keys.set(event.body.assetKey, new Set()).get(event.body.assetKey)!).add(event.body.partition);
      }
      for (const [asset, found] of keys) {
        if (partitions === null) out[asset] = "0";
        else out[asset] = rangesFromIndices(await positionsOfKeys(storage, plan, partitions, [...found].filter((k): k is string => k !== null))).intersect(own).encode();
      }
      return out;
    }
    for (const key of chunk.assetKeys) {
      const status = await storage.getPartitionStatus(key);
      out[key] = decodeRanges(status.materialized).subtract(decodeRanges(status.failed)).intersect(own).encode();
    }
    return out;
  }

  /**
   * Folds ended runs of the backfill into the progress in one go, oldest end first (a retry's
   * success after its parent's failure). Runs of no chunk, and failures a retry will settle, are
   * left out; a failure or cancel whose chunk the progress already settled is not read back again.
   */
  private async applyEnded(backfillId: string, memory: Memory, runs: readonly RunRecord[], progress: BackfillAssetProgress[]): Promise<BackfillAssetProgress[]> {
    const fresh = runs.filter((run) => !memory.applied.has(run.runId) && !memory.pending.has(run.runId) && !(run.status === "FAILURE" && retryPolicy(run) !== null));
    if (fresh.length === 0) return progress;
    const ordered = [...fresh].sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    const keyed: Array<{ run: RunRecord; runKey: string; chunk: BackfillChunk }> = [];
    for (const run of ordered) {
      const runKey = await this.chunkKeyOf(backfillId, run);
      const chunk = runKey === null ? null : chunkForRunKey(memory.plan, runKey);
      if (runKey === null || chunk === null) memory.pending.add(run.runId);
      else keyed.push({ run, runKey, chunk });
    }
    const unsettled = unsettledRunKeys(memory.plan, progress, keyed.filter((k) => k.run.status !== "SUCCESS").map((k) => k.runKey));
    const outcomes: RunOutcome[] = [];
    for (const { run, runKey, chunk } of keyed) {
      const status = run.status as RunOutcome["status"];
      if (status === "SUCCESS") outcomes.push({ runKey, status });
      else if (unsettled.has(runKey)) outcomes.push({ runKey, status, materialized: await this.materializedBy(run, chunk, memory.plan) });
    }
    const next = outcomes.length === 0 ? progress : applyRunOutcomes(memory.plan, progress, outcomes);
    for (const { run } of keyed) memory.pending.add(run.runId);
    return next;
  }

  /** Folds the backfill's runs that ended since the last pass (every one, the first time) into its progress. */
  private async observeEnded(backfill: BackfillRecord, memory: Memory, progress: BackfillAssetProgress[]): Promise<BackfillAssetProgress[]> {
    const passStarted = this.options.clock.now();
    const ended = await this.runsOf(backfill.backfillId, ENDED_STATUSES, memory.endedAfter === null ? undefined : memory.endedAfter - ENDED_OVERLAP_MS);
    const next = await this.applyEnded(backfill.backfillId, memory, ended, progress);
    memory.pendingEndedAfter = passStarted;
    return next;
  }

  private async drive(backfill: BackfillRecord): Promise<void> {
    const { storage, metrics, clock } = this.options;
    const memory = this.memoryOf(backfill);
    begin(memory);
    const plan = memory.plan;
    let progress = await this.observeEnded(backfill, memory, backfill.progress);
    progress = skipBlockedTargets(plan, progress).progress;
    const live = await this.runsOf(backfill.backfillId, LIVE_STATUSES);
    const liveKeys = new Map<string, string>();
    for (const run of live) {
      const key = await this.chunkKeyOf(backfill.backfillId, run);
      if (key !== null) liveKeys.set(run.runId, key);
    }
    const limit = backfill.request.maxConcurrentRuns ?? null;
    const capacity = Math.min(this.options.maxLaunchesPerPass ?? 200, limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit - live.length));
    const chunks = nextLaunchableChunks(plan, progress, capacity);
    const launched: BackfillChunk[] = [];
    const endedAlready: RunRecord[] = [];
    for (const chunk of chunks) {
      if (!this.active()) break;
      const fields = await chunkRunFields(storage, backfill, plan, chunk);
      const result = await storage.createRun({ ...fields, origin: "backfill", instigator: backfillInstigator(backfill.backfillId), runKey: chunk.runKey }, fenced(this.options.fence));
      launched.push(chunk);
      if (result.created) metrics.increment(METRICS.backfillRunsLaunched);
      // Created by a leader that died before recording it: recorded now; if it is over, folded in now.
      if (ENDED_STATUSES.includes(result.run.status)) endedAlready.push(result.run);
      else {
        live.push(result.run);
        liveKeys.set(result.run.runId, chunk.runKey);
      }
    }
    if (launched.length > 0) progress = markChunksLaunched(plan, progress, launched);
    progress = await this.applyEnded(backfill.backfillId, memory, endedAlready, progress);
    if (endedAlready.length > 0) progress = skipBlockedTargets(plan, progress).progress;
    const counts = backfillCounts(plan, progress, live.map((r) => ({ runKey: liveKeys.get(r.runId) ?? "", status: r.status })));
    const complete = live.length === 0 && isBackfillComplete(plan, progress);
    const changed = JSON.stringify(progress) !== JSON.stringify(backfill.progress) || JSON.stringify(counts) !== JSON.stringify(backfill.counts);
    if (complete) {
      const status = completionStatus(plan, progress);
      await storage.updateBackfill(backfill.backfillId, { status, progress, counts, endedAt: clock.now() }, fenced(this.options.fence));
      this.memory.delete(backfill.backfillId);
      this.options.log?.(status === "COMPLETED_SUCCESS" ? "info" : "warn", `backfill ${backfill.backfillId} ${status}: ${counts.materialized} of ${counts.total} targets materialized, ${counts.failed} failed, ${counts.skipped} skipped`);
    } else if (changed) {
      await storage.updateBackfill(backfill.backfillId, { progress, counts }, fenced(this.options.fence));
    }
    commit(memory);
  }

  // ─── canceling ─────────────────────────────────────────────────────────────────────────────

  private async cancel(backfill: BackfillRecord): Promise<void> {
    const { storage, clock } = this.options;
    const reason = `backfill ${backfill.backfillId} was canceled`;
    const live = await this.runsOf(backfill.backfillId, LIVE_STATUSES);
    for (const run of live) {
      // As the API cancels a run: a QUEUED run ends here (a racing claim loses: claims need
      // QUEUED); a started one is asked to stop (its launcher's process forwards it to the worker).
      if (run.status === "CANCELING") continue;
      await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: clock.now(), stepKey: null, body: { type: run.status === "QUEUED" ? "RUN_CANCELED" : "RUN_CANCELING", message: reason } }]);
    }
    if (!isBackfillPlan(backfill.plan)) {
      // Canceled before it was planned: nothing ran.
      await storage.updateBackfill(backfill.backfillId, { status: "CANCELED", endedAt: clock.now() }, fenced(this.options.fence));
      this.options.log?.("info", `backfill ${backfill.backfillId} CANCELED before it was planned`);
      return;
    }
    const memory = this.memoryOf(backfill);
    begin(memory);
    let progress = await this.observeEnded(backfill, memory, backfill.progress);
    progress = cancelUnlaunched(memory.plan, progress);
    const still = (await storage.getRuns(live.map((r) => r.runId))).filter((r) => LIVE_STATUSES.includes(r.status));
    const stillKeys = await Promise.all(still.map(async (r) => ({ runKey: (await this.chunkKeyOf(backfill.backfillId, r)) ?? "", status: r.status })));
    const counts = backfillCounts(memory.plan, progress, stillKeys);
    if (still.length === 0) {
      // The last runs' ends (some may have ended since the read above) are applied before it is closed.
      progress = cancelUnlaunched(memory.plan, await this.observeEnded(backfill, memory, progress));
      await storage.updateBackfill(backfill.backfillId, { status: "CANCELED", progress, counts: backfillCounts(memory.plan, progress), endedAt: clock.now() }, fenced(this.options.fence));
      this.memory.delete(backfill.backfillId);
      this.options.log?.("info", `backfill ${backfill.backfillId} CANCELED`);
      return;
    }
    await storage.updateBackfill(backfill.backfillId, { progress, counts }, fenced(this.options.fence));
    commit(memory);
  }
}
