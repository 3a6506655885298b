/**
 * StorageAlertRecorder on every storage backend: a delivered webhook alert and a delivery that
 * fails after its retries (receiver answering 503) both land in alert_deliveries.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { describeEachBackend } from "@flyt/storage/testing";
import { startWebhookReceiver } from "../testing/webhook-receiver.js";
import { compileAlertsConfig } from "./config.js";
import { AlertEngine } from "./engine.js";
import { recentAlertDeliveries, StorageAlertRecorder } from "./recorder.js";

describeEachBackend((backend) => `StorageAlertRecorder on ${backend}`, ({ storage }) => {
    void it("records sent and failed deliveries", async () => {
      const hook = await startWebhookReceiver((request) => (request.path === "/broken" ? 503 : 200));
      const { url } = hook;
      try {
        const config = compileAlertsConfig({
          groupWindowSeconds: 0,
          maxAttempts: 2,
          retryDelayMs: 10,
          channels: { ok: { type: "webhook", url: `${url}/ok` }, broken: { type: "webhook", url: `${url}/broken` } },
          rules: [{ name: "failures", on: "run_failure", channels: ["ok", "broken"] }],
        });
        const engine = new AlertEngine({ config, recorder: new StorageAlertRecorder(storage) });
        engine.notify({ kind: "run_failure", runId: "run-1", location: "atlas", tags: {}, assetKeys: ["a"], message: "step a failed", at: Date.now() });
        await engine.flush();
        assert.equal(hook.received.length, 1);
        const deliveries = await recentAlertDeliveries(storage);
        assert.deepEqual(deliveries.map((d) => [d.channel, d.outcome, d.kind, d.rule]).sort(), [
          ["broken", "failed", "run_failure", "failures"],
          ["ok", "sent", "run_failure", "failures"],
        ]);
        const failed = deliveries.find((d) => d.outcome === "failed");
        assert.equal(failed?.attempts, 2);
        assert.match(failed?.error ?? "", /503/);
        await engine.close();
      } finally {
        await hook.close();
      }
    });
});
