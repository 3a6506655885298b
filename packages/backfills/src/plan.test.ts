/**
 * The planner against real partition math: targets through every mapping kind, the DST and
 * leap-day edges of Europe/Oslo time windows, unit grouping, chunking by policy, deterministic
 * run keys, "missing" and "failed" sets, and — driven to the end by the test driver — dependency
 * order, skips below failures and completion.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BackfillRequest } from "@flyt/core";
import { rangeOf } from "@flyt/partitions";
import { nextLaunchableChunks, skipBlockedTargets } from "./launch.js";
import { indexPlan } from "./plan-index.js";
import { planBackfill, type BackfillPlan } from "./plan.js";
import { applyRunOutcome, backfillCounts, cancelUnlaunched, chunkForRunKey, completionStatus, initialProgress, markChunksLaunched } from "./progress.js";
import { keySpaceOf } from "./space.js";
import { upstreamPositions } from "./mapping.js";
import { asset, graphOf, LATER, simulate, staticKeys, timeWindows } from "./test-support.js";
import { BackfillPlanningError } from "./errors.js";

const request = (selection: string, partitions: BackfillRequest["partitions"], extra: Partial<BackfillRequest> = {}): BackfillRequest => ({ selection, partitions, ...extra });
const targetsOf = (plan: BackfillPlan): Record<string, string> => Object.fromEntries(plan.assets.map((a) => [a.assetKey, a.targets]));
/** The keys of positions of an asset's partitions in a plan. */
function keysOf(plan: BackfillPlan, assetKey: string, positions: string): string[] {
  const planned = plan.assets.find((a) => a.assetKey === assetKey)!;
  const space = keySpaceOf(planned.partitions as Exclude<typeof planned.partitions, null | { kind: "dynamic" }>, plan.plannedAt);
  const [from, to] = positions.split("-").map(Number) as [number, number | undefined];
  return space.keysBetween(from, (to ?? from) + 1);
}

const OSLO_DAILY = timeWindows("daily", "2024-01-01", "Europe/Oslo");
const OSLO_HOURLY = timeWindows("hourly", "2024-03-30T00:00", "Europe/Oslo");
const OSLO_MONTHLY = timeWindows("monthly", "2024-01", "Europe/Oslo");

void describe("planBackfill: time windows on the DST and leap-day edges (Europe/Oslo)", () => {
  void it("an hourly range across the spring-forward night has no 02:00 (the hour does not exist)", () => {
    const graph = graphOf(asset("met/hourly", OSLO_HOURLY));
    const plan = planBackfill(request("met/hourly", { kind: "range", from: "2024-03-31-01:00", to: "2024-03-31-04:00" }), graph, { now: LATER });
    const [targets] = Object.values(targetsOf(plan));
    assert.equal(plan.totalTargets, 3);
    assert.deepEqual(keysOf(plan, "met/hourly", targets!), ["2024-03-31-01:00", "2024-03-31-03:00", "2024-03-31-04:00"]);
  });

  void it("an hourly range across the fall-back night counts the repeated 02:00 hour once (one 2-hour window)", () => {
    const graph = graphOf(asset("met/hourly", OSLO_HOURLY));
    const plan = planBackfill(request("met/hourly", { kind: "range", from: "2024-10-27-01:00", to: "2024-10-27-03:00" }), graph, { now: LATER });
    assert.equal(plan.totalTargets, 3);
    const index = indexPlan(plan);
    const space = index.assets.get("met/hourly")!.space.keys!;
    const start = index.assets.get("met/hourly")!.targets.intervals[0]![0];
    const window = space.windowAt(start + 1)!;
    assert.equal(window.end.getTime() - window.start.getTime(), 2 * 3_600_000, "02:00 lasts two hours on the fall-back night");
  });

  void it("a daily range across both DST switches has one target per calendar day, and its hourly upstream the real hours", () => {
    // hourly → daily through the default time-window mapping: the 31st of March has 23 hours, the 27th of October 25 (24 windows).
    const graph = graphOf(asset("met/hourly", OSLO_HOURLY), asset("met/daily", timeWindows("daily", "2024-03-30", "Europe/Oslo"), ["met/hourly"]));
    const plan = planBackfill(request("met/hourly+", { kind: "range", from: "2024-03-31-00:00", to: "2024-03-31-23:00" }), graph, { now: LATER });
    assert.equal(targetsOf(plan)["met/hourly"]!.split("-").length, 2);
    const hourly = indexPlan(plan).assets.get("met/hourly")!.targets;
    assert.equal(hourly.size, 23, "23 hours on the spring-forward day");
    assert.deepEqual(keysOf(plan, "met/daily", targetsOf(plan)["met/daily"]!), ["2024-03-31"], "the day the hours roll up into");
    const fall = planBackfill(request("met/hourly+", { kind: "range", from: "2024-10-27-00:00", to: "2024-10-27-23:00" }), graph, { now: LATER });
    assert.equal(indexPlan(fall).assets.get("met/hourly")!.targets.size, 24, "25 clock hours, the repeated one a single window");
    assert.deepEqual(keysOf(fall, "met/daily", targetsOf(fall)["met/daily"]!), ["2024-10-27"]);
  });

  void it("a daily range across a leap day includes February 29th, and a monthly rollup of February reads 29 days (28 in 2023)", () => {
    const daily = timeWindows("daily", "2023-01-01", "Europe/Oslo");
    const monthly = timeWindows("monthly", "2023-01", "Europe/Oslo");
    const graph = graphOf(asset("met/daily", daily), asset("met/monthly", monthly, ["met/daily"]));
    const plan = planBackfill(request("met/daily+", { kind: "range", from: "2024-02-27", to: "2024-03-01" }), graph, { now: LATER });
    assert.deepEqual(keysOf(plan, "met/daily", targetsOf(plan)["met/daily"]!), ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]);
    assert.deepEqual(keysOf(plan, "met/monthly", targetsOf(plan)["met/monthly"]!.replace(",", "-")), ["2024-02", "2024-03"], "the months the range touches");
    // Over a year and a half of days, the February rollups read 28 days in 2023 and 29 in 2024.
    const full = planBackfill(request("*", { kind: "range", from: "2023-01-01", to: "2024-06-30" }), graph, { now: LATER });
    const index = indexPlan(full);
    const months = keySpaceOf(monthly, LATER);
    const febDays = (year: number): number => {
      const month = months.indexOf(`${year}-02`);
      const read = upstreamPositions({ kind: "time-window", startOffset: 0, endOffset: 0 }, index.assets.get("met/monthly")!.space, index.assets.get("met/daily")!.space, rangeOf(month, month + 1));
      return read.intersect(index.assets.get("met/daily")!.targets).size;
    };
    assert.equal(febDays(2023), 28);
    assert.equal(febDays(2024), 29);
  });
});

void describe("planBackfill: mappings", () => {
  void it("time-window rollup (daily → monthly): the month launches only after all its days materialized", () => {
    const graph = graphOf(asset("met/daily", OSLO_DAILY), asset("met/monthly", OSLO_MONTHLY, ["met/daily"]));
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-03-31" }), graph, { now: LATER });
    assert.equal(plan.totalTargets, 91 + 3);
    const { batches, complete } = simulate(plan, { perStep: 10 });
    assert.ok(complete);
    const launched = batches.flat();
    const at = (key: string): number => launched.indexOf(key);
    const monthly = keySpaceOf(OSLO_MONTHLY, LATER);
    const daily = keySpaceOf(OSLO_DAILY, LATER);
    for (let m = 0; m < 3; m++) {
      const month = monthly.keyAt(m);
      const lastDay = Math.max(...[...rangeOf(0, 91).indices()].filter((d) => daily.keyAt(d).startsWith(month)));
      assert.ok(at(`met/monthly:${m}`) > at(`met/daily:${lastDay}`), `month ${month} launched after its last day`);
    }
  });

  void it("time-window from a coarser upstream (monthly → daily) reads the containing month", () => {
    const graph = graphOf(asset("ssb/monthly", OSLO_MONTHLY), asset("ssb/daily", OSLO_DAILY, ["ssb/monthly"]));
    const plan = planBackfill(request("ssb/monthly+", { kind: "keys", keys: ["2024-02"] }), graph, { now: LATER });
    assert.deepEqual(keysOf(plan, "ssb/daily", targetsOf(plan)["ssb/daily"]!).length, 29, "every day of February 2024 reads it");
    assert.equal(keysOf(plan, "ssb/daily", targetsOf(plan)["ssb/daily"]!)[0], "2024-02-01");
  });

  void it("a rolling 7-day window (-6/0) waits for the six days before", () => {
    const graph = graphOf(
      asset("met/daily", OSLO_DAILY),
      asset("met/rolling", OSLO_DAILY, ["met/daily"], { partitionMappings: { "met/daily": { kind: "time-window", startOffset: -6, endOffset: 0 } } }),
    );
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-10", to: "2024-01-20" }), graph, { now: LATER });
    // Not identity: two units, so the rolling asset's chunk for the 20th needs days 14..20 of the backfill.
    assert.equal(plan.units.length, 2);
    let progress = initialProgress(plan);
    const daily = keySpaceOf(OSLO_DAILY, LATER);
    const first = nextLaunchableChunks(plan, progress, 100);
    assert.ok(first.every((c) => c.unit === "met/daily"), "only days launch first");
    // Materialize the 14th to the 20th only: the rolling 20th may launch, the 19th (needs the 13th) may not.
    for (let d = daily.indexOf("2024-01-14"); d <= daily.indexOf("2024-01-20"); d++) {
      progress = markChunksLaunched(plan, progress, [chunkForRunKey(plan, `met/daily:${d}`)!]);
      progress = applyRunOutcome(plan, progress, { runKey: `met/daily:${d}`, status: "SUCCESS" });
    }
    const rolling = nextLaunchableChunks(plan, progress, 100).filter((c) => c.unit === "met/rolling").map((c) => daily.keyAt(c.start));
    assert.deepEqual(rolling, ["2024-01-20"]);
  });

  void it("a self-dependency on the previous partition orders the chunks one after another", () => {
    const graph = graphOf(asset("ssb/cumulative", timeWindows("yearly", "2000"), ["ssb/cumulative"], { partitionMappings: { "ssb/cumulative": { kind: "time-window", startOffset: -1, endOffset: -1 } } }));
    const plan = planBackfill(request("ssb/cumulative", { kind: "range", from: "2000", to: "2004" }), graph, { now: LATER });
    const { batches, complete } = simulate(plan);
    assert.ok(complete);
    assert.deepEqual(batches, [["ssb/cumulative:0"], ["ssb/cumulative:1"], ["ssb/cumulative:2"], ["ssb/cumulative:3"], ["ssb/cumulative:4"]]);
    // A failure in 2002 skips 2003 and 2004.
    const failed = simulate(plan, { fails: (_a, p) => p === 2 });
    const progress = failed.progress[0]!;
    assert.equal(progress.failed, "2");
    assert.equal(progress.skipped, "3-4");
    assert.equal(completionStatus(plan, failed.progress), "COMPLETED_FAILED");
  });

  void it("a self-dependency with an identity mapping is refused (it would wait for itself)", () => {
    const graph = graphOf(asset("a", timeWindows("yearly", "2000"), ["a"]));
    assert.throws(() => planBackfill(request("a", { kind: "all" }), graph, { now: LATER }), (e: unknown) => e instanceof BackfillPlanningError && /depends on itself with an identity mapping/.test(e.message));
  });

  void it("all-partitions: an unpartitioned downstream runs once, after every upstream target", () => {
    const graph = graphOf(asset("ssb/yearly", timeWindows("yearly", "2000")), asset("ssb/summary", null, ["ssb/yearly"]));
    const plan = planBackfill(request("*", { kind: "range", from: "2010", to: "2012" }), graph, { now: LATER });
    assert.deepEqual(targetsOf(plan), { "ssb/yearly": "10-12", "ssb/summary": "0" });
    const { batches } = simulate(plan);
    assert.deepEqual(batches, [["ssb/yearly:10", "ssb/yearly:11", "ssb/yearly:12"], ["ssb/summary:0"]]);
  });

  void it("static-to-static by a listed mapping", () => {
    const graph = graphOf(
      asset("geo/county", staticKeys("oslo", "viken", "vestland")),
      asset("geo/region", staticKeys("east", "west"), ["geo/county"], { partitionMappings: { "geo/county": { kind: "static", upstreamKeysByDownstreamKey: { east: ["oslo", "viken"], west: ["vestland"] } } } }),
    );
    const plan = planBackfill(request("*", { kind: "keys", keys: ["oslo"] }), graph, { now: LATER });
    assert.deepEqual(targetsOf(plan), { "geo/county": "0", "geo/region": "0" }, "only east reads oslo");
    let progress = initialProgress(plan);
    assert.deepEqual(nextLaunchableChunks(plan, progress, 10).map((c) => c.runKey), ["geo/county:0"]);
    progress = markChunksLaunched(plan, progress, nextLaunchableChunks(plan, progress, 10));
    progress = applyRunOutcome(plan, progress, { runKey: "geo/county:0", status: "SUCCESS" });
    assert.deepEqual(nextLaunchableChunks(plan, progress, 10).map((c) => c.runKey), ["geo/region:0"]);
  });

  void it("identity between equal definitions: one unit, one run per chunk with both assets", () => {
    const graph = graphOf(asset("met/raw", OSLO_DAILY), asset("met/clean", OSLO_DAILY, ["met/raw"]), asset("met/monthly", OSLO_MONTHLY, ["met/clean"]));
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-01-31" }), graph, { now: LATER });
    assert.deepEqual(plan.units.map((u) => [u.id, u.assetKeys]), [["met/raw", ["met/raw", "met/clean"]], ["met/monthly", ["met/monthly"]]]);
    const chunk = nextLaunchableChunks(plan, initialProgress(plan), 1)[0]!;
    assert.deepEqual(chunk.assetKeys, ["met/raw", "met/clean"]);
    assert.equal(chunk.runKey, "met/raw:0");
  });

  void it("a dependency between partitions with no default mapping is refused, naming both assets", () => {
    const graph = graphOf(asset("geo/county", staticKeys("oslo")), asset("met/daily", OSLO_DAILY, ["geo/county"]));
    assert.throws(() => planBackfill(request("*", { kind: "all" }), graph, { now: LATER }), (e: unknown) => e instanceof BackfillPlanningError && /met\/daily depends on geo\/county/.test(e.message));
  });
});

void describe("planBackfill: units and chunks", () => {
  const graph = graphOf(asset("met/daily", OSLO_DAILY), asset("met/clean", OSLO_DAILY, ["met/daily"]));

  void it("multi-run:7 over January gives chunks of 7, 7, 7, 7 and 3 days; single-run one chunk", () => {
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-01-31" }, { policy: { kind: "multi-run", maxPartitionsPerRun: 7 } }), graph, { now: LATER });
    const chunks = nextLaunchableChunks(plan, initialProgress(plan), 100);
    assert.deepEqual(chunks.map((c) => [c.start, c.end]), [[0, 7], [7, 14], [14, 21], [21, 28], [28, 31]]);
    const single = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-01-31" }, { policy: { kind: "single-run" } }), graph, { now: LATER });
    assert.deepEqual(nextLaunchableChunks(single, initialProgress(single), 100).map((c) => [c.runKey, c.start, c.end]), [["met/daily:0", 0, 31]]);
  });

  void it("an asset's own policy applies when the request gives none; different policies make different units", () => {
    const mixed = graphOf(asset("met/daily", OSLO_DAILY, [], { backfillPolicy: { kind: "single-run" } }), asset("met/clean", OSLO_DAILY, ["met/daily"]));
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-01-10" }), mixed, { now: LATER });
    assert.deepEqual(plan.units.map((u) => [u.id, u.policy.kind]), [["met/daily", "single-run"], ["met/clean", "multi-run"]]);
    const { batches } = simulate(plan);
    assert.deepEqual(batches[0], ["met/daily:0"]);
    assert.equal(batches[1]!.length, 10, "then one run per day of the downstream");
  });

  void it("assets of different code locations never share a unit", () => {
    const plan = planBackfill(request("*", { kind: "all" }), graphOf(asset("a", staticKeys("x", "y")), asset("b", staticKeys("x", "y"), ["a"])), { now: LATER, locationOf: (key) => (key === "a" ? "alpha" : "beta") });
    assert.deepEqual(plan.units.map((u) => [u.id, u.location]), [["a", "alpha"], ["b", "beta"]]);
  });

  void it("an identity join that would make two units wait on each other is not made", () => {
    // b reads a (identity) and the monthly rollup of a: joining b to a's unit would make a's runs wait for the rollup, which waits for a.
    const cyclic = graphOf(asset("a", OSLO_DAILY), asset("m", OSLO_MONTHLY, ["a"]), asset("b", OSLO_DAILY, ["a", "m"]));
    const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-02-29" }), cyclic, { now: LATER });
    assert.deepEqual(plan.units.map((u) => u.assetKeys), [["a"], ["m"], ["b"]]);
    const { complete } = simulate(plan);
    assert.ok(complete, "every chunk could launch: no unit waits on itself");
  });

  void it("run keys are deterministic: planning again gives the same plan and the same chunks", () => {
    const make = () => planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-03-31" }, { policy: { kind: "multi-run", maxPartitionsPerRun: 5 } }), graph, { now: LATER });
    const a = make();
    const b = make();
    assert.deepEqual(a, b);
    const keys = (plan: BackfillPlan) => nextLaunchableChunks(plan, initialProgress(plan), 1000).map((c) => c.runKey);
    assert.deepEqual(keys(a), keys(b));
    assert.equal(new Set(keys(a)).size, keys(a).length, "one run key per chunk");
    for (const key of keys(a)) assert.equal(chunkForRunKey(a, key)?.runKey, key);
    assert.equal(chunkForRunKey(a, "met/daily:3"), null, "3 is inside a chunk, not its start");
  });
});

void describe("planBackfill: partition sets", () => {
  const graph = graphOf(asset("x", staticKeys(...Array.from({ length: 40 }, (_, i) => `k${i}`))));

  void it("missing: every partition not materialized", () => {
    const plan = planBackfill(request("x", { kind: "missing" }), graph, { now: LATER, materialized: { x: "0-9,20-29" } });
    assert.deepEqual(targetsOf(plan), { x: "10-19,30-39" });
  });

  void it("missing of an unpartitioned asset: its one target only when it was never materialized", () => {
    const g = graphOf(asset("u", null), asset("v", null));
    const plan = planBackfill(request("*", { kind: "missing" }), g, { now: LATER, materialized: { u: "0" } });
    assert.deepEqual(targetsOf(plan), { v: "0" });
  });

  void it("failed: the previous backfill's failed and skipped targets, not those it materialized since", () => {
    const previous = [{ assetKey: "x", partitions: "partitioned" as const, targets: "0-39", launched: "0-39", materialized: "0-2,4,6-39", failed: "3-4", skipped: "5", canceled: "" }];
    const plan = planBackfill(request("x", { kind: "failed", backfillId: "b1" }), graph, { now: LATER, previous: { backfillId: "b1", progress: previous } });
    assert.deepEqual(targetsOf(plan), { x: "3,5" }, "4 failed but was materialized since");
  });

  void it("keys: only the listed keys of the assets that have them", () => {
    const plan = planBackfill(request("x", { kind: "keys", keys: ["k3", "k1", "k2", "k30"] }), graph, { now: LATER });
    assert.deepEqual(targetsOf(plan), { x: "1-3,30" });
  });

  void it("dynamic partitions: positions from storage, deleted keys left out of a range", () => {
    const g = graphOf(asset("stations", { kind: "dynamic", name: "stations" }), asset("stations/clean", { kind: "dynamic", name: "stations" }, ["stations"]));
    const plan = planBackfill(request("*", { kind: "range", from: "SN1", to: "SN9" }), g, {
      now: LATER,
      dynamicPartitions: { stations: "0-3,5-9" },
      dynamicKeyPositions: { stations: { SN1: 1, SN9: 9 } },
    });
    assert.deepEqual(targetsOf(plan), { stations: "1-3,5-9", "stations/clean": "1-3,5-9" });
    assert.deepEqual(plan.units.map((u) => u.assetKeys), [["stations", "stations/clean"]]);
    const single = planBackfill(request("*", { kind: "all" }, { policy: { kind: "single-run" } }), g, { now: LATER, dynamicPartitions: { stations: "0-3,5-9" } });
    assert.deepEqual(nextLaunchableChunks(single, initialProgress(single), 10).map((c) => [c.start, c.end]), [[0, 4], [5, 10]], "a hole splits a single run: a run covers contiguous positions");
  });

  void it("a range whose keys no selected asset has is refused", () => {
    assert.throws(() => planBackfill(request("x", { kind: "range", from: "k1", to: "nope" }), graph, { now: LATER }), (e: unknown) => e instanceof BackfillPlanningError && /partitions/.test(e.message));
  });
});

void describe("progress", () => {
  const graph = graphOf(asset("met/daily", OSLO_DAILY), asset("met/monthly", OSLO_MONTHLY, ["met/daily"]));
  const plan = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-02-29" }), graph, { now: LATER });

  void it("a failed day skips its month only; counts add up to the total at every step", () => {
    const { progress, complete } = simulate(plan, { fails: (asset, p) => asset === "met/daily" && p === 40 });
    assert.ok(complete);
    const byAsset = Object.fromEntries(progress.map((p) => [p.assetKey, p]));
    assert.equal(byAsset["met/daily"]!.failed, "40");
    assert.equal(byAsset["met/monthly"]!.skipped, "1", "February is skipped");
    assert.equal(byAsset["met/monthly"]!.materialized, "0", "January is not");
    const counts = backfillCounts(plan, progress);
    assert.deepEqual(counts, { total: 62, requested: 0, queued: 0, inProgress: 0, materialized: 60, failed: 1, skipped: 1, canceled: 0 });
  });

  void it("a failure skips the whole downstream chunk that reads it (a chunk runs whole or not at all)", () => {
    const g = graphOf(asset("met/raw", OSLO_DAILY), asset("met/weekly_batch", OSLO_DAILY, ["met/raw"], { backfillPolicy: { kind: "multi-run", maxPartitionsPerRun: 7 } }));
    const p = planBackfill(request("*", { kind: "range", from: "2024-01-01", to: "2024-01-21" }), g, { now: LATER });
    assert.equal(p.units.length, 2, "different policies: two units");
    const { progress, complete } = simulate(p, { fails: (a, pos) => a === "met/raw" && pos === 9 });
    assert.ok(complete);
    const batch = progress.find((x) => x.assetKey === "met/weekly_batch")!;
    assert.equal(batch.skipped, "7-13", "the chunk of days 8–14 holding the failed 10th");
    assert.equal(batch.materialized, "0-6,14-20");
  });

  void it("live runs count as queued or in progress; applying the same outcome twice changes nothing", () => {
    let progress = initialProgress(plan);
    const chunks = nextLaunchableChunks(plan, progress, 3);
    progress = markChunksLaunched(plan, progress, chunks);
    const counts = backfillCounts(plan, progress, [{ runKey: chunks[0]!.runKey, status: "QUEUED" }, { runKey: chunks[1]!.runKey, status: "STARTED" }]);
    assert.deepEqual(counts, { total: 62, requested: 59, queued: 1, inProgress: 2, materialized: 0, failed: 0, skipped: 0, canceled: 0 });
    const once = applyRunOutcome(plan, progress, { runKey: chunks[0]!.runKey, status: "FAILURE", materialized: {} });
    assert.deepEqual(applyRunOutcome(plan, once, { runKey: chunks[0]!.runKey, status: "FAILURE", materialized: {} }), once);
    // A retry that succeeds turns the failed target materialized.
    const retried = applyRunOutcome(plan, once, { runKey: chunks[0]!.runKey, status: "SUCCESS" });
    assert.equal(retried[0]!.failed, "");
    assert.equal(retried[0]!.materialized, "0");
  });

  void it("cancel: what was not launched is canceled; a canceled run keeps what it materialized", () => {
    const single = planBackfill(request("met/daily", { kind: "range", from: "2024-01-01", to: "2024-01-10" }, { policy: { kind: "single-run" } }), graph, { now: LATER });
    let progress = markChunksLaunched(single, initialProgress(single), nextLaunchableChunks(single, initialProgress(single), 1));
    progress = applyRunOutcome(single, progress, { runKey: "met/daily:0", status: "CANCELED", materialized: { "met/daily": "0-3" } });
    assert.equal(progress[0]!.materialized, "0-3");
    assert.equal(progress[0]!.canceled, "4-9");
    const other = cancelUnlaunched(plan, initialProgress(plan));
    assert.equal(backfillCounts(plan, other).canceled, 62);
    const { skipped } = skipBlockedTargets(plan, other);
    assert.equal(skipped, 0, "canceled targets are not also skipped");
  });
});

void describe("planBackfill: a million partitions", () => {
  void it("plans 'all missing' of an hourly asset since 1910 as ranges, and finds the next chunks without walking them all", () => {
    const hourly = timeWindows("hourly", "1910-01-01T00:00", "UTC");
    const graph = graphOf(asset("sensor/hourly", hourly), asset("sensor/daily", timeWindows("daily", "1910-01-01"), ["sensor/hourly"]));
    // Every 100th hour materialized: 10,000+ intervals of missing targets.
    const count = keySpaceOf(hourly, LATER).count;
    assert.ok(count > 1_000_000, `${count} hourly partitions since 1910`);
    const materialized: Array<[number, number]> = [];
    for (let p = 0; p < count; p += 100) materialized.push([p, p + 1]);
    const encoded = materialized.map(([s]) => String(s)).join(",");
    const plan = planBackfill(request("*", { kind: "missing" }), graph, { now: LATER, materialized: { "sensor/hourly": encoded } });
    assert.equal(indexPlan(plan).assets.get("sensor/hourly")!.targets.size, count - materialized.length);
    assert.ok(JSON.stringify(plan).length < 2_000_000, "the plan is ranges, not one entry per partition");
    const next = nextLaunchableChunks(plan, initialProgress(plan), 10);
    assert.deepEqual(next.map((c) => c.runKey), Array.from({ length: 10 }, (_, i) => `sensor/hourly:${i + 1}`));
  });
});
