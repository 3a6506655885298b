/**
 * The Atlas example's observability declarations: every ingest has a freshness policy, the raw
 * SQLite tables have row-count / non-null checks, the dbt tables are checked by their dbt tests;
 * the ingests' dbt source tests run as checks after each ingest materializes (real dbt, real
 * SQLite storage and data folder), and the check helpers fail on an empty table and on nulls.
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
import { countRows, nonNullCheck, nullCounts, rowCountCheck } from "./checks.js";
import { AtlasStore } from "./store.js";
import { dbtForTests, useTestDbt } from "./test-dbt.js";
import { FIXTURES_DIR } from "./test-fixtures.js";

const definitionsFile = fileURLToPath(new URL("../definitions.js", import.meta.url));
// The definitions read ATLAS_DATA_DIR and the dbt executable when they load (once per process,
// shared with the in-process launcher's runs): set both first.
const dataDir = mkdtempSync(join(tmpdir(), "atlas-checks-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
useTestDbt(dataDir);
const { default: definitions } = await import("../definitions.js");

void describe("Atlas observability declarations", () => {
  void it("gives every ingest (an asset without upstream assets, dbt seeds aside) a freshness policy", () => {
    const ingests = [...definitions.graph.nodes.values()].filter((n) => n.deps.length === 0 && !n.kinds.includes("dbt"));
    assert.ok(ingests.length >= 4);
    for (const node of ingests) assert.ok(node.freshnessPolicy, `${node.key} has a freshness policy`);
    assert.equal(definitions.graph.get("atlas/met/bergen_forecast")?.freshnessPolicy?.kind, "time-window");
    assert.deepEqual(
      { kind: definitions.graph.get("atlas/ssb/house_price_index_raw")?.freshnessPolicy?.kind, partitions: definitions.graph.get("atlas/ssb/house_price_index_raw")?.freshnessPolicy?.partitions },
      { kind: "cron", partitions: "latest" },
    );
  });

  void it("checks every table the TypeScript assets write to atlas.sqlite with at least its row count", () => {
    const raw = [...definitions.graph.nodes.values()].filter((n) => n.kinds.includes("typescript") && n.kinds.includes("sqlite"));
    assert.ok(raw.length >= 12, `${raw.length} raw tables`);
    for (const node of raw) assert.ok((node.checks ?? []).some((c) => c.name === "row_count"), `${node.key} has a row_count check`);
  });

  void it("checks the raw SQLite tables in TypeScript, the dbt tables with their dbt tests, and the raw data with the source tests", () => {
    const names = (key: string): string[] => (definitions.graph.get(key)?.checks ?? []).map((c) => c.name);
    assert.deepEqual(names("atlas/ssb/house_price_index_raw"), [
      "row_count",
      "source_not_null_ssb_house_price_index_raw_partition_year",
      "ssb_house_price_index_raw_region_not_null",
      "ssb_house_price_index_raw_dwelling_type_known",
      "ssb_house_price_index_raw_quarter_not_null",
      "ssb_house_price_index_raw_value_published",
      "ssb_house_price_index_raw_status_known",
    ]);
    assert.deepEqual(names("atlas/met/bergen_forecast").slice(0, 2), ["row_count", "non_null"]);
    assert.equal(names("atlas/met/bergen_forecast").length, 2 + 5);
    // The replaced TypeScript checks are gone: the dbt tests cover the same keys.
    for (const key of ["atlas/ssb/house_price_index", "atlas/met/bergen_daily_weather", "atlas/serving/daily_overview"]) {
      assert.ok(!names(key).includes("row_count") && !names(key).includes("non_null"), `${key} has no TypeScript check`);
      assert.ok(names(key).some((n) => n.startsWith("row_count_at_least_")), `${key} has the dbt row count test`);
    }
  });
});

void describe("Atlas checks in a run", () => {
  let test: TestStorage;
  before(async () => {
    test = await createTestStorage("sqlite");
  });
  after(async () => {
    await test[Symbol.asyncDispose]();
  });

  async function materialize(assetKeys: string[], partitionKey: string): Promise<{ status: string; evaluations: Extract<StoredEvent["body"], { type: "ASSET_CHECK_EVALUATION" }>[]; events: StoredEvent[] }> {
    const { run } = await test.storage.createRun({ selection: assetKeys.join(","), assetKeys, partitionKey });
    const done = await new InProcessLauncher().launch({
      run,
      definitionsFile,
      storage: test.storage,
      environment: { ...process.env, ATLAS_SOURCE: "fixtures", ATLAS_FIXTURES_DIR: FIXTURES_DIR, ATLAS_DATA_DIR: dataDir },
    }).done;
    const events: StoredEvent[] = await test.storage.getEvents(run.runId, { limit: 10_000 });
    return { status: done.status, evaluations: events.flatMap((e) => (e.body.type === "ASSET_CHECK_EVALUATION" ? [e.body] : [])), events };
  }

  void it("runs the TypeScript checks and the dbt source tests after the ingests; SSB's empty cells are a warning", async () => {
    dbtForTests();
    const RAW = "atlas/ssb/house_price_index_raw";
    const FORECAST = "atlas/met/bergen_forecast";
    const first = await materialize([RAW], "2022");
    assert.equal(first.status, "SUCCESS");
    const warnAfter2022 = first.evaluations.find((e) => e.checkName === "ssb_house_price_index_raw_value_published");
    assert.equal(warnAfter2022?.passed, false);
    assert.equal(warnAfter2022?.severity, "warn");
    assert.deepEqual(warnAfter2022?.metadata["num_failures"], { type: "int", value: 12 }, "2022 has 12 cells without a figure");

    const second = await materialize([RAW, FORECAST], "2023");
    // A warn-severity check failing is recorded, and the run still succeeds.
    assert.equal(second.status, "SUCCESS");
    assert.equal(second.evaluations.length, 3 + 11, "3 TypeScript checks and 11 dbt source tests");
    for (const e of second.evaluations) {
      if (e.checkName === "ssb_house_price_index_raw_value_published") continue;
      assert.equal(e.passed, true, `${e.assetKey}:${e.checkName} passed (${e.description ?? ""})`);
    }
    const warn = second.evaluations.find((e) => e.checkName === "ssb_house_price_index_raw_value_published");
    assert.ok(warn);
    assert.equal(warn.assetKey, RAW);
    assert.equal(warn.passed, false);
    assert.equal(warn.severity, "warn");
    assert.equal(warn.partition, "2023");
    assert.deepEqual(warn.metadata["num_failures"], { type: "int", value: 24 }, "the source test reads every landed year: 24 cells SSB leaves empty");
    assert.match(warn.description ?? "", /warned \(24 failing rows\)/);

    // The source tests run in the ingest's own step, after its materialization.
    for (const asset of [RAW, FORECAST]) {
      const materialized = second.events.find((e) => e.body.type === "ASSET_MATERIALIZATION" && e.body.assetKey === asset);
      const checks = second.events.filter((e) => e.body.type === "ASSET_CHECK_EVALUATION" && e.body.assetKey === asset && e.body.checkName !== "row_count" && e.body.checkName !== "non_null");
      assert.ok(materialized);
      assert.equal(checks.length, asset === RAW ? 6 : 5);
      for (const c of checks) {
        assert.equal(c.stepKey, materialized.stepKey);
        assert.ok((c.seq ?? 0) > (materialized.seq ?? 0), `${asset}: check after the materialization`);
      }
    }
    const raw = second.evaluations.find((e) => e.assetKey === RAW && e.checkName === "row_count");
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
