/**
 * End to end on every storage backend: an asset with a freshness policy goes STALE under a fast
 * clock and a real local HTTP receiver gets the webhook alert; a new materialization brings it
 * back to FRESH with a recovery alert; verdicts (with "stale since") and deliveries are stored.
 * Then the monitor's own loop: woken by a failed run, it sends a run_failure alert.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { AssetNodeSnapshot, EventBody } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { compileAlertsConfig } from "../alerts/config.js";
import { AlertEngine } from "../alerts/engine.js";
import { StorageAlertRecorder } from "../alerts/recorder.js";
import type { Alert } from "../alerts/types.js";
import { startWebhookReceiver, type WebhookReceiver } from "../testing/webhook-receiver.js";
import { FreshnessMonitor } from "./monitor.js";

const HOUR = 3_600_000;

function node(key: string, over: Partial<AssetNodeSnapshot> = {}): AssetNodeSnapshot {
  return {
    key,
    deps: [],
    description: null,
    group: "default",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: null,
    retryPolicy: null,
    stepKey: key,
    metadata: {},
    ...over,
  };
}

/** The alerts a receiver got, parsed. */
function alertsOf(hook: WebhookReceiver): Alert[] {
  return hook.received.map((request) => JSON.parse(request.body) as Alert);
}

describeEachBackend((backend) => `freshness monitor on ${backend}`, ({ storage }) => {

  async function materialize(assetKey: string, timestamp: number): Promise<void> {
    const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], location: "atlas" });
    const body: EventBody = { type: "ASSET_MATERIALIZATION", assetKey, partition: null, metadata: {}, codeVersion: null };
    await storage.appendEvents([{ runId: run.runId, seq: 1, timestamp, stepKey: assetKey, body }]);
  }

  void it("drives an asset into STALE with a webhook alert, then back to FRESH with a recovery", async () => {
    const hook = await startWebhookReceiver();
    const engine = new AlertEngine({
      config: compileAlertsConfig({
        uiUrl: "http://flyt.local",
        groupWindowSeconds: 0,
        channels: { ops: { type: "webhook", url: `${hook.url}/hook` } },
        rules: [{ name: "stale", on: "freshness", channels: ["ops"] }],
      }),
      recorder: new StorageAlertRecorder(storage),
    });
    try {
      const t0 = Date.now();
      let now = t0;
      const assets = [
        { node: node("atlas/met/forecast", { freshnessPolicy: { kind: "time-window", maximumLagMinutes: 120, warnAfterMinutes: 75, partitions: "any" } }), location: "atlas" },
        { node: node("atlas/no_policy"), location: "atlas" },
      ];
      const monitor = new FreshnessMonitor({ storage: storage, assets: () => assets, notify: (s) => engine.notify(s), now: () => now });
      await materialize("atlas/met/forecast", t0);

      let result = await monitor.pass();
      assert.equal(result.evaluated, 1);
      assert.deepEqual(result.transitions.map((t) => [t.from, t.to.state]), [[null, "FRESH"]]);
      assert.equal(result.nextChangeAt, t0 + 75 * 60_000, "wakes at the warning instant");

      now = t0 + 80 * 60_000;
      result = await monitor.pass();
      assert.deepEqual(result.transitions.map((t) => t.to.state), ["WARN"]);
      assert.equal(result.nextChangeAt, t0 + 2 * HOUR, "then at the stale instant");

      now = t0 + 3 * HOUR;
      result = await monitor.pass();
      assert.deepEqual(result.transitions.map((t) => t.to.state), ["STALE"]);
      await engine.flush();
      assert.equal(alertsOf(hook).length, 1);
      assert.equal(alertsOf(hook)[0]?.status, "firing");
      assert.equal(alertsOf(hook)[0]?.kind, "freshness");
      assert.match(alertsOf(hook)[0]?.title ?? "", /atlas\/met\/forecast/);
      let [stored] = await storage.listFreshnessStates(["atlas/met/forecast"]);
      assert.equal(stored?.state, "STALE");
      assert.equal(stored?.since, t0 + 2 * HOUR, "stale since the lag ran out");

      now = t0 + 4 * HOUR;
      assert.deepEqual((await monitor.pass()).transitions, [], "no repeat while still stale");
      await engine.flush();
      assert.equal(alertsOf(hook).length, 1);

      await materialize("atlas/met/forecast", t0 + 4 * HOUR);
      now = t0 + 4 * HOUR + 60_000;
      result = await monitor.pass();
      assert.deepEqual(result.transitions.map((t) => [t.from, t.to.state]), [["STALE", "FRESH"]]);
      await engine.flush();
      assert.equal(alertsOf(hook).length, 2);
      assert.equal(alertsOf(hook)[1]?.status, "resolved");
      [stored] = await storage.listFreshnessStates(["atlas/met/forecast"]);
      assert.equal(stored?.state, "FRESH");
      assert.equal(stored?.freshUntil, t0 + 6 * HOUR);
      const deliveries = (await storage.listAlertDeliveries()).items;
      assert.deepEqual(deliveries.map((d) => [d.status, d.outcome]), [["resolved", "sent"], ["firing", "sent"]]);
    } finally {
      await engine.close();
      await hook.close();
    }
  });

  void it("its loop sends a run_failure alert when a run fails", async () => {
    const hook = await startWebhookReceiver();
    const engine = new AlertEngine({
      config: compileAlertsConfig({
        groupWindowSeconds: 0,
        channels: { ops: { type: "webhook", url: `${hook.url}/hook` } },
        rules: [{ name: "failures", on: "run_failure", channels: ["ops"] }],
      }),
      recorder: new StorageAlertRecorder(storage),
    });
    const monitor = new FreshnessMonitor({ storage: storage, assets: () => [], notify: (s) => engine.notify(s), maxSleepMs: 200 });
    try {
      await monitor.start();
      const { run } = await storage.createRun({ selection: "x", assetKeys: ["x"], location: "atlas" });
      await storage.appendEvents([
        { runId: run.runId, seq: 1, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } },
        { runId: run.runId, seq: 2, timestamp: Date.now(), stepKey: null, body: { type: "RUN_FAILURE", message: "boom" } },
      ]);
      const until = Date.now() + 10_000;
      while (alertsOf(hook).length === 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await engine.flush();
      }
      assert.equal(alertsOf(hook).length, 1);
      assert.equal(alertsOf(hook)[0]?.kind, "run_failure");
      assert.match(JSON.stringify(alertsOf(hook)[0]?.items), new RegExp(run.runId));
    } finally {
      await monitor.stop();
      await engine.close();
      await hook.close();
    }
  });
});
