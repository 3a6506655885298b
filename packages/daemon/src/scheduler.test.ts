/**
 * Scheduler tests on real storage with a hand-moved clock: DST in Europe/Oslo (02:30 on the
 * spring-forward day runs once; on the fall-back day once), run keys that make a retried or
 * doubly-evaluated tick harmless, catch-up policies, the "never before it was turned on" floor,
 * tick history and the tick lag metric, and schedules with user code (evaluate, partitions).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { LeaseLostError } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { ManualClock } from "./clock.js";
import { LocalEvaluator, type InstigatorEvaluator, type ResolvedSchedule } from "./evaluator.js";
import { instigatorId, setInstigatorStatus } from "@flyt/storage";
import { METRICS, MetricRegistry } from "./metrics.js";
import { Scheduler } from "./scheduler.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));

function snapshot(extra: Partial<ResolvedSchedule> = {}): ResolvedSchedule {
  return {
    location: "loc",
    name: "s",
    cron: "30 2 * * *",
    timezone: "Europe/Oslo",
    target: "a",
    targetAssetKeys: ["a"],
    tags: {},
    defaultStatus: "STOPPED",
    description: null,
    catchUp: "latest",
    maxCatchUpTicks: 10,
    partition: null,
    needsCode: false,
    ...extra,
  };
}

/** Plain schedules need no user code: an evaluator that must never be called. */
const noCode: InstigatorEvaluator = {
  listInstigators: () => Promise.reject(new Error("not used")),
  evaluateSchedule: () => Promise.reject(new Error("plain schedules must not call the evaluator")),
  evaluateSensor: () => Promise.reject(new Error("not used")),
};

function newScheduler(storage: Storage, clock: ManualClock, metrics = new MetricRegistry(), evaluator = noCode): Scheduler {
  return new Scheduler({ storage, evaluator, clock, metrics, onError: (error) => assert.fail(error) });
}

async function tickTimes(storage: Storage, id: string): Promise<string[]> {
  const ticks = (await storage.listTicks(id, { limit: 1000 })).items;
  return ticks.map((t) => new Date(t.tickTime).toISOString()).reverse();
}

async function runsOf(storage: Storage, id: string) {
  return (await storage.listRuns({}, { limit: 1000 })).items.filter((r) => r.instigator === id);
}

/** Moves the clock from `from` to `to` in `stepMs` steps, passing at each. */
async function sweep(scheduler: Scheduler, clock: ManualClock, schedules: ResolvedSchedule[], from: string, to: string, stepMs: number): Promise<void> {
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMs) {
    clock.set(t);
    await scheduler.pass(schedules);
  }
}

describeEachBackend((backend) => `scheduler on ${backend}`, ({ storage }) => {
  void it("runs 02:30 Europe/Oslo exactly once on the spring-forward day (at 03:30 CEST)", async () => {
    const clock = new ManualClock(Date.parse("2024-03-30T12:00:00Z"));
    const s = snapshot();
    const id = instigatorId("loc", "s");
    await setInstigatorStatus(storage, id, "schedule", "RUNNING", clock.now());
    const metrics = new MetricRegistry();
    const scheduler = newScheduler(storage, clock, metrics);
    await sweep(scheduler, clock, [s], "2024-03-30T12:00:00Z", "2024-04-01T12:00:00Z", 7 * 60_000);
    assert.deepEqual(await tickTimes(storage, id), ["2024-03-31T01:30:00.000Z", "2024-04-01T00:30:00.000Z"]);
    const runs = await runsOf(storage, id);
    assert.equal(runs.length, 2);
    assert.deepEqual(runs.map((r) => r.runKey).sort(), [String(Date.parse("2024-03-31T01:30:00Z")), String(Date.parse("2024-04-01T00:30:00Z"))].sort());
    assert.ok(runs.every((r) => r.origin === "schedule" && r.status === "QUEUED" && r.tags["flyt/schedule"] === "s"));
    const ticks = (await storage.listTicks(id)).items;
    assert.ok(ticks.every((t) => t.status === "SUCCESS" && t.runIds.length === 1));
    const lag = metrics.summary(METRICS.tickLagMs);
    assert.equal(lag.count, 2);
    assert.ok((lag.max ?? Infinity) < 7 * 60_000, "lag is below the sweep step");
  });

  void it("runs 02:30 Europe/Oslo exactly once on the fall-back day, when 02:30 happens twice", async () => {
    const clock = new ManualClock(Date.parse("2024-10-26T12:00:00Z"));
    const s = snapshot();
    const id = instigatorId("loc", "s");
    await setInstigatorStatus(storage, id, "schedule", "RUNNING", clock.now());
    const scheduler = newScheduler(storage, clock);
    await sweep(scheduler, clock, [s], "2024-10-26T12:00:00Z", "2024-10-28T12:00:00Z", 5 * 60_000);
    assert.deepEqual(await tickTimes(storage, id), ["2024-10-27T00:30:00.000Z", "2024-10-28T01:30:00.000Z"]);
    assert.equal((await runsOf(storage, id)).length, 2);
  });

  void it("creates each tick's run once when a second scheduler (another daemon, or a restart) replays it", async () => {
    const clock = new ManualClock(Date.parse("2024-05-01T00:00:00Z"));
    const s = snapshot({ cron: "*/10 * * * *", timezone: "UTC" });
    const id = instigatorId("loc", "s");
    await setInstigatorStatus(storage, id, "schedule", "RUNNING", clock.now());
    const a = newScheduler(storage, clock);
    const b = newScheduler(storage, clock);
    for (let i = 1; i <= 6; i += 1) {
      clock.set(Date.parse("2024-05-01T00:00:00Z") + i * 10 * 60_000 + 1000);
      await Promise.all([a.pass([s]), b.pass([s])]);
    }
    const runs = await runsOf(storage, id);
    assert.equal(runs.length, 6, "one run per tick although two schedulers evaluated every tick");
    assert.equal(new Set(runs.map((r) => r.runKey)).size, 6);
    // A tick left STARTED by a process that died is redone, and its run key keeps it single.
    const crashed = await storage.createTick(id, Date.parse("2024-05-01T01:00:00Z"));
    assert.equal(crashed.status, "STARTED");
    const c = newScheduler(storage, clock);
    await c.pass([s]);
    assert.equal((await runsOf(storage, id)).length, 6);
    assert.equal((await storage.listTicks(id, { limit: 1 })).items[0]?.status, "SUCCESS");
    // …and the abandoned tick itself is closed, not left STARTED for ever.
    const closed = (await storage.listTicks(id, { limit: 1000 })).items.find((t) => t.tickId === crashed.tickId);
    assert.equal(closed?.status, "FAILURE");
    assert.match(closed?.error ?? "", /^interrupted: the daemon evaluating this tick stopped/);
    assert.equal((await storage.listTicks(id, { limit: 1000 })).items.filter((t) => t.status === "STARTED").length, 0);
  });

  void it("writes nothing with a deposed leader's fence and reports LeaseLostError", async () => {
    const clock = new ManualClock(Date.parse("2024-05-01T00:00:00Z"));
    const plain = snapshot({ name: "plain", cron: "*/10 * * * *", timezone: "UTC" });
    const coded = snapshot({ name: "coded", cron: "*/10 * * * *", timezone: "UTC", needsCode: true });
    for (const s of [plain, coded]) await setInstigatorStatus(storage, instigatorId("loc", s.name), "schedule", "RUNNING", clock.now());
    const old = await storage.acquireLease("fence-test", "daemon-a", 100);
    assert.ok(old);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.ok(await storage.acquireLease("fence-test", "daemon-b", 60_000));
    const errors: Error[] = [];
    const evaluator: InstigatorEvaluator = {
      ...noCode,
      evaluateSchedule: () => Promise.resolve({ runRequests: [{ runKey: null, partitionKey: null, tags: {}, selection: "a", assetKeys: ["a"] }], skipReason: null }),
    };
    const deposed = new Scheduler({
      storage,
      evaluator,
      clock,
      metrics: new MetricRegistry(),
      fence: () => ({ leaseName: "fence-test", holder: "daemon-a", fencingToken: old.fencingToken }),
      onError: (error) => errors.push(error),
    });
    clock.set(Date.parse("2024-05-01T00:30:01Z"));
    // The batch of plain ticks fails the pass itself; the coded schedule reports through onError.
    const failedPass = await deposed.pass([plain, coded]).then(
      () => null,
      (error: unknown) => error as Error,
    );
    assert.equal((await storage.listRuns({}, { limit: 100 })).items.length, 0, "no run created");
    for (const s of [plain, coded]) assert.equal((await storage.listTicks(instigatorId("loc", s.name))).items.length, 0, `no tick of ${s.name}`);
    const reported = [...errors, ...(failedPass === null ? [] : [failedPass])];
    assert.equal(reported.length, 2);
    for (const error of reported) {
      let cause: unknown = error;
      while (cause instanceof Error && !(cause instanceof LeaseLostError)) cause = cause.cause;
      assert.ok(cause instanceof LeaseLostError, `reported ${error.message}`);
    }
  });

  void it("writes the ticks of many code-free schedules in batches, each with its own run and tick history", async () => {
    const start = Date.parse("2024-05-01T00:00:30Z");
    const clock = new ManualClock(start);
    const schedules = Array.from({ length: 1_100 }, (_, i) => snapshot({ name: `b${i}`, cron: "* * * * *", timezone: "UTC", tags: { n: String(i) } }));
    for (const s of schedules) await setInstigatorStatus(storage, instigatorId("loc", s.name), "schedule", "RUNNING", start);
    const metrics = new MetricRegistry();
    const scheduler = new Scheduler({ storage, evaluator: noCode, clock, metrics, batchSize: 400, onError: (error) => assert.fail(error) });
    await scheduler.pass(schedules);
    assert.equal(metrics.summary(METRICS.tickLagMs).count, 0, "nothing due yet");
    clock.set(Date.parse("2024-05-01T00:02:10Z"));
    await scheduler.pass(schedules);
    // catch-up "latest": only 00:02 runs; 00:01 counts as passed.
    assert.equal(metrics.summary(METRICS.tickLagMs).count, schedules.length);
    assert.equal(scheduler.nextDueAt, Date.parse("2024-05-01T00:03:00Z"));
    for (const i of [0, 399, 400, 1_099]) {
      const id = instigatorId("loc", `b${i}`);
      const ticks = (await storage.listTicks(id)).items;
      assert.deepEqual(ticks.map((t) => [t.status, new Date(t.tickTime).toISOString()]), [["SUCCESS", "2024-05-01T00:02:00.000Z"]]);
      const runs = await storage.getRuns(ticks[0]!.runIds);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]?.runKey, String(Date.parse("2024-05-01T00:02:00Z")));
      assert.equal(runs[0]?.tags.n, String(i));
      assert.equal(runs[0]?.tags["flyt/schedule"], `b${i}`);
    }
    // The next pass in the same minute writes nothing more; a fresh scheduler (restart) neither.
    await scheduler.pass(schedules);
    await newScheduler(storage, clock).pass(schedules);
    assert.equal((await storage.listRuns({ origin: "schedule" }, { limit: 1000 })).items.length, 1000);
    assert.equal((await storage.listRuns({ origin: "schedule" }, { limit: 1000, cursor: (await storage.listRuns({ origin: "schedule" }, { limit: 1000 })).nextCursor })).items.length, 100);
  });

  void it("writes a failing batch one tick at a time: the bad schedule gets a FAILURE tick, the others their runs", async () => {
    const start = Date.parse("2024-05-01T00:00:30Z");
    const clock = new ManualClock(start);
    const good = [snapshot({ name: "g1", cron: "* * * * *", timezone: "UTC" }), snapshot({ name: "g2", cron: "* * * * *", timezone: "UTC" })];
    // An empty asset key is refused by storage: it fails the whole batch.
    const bad = snapshot({ name: "bad", cron: "* * * * *", timezone: "UTC", targetAssetKeys: [""] });
    const schedules = [good[0]!, bad, good[1]!];
    for (const s of schedules) await setInstigatorStatus(storage, instigatorId("loc", s.name), "schedule", "RUNNING", start);
    const errors: Error[] = [];
    const scheduler = new Scheduler({ storage, evaluator: noCode, clock, metrics: new MetricRegistry(), onError: (e) => errors.push(e) });
    clock.set(Date.parse("2024-05-01T00:01:05Z"));
    await scheduler.pass(schedules);
    assert.ok(errors.some((e) => /batch of 3 schedule ticks/.test(e.message)), errors.map((e) => e.message).join("; "));
    for (const s of good) {
      const ticks = (await storage.listTicks(instigatorId("loc", s.name))).items;
      assert.deepEqual(ticks.map((t) => t.status), ["SUCCESS"]);
      assert.equal((await storage.getRuns(ticks[0]!.runIds)).length, 1);
    }
    const badTicks = (await storage.listTicks(instigatorId("loc", "bad"))).items;
    assert.deepEqual(badTicks.map((t) => t.status), ["FAILURE"]);
    assert.match(badTicks[0]?.error ?? "", /asset/i);
  });

  void it("applies the catch-up policy after downtime and never runs ticks from before the schedule was turned on", async () => {
    const start = Date.parse("2024-06-01T00:00:30Z");
    const clock = new ManualClock(start);
    const policies = [
      snapshot({ name: "latest", cron: "0 * * * *", timezone: "UTC", catchUp: "latest" }),
      snapshot({ name: "all", cron: "0 * * * *", timezone: "UTC", catchUp: "all", maxCatchUpTicks: 3 }),
      snapshot({ name: "none", cron: "0 * * * *", timezone: "UTC", catchUp: "none" }),
    ];
    for (const p of policies) await setInstigatorStatus(storage, instigatorId("loc", p.name), "schedule", "RUNNING", start);
    const scheduler = newScheduler(storage, clock);
    await scheduler.pass(policies);
    for (const p of policies) assert.deepEqual(await tickTimes(storage, instigatorId("loc", p.name)), [], `${p.name}: 00:00 was before it was turned on`);
    // Five hours of downtime.
    clock.set(Date.parse("2024-06-01T05:20:00Z"));
    await scheduler.pass(policies);
    assert.deepEqual(await tickTimes(storage, instigatorId("loc", "latest")), ["2024-06-01T05:00:00.000Z"]);
    assert.deepEqual(await tickTimes(storage, instigatorId("loc", "all")), [
      "2024-06-01T03:00:00.000Z",
      "2024-06-01T04:00:00.000Z",
      "2024-06-01T05:00:00.000Z",
    ]);
    assert.deepEqual(await tickTimes(storage, instigatorId("loc", "none")), [], "none: 05:00 is 20 minutes late");
    // Back on time: every policy runs the current tick.
    clock.set(Date.parse("2024-06-01T06:00:10Z"));
    await scheduler.pass(policies);
    for (const p of policies) assert.equal((await tickTimes(storage, instigatorId("loc", p.name))).at(-1), "2024-06-01T06:00:00.000Z");
  });

  void it("does nothing for a stopped schedule, and a restart does not run what was missed while stopped", async () => {
    const clock = new ManualClock(Date.parse("2024-06-01T00:00:00Z"));
    const s = snapshot({ cron: "*/5 * * * *", timezone: "UTC", catchUp: "all" });
    const id = instigatorId("loc", "s");
    const scheduler = newScheduler(storage, clock);
    clock.set(Date.parse("2024-06-01T01:00:01Z"));
    await scheduler.pass([s]);
    assert.deepEqual(await tickTimes(storage, id), [], "default STOPPED");
    await setInstigatorStatus(storage, id, "schedule", "RUNNING", clock.now());
    clock.set(Date.parse("2024-06-01T01:05:01Z"));
    await scheduler.pass([s]);
    await setInstigatorStatus(storage, id, "schedule", "STOPPED");
    clock.set(Date.parse("2024-06-01T02:00:01Z"));
    await scheduler.pass([s]);
    await setInstigatorStatus(storage, id, "schedule", "RUNNING", clock.now());
    clock.set(Date.parse("2024-06-01T02:05:01Z"));
    await scheduler.pass([s]);
    assert.deepEqual(await tickTimes(storage, id), ["2024-06-01T01:05:00.000Z", "2024-06-01T02:05:00.000Z"]);
    // A schedule declared RUNNING starts at first sight.
    const declared = snapshot({ name: "declared", cron: "*/5 * * * *", timezone: "UTC", defaultStatus: "RUNNING" });
    await scheduler.pass([declared]);
    assert.equal((await storage.getInstigatorState(instigatorId("loc", "declared")))?.startedAt, clock.now());
    clock.set(Date.parse("2024-06-01T02:10:01Z"));
    await scheduler.pass([declared]);
    assert.deepEqual(await tickTimes(storage, instigatorId("loc", "declared")), ["2024-06-01T02:10:00.000Z"]);
  });

  void it("runs schedule code: computed partitions, several requests, skip reasons and failures in the tick history", async () => {
    const evaluator = new LocalEvaluator([{ name: "loc", definitionsFile: FIXTURE }]);
    const { schedules } = await evaluator.listInstigators();
    // 2024-06-07 is a Friday, the 8th a Saturday.
    const clock = new ManualClock(Date.parse("2024-06-07T00:00:00Z"));
    for (const s of schedules) await setInstigatorStatus(storage, instigatorId("loc", s.name), "schedule", "RUNNING", clock.now());
    const scheduler = new Scheduler({ storage, evaluator, clock, metrics: new MetricRegistry(), onError: (error) => assert.fail(error) });
    clock.set(Date.parse("2024-06-07T04:00:05Z"));
    await scheduler.pass(schedules);
    clock.set(Date.parse("2024-06-08T04:00:05Z"));
    await scheduler.pass(schedules);

    const yearly = await runsOf(storage, "loc:yearly_previous");
    assert.deepEqual(yearly.map((r) => r.partitionKey), ["2023", "2023"]);
    assert.deepEqual(yearly[0]?.assetKeys, ["t/raw", "t/report"]);
    assert.equal(yearly[0]?.tags.team, "t");

    const weekday = await runsOf(storage, "loc:weekdays_only");
    assert.equal(weekday.length, 2, "two requests on Friday, none on Saturday");
    const friday = Date.parse("2024-06-07T04:00:00Z");
    assert.deepEqual(weekday.map((r) => r.runKey).sort(), [`${friday}:extra`, `${friday}:main`]);
    const extra = weekday.find((r) => r.runKey?.endsWith(":extra"));
    assert.deepEqual(extra?.assetKeys, ["t/raw"]);
    assert.equal(extra?.partitionKey, "2024");
    const ticks = (await storage.listTicks("loc:weekdays_only")).items;
    assert.equal(ticks[0]?.status, "SKIPPED");
    assert.equal(ticks[0]?.skipReason, "weekend");
    assert.equal(ticks[1]?.status, "SUCCESS");

    const broken = (await storage.listTicks("loc:broken")).items;
    assert.equal(broken.length, 2);
    assert.ok(broken.every((t) => t.status === "FAILURE" && /schedule code exploded/.test(t.error ?? "")));
  });
}, { per: "test" });
