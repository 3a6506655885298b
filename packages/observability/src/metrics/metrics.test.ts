/**
 * Metrics tests: the exposition text of a registry with every metric observed passes
 * `promtool check metrics` (the Prometheus project's own linter; the test fails loudly when
 * promtool is missing — scripts/test.sh installs it), and `/metrics` answers over real HTTP.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { FlytMetrics } from "./metrics.js";
import { serveMetrics } from "./handler.js";

function populated(): FlytMetrics {
  const metrics = new FlytMetrics({ component: "daemon" });
  metrics.runsStarted.inc({ location: "atlas" });
  metrics.runsFinished.inc({ location: "atlas", status: "SUCCESS" });
  metrics.runDuration.observe({ location: "atlas", status: "SUCCESS" }, 12.5);
  metrics.queueDepth.set(3);
  metrics.runsInProgress.set(1);
  metrics.queueWait.observe(0.2);
  metrics.scheduleTickLag.observe(0.05);
  metrics.scheduleTickFailures.inc();
  metrics.sensorEvaluationDuration.observe(0.3);
  metrics.sensorEvaluationFailures.inc();
  metrics.setFreshnessCounts({ FRESH: 20, STALE: 4 });
  metrics.checkEvaluations.inc({ severity: "error", result: "failed" });
  metrics.checkFailures.inc({ severity: "error" });
  metrics.eventsIngested.inc({ location: "atlas" }, 42);
  metrics.daemonLeader.set(1);
  metrics.daemonHeartbeatAge.set({ loop: "scheduler" }, 0.4);
  metrics.codeLocationLoaded.set({ location: "atlas" }, 1);
  metrics.alertsSent.inc({ channel: "webhook", kind: "run_failure" });
  metrics.alertDeliveryFailures.inc({ channel: "email" });
  return metrics;
}

test("the metrics text passes promtool check metrics", async () => {
  const which = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (which.error !== undefined || which.status !== 0) {
    assert.fail(
      "promtool is not installed: it comes with the Debian package `prometheus` (scripts/test.sh installs it; run `apt-get install prometheus`). " +
        `(${which.error?.message ?? which.stderr})`,
    );
  }
  const text = await populated().render();
  const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  assert.equal(result.status, 0, `promtool check metrics failed:\n${result.stdout}${result.stderr}`);
  assert.equal(`${result.stdout}${result.stderr}`.trim(), "", "promtool reported lint problems");
});

test("the text has the documented names, labels and every freshness state", async () => {
  const text = await populated().render();
  for (const line of [
    'flyt_runs_finished_total{location="atlas",status="SUCCESS",component="daemon"} 1',
    'flyt_asset_freshness_assets{state="STALE",component="daemon"} 4',
    'flyt_asset_freshness_assets{state="WARN",component="daemon"} 0',
    'flyt_events_ingested_total{location="atlas",component="daemon"} 42',
    'flyt_run_queue_depth{component="daemon"} 3',
  ]) {
    assert.ok(text.includes(line), `missing ${line}`);
  }
  assert.match(text, /^process_resident_memory_bytes\{component="daemon"\} \d+/m);
  assert.match(text, /^flyt_run_duration_seconds_bucket\{le="15",component="daemon",location="atlas",status="SUCCESS"\} 1$/m);
});

test("/metrics answers over HTTP, runs collectors, survives a failing one, and refuses POST", async () => {
  const metrics = new FlytMetrics({ component: "webserver", processMetrics: false });
  let depth = 0;
  metrics.addCollector(() => {
    depth += 1;
    metrics.queueDepth.set(depth);
  });
  metrics.addCollector(() => {
    throw new Error("storage down");
  });
  const served = await serveMetrics(metrics, { port: 0, host: "127.0.0.1" });
  try {
    const first = await fetch(served.url);
    assert.equal(first.status, 200);
    assert.match(first.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(await first.text(), /^flyt_run_queue_depth\{component="webserver"\} 1$/m);
    const second = await (await fetch(served.url)).text();
    assert.match(second, /^flyt_run_queue_depth\{component="webserver"\} 2$/m);
    assert.equal((await fetch(served.url, { method: "POST" })).status, 405);
    assert.equal((await fetch(served.url.replace("/metrics", "/other"))).status, 404);
  } finally {
    await served.close();
  }
});

test("a bad component name is refused with a clear error", () => {
  assert.throws(() => new FlytMetrics({ component: "Web Server" }), /lowercase name/);
});
