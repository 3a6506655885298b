/**
 * The workspace against real code servers: an address location that goes away keeps its last
 * good snapshot with an ERROR; an unreachable one is ERROR from the start; a server of another
 * protocol major version is refused clearly; snapshots merge into one cross-location graph.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCodeLocationServer } from "@flyt/code-location-server";
import type { Snapshot } from "@flyt/protocol";
import { CodeLocationClient, CodeLocationError, mergeSnapshots, Workspace } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

function snapshot(location: string, assets: Array<{ key: string; deps?: string[] }>, externalAssets: Snapshot["externalAssets"] = []): Snapshot {
  return {
    location,
    assets: assets.map((a) => ({
      key: a.key, deps: a.deps ?? [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null,
      partitions: null, retryPolicy: null, stepKey: a.key, metadata: {}, checks: [], freshnessPolicy: null,
    })),
    externalAssets,
    schedules: [],
    sensors: [],
    metadata: { sdkVersion: "0.1.0", runtime: "test" },
  };
}

describe("workspace", () => {
  it("keeps the last good snapshot when an address location becomes unreachable; an unreachable one is ERROR", async () => {
    const server = await startCodeLocationServer({ definitionsFile: join(repo, "examples/weather/definitions.ts"), name: "weather", port: 0, log: () => undefined });
    const workspace = await Workspace.start({
      locations: [
        { name: "weather", url: server.url },
        { name: "gone", url: "http://127.0.0.1:9/" },
      ],
      pollIntervalMs: 0,
    });
    try {
      const weather = workspace.get("weather")!;
      assert.equal(weather.status, "LOADED");
      assert.equal(weather.snapshot?.assets.length, 2);
      const gone = workspace.get("gone")!;
      assert.equal(gone.status, "ERROR");
      assert.match(gone.error?.message ?? "", /cannot reach http:\/\/127\.0\.0\.1:9/);
      assert.equal(gone.snapshot, null);

      // Unchanged reload: same hash.
      assert.equal((await workspace.reload("weather")).hash, weather.hash);
      await server.close();
      const after = await workspace.reload("weather");
      assert.equal(after.status, "ERROR");
      assert.match(after.error?.message ?? "", /cannot reach/);
      assert.equal(after.hash, weather.hash, "the last good snapshot is kept");
      assert.equal(after.snapshot?.assets.length, 2);
      assert.ok(workspace.graph().graph.get("weather/umbrella_index"), "still in the merged graph");
      await assert.rejects(workspace.reload("nope"), /no such location/);
    } finally {
      await workspace.close();
    }
  });

  it("refuses a server that speaks another protocol major version, naming the location", async () => {
    const fake = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "flyt-protocol-version": "2" }).end("{}");
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const client = new CodeLocationClient("future", `http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
      await assert.rejects(client.health(), (error: unknown) => {
        assert.ok(error instanceof CodeLocationError);
        assert.equal(error.kind, "PROTOCOL");
        assert.match(error.message, /Code location "future".*protocol version "2" is not supported; this side speaks protocol v1/);
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => fake.close(() => resolve()));
    }
  });

  it("a snapshot from a real code server carries the Atlas example's checks and freshness policies, and the merged graph keeps them", async () => {
    const server = await startCodeLocationServer({ definitionsFile: join(repo, "examples/atlas/definitions.ts"), name: "atlas", port: 0, log: () => undefined });
    try {
      const response = await new CodeLocationClient("atlas", server.url).snapshot();
      assert.ok(response);
      const byKey = new Map(response.snapshot.assets.map((a) => [a.key, a]));
      const forecast = byKey.get("atlas/met/bergen_forecast");
      assert.deepEqual(forecast?.freshnessPolicy, { kind: "time-window", maximumLagMinutes: 135, warnAfterMinutes: 75, partitions: "any" });
      const checks = forecast.checks.map((c) => [c.name, c.severity, c.blocking]);
      // The TypeScript checks first, then the dbt project's source tests on this ingest.
      assert.deepEqual(checks.slice(0, 2), [["row_count", "error", true], ["non_null", "error", false]]);
      assert.ok(checks.some(([name, severity, blocking]) => name === "source_unique_met_bergen_forecast_time" && severity === "error" && blocking === true), JSON.stringify(checks));
      const house = byKey.get("atlas/ssb/house_price_index_raw");
      assert.equal(house?.freshnessPolicy?.kind, "cron");
      assert.deepEqual(house.freshnessPolicy, { kind: "cron", cron: "0 9 1 4 *", timezone: "Europe/Oslo", maximumLagMinutes: 365 * 24 * 60, warnBeforeMinutes: 30 * 24 * 60, partitions: "latest" });
      assert.match(house.checks[0]?.description ?? "", /at least 1 row/);
      // Every ingest has a policy; assets without checks carry an empty list.
      assert.ok(response.snapshot.assets.filter((a) => a.freshnessPolicy !== null).length >= 4);
      assert.deepEqual(byKey.get("atlas/serving/daily_overview_json")?.checks, []);

      const merged = mergeSnapshots([response.snapshot]);
      assert.deepEqual(merged.graph.get("atlas/met/bergen_forecast")?.freshnessPolicy, forecast.freshnessPolicy);
      assert.deepEqual(merged.graph.get("atlas/met/bergen_forecast")?.checks, forecast.checks);
      assert.deepEqual(merged.assets.get("atlas/ssb/house_price_index_raw")?.freshnessPolicy, house.freshnessPolicy);
    } finally {
      await server.close();
    }
  });

  it("merges snapshots into one graph with cross-location lineage, conflicts and unresolved deps", () => {
    const merged = mergeSnapshots([
      snapshot("weather", [{ key: "w/umbrella", deps: ["atlas/forecast"] }, { key: "w/brief", deps: ["w/umbrella"] }, { key: "w/other", deps: ["x/missing"] }], [
        { key: "atlas/forecast", location: "atlas" },
        { key: "x/missing", location: null },
      ]),
      snapshot("atlas", [{ key: "atlas/forecast" }, { key: "shared/key" }]),
      snapshot("zeta", [{ key: "shared/key" }]),
    ]);
    assert.deepEqual(merged.graph.downstreamOf("atlas/forecast"), ["w/umbrella"]);
    assert.deepEqual(merged.graph.topologicalOrder(["w/brief", "w/umbrella", "atlas/forecast"]), ["atlas/forecast", "w/umbrella", "w/brief"]);
    assert.equal(merged.locationOf.get("atlas/forecast"), "atlas");
    assert.deepEqual(merged.conflicts, [{ key: "shared/key", locations: ["atlas", "zeta"] }]);
    assert.equal(merged.locationOf.get("shared/key"), "atlas");
    assert.deepEqual(merged.unresolved.map((u) => u.dep), ["x/missing"]);
  });
});
