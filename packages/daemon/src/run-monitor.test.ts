/**
 * Run monitor and retry tests on real storage: a run whose worker stops heartbeating is failed
 * with "worker lost" within the (short, for the test) timeout while a heartbeating one is left
 * alone; a run stuck in STARTING is failed; failed runs with a retry policy get linked retry runs,
 * once, up to the maximum.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { EventBody, EventRecord, RunRecord } from "@flyt/core";
import { createReexecution } from "@flyt/contracts";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { systemClock } from "./clock.js";
import { METRICS, MetricRegistry } from "./metrics.js";
import { RunMonitor } from "./run-monitor.js";
import { RETRY_INSTIGATOR, retryPolicy, RunRetries } from "./run-retries.js";
import { waitFor } from "./test-support.js";

const ev = (runId: string, body: EventRecord["body"], stepKey: string | null = null, seq: number | null = null): EventRecord => ({
  runId,
  seq,
  timestamp: Date.now(),
  stepKey,
  body,
});

async function startedRun(storage: Storage, tags: Record<string, string> = {}): Promise<RunRecord> {
  const { run } = await storage.createRun({ selection: "a+", assetKeys: ["a", "b"], tags });
  await storage.claimQueuedRun(run.runId);
  await storage.appendEvents([ev(run.runId, { type: "RUN_STARTED" })]);
  return (await storage.getRun(run.runId))!;
}

void describe("retryPolicy", () => {
  void it("reads max retries, attempt and strategy from tags", () => {
    const run = (status: string, tags: Record<string, string>) => ({ status, tags }) as unknown as RunRecord;
    assert.deepEqual(retryPolicy(run("FAILURE", { "flyt/max_retries": "2" })), { attempt: 1, strategy: "from_failure" });
    assert.deepEqual(retryPolicy(run("FAILURE", { "flyt/max_retries": "2", "flyt/retry_number": "1", "flyt/retry_strategy": "all_steps" })), { attempt: 2, strategy: "all_steps" });
    assert.equal(retryPolicy(run("FAILURE", { "flyt/max_retries": "2", "flyt/retry_number": "2" })), null);
    assert.equal(retryPolicy(run("FAILURE", { "flyt/max_retries": "lots" })), null);
    assert.equal(retryPolicy(run("SUCCESS", { "flyt/max_retries": "2" })), null);
    assert.equal(retryPolicy(run("FAILURE", {})), null);
  });
});

describeEachBackend((backend) => `run monitor and retries on ${backend}`, ({ storage }) => {
  void it("fails a run whose worker stopped heartbeating with 'worker lost', leaving a live one alone", async () => {
    const metrics = new MetricRegistry();
    const monitor = new RunMonitor({ storage, clock: systemClock, metrics, workerTimeoutMs: 400 });
    const lost = await startedRun(storage);
    const alive = await startedRun(storage);
    await storage.recordRunHeartbeat(lost.runId);
    let beating = true;
    const beater = (async () => {
      while (beating) {
        await storage.recordRunHeartbeat(alive.runId);
        await sleep(50);
      }
    })();
    const started = Date.now();
    try {
      await waitFor(
        async () => {
          await monitor.pass();
          return (await storage.getRun(lost.runId))?.status === "FAILURE";
        },
        5_000,
        "the lost run to fail",
        50,
      );
    } finally {
      beating = false;
      await beater;
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 350, `not before the timeout (${elapsed} ms)`);
    assert.equal((await storage.getRun(alive.runId))?.status, "STARTED", "the heartbeating run is untouched");
    const failure = (await storage.getEvents(lost.runId)).find((e) => e.body.type === "RUN_FAILURE");
    assert.match(failure?.body.type === "RUN_FAILURE" ? failure.body.message : "", /^worker lost: no heartbeat for [\d.]+ s \(timeout 0.4 s\)/);
    assert.equal(metrics.counter(METRICS.workersLost), 1);
  });

  void it("ends every unfinished step of a worker-lost run, so re-execution from failure runs them all", async () => {
    const monitor = new RunMonitor({ storage, clock: systemClock, metrics: new MetricRegistry(), workerTimeoutMs: 200 });
    const lost = await startedRun(storage);
    const step = (stepKey: string, body: EventBody) => ev(lost.runId, body, stepKey);
    const steps = ["extract", "transform", "load", "report"].map((stepKey) => ({ stepKey, assetKeys: [`a/${stepKey}`] }));
    await storage.appendEvents([
      ev(lost.runId, { type: "RUN_PLANNED", steps }),
      step("extract", { type: "STEP_START", attempt: 1, assetKeys: ["a/extract"] }),
      step("extract", { type: "STEP_SUCCESS", durationMs: 5 }),
      step("transform", { type: "STEP_START", attempt: 1, assetKeys: ["a/transform"] }),
    ]);
    await sleep(350);
    assert.equal((await monitor.pass()).length, 1);
    const events = await storage.getEvents(lost.runId);
    const ends = events.filter((e) => e.stepKey !== null && ["STEP_FAILURE", "STEP_SKIPPED"].includes(e.body.type)).map((e) => [e.stepKey, e.body.type]);
    assert.deepEqual(ends, [
      ["transform", "STEP_FAILURE"],
      ["load", "STEP_SKIPPED"],
      ["report", "STEP_SKIPPED"],
    ]);
    assert.equal(events.at(-1)?.body.type, "RUN_FAILURE", "the run's end comes after its steps'");
    const failure = events.find((e) => e.body.type === "STEP_FAILURE");
    assert.match(failure?.body.type === "STEP_FAILURE" ? failure.body.error.message : "", /^worker lost/);
    const retry = await createReexecution(storage, lost.runId, { fromFailure: true });
    assert.deepEqual(retry.stepKeys, ["transform", "load", "report"]);
  });

  void it("fails a run stuck in STARTING, and cancels a lost CANCELING run", async () => {
    const monitor = new RunMonitor({ storage, clock: systemClock, metrics: new MetricRegistry(), workerTimeoutMs: 300, startingTimeoutMs: 300 });
    const { run: stuck } = await storage.createRun({ selection: "*", assetKeys: ["a"] });
    await storage.claimQueuedRun(stuck.runId);
    const canceling = await startedRun(storage);
    await storage.appendEvents([ev(canceling.runId, { type: "RUN_CANCELING", message: "stop" })]);
    assert.deepEqual(await monitor.pass(), [], "nothing is judged before its timeout");
    await sleep(450);
    const verdicts = await monitor.pass();
    assert.equal(verdicts.length, 2);
    assert.equal((await storage.getRun(stuck.runId))?.status, "FAILURE");
    assert.match(verdicts.find((v) => v.runId === stuck.runId)?.message ?? "", /run stuck in STARTING for/);
    assert.equal((await storage.getRun(canceling.runId))?.status, "CANCELED");
    assert.throws(() => new RunMonitor({ storage, clock: systemClock, metrics: new MetricRegistry(), workerTimeoutMs: 0 }), /workerTimeoutMs/);
  });

  void it("retries a failed run by policy, linked to its root, once per failure, up to the maximum", async () => {
    const retries = new RunRetries({ storage, clock: systemClock, metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
    const root = await startedRun(storage, { "flyt/max_retries": "2", team: "x" });
    // Step a succeeded, step b failed: from_failure re-runs b only.
    await storage.appendEvents([
      ev(root.runId, { type: "STEP_START", attempt: 1, assetKeys: ["a"] }, "a", 1),
      ev(root.runId, { type: "STEP_SUCCESS", durationMs: 1 }, "a", 2),
      ev(root.runId, { type: "STEP_START", attempt: 1, assetKeys: ["b"] }, "b", 3),
      ev(root.runId, { type: "STEP_FAILURE", durationMs: 1, error: { name: "Error", message: "boom" }, assetKeys: ["b"] }, "b", 4),
      ev(root.runId, { type: "RUN_FAILURE", message: "step b failed" }, null, 5),
    ]);
    const noPolicy = await startedRun(storage);
    await storage.appendEvents([ev(noPolicy.runId, { type: "RUN_FAILURE", message: "x" })]);

    const [first, ...rest] = await retries.pass();
    assert.equal(rest.length, 0, "only the run with a policy is retried");
    assert.equal(first?.parentRunId, root.runId);
    assert.equal(first?.rootRunId, root.runId);
    assert.deepEqual(first?.stepKeys, ["b"]);
    assert.equal(first?.tags["flyt/retry_number"], "1");
    assert.equal(first?.tags.team, "x");
    assert.equal(first?.instigator, RETRY_INSTIGATOR);
    // Another daemon's retry pass (fresh memory) creates nothing new.
    const other = new RunRetries({ storage, clock: systemClock, metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
    assert.deepEqual(await other.pass(), []);

    // The retry fails too (worker lost, no step events): the second retry runs every step.
    await storage.claimQueuedRun(first.runId);
    await storage.appendEvents([ev(first.runId, { type: "RUN_FAILURE", message: "worker lost" })]);
    const [second] = await retries.pass();
    assert.equal(second?.parentRunId, first?.runId);
    assert.equal(second?.rootRunId, root.runId);
    assert.equal(second?.tags["flyt/retry_number"], "2");
    await storage.claimQueuedRun(second.runId);
    await storage.appendEvents([ev(second.runId, { type: "RUN_FAILURE", message: "again" })]);
    assert.deepEqual(await retries.pass(), [], "max_retries=2 reached");
    assert.equal((await storage.listRuns({ rootRunId: root.runId })).items.length, 2);
  });
}, { per: "test" });
