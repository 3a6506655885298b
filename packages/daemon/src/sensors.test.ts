/**
 * Sensor loop tests on real storage: a custom sensor (user code loaded from a definitions file)
 * requests runs with run keys and advances its cursor only on success; a throwing and a hanging
 * sensor record FAILURE ticks without stopping the others; minimum intervals are kept; asset and
 * run-status sensors fire from storage without user code.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { ManualClock } from "./clock.js";
import { LocalEvaluator, type ResolvedSensor } from "./evaluator.js";
import { instigatorId, setInstigatorStatus } from "@flyt/storage";
import { METRICS, MetricRegistry } from "./metrics.js";
import { SensorLoop } from "./sensors.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));

function builtIn(extra: Partial<ResolvedSensor>): ResolvedSensor {
  return {
    location: "loc",
    name: "s",
    sensorType: "asset",
    target: "t",
    targetAssetKeys: ["t"],
    minimumIntervalSeconds: 1,
    defaultStatus: "RUNNING",
    description: null,
    tags: {},
    assets: [],
    runStatuses: ["FAILURE"],
    monitoredAssetKeys: null,
    ...extra,
  };
}

async function ticksOf(storage: Storage, id: string) {
  return (await storage.listTicks(id, { limit: 100 })).items.reverse();
}

describeEachBackend((backend) => `sensors on ${backend}`, ({ storage }) => {
  void it("evaluates custom sensors at their interval; cursor only on success; failures and timeouts are ticks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyt-sensor-"));
    process.env.FLYT_TEST_SENSOR_DIR = dir;
    try {
      const evaluator = new LocalEvaluator([{ name: "loc", definitionsFile: FIXTURE }]);
      const { sensors } = await evaluator.listInstigators();
      const clock = new ManualClock(Date.now());
      for (const s of sensors) await setInstigatorStatus(storage, instigatorId("loc", s.name), "sensor", "RUNNING");
      const metrics = new MetricRegistry();
      const loop = new SensorLoop({ storage, evaluator, clock, metrics, timeoutMs: 1_000, onError: (e) => assert.fail(e) });
      await loop.pass(sensors);
      writeFileSync(join(dir, "release.txt"), "2023");
      await loop.pass(sensors);
      assert.equal((await ticksOf(storage, "loc:release_file")).length, 1, "the minimum interval holds");
      clock.advance(1_500);
      await loop.pass(sensors);
      writeFileSync(join(dir, "release.txt"), "2024");
      clock.advance(1_500);
      await loop.pass(sensors);
      clock.advance(1_500);
      await loop.pass(sensors);

      const release = await ticksOf(storage, "loc:release_file");
      assert.deepEqual(release.map((t) => t.status), ["SKIPPED", "SUCCESS", "SUCCESS", "SKIPPED"]);
      const runs = (await storage.listRuns({ origin: "sensor" }, { limit: 100 })).items.reverse();
      assert.deepEqual(runs.map((r) => [r.runKey, r.partitionKey, r.tags["flyt/sensor"]]), [
        ["2023", "2023", "release_file"],
        ["2024", "2024", "release_file"],
      ]);
      assert.equal((await storage.getInstigatorState("loc:release_file"))?.cursor, "2024");

      const throws = await ticksOf(storage, "loc:throws");
      assert.ok(throws.length >= 3 && throws.every((t) => t.status === "FAILURE" && /sensor code exploded/.test(t.error ?? "")));
      const hangs = await ticksOf(storage, "loc:hangs");
      assert.ok(hangs.length >= 3 && hangs.every((t) => t.status === "FAILURE" && /timed out after 1000 ms/.test(t.error ?? "")));
      assert.equal((await storage.getInstigatorState("loc:throws"))?.cursor, null, "a failed tick leaves the cursor");
      // Every evaluation is timed, failed and timed-out ones too (flyt_sensor_evaluation_duration_seconds).
      const timed = metrics.summary(METRICS.sensorEvaluationMs);
      assert.equal(timed.count, metrics.counter(METRICS.sensorTicks));
      assert.ok((timed.max ?? 0) >= 1_000, `the timed-out evaluations took their 1000 ms (max ${String(timed.max)})`);
    } finally {
      delete process.env.FLYT_TEST_SENSOR_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it("asset sensors fire per new materialization (same partition), once", async () => {
    const clock = new ManualClock(Date.now());
    const sensor = builtIn({ name: "after_raw", sensorType: "asset", assets: ["raw"] });
    const loop = new SensorLoop({ storage, evaluator: new LocalEvaluator([]), clock, metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
    const materialize = async (partition: string) => {
      const { run } = await storage.createRun({ selection: "raw", assetKeys: ["raw"] });
      await storage.appendEvents([
        { runId: run.runId, seq: 1, timestamp: Date.now(), stepKey: "raw", body: { type: "ASSET_MATERIALIZATION", assetKey: "raw", partition, metadata: {} } },
      ]);
    };
    await materialize("2021");
    await loop.pass([sensor]);
    await materialize("2022");
    await materialize("2023");
    clock.advance(2_000);
    await loop.pass([sensor]);
    clock.advance(2_000);
    await loop.pass([sensor]);
    const runs = (await storage.listRuns({ origin: "sensor" })).items.reverse();
    assert.deepEqual(runs.map((r) => r.partitionKey), ["2022", "2023"], "history before the first tick does not fire");
    assert.ok(runs.every((r) => r.tags["flyt/triggering_asset"] === "raw" && r.assetKeys[0] === "t"));
    assert.deepEqual((await ticksOf(storage, "loc:after_raw")).map((t) => t.status), ["SKIPPED", "SUCCESS", "SKIPPED"]);
  });

  void it("run-status sensors fire once per matching run, never on their own runs", async () => {
    const clock = new ManualClock(Date.now());
    const sensor = builtIn({ name: "alert", sensorType: "run_status", runStatuses: ["FAILURE"], monitoredAssetKeys: ["watched"] });
    const loop = new SensorLoop({ storage, evaluator: new LocalEvaluator([]), clock, metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
    await loop.pass([sensor]);
    const end = async (assetKeys: string[], body: { type: "RUN_FAILURE"; message: string } | { type: "RUN_SUCCESS" }) => {
      const { run } = await storage.createRun({ selection: "*", assetKeys });
      await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now() + 5, stepKey: null, body }]);
      return run;
    };
    const failed = await end(["watched"], { type: "RUN_FAILURE", message: "x" });
    await end(["watched"], { type: "RUN_SUCCESS" });
    await end(["other"], { type: "RUN_FAILURE", message: "x" });
    for (let i = 0; i < 3; i += 1) {
      clock.advance(2_000);
      await loop.pass([sensor]);
    }
    const runs = (await storage.listRuns({ origin: "sensor" })).items;
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.tags["flyt/triggering_run"], failed.runId);
    // The alert run fails itself: the sensor must not fire on it (it would loop forever).
    await storage.appendEvents([{ runId: runs[0].runId, seq: null, timestamp: Date.now() + 10, stepKey: null, body: { type: "RUN_FAILURE", message: "alert failed" } }]);
    clock.advance(2_000);
    await loop.pass([sensor]);
    assert.equal((await storage.listRuns({ origin: "sensor" })).items.length, 1);
  });
}, { per: "test" });
