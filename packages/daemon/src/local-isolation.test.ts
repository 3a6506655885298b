/**
 * LocalEvaluator runs sensor code off the daemon's event loop: a sensor spinning in a synchronous
 * loop is stopped at the sensor loop's timeout (its tick FAILURE, naming the sensor and the
 * timeout, never left STARTED) while the healthy sensor of the same location succeeds and this
 * thread's timers keep firing. The fixture's spin is bounded (20 s) so that, without isolation,
 * the test fails on its timing instead of hanging.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestStorage } from "@flyt/storage/testing";
import { ManualClock } from "./clock.js";
import { LocalEvaluator } from "./evaluator.js";
import { MetricRegistry } from "./metrics.js";
import { SensorLoop } from "./sensors.js";

// The code server's fixture (the same hung and healthy sensors), evaluated here in process.
const FIXTURE = fileURLToPath(new URL("../../code-location-server/dist/test-fixtures/hung-sensor.js", import.meta.url));

void describe("LocalEvaluator isolation", () => {
  void it("times out a spinning sensor while the others evaluate and the daemon's loop keeps running", { timeout: 60_000 }, async () => {
    process.env.FLYT_TEST_SPIN_MS = "20000";
    await using fixture = await createTestStorage("sqlite");
    const { storage } = fixture;
    const evaluator = new LocalEvaluator([{ name: "loc", definitionsFile: FIXTURE }]);
    try {
      const { sensors } = await evaluator.listInstigators();
      const watched = sensors.filter((s) => s.name === "spins" || s.name === "healthy");
      assert.equal(watched.length, 2);
      const loop = new SensorLoop({ storage, evaluator, clock: new ManualClock(Date.now()), metrics: new MetricRegistry(), timeoutMs: 1_500, onError: (e) => assert.fail(e) });
      let beats = 0;
      const beat = setInterval(() => (beats += 1), 100);
      const started = performance.now();
      await loop.pass(watched);
      const elapsed = performance.now() - started;
      clearInterval(beat);

      assert.ok(elapsed < 8_000, `the spinning sensor was stopped at its timeout (the pass took ${Math.round(elapsed)} ms)`);
      assert.ok(beats >= 5, `this thread's timers kept firing during the evaluation (${beats} beats)`);
      const [spun] = (await storage.listTicks("loc:spins", { limit: 5 })).items;
      assert.equal(spun?.status, "FAILURE");
      assert.match(spun?.error ?? "", /sensor loc:spins evaluation timed out after 1500 ms/);
      const [healthy] = (await storage.listTicks("loc:healthy", { limit: 5 })).items;
      assert.equal(healthy?.status, "SUCCESS", JSON.stringify(healthy));
      assert.equal((await storage.getInstigatorState("loc:healthy"))?.cursor, "1");
      assert.equal((await storage.getInstigatorState("loc:spins"))?.cursor ?? null, null, "a timed-out tick leaves the cursor");
    } finally {
      delete process.env.FLYT_TEST_SPIN_MS;
      await evaluator.close();
    }
  });
});
