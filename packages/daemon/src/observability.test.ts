/**
 * The daemon's observability on real storage: its freshness monitor drives an asset into STALE
 * under a shifted clock and a real local webhook receiver gets the alert; a failed run with a
 * failed error-severity check sends run_failure and check_failure alerts; `/metrics` answers over
 * HTTP with the daemon's leader state, queue depth, freshness counts and check failures, and the
 * text passes `promtool check metrics`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import type { AssetNodeSnapshot } from "@flyt/core";
import { compileAlertsConfig, type Alert } from "@flyt/observability";
import { startWebhookReceiver } from "@flyt/observability/testing";
import { describeEachBackend } from "@flyt/storage/testing";
import { Daemon } from "./daemon.js";
import { StaticLaunchResolver } from "./launch-resolver.js";
import { FakeLauncher, waitFor } from "./test-support.js";

const HOUR = 3_600_000;

function node(key: string): AssetNodeSnapshot {
  return {
    key, deps: [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null, partitions: null,
    retryPolicy: null, stepKey: key, metadata: {},
    freshnessPolicy: { kind: "time-window", maximumLagMinutes: 120, warnAfterMinutes: null, partitions: "any" },
  };
}

/** A real webhook receiver whose alerts are read as they arrive. */
async function receiver(): Promise<{ url: string; readonly alerts: Alert[]; close(): Promise<void> }> {
  const hook = await startWebhookReceiver();
  return {
    url: `${hook.url}/hook`,
    get alerts() {
      return hook.received.map((r) => JSON.parse(r.body) as Alert);
    },
    close: () => hook.close(),
  };
}

describeEachBackend((backend) => `daemon observability on ${backend}`, ({ storage }) => {
  void it("alerts on STALE, failed runs and failed error checks, and serves /metrics that pass promtool", async () => {
    const hook = await receiver();
    let shift = 0;
    const t0 = Date.now();
    const { run: old } = await storage.createRun({ selection: "atlas/met/forecast", assetKeys: ["atlas/met/forecast"], location: "atlas" });
    await storage.appendEvents([
      { runId: old.runId, seq: 1, timestamp: t0, stepKey: "atlas/met/forecast", body: { type: "ASSET_MATERIALIZATION", assetKey: "atlas/met/forecast", partition: null, metadata: {}, codeVersion: null } },
    ]);
    const daemon = new Daemon({
      storage,
      evaluator: { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as ConstructorParameters<typeof Daemon>[0]["evaluator"],
      resolver: new StaticLaunchResolver(new FakeLauncher()),
      // Nothing is launched: the test writes the runs' events itself.
      limits: { maxConcurrentRuns: 0 },
      lease: { ttlMs: 2_000, renewMs: 500 },
      observability: {
        alerts: compileAlertsConfig({
          groupWindowSeconds: 0,
          channels: { ops: { type: "webhook", url: hook.url } },
          rules: [
            { name: "stale", on: "freshness", channels: ["ops"] },
            { name: "failures", on: "run_failure", channels: ["ops"] },
            { name: "checks", on: "check_failure", channels: ["ops"] },
          ],
        }),
        assets: () => [{ node: node("atlas/met/forecast"), location: "atlas" }],
        metricsPort: 0,
        metricsHost: "127.0.0.1",
        now: () => Date.now() + shift,
      },
    });
    try {
      await daemon.start();
      await waitFor(() => daemon.leader.isLeader(), 10_000, "leadership");
      await waitFor(async () => (await storage.listFreshnessStates(["atlas/met/forecast"]))[0]?.state === "FRESH", 10_000, "a FRESH verdict");

      shift = 3 * HOUR;
      daemon.observability.freshness.wake();
      await waitFor(() => hook.alerts.some((a) => a.kind === "freshness"), 10_000, "the STALE alert");
      assert.equal(hook.alerts.find((a) => a.kind === "freshness")?.status, "firing");

      const { run } = await storage.createRun({ selection: "atlas/met/forecast", assetKeys: ["atlas/met/forecast"], location: "atlas" });
      const at = Date.now();
      await storage.appendEvents([
        { runId: run.runId, seq: 1, timestamp: at, stepKey: null, body: { type: "RUN_STARTED" } },
        { runId: run.runId, seq: 2, timestamp: at, stepKey: "atlas/met/forecast", body: { type: "ASSET_CHECK_EVALUATION", assetKey: "atlas/met/forecast", checkName: "row_count", passed: false, severity: "error", metadata: {} } },
        { runId: run.runId, seq: 3, timestamp: at, stepKey: "atlas/met/forecast", body: { type: "ASSET_CHECK_EVALUATION", assetKey: "atlas/met/forecast", checkName: "soft", passed: false, severity: "warn", metadata: {} } },
        { runId: run.runId, seq: 4, timestamp: at + 1, stepKey: null, body: { type: "RUN_FAILURE", message: "boom" } },
      ]);
      await waitFor(() => hook.alerts.some((a) => a.kind === "check_failure") && hook.alerts.some((a) => a.kind === "run_failure"), 10_000, "check and run alerts");
      const checkAlerts = hook.alerts.filter((a) => a.kind === "check_failure");
      assert.equal(checkAlerts.length, 1, "only the error-severity check alerts");
      assert.match(JSON.stringify(checkAlerts[0]?.items), /row_count/);
      assert.doesNotMatch(JSON.stringify(checkAlerts), /soft/);
      await waitFor(async () => (await storage.listAlertDeliveries()).items.length >= 3, 5_000, "stored deliveries");

      const url = daemon.observability.metricsUrl;
      assert.ok(url);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      const text = await response.text();
      for (const line of [
        'flyt_daemon_leader{component="daemon"} 1',
        // The first run never started: it waits in the queue (nothing may launch).
        'flyt_run_queue_depth{component="daemon"} 1',
        'flyt_asset_freshness_assets{state="STALE",component="daemon"} 1',
        'flyt_asset_check_failures_total{severity="error",component="daemon"} 1',
        'flyt_asset_check_failures_total{severity="warn",component="daemon"} 1',
        'flyt_runs_finished_total{location="atlas",status="FAILURE",component="daemon"} 1',
        'flyt_alerts_sent_total{channel="ops",kind="check_failure",component="daemon"} 1',
      ]) {
        assert.ok(text.includes(line), `metrics lack ${line}`);
      }
      assert.match(text, /flyt_daemon_heartbeat_age_seconds\{loop="run-queue",component="daemon"\} \d/);
      // The backfill and automation loops' series are served (zero here: no backfill, no condition).
      for (const series of ["flyt_backfill_runs_launched_total", "flyt_backfills_active", "flyt_automation_evaluation_duration_seconds_count", "flyt_automation_tick_failures_total", "flyt_automation_runs_requested_total"]) {
        assert.match(text, new RegExp(`^${series}\\{component="daemon"\\} \\d`, "m"), `metrics lack ${series}`);
      }
      const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
      assert.ok(promtool.error === undefined, `promtool is not installed (Debian package prometheus; scripts/test.sh installs it): ${promtool.error?.message ?? ""}`);
      assert.equal(promtool.status, 0, `promtool check metrics failed:\n${promtool.stdout}${promtool.stderr}`);
      assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), "", "promtool reported lint problems");
    } finally {
      await daemon.stop();
      await hook.close();
    }
    assert.equal(daemon.observability.metricsUrl, null, "the endpoint is closed on stop");
  });
}, { per: "test" });
