/**
 * The observability part of the GraphQL API over HTTP on both storage backends: freshness state on
 * assets and graph nodes, latest check results (declared severity before the first run), stale
 * assets and failed checks in the overview, and alert deliveries with the failed-only filter and
 * its pagination. State is written through the real storage API, as the daemon writes it.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { InProcessLauncher } from "@flyt/run-worker";
import { describeEachBackend } from "@flyt/storage/testing";
import { launcherRunController } from "./controller.js";
import { createApiHandler, type ApiHandler } from "./http.js";
import { LocalDefinitions } from "./test-fixtures/local-definitions.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/observed.js", import.meta.url));
const HOUR = 60 * 60 * 1000;

describeEachBackend((backend) => `GraphQL observability API (${backend})`, ({ storage }) => {
  let server: Server;
  let api: ApiHandler;
  let url: string;
  const now = Date.now();
  let checkRunId = "";

  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  };

  before(async () => {
    const definitions = await LocalDefinitions.load("obs", FIXTURE);
    api = createApiHandler({
      storage,
      definitions,
      runs: launcherRunController({ storage, launcher: new InProcessLauncher(), definitionsFile: () => FIXTURE }),
      log: () => undefined,
    });
    server = createServer((req, res) => {
      void api.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end("not found");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const verdict = (assetKey: string, state: "FRESH" | "WARN" | "STALE", since: number) => ({
      assetKey,
      state,
      since,
      staleSince: state === "STALE" ? since : null,
      freshUntil: state === "STALE" ? null : now + 2 * HOUR,
      warnAt: state === "FRESH" ? now + HOUR : null,
      partition: null,
      reason: `${state.toLowerCase()} for the test`,
      evaluatedAt: now,
    });
    await storage.putFreshnessState(verdict("obs/daily", "STALE", now - 3 * HOUR));
    await storage.putFreshnessState(verdict("obs/morning", "WARN", now - HOUR));
    // No policy any more: its old verdict must not count.
    await storage.putFreshnessState(verdict("obs/plain", "STALE", now - 5 * HOUR));

    const { run } = await storage.createRun({ selection: "obs/daily", assetKeys: ["obs/daily"], location: "obs" });
    checkRunId = run.runId;
    const evaluation = (checkName: string, passed: boolean, severity: "warn" | "error", at: number) => ({
      runId: run.runId,
      seq: null,
      timestamp: at,
      stepKey: "obs/daily",
      body: { type: "ASSET_CHECK_EVALUATION" as const, assetKey: "obs/daily", checkName, passed, severity, metadata: {} },
    });
    await storage.appendEvents([evaluation("row_count", false, "error", now - 2000), evaluation("not_null", true, "warn", now - 1000)]);

    const delivery = (title: string, outcome: "sent" | "failed" | "suppressed", at: number) => ({
      alertId: `a-${title}`,
      rule: "stale-data",
      kind: "freshness",
      status: "firing" as const,
      channel: "hook",
      outcome,
      attempts: outcome === "failed" ? 4 : 1,
      error: outcome === "failed" ? "HTTP 500 from receiver" : null,
      title,
      count: 1,
      at,
    });
    await storage.recordAlertDelivery(delivery("old failure", "failed", now - 30 * HOUR));
    await storage.recordAlertDelivery(delivery("sent", "sent", now - 3 * HOUR));
    await storage.recordAlertDelivery(delivery("recent failure", "failed", now - 2 * HOUR));
    await storage.recordAlertDelivery(delivery("suppressed", "suppressed", now - HOUR));
  });

  after(async () => {
    api.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("shows freshness and latest check results on the asset", async () => {
    const data = await gql(`{
      daily: asset(key: "obs/daily") { freshness { state since staleSince freshUntil warnAt reason evaluatedAt } checks { name passed severity timestamp runId blocking } }
      plain: asset(key: "obs/plain") { freshness { state } checks { name passed severity timestamp runId description } }
    }`);
    assert.deepEqual(data.daily.freshness, {
      state: "STALE",
      since: now - 3 * HOUR,
      staleSince: now - 3 * HOUR,
      freshUntil: null,
      warnAt: null,
      reason: "stale for the test",
      evaluatedAt: now,
    });
    assert.deepEqual(data.daily.checks, [
      { name: "row_count", passed: false, severity: "error", timestamp: now - 2000, runId: checkRunId, blocking: true },
      { name: "not_null", passed: true, severity: "warn", timestamp: now - 1000, runId: checkRunId, blocking: false },
    ]);
    assert.equal(data.plain.freshness, null, "no policy: no verdict, even with a stored row");
    assert.deepEqual(data.plain.checks, [{ name: "never_run", passed: null, severity: "warn", timestamp: null, runId: null, description: "declared, never evaluated" }]);
  });

  it("gives graph nodes their freshness state (for the lineage colours)", async () => {
    const data = await gql("{ assetGraph { nodes { key freshness } } }");
    const byKey = Object.fromEntries((data.assetGraph.nodes as Array<{ key: string; freshness: string | null }>).map((n) => [n.key, n.freshness]));
    assert.deepEqual(byKey, { "obs/daily": "STALE", "obs/morning": "WARN", "obs/plain": null });
  });

  it("lists stale assets, failed checks and failed deliveries in the overview", async () => {
    const data = await gql("{ overview { staleCount warnCount staleAssets { key freshness { since } } failedCheckCount failedChecks { assetKey name severity timestamp runId } failedAlertDeliveries24h } }");
    assert.deepEqual(data.overview, {
      staleCount: 1,
      warnCount: 1,
      staleAssets: [{ key: "obs/daily", freshness: { since: now - 3 * HOUR } }],
      failedCheckCount: 1,
      failedChecks: [{ assetKey: "obs/daily", name: "row_count", severity: "error", timestamp: now - 2000, runId: checkRunId }],
      failedAlertDeliveries24h: 1,
    });
  });

  it("lists alert deliveries newest first, and only failures with failedOnly, page by page", async () => {
    const all = await gql("{ alertDeliveries(first: 10) { nodes { title outcome channel rule kind status attempts error count at } hasNextPage } }");
    assert.deepEqual(
      all.alertDeliveries.nodes.map((d: { title: string }) => d.title),
      ["suppressed", "recent failure", "sent", "old failure"],
    );
    assert.equal(all.alertDeliveries.hasNextPage, false);
    assert.deepEqual(all.alertDeliveries.nodes[1], {
      title: "recent failure", outcome: "failed", channel: "hook", rule: "stale-data", kind: "freshness", status: "firing", attempts: 4, error: "HTTP 500 from receiver", count: 1, at: now - 2 * HOUR,
    });

    const first = await gql("{ alertDeliveries(first: 1, failedOnly: true) { nodes { title } endCursor hasNextPage } }");
    assert.deepEqual(first.alertDeliveries.nodes, [{ title: "recent failure" }]);
    assert.equal(first.alertDeliveries.hasNextPage, true);
    const second = await gql("query($after: String) { alertDeliveries(first: 1, failedOnly: true, after: $after) { nodes { title } hasNextPage } }", { after: first.alertDeliveries.endCursor });
    assert.deepEqual(second.alertDeliveries.nodes, [{ title: "old failure" }]);
    assert.equal(second.alertDeliveries.hasNextPage, false);
  });
});
