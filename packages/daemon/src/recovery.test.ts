/**
 * What a daemon does about another daemon's leftovers and about losing the lease unawares, on real
 * storage: a sensor tick left STARTED by a leader that died mid-evaluation is closed as FAILURE
 * (its cursor unmoved) by the next leader, and evaluated anew; and a daemon whose fenced write is
 * refused (another daemon took the lease while this one still believed it led) steps down at once
 * and launches nothing.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { instigatorId } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { ManualClock } from "./clock.js";
import { Daemon, type DaemonLogRecord } from "./daemon.js";
import type { InstigatorEvaluator, ResolvedSensor } from "./evaluator.js";
import { StaticLaunchResolver } from "./launch-resolver.js";
import { DAEMON_LEASE_NAME } from "./leader.js";
import { METRICS, MetricRegistry } from "./metrics.js";
import { SensorLoop } from "./sensors.js";
import { FakeLauncher, waitFor } from "./test-support.js";

/** A custom sensor whose evaluation the test answers itself (no user code is loaded). */
const SENSOR: ResolvedSensor = {
  location: "loc",
  name: "feed",
  sensorType: "custom",
  target: "a",
  targetAssetKeys: ["a"],
  minimumIntervalSeconds: 30,
  defaultStatus: "RUNNING",
  description: null,
  tags: {},
  assets: [],
  runStatuses: [],
  monitoredAssetKeys: null,
};

describeEachBackend((backend) => `daemon recovery (${backend})`, ({ storage }) => {
  void it("closes a sensor tick left STARTED by a dead leader, keeps its cursor, and evaluates the sensor anew", async () => {
    const id = instigatorId(SENSOR.location, SENSOR.name);
    const clock = new ManualClock(Date.parse("2026-01-01T12:00:00Z"));
    await storage.upsertInstigatorState({ id, kind: "sensor", status: "RUNNING", cursor: "before-the-crash", startedAt: clock.now() });
    // The dead leader's tick: created, never finished (its process was killed mid-evaluation).
    const abandoned = await storage.createTick(id, clock.now() - 60_000);
    const cursorsSeen: (string | null)[] = [];
    const evaluator = {
      evaluateSensor: (_sensor: ResolvedSensor, context: { cursor: string | null }) => {
        cursorsSeen.push(context.cursor);
        return Promise.resolve({ runRequests: [], skipReason: "nothing new", cursor: "after-the-restart" });
      },
    } as unknown as InstigatorEvaluator;
    const loop = new SensorLoop({ storage, evaluator, clock, metrics: new MetricRegistry(), onError: (error) => assert.fail(error) });
    await loop.pass([SENSOR]);

    const ticks = (await storage.listTicks(id, { limit: 10 })).items;
    const closed = ticks.find((t) => t.tickId === abandoned.tickId);
    assert.equal(closed?.status, "FAILURE");
    assert.match(closed?.error ?? "", /^interrupted: the daemon evaluating this sensor stopped before it finished; the cursor was not moved/);
    assert.equal(ticks.filter((t) => t.status === "STARTED").length, 0, "no tick is left STARTED");
    assert.deepEqual(cursorsSeen, ["before-the-crash"], "evaluated once, from the cursor the dead leader never moved");
    assert.deepEqual(ticks.map((t) => t.status).sort(), ["FAILURE", "SKIPPED"]);
    assert.equal((await storage.getInstigatorState(id))?.cursor, "after-the-restart");
  });

  void it("relaunches a run the dead leader claimed and never launched, and leaves the CLI's runs alone", async () => {
    // The dead leader: it claimed a run under its fence, then died before launching it.
    const dead = await storage.acquireLease(DAEMON_LEASE_NAME, "dead-daemon", 150);
    assert.ok(dead);
    const { run } = await storage.createRun({ selection: "a", assetKeys: ["a"], location: "loc" });
    const { run: cliRun } = await storage.createRun({ selection: "a", assetKeys: ["a"], location: "loc" });
    assert.equal((await storage.claimQueuedRuns([run.runId], { fence: { leaseName: DAEMON_LEASE_NAME, holder: "dead-daemon", fencingToken: dead.fencingToken } })).length, 1);
    assert.equal((await storage.claimQueuedRuns([cliRun.runId])).length, 1, "claimed without a fence, as `flyt materialize` does");
    await new Promise((resolve) => setTimeout(resolve, 250));

    const launcher = new FakeLauncher();
    const log: DaemonLogRecord[] = [];
    const metrics = new MetricRegistry();
    const daemon = new Daemon({
      storage,
      metrics,
      daemonId: "new-leader",
      evaluator: { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as ConstructorParameters<typeof Daemon>[0]["evaluator"],
      resolver: new StaticLaunchResolver(launcher, { loc: "/unused/definitions.ts" }),
      monitor: { relaunchAfterMs: 400, startingTimeoutMs: 60_000 },
      intervals: { queuePollMs: 100, monitorPollMs: 100 },
      logRecord: (record) => log.push(record),
    });
    try {
      await daemon.start();
      await waitFor(async () => (await storage.getRun(run.runId))?.status === "SUCCESS", 10_000, "the relaunched run to succeed").catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(log)}`));
      assert.deepEqual(launcher.launched, [run.runId], "launched once, and only the leader's claim");
      assert.deepEqual(launcher.relaunched, [run.runId], "as a relaunch, so a launcher follows a worker the first launch started");
      assert.equal(metrics.counter(METRICS.relaunched), 1);
      assert.ok(log.some((r) => r.runId === run.runId && /relaunching it; the leader that claimed it stopped before its worker started/.test(r.msg)), JSON.stringify(log));
      const notes = (await storage.getEvents(run.runId, { types: ["LOG"] })).map((e) => (e.body.type === "LOG" ? e.body.message : ""));
      assert.match(notes.join("\n"), /the leader that claimed this run \(fencing token \d+\) stopped before its worker started/);
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal((await storage.getRun(cliRun.runId))?.status, "STARTING", "the CLI's run is the CLI's");
      assert.deepEqual(launcher.launched, [run.runId]);
    } finally {
      await daemon.stop();
    }
  });

  void it("steps down when a fenced write is refused, and launches nothing", async () => {
    const launcher = new FakeLauncher();
    const log: DaemonLogRecord[] = [];
    const daemon = new Daemon({
      storage,
      daemonId: "deposed-daemon",
      evaluator: { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as ConstructorParameters<typeof Daemon>[0]["evaluator"],
      resolver: new StaticLaunchResolver(launcher),
      // A renewal far away: the daemon keeps believing it leads after its lease is taken below.
      lease: { ttlMs: 120_000, renewMs: 60_000 },
      intervals: { queuePollMs: 100 },
      logRecord: (record) => log.push(record),
    });
    try {
      await daemon.start();
      await waitFor(() => daemon.leader.isLeader(), 10_000, "leadership");
      // Another daemon takes the lease (as after a pause longer than the ttl): a higher fencing token.
      await storage.releaseLease(DAEMON_LEASE_NAME, "deposed-daemon");
      const usurper = await storage.acquireLease(DAEMON_LEASE_NAME, "other-daemon", 120_000);
      assert.ok(usurper, "the other daemon holds the lease");
      assert.equal(daemon.leader.isLeader(), true, "the deposed daemon has not noticed yet");

      const { run } = await storage.createRun({ selection: "a", assetKeys: ["a"], location: "loc" });
      await waitFor(() => !daemon.leader.isLeader(), 10_000, "the deposed daemon to step down");
      assert.ok(log.some((r) => /^stepping down: /.test(r.msg)), JSON.stringify(log));
      assert.deepEqual(launcher.launched, [], "the deposed daemon launched nothing");
      assert.equal((await storage.getRun(run.runId))?.status, "QUEUED", "the run waits for the real leader");
      assert.equal((await storage.getLease(DAEMON_LEASE_NAME))?.holder, "other-daemon");
    } finally {
      await daemon.stop();
      await storage.releaseLease(DAEMON_LEASE_NAME, "other-daemon");
    }
  });
});
