/**
 * StorageAlertRecorder on every storage backend: a delivered webhook alert and a delivery that
 * fails after its retries (receiver answering 503) both land in alert_deliveries.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestStorage, testBackends, type TestStorage } from "@flyt/storage/testing";
import { compileAlertsConfig } from "./config.js";
import { AlertEngine } from "./engine.js";
import { recentAlertDeliveries, StorageAlertRecorder } from "./recorder.js";

for (const backend of testBackends()) {
  void describe(`StorageAlertRecorder on ${backend}`, () => {
    let test: TestStorage;
    before(async () => {
      test = await createTestStorage(backend);
    });
    after(async () => {
      await test[Symbol.asyncDispose]();
    });

    void it("records sent and failed deliveries", async () => {
      const bodies: string[] = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          if (req.url === "/broken") {
            res.writeHead(503).end("down");
            return;
          }
          bodies.push(Buffer.concat(chunks).toString("utf8"));
          res.writeHead(200).end("ok");
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const config = compileAlertsConfig({
          groupWindowSeconds: 0,
          maxAttempts: 2,
          retryDelayMs: 10,
          channels: { ok: { type: "webhook", url: `${url}/ok` }, broken: { type: "webhook", url: `${url}/broken` } },
          rules: [{ name: "failures", on: "run_failure", channels: ["ok", "broken"] }],
        });
        const engine = new AlertEngine({ config, recorder: new StorageAlertRecorder(test.storage) });
        engine.notify({ kind: "run_failure", runId: "run-1", location: "atlas", tags: {}, assetKeys: ["a"], message: "step a failed", at: Date.now() });
        await engine.flush();
        assert.equal(bodies.length, 1);
        const deliveries = await recentAlertDeliveries(test.storage);
        assert.deepEqual(deliveries.map((d) => [d.channel, d.outcome, d.kind, d.rule]).sort(), [
          ["broken", "failed", "run_failure", "failures"],
          ["ok", "sent", "run_failure", "failures"],
        ]);
        const failed = deliveries.find((d) => d.outcome === "failed");
        assert.equal(failed?.attempts, 2);
        assert.match(failed?.error ?? "", /503/);
        await engine.close();
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
}
