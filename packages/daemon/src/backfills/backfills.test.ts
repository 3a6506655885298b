/**
 * The backfill loop in a real daemon on real storage (SQLite, and PostgreSQL when the suite has
 * it): runs go through the run queue to a launcher that materializes partitions as a worker does.
 * Three years of a daily asset and its monthly rollup complete in dependency order; a failed day
 * skips its month, and a retry of only the failed targets fills both; cancel stops the runs and
 * launches nothing more; maxConcurrentRuns bounds the backfill's runs at once.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { AssetGraph, BACKFILL_TAG, type AssetNodeSnapshot, type BackfillRecord, type BackfillRequest, type PartitionsSnapshot } from "@flyt/core";
import { partitionKeySpace } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { Daemon } from "../daemon.js";
import type { InstigatorEvaluator } from "../evaluator.js";
import { StaticLaunchResolver } from "../launch-resolver.js";
import { waitFor } from "../test-support.js";
import { backfillCounts, initialProgress, nextLaunchableChunks, planBackfill } from "@flyt/backfills";
import { chunkRunFields } from "./chunk-runs.js";
import { backfillInstigator } from "./loop.js";
import { PartitionLauncher, type Execution } from "./test-support.js";

const DAILY: PartitionsSnapshot = { kind: "time-window", cadence: "daily", start: "2021-01-01", end: "2024-01-01", timezone: "Europe/Oslo", format: "yyyy-MM-dd" };
const MONTHLY: PartitionsSnapshot = { kind: "time-window", cadence: "monthly", start: "2021-01", end: "2024-01", timezone: "Europe/Oslo", format: "yyyy-MM" };

function node(key: string, partitions: PartitionsSnapshot | null, deps: string[] = [], extra: Partial<AssetNodeSnapshot> = {}): AssetNodeSnapshot {
  return { key, deps, description: null, group: "met", owners: [], tags: {}, kinds: [], codeVersion: null, partitions, retryPolicy: null, stepKey: key, metadata: {}, ...extra };
}

const NODES = [node("met/daily", DAILY, [], { backfillPolicy: { kind: "multi-run", maxPartitionsPerRun: 31 } }), node("met/monthly", MONTHLY, ["met/daily"])];
const GRAPH = new AssetGraph(NODES);
const NO_INSTIGATORS = { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as InstigatorEvaluator;

async function withDaemon<T>(storage: Storage, launcher: PartitionLauncher, body: (daemon: Daemon) => Promise<T>): Promise<T> {
  const daemon = new Daemon({
    storage,
    evaluator: NO_INSTIGATORS,
    resolver: new StaticLaunchResolver(launcher, {}, { met: { launcher } }),
    assets: () => NODES.map((n) => ({ node: n, location: "met" })),
    intervals: { queuePollMs: 100, backfillsPollMs: 100 },
  });
  await daemon.start();
  try {
    return await body(daemon);
  } finally {
    await daemon.stop();
  }
}

async function until(storage: Storage, backfillId: string, done: (b: BackfillRecord) => boolean, timeoutMs: number, what: string): Promise<BackfillRecord> {
  let last: BackfillRecord | null = null;
  await waitFor(async () => {
    last = await storage.getBackfill(backfillId);
    return last !== null && done(last);
  }, timeoutMs, `${what} (last: ${JSON.stringify(last && { status: (last as BackfillRecord).status, counts: (last as BackfillRecord).counts, error: (last as BackfillRecord).error })})`, 50);
  return last!;
}

const terminal = (b: BackfillRecord): boolean => ["COMPLETED_SUCCESS", "COMPLETED_FAILED", "CANCELED", "FAILED"].includes(b.status);

/** The (asset, partition) targets each execution covered, counted. */
function materializations(executions: readonly Execution[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of executions) counts.set(`${e.asset} ${e.partition}`, (counts.get(`${e.asset} ${e.partition}`) ?? 0) + 1);
  return counts;
}

async function backfillRuns(storage: Storage, backfillId: string) {
  return (await storage.listRuns({ tags: { [BACKFILL_TAG]: backfillId } }, { limit: 1000 })).items;
}

describeEachBackend((backend) => `backfill loop (${backend})`, ({ storage }) => {
  const days = partitionKeySpace(DAILY).keysBetween(0, 1095);
  const months = partitionKeySpace(MONTHLY).keysBetween(0, 36);

  void it("fills three years of a daily asset and its monthly rollup, each month after all its days, every target once", { timeout: 120_000 }, async () => {
    const launcher = new PartitionLauncher(GRAPH);
    const request: BackfillRequest = { selection: "met/daily+", partitions: { kind: "range", from: "2021-01-01", to: "2023-12-31" } };
    const created = await storage.createBackfill({ request });
    const done = await withDaemon(storage, launcher, () => until(storage, created.backfillId, terminal, 90_000, "the backfill to complete"));
    assert.equal(done.status, "COMPLETED_SUCCESS", done.error ?? "");
    assert.deepEqual(done.counts, { total: 1095 + 36, requested: 0, queued: 0, inProgress: 0, materialized: 1131, failed: 0, skipped: 0, canceled: 0 });
    const counts = materializations(launcher.executions);
    assert.equal(counts.size, 1131);
    assert.ok([...counts.values()].every((n) => n === 1), "each (asset, partition) executed exactly once");
    // The daily asset's own policy: one run per 31 consecutive days; the rollup one run per month.
    const runs = await backfillRuns(storage, created.backfillId);
    assert.equal(runs.length, Math.ceil(1095 / 31) + 36);
    assert.ok(runs.every((r) => r.origin === "backfill" && r.instigator === backfillInstigator(created.backfillId) && r.location === "met"));
    const ranged = runs.find((r) => r.assetKeys[0] === "met/daily" && r.runKey === "met/daily:31")!;
    assert.deepEqual([ranged.tags["flyt/partition_range_start"], ranged.tags["flyt/partition_range_end"], ranged.partitionKey], ["2021-02-01", "2021-03-03", null]);
    const single = runs.find((r) => r.runKey === "met/monthly:0")!;
    assert.equal(single.partitionKey, "2021-01");
    // Dependency order: every month executed after the last of its days.
    const at = new Map(launcher.executions.map((e) => [`${e.asset} ${e.partition}`, e.at]));
    for (const month of months) {
      const lastDay = Math.max(...days.filter((d) => d.startsWith(month)).map((d) => at.get(`met/daily ${d}`)!));
      assert.ok(at.get(`met/monthly ${month}`)! >= lastDay, `${month} ran after its days`);
    }
    // Storage's partition status agrees: every day and month materialized.
    assert.equal((await storage.getPartitionStatus("met/daily")).materialized, "0-1094");
    assert.equal((await storage.getPartitionStatus("met/monthly")).materialized, "0-35");
  });

  void it("skips the month of a failed day; a retry of only the failed targets fills the day and then its month", { timeout: 120_000 }, async () => {
    const launcher = new PartitionLauncher(GRAPH, { fails: (asset, partition) => asset === "met/daily" && partition === "2022-02-10" });
    const request: BackfillRequest = { selection: "met/daily+", partitions: { kind: "range", from: "2022-01-01", to: "2022-03-31" }, policy: { kind: "multi-run", maxPartitionsPerRun: 1 } };
    const first = await storage.createBackfill({ request });
    const failed = await withDaemon(storage, launcher, () => until(storage, first.backfillId, terminal, 90_000, "the first backfill to end"));
    assert.equal(failed.status, "COMPLETED_FAILED");
    assert.deepEqual(failed.counts, { total: 90 + 3, requested: 0, queued: 0, inProgress: 0, materialized: 89 + 2, failed: 1, skipped: 1, canceled: 0 });
    const runs = await backfillRuns(storage, first.backfillId);
    assert.ok(!runs.some((r) => r.partitionKey === "2022-02"), "February's rollup never ran: its day failed");
    const monthly = failed.progress.find((p) => p.assetKey === "met/monthly")!;
    assert.equal(monthly.skipped, String(months.indexOf("2022-02")));

    launcher.options = {};
    launcher.executions.length = 0;
    const retry = await storage.createBackfill({ request: { selection: "met/daily+", partitions: { kind: "failed", backfillId: first.backfillId } } });
    const retried = await withDaemon(storage, launcher, () => until(storage, retry.backfillId, terminal, 60_000, "the retry to end"));
    assert.equal(retried.status, "COMPLETED_SUCCESS", retried.error ?? "");
    assert.equal(retried.counts.total, 2, "only the failed day and the skipped month");
    assert.deepEqual(launcher.executions.map((e) => `${e.asset} ${e.partition}`), ["met/daily 2022-02-10", "met/monthly 2022-02"]);
  });

  void it("cancel: running runs are canceled, nothing new launches, the rest is counted canceled", { timeout: 60_000 }, async () => {
    const launcher = new PartitionLauncher(GRAPH, { hang: true });
    const request: BackfillRequest = { selection: "met/daily", partitions: { kind: "range", from: "2023-01-01", to: "2023-01-20" }, policy: { kind: "multi-run", maxPartitionsPerRun: 1 }, maxConcurrentRuns: 3 };
    const created = await storage.createBackfill({ request });
    const canceled = await withDaemon(storage, launcher, async () => {
      await waitFor(() => launcher.running === 3, 30_000, "three runs executing");
      await storage.requestBackfillCancel(created.backfillId);
      return until(storage, created.backfillId, terminal, 30_000, "the backfill to be CANCELED");
    });
    assert.equal(canceled.status, "CANCELED");
    const runs = await backfillRuns(storage, created.backfillId);
    assert.equal(runs.length, 3, "no run was created after the cancel");
    assert.ok(runs.every((r) => r.status === "CANCELED"), runs.map((r) => r.status).join(", "));
    assert.deepEqual(canceled.counts, { total: 20, requested: 0, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 20 });
  });

  void it("resumes from storage alone: a chunk whose run a dead leader created but never recorded is not launched again", { timeout: 60_000 }, async () => {
    const launcher = new PartitionLauncher(GRAPH);
    const request: BackfillRequest = { selection: "met/daily", partitions: { kind: "range", from: "2023-05-01", to: "2023-05-05" }, policy: { kind: "multi-run", maxPartitionsPerRun: 1 } };
    const created = await storage.createBackfill({ request });
    // The dead leader planned it, created the run of its first chunk, and died before recording either.
    const plan = planBackfill(request, GRAPH, { now: Date.now(), locationOf: () => "met" });
    await storage.updateBackfill(created.backfillId, { status: "IN_PROGRESS", plan, progress: initialProgress(plan), counts: backfillCounts(plan, initialProgress(plan)) });
    const first = nextLaunchableChunks(plan, initialProgress(plan), 1)[0]!;
    const orphan = await storage.createRun({ ...(await chunkRunFields(storage, created, plan, first)), origin: "backfill", instigator: backfillInstigator(created.backfillId), runKey: first.runKey });
    const done = await withDaemon(storage, launcher, () => until(storage, created.backfillId, terminal, 30_000, "the backfill to complete"));
    assert.equal(done.status, "COMPLETED_SUCCESS");
    const runs = await backfillRuns(storage, created.backfillId);
    assert.equal(runs.length, 5, "one run per day: the orphan was adopted, not doubled");
    assert.ok(runs.some((r) => r.runId === orphan.run.runId && r.status === "SUCCESS"));
    assert.equal(launcher.executions.length, 5);
  });

  void it("honours maxConcurrentRuns: at most that many of the backfill's runs at once", { timeout: 60_000 }, async () => {
    const launcher = new PartitionLauncher(GRAPH, { stepMs: 30 });
    const request: BackfillRequest = { selection: "met/daily", partitions: { kind: "range", from: "2023-03-01", to: "2023-03-24" }, policy: { kind: "multi-run", maxPartitionsPerRun: 1 }, maxConcurrentRuns: 2 };
    const created = await storage.createBackfill({ request });
    const done = await withDaemon(storage, launcher, () => until(storage, created.backfillId, terminal, 45_000, "the backfill to complete"));
    assert.equal(done.status, "COMPLETED_SUCCESS");
    assert.equal(launcher.executions.length, 24);
    assert.equal(launcher.maxRunning, 2, "two at once, never more (and the limit was reached)");
  });
});
