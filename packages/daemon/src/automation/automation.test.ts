/**
 * The automation loop on real storage (SQLite, and PostgreSQL when the suite has it). An eager
 * chain in a real daemon: materializing its root leads to exactly one run of the downstream chain
 * (coalesced), executed through the run queue, and nothing more on the next ticks. With the loop
 * driven pass by pass: an upstream in progress blocks, with the reason stored; automation turned
 * off globally or for one location stops requests (and the tick says what was left out); a
 * leader killed after storing its plan is followed by one that finishes that tick without a second
 * run; a tick killed before deciding is closed as FAILURE and launches nothing.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { eagerCondition } from "@flyt/automation";
import { AUTOMATION_INSTIGATOR_ID, AUTOMATION_TICK_TAG, AssetGraph, LeaseLostError, type AssetNodeSnapshot, type AutomationNodeResult, type RunRecord } from "@flyt/core";
import { setInstigatorStatus, type Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { PartitionLauncher } from "../backfills/test-support.js";
import type { LocatedAsset } from "../backfills/loop.js";
import { systemClock } from "../clock.js";
import { Daemon } from "../daemon.js";
import type { InstigatorEvaluator } from "../evaluator.js";
import { LeaderElector } from "../leader.js";
import { StaticLaunchResolver } from "../launch-resolver.js";
import { MetricRegistry, METRICS } from "../metrics.js";
import { waitFor } from "../test-support.js";
import { AutomationLoop, automationLocationStateId, INTERRUPTED_BEFORE_DECIDING, NOTHING_TO_REQUEST } from "./loop.js";

function node(key: string, deps: string[], eager: boolean): AssetNodeSnapshot {
  return {
    key,
    deps,
    description: null,
    group: key.split("/")[0]!,
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: null,
    retryPolicy: null,
    stepKey: key,
    metadata: {},
    automationCondition: eager ? eagerCondition() : null,
  };
}

/** A root without a condition and an eager chain below it, in location `location`. */
function chain(location: string): LocatedAsset[] {
  return [node(`${location}/raw`, [], false), node(`${location}/clean`, [`${location}/raw`], true), node(`${location}/report`, [`${location}/clean`], true)].map((n) => ({ node: n, location }));
}

const NO_INSTIGATORS = { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as InstigatorEvaluator;

/** A finished run of `keys` that materialized them (as a worker writes it). */
async function materialize(storage: Storage, keys: string[], location: string): Promise<RunRecord> {
  const { run } = await storage.createRun({ selection: keys.join(", "), assetKeys: keys, location });
  const event = (body: Parameters<Storage["appendEvents"]>[0][number]["body"]) => ({ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body });
  await storage.appendEvents([event({ type: "RUN_STARTED" }), ...keys.map((assetKey) => event({ type: "ASSET_MATERIALIZATION", assetKey, partition: null, metadata: {} })), event({ type: "RUN_SUCCESS" })]);
  return (await storage.getRun(run.runId))!;
}

/** Every run automation created, oldest first. */
async function automationRuns(storage: Storage): Promise<RunRecord[]> {
  return (await storage.listRuns({ origin: "automation" }, { limit: 1000 })).items
    .filter((r) => r.instigator === AUTOMATION_INSTIGATOR_ID)
    .reverse();
}

async function ticks(storage: Storage) {
  return (await storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit: 1000 })).items;
}

function loopFor(storage: Storage, assets: readonly LocatedAsset[], extra: Partial<ConstructorParameters<typeof AutomationLoop>[0]> = {}): AutomationLoop {
  return new AutomationLoop({
    storage,
    clock: systemClock,
    metrics: new MetricRegistry(),
    assets: () => assets,
    onError: (error) => assert.fail(error),
    ...extra,
  });
}

/** Every node of an explanation tree, flattened. */
function nodesOf(root: AutomationNodeResult): AutomationNodeResult[] {
  return [root, ...root.children.flatMap(nodesOf)];
}

/** Automation state is global to a database: each test starts with it on and no ticks open. */
async function resetSwitches(storage: Storage, locations: string[]): Promise<void> {
  await setInstigatorStatus(storage, AUTOMATION_INSTIGATOR_ID, "automation", "RUNNING");
  for (const location of locations) await setInstigatorStatus(storage, automationLocationStateId(location), "automation", "RUNNING");
}

describeEachBackend((backend) => `automation loop (${backend})`, ({ storage }) => {
  void it("an eager chain: the root's materialization leads to one run of the downstream chain, coalesced, and nothing more", { timeout: 60_000 }, async () => {
    await resetSwitches(storage, ["etl"]);
    const assets = chain("etl");
    const graph = new AssetGraph(assets.map((a) => a.node));
    const launcher = new PartitionLauncher(graph);
    const daemon = new Daemon({
      storage,
      evaluator: NO_INSTIGATORS,
      resolver: new StaticLaunchResolver(launcher, {}, { etl: { launcher } }),
      assets: () => assets,
      intervals: { queuePollMs: 100, automationMs: 150 },
    });
    await daemon.start();
    try {
      await waitFor(async () => (await ticks(storage)).filter((t) => t.status !== "STARTED").length >= 2, 15_000, "two automation ticks");
      assert.deepEqual(await automationRuns(storage), [], "nothing is requested while the root was never materialized");
      const before = await storage.getLatestAutomationEvaluations(["etl/clean"]);
      assert.equal(before.length, 1, "the first evaluation of etl/clean is stored");
      assert.ok(nodesOf(before[0]!.root).some((n) => /upstream missing/.test(n.description) && n.trueCount > 0), JSON.stringify(before[0]!.root));

      // The root is materialized by a run the queue launches (not by automation).
      await storage.createRun({ selection: "etl/raw", assetKeys: ["etl/raw"], location: "etl" });
      await waitFor(async () => (await automationRuns(storage)).length > 0, 15_000, "automation to request a run");
      const [run] = await automationRuns(storage);
      assert.deepEqual(run!.assetKeys, ["etl/clean", "etl/report"], "one run for the chain that became ready together");
      assert.equal(run!.origin, "automation");
      assert.equal(run!.location, "etl");
      assert.match(run!.runKey ?? "", /^\d+:0$/);
      assert.equal(run!.tags[AUTOMATION_TICK_TAG], run!.runKey!.split(":")[0]);
      // The tick creates its runs, then closes: wait for the close that names them.
      const tickOf = async () => (await ticks(storage)).find((t) => String(t.tickId) === run!.tags[AUTOMATION_TICK_TAG]);
      await waitFor(async () => (await tickOf())?.status !== "STARTED", 15_000, "the tick that requested the run to close");
      const tick = await tickOf();
      assert.equal(tick?.status, "SUCCESS");
      assert.deepEqual(tick?.runIds, [run!.runId]);
      const requested = await storage.getAutomationEvaluationsOfTick(tick.tickId);
      assert.deepEqual(requested.filter((e) => e.requestedCount > 0).map((e) => [e.assetKey, e.runIds]).sort(), [["etl/clean", [run!.runId]], ["etl/report", [run!.runId]]]);

      await waitFor(async () => (await storage.getRun(run!.runId))?.status === "SUCCESS", 15_000, "the automation run to succeed");
      const after = (await ticks(storage)).length;
      await waitFor(async () => (await ticks(storage)).filter((t) => t.status !== "STARTED").length >= after + 4, 15_000, "four more ticks");
      assert.equal((await automationRuns(storage)).length, 1, "no further run once the chain is up to date");
      assert.deepEqual(
        launcher.executions.map((e) => e.asset),
        ["etl/raw", "etl/clean", "etl/report"],
        "each asset executed once",
      );
      assert.ok(daemon.metrics.counter(METRICS.automationRunsRequested) === 1);
      assert.ok(daemon.metrics.summary(METRICS.automationEvaluationMs).count >= 6);
      const skipped = (await ticks(storage))[0]!;
      assert.equal(skipped.status, "SKIPPED");
      assert.equal(skipped.skipReason, NOTHING_TO_REQUEST);
    } finally {
      await daemon.stop();
    }
  });

  void it("an upstream in progress blocks the request, with the reason stored", async () => {
    await resetSwitches(storage, ["blk"]);
    const assets = chain("blk");
    const loop = loopFor(storage, assets);
    await loop.pass();
    await materialize(storage, ["blk/raw"], "blk");
    // The root is being materialized again: its run has not ended.
    const { run: live } = await storage.createRun({ selection: "blk/raw", assetKeys: ["blk/raw"], location: "blk" });
    await storage.appendEvents([{ runId: live.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
    await loop.pass();
    assert.deepEqual((await automationRuns(storage)).filter((r) => r.location === "blk"), [], "nothing requested while the upstream is in progress");
    const [clean] = await storage.getLatestAutomationEvaluations(["blk/clean"]);
    assert.equal(clean?.requestedCount, 0);
    const blocking = nodesOf(clean.root).find((n) => n.kind === "any_deps_match" && /in progress/.test(n.description));
    assert.ok(blocking !== undefined && blocking.trueCount === 1, JSON.stringify(clean.root, null, 1));
    assert.match(blocking.detail ?? "", /blk\/raw/, "the explanation names the upstream in progress");

    // The run ends: the next tick requests the chain.
    await storage.appendEvents([{ runId: live.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_SUCCESS" } }]);
    await loop.pass();
    const runs = (await automationRuns(storage)).filter((r) => r.location === "blk");
    assert.deepEqual(runs.map((r) => r.assetKeys), [["blk/clean", "blk/report"]]);
  });

  void it("stops requesting when automation is turned off globally or for a location, and says what was left out", async () => {
    await resetSwitches(storage, ["on", "off"]);
    const assets = [...chain("on"), ...chain("off")];
    const loop = loopFor(storage, assets);
    await loop.pass();
    await setInstigatorStatus(storage, AUTOMATION_INSTIGATOR_ID, "automation", "STOPPED");
    await materialize(storage, ["on/raw"], "on");
    await materialize(storage, ["off/raw"], "off");
    const ticksBefore = (await ticks(storage)).length;
    await loop.pass();
    assert.equal((await ticks(storage)).length, ticksBefore, "no tick while automation is stopped");
    assert.deepEqual((await automationRuns(storage)).filter((r) => r.location === "on" || r.location === "off"), []);

    await setInstigatorStatus(storage, AUTOMATION_INSTIGATOR_ID, "automation", "RUNNING");
    await setInstigatorStatus(storage, automationLocationStateId("off"), "automation", "STOPPED");
    await loop.pass();
    const runs = (await automationRuns(storage)).filter((r) => r.location === "on" || r.location === "off");
    assert.deepEqual(runs.map((r) => r.assetKeys), [["on/clean", "on/report"]], "only the location that is on");
    const tick = (await ticks(storage))[0]!;
    assert.equal(tick.status, "SUCCESS");
    assert.match(tick.skipReason ?? "", /not evaluated: location off \(automation is stopped for it\)/);

    // Turned on again: its chain is requested (the update seen while it was off still counts).
    await setInstigatorStatus(storage, automationLocationStateId("off"), "automation", "RUNNING");
    await loop.pass();
    const later = (await automationRuns(storage)).filter((r) => r.location === "off");
    assert.deepEqual(later.map((r) => r.assetKeys), [["off/clean", "off/report"]]);
  });

  void it("leaves a location whose definitions failed to load out of the tick and says why", async () => {
    await resetSwitches(storage, ["ok", "broken"]);
    const assets = [...chain("ok"), ...chain("broken")];
    const loop = loopFor(storage, assets, { unavailableLocations: () => ({ broken: "SyntaxError: Unexpected token (definitions.ts:3)\n    at …" }) });
    await loop.pass();
    await materialize(storage, ["ok/raw"], "ok");
    await materialize(storage, ["broken/raw"], "broken");
    await loop.pass();
    const runs = (await automationRuns(storage)).filter((r) => r.location === "ok" || r.location === "broken");
    assert.deepEqual(runs.map((r) => r.assetKeys), [["ok/clean", "ok/report"]]);
    assert.equal((await ticks(storage))[0]!.skipReason, "not evaluated: location broken (its definitions failed to load: SyntaxError: Unexpected token (definitions.ts:3))");
  });

  void it("a leader killed after storing its plan: the next leader finishes that tick, no run twice", async () => {
    await resetSwitches(storage, ["ka", "kb"]);
    const assets = [...chain("ka"), ...chain("kb")];
    const leaseName = `automation-kill-${Date.now()}`;
    const first = new LeaderElector(storage, { holder: "leader-a", leaseName, ttlMs: 60_000 });
    const second = new LeaderElector(storage, { holder: "leader-b", leaseName, ttlMs: 60_000 });
    try {
      assert.ok(await first.tryAcquire());
      const a = loopFor(storage, assets, { fence: () => first.fence(), isActive: () => first.isLeader() });
      await a.pass();
      await materialize(storage, ["ka/raw"], "ka");
      await materialize(storage, ["kb/raw"], "kb");
      // Leader A decides (the plan is stored), creates the first of its two runs, and dies.
      const decision = await a.decide();
      assert.ok(decision !== null);
      assert.equal(decision.plannedRuns.length, 2, "one run per location");
      assert.deepEqual(await storage.getAutomationTickPlan(decision.tick.tickId).then((p) => p?.map((r) => r.runKey)), decision.plannedRuns.map((r) => r.runKey));
      const early = await storage.createRun(decision.plannedRuns[0]!, { fence: first.fence() });
      assert.equal(early.created, true);

      // A's lease runs out (killed: never renewed); B takes over with a higher fencing token.
      await storage.releaseLease(leaseName, "leader-a");
      assert.ok(await second.tryAcquire());
      const b = loopFor(storage, assets, { fence: () => second.fence(), isActive: () => second.isLeader() });
      const closed = await b.recover();
      assert.deepEqual(closed.map((t) => [t.tickId, t.status]), [[decision.tick.tickId, "SUCCESS"]]);
      const runs = (await automationRuns(storage)).filter((r) => r.location === "ka" || r.location === "kb");
      assert.equal(runs.length, 2, `each planned run exists once: ${JSON.stringify(runs.map((r) => r.runKey))}`);
      assert.deepEqual(closed[0]!.runIds.sort(), runs.map((r) => r.runId).sort());
      assert.ok(runs.some((r) => r.runId === early.run.runId), "the run created before the kill is the tick's run");
      assert.deepEqual(runs.map((r) => r.runId).sort(), decision.plannedRuns.map((r) => r.runId).sort(), "the planned run ids");

      // Evaluating anew requests nothing more: the runs are in progress (requested by the last tick).
      await b.pass();
      assert.equal((await automationRuns(storage)).filter((r) => r.location === "ka" || r.location === "kb").length, 2);
      assert.equal((await ticks(storage)).filter((t) => t.status === "STARTED").length, 0, "no tick is left open");
      // The deposed leader's late writes are refused.
      await assert.rejects(a.launch(decision.tick, decision.plannedRuns, null), LeaseLostError);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  void it("a tick killed before deciding is closed as FAILURE and launches nothing; the next tick decides from the same point", async () => {
    await resetSwitches(storage, ["kd"]);
    const assets = chain("kd");
    const loop = loopFor(storage, assets);
    await loop.pass();
    await materialize(storage, ["kd/raw"], "kd");
    const cursor = await storage.getAutomationCursor();
    const dead = await storage.createTick(AUTOMATION_INSTIGATOR_ID, Date.now());
    await loop.pass();
    const all = await ticks(storage);
    const closed = all.find((t) => t.tickId === dead.tickId);
    assert.equal(closed?.status, "FAILURE");
    assert.equal(closed?.error, INTERRUPTED_BEFORE_DECIDING);
    assert.deepEqual(closed?.runIds, []);
    assert.notEqual(await storage.getAutomationCursor(), cursor, "the new tick moved the cursor");
    const runs = (await automationRuns(storage)).filter((r) => r.location === "kd");
    assert.deepEqual(runs.map((r) => r.assetKeys), [["kd/clean", "kd/report"]], "the next tick requested the chain, once");
    assert.notEqual(runs[0]!.tags[AUTOMATION_TICK_TAG], String(dead.tickId));
  });
});
