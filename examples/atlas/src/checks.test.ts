/**
 * The Atlas example's observability declarations: every ingest has a freshness policy, every
 * table has row-count / non-null checks, a full run evaluates them all as passed (real SQLite
 * storage and data folder), and the check helpers fail on an empty table and on nulls.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StoredEvent } from "@flyt/core";
import { InProcessLauncher } from "@flyt/run-worker";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import definitions from "../definitions.js";
import { countRows, nonNullCheck, nullCounts, rowCountCheck } from "./checks.js";
import { AtlasStore } from "./store.js";
import { FIXTURES_DIR } from "./test-fixtures.js";

const definitionsFile = fileURLToPath(new URL("../definitions.js", import.meta.url));

void describe("Atlas observability declarations", () => {
  void it("gives every ingest (an asset without upstream assets) a freshness policy", () => {
    const ingests = [...definitions.graph.nodes.values()].filter((n) => n.deps.length === 0);
    assert.ok(ingests.length >= 4);
    for (const node of ingests) assert.ok(node.freshnessPolicy, `${node.key} has a freshness policy`);
    assert.equal(definitions.graph.get("atlas/met/bergen_forecast")?.freshnessPolicy?.kind, "time-window");
    assert.deepEqual(
      { kind: definitions.graph.get("atlas/ssb/house_price_index_raw")?.freshnessPolicy?.kind, partitions: definitions.graph.get("atlas/ssb/house_price_index_raw")?.freshnessPolicy?.partitions },
      { kind: "cron", partitions: "latest" },
    );
  });

  void it("checks every SQLite table for rows, and the cleaned ones for nulls", () => {
    const names = (key: string): string[] => (definitions.graph.get(key)?.checks ?? []).map((c) => c.name);
    assert.deepEqual(names("atlas/ssb/house_price_index_raw"), ["row_count"]);
    assert.deepEqual(names("atlas/ssb/house_price_index"), ["row_count", "non_null"]);
    assert.deepEqual(names("atlas/met/bergen_forecast"), ["row_count", "non_null"]);
    assert.deepEqual(names("atlas/met/bergen_daily_weather"), ["row_count", "non_null"]);
    assert.deepEqual(names("atlas/serving/daily_overview"), ["row_count", "non_null"]);
  });
});

void describe("Atlas checks in a run", () => {
  let test: TestStorage;
  let dataDir: string;
  before(async () => {
    test = await createTestStorage("sqlite");
    dataDir = mkdtempSync(join(tmpdir(), "atlas-checks-"));
  });
  after(async () => {
    await test[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it("evaluates all nine checks as passed on the fixtures", async () => {
    const assetKeys = [...definitions.graph.nodes.values()].filter((n) => !n.kinds.includes("pipes")).map((n) => n.key);
    const { run } = await test.storage.createRun({ selection: "*", assetKeys, partitionKey: "2023" });
    const done = await new InProcessLauncher().launch({
      run,
      definitionsFile,
      storage: test.storage,
      environment: { ...process.env, ATLAS_SOURCE: "fixtures", ATLAS_FIXTURES_DIR: FIXTURES_DIR, ATLAS_DATA_DIR: dataDir },
    }).done;
    assert.equal(done.status, "SUCCESS");
    const events: StoredEvent[] = await test.storage.getEvents(run.runId, { limit: 10_000 });
    const evaluations = events.flatMap((e) => (e.body.type === "ASSET_CHECK_EVALUATION" ? [e.body] : []));
    assert.equal(evaluations.length, 9);
    for (const e of evaluations) assert.equal(e.passed, true, `${e.assetKey}:${e.checkName} passed (${e.description ?? ""})`);
    const raw = evaluations.find((e) => e.assetKey === "atlas/ssb/house_price_index_raw");
    assert.equal(raw?.partition, "2023");
    assert.ok(((raw?.metadata.rows as { value: number } | undefined)?.value ?? 0) > 0);
  });

  void it("the helpers fail on a missing or empty table and on nulls, and count per partition", async () => {
    const store = new AtlasStore(join(dataDir, "helpers"));
    try {
      const spec = [
        { name: "k", type: "TEXT" as const },
        { name: "v", type: "REAL" as const },
      ];
      assert.equal(countRows(store, "t"), 0);
      store.replaceTable("t", spec, [
        { k: "a", v: 1 },
        { k: "b", v: null },
        { k: "b", v: 2 },
      ]);
      assert.equal(countRows(store, "t"), 3);
      assert.equal(countRows(store, "t", { column: "k", value: "b" }), 2);
      assert.deepEqual(nullCounts(store, "t", ["k", "v"]), { k: 0, v: 1 });
      const context = { runId: "r", assetKey: "x", checkName: "c", partitionKey: null, materializationMetadata: {}, log: console, resources: { store }, signal: new AbortController().signal };
      const nonNull = await nonNullCheck({ asset: "x", table: "t", columns: ["k", "v"] }).evaluate!(context);
      assert.deepEqual(nonNull, { passed: false, metadata: { null_counts: { k: 0, v: 1 } }, description: "nulls in v (1)" });
      const enough = await rowCountCheck({ asset: "x", table: "t", min: 4 }).evaluate!(context);
      assert.deepEqual(enough, { passed: false, metadata: { rows: 3, minimum: 4 } });
      const missing = await nonNullCheck({ asset: "x", table: "nope", columns: ["k"] }).evaluate!(context);
      assert.equal(typeof missing === "object" && missing.passed, false);
    } finally {
      store.close();
    }
  });
});
