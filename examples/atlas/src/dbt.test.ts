/**
 * The example's dbt project in Flyt:
 * - what the definitions make of the committed manifest (no dbt needed): asset keys, groups,
 *   owners, lineage from the ingests through dbt to the served document, checks and severities,
 *   and the schedule's and sensor's selections;
 * - that the committed manifest is what real dbt parses from the project now
 *   (scripts/dbt-manifest.mjs);
 * - that the dbt marts, built through Flyt on the fixtures, hold exactly the rows the former
 *   TypeScript assets computed (src/oracles.ts), read back with `dbt show` and from the NDJSON
 *   export.
 * The tests that run dbt find it by FLYT_TEST_DBT, else .venv-dbt, and fail saying how to
 * install it when there is none.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveSelection, type RunRecord } from "@flyt/core";
import { dbtAssets } from "@flyt/dbt";
import { InProcessLauncher } from "@flyt/run-worker";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { dbtProjectDir } from "./dbt.js";
import { parseJsonStatDataset } from "./jsonstat.js";
import { BERGEN, parseCompactForecast } from "./met.js";
import { expectedMarts } from "./oracles.js";
import { HOUSE_PRICE_SOURCE, HOUSE_PRICE_YEARS, rawRowsForYear } from "./ssb.js";
import { dbtForTests, dbtShow, useTestDbt } from "./test-dbt.js";
import { FIXTURES_DIR, loadFixture, MET_BERGEN_FILE, SSB_07221_FILE } from "./test-fixtures.js";

const definitionsFile = fileURLToPath(new URL("../definitions.js", import.meta.url));
const manifestScript = fileURLToPath(new URL("../../scripts/dbt-manifest.mjs", import.meta.url));

// The definitions read ATLAS_DATA_DIR and the dbt executable when they load (once per process,
// shared with the in-process launcher's runs): set both first.
const dataDir = mkdtempSync(join(tmpdir(), "atlas-dbt-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
useTestDbt(dataDir);
const { default: definitions } = await import("../definitions.js");

const RAW = "atlas/ssb/house_price_index_raw";
const FORECAST = "atlas/met/bergen_forecast";
const OWNERS = ["atlas-data@example.org"];

/** The dbt assets: key → group, kinds, upstream assets (sources resolve to the ingests). */
const DBT_ASSETS: Record<string, { group: string; kinds: string[]; deps: string[]; tests: number }> = {
  "atlas/ssb/stg_house_price_index": { group: "ssb", kinds: ["dbt", "duckdb"], deps: [RAW], tests: 4 },
  "atlas/ssb/dwelling_types": { group: "ssb", kinds: ["dbt", "duckdb", "seed"], deps: [], tests: 2 },
  "atlas/ssb/house_price_index": { group: "ssb", kinds: ["dbt", "duckdb"], deps: ["atlas/ssb/dwelling_types", "atlas/ssb/stg_house_price_index"], tests: 9 },
  "atlas/ssb/house_price_index_history": { group: "ssb", kinds: ["dbt", "duckdb", "snapshot"], deps: ["atlas/ssb/house_price_index"], tests: 1 },
  // Traced through the ephemeral int_met__bergen_precipitation_periods.
  "atlas/met/stg_bergen_forecast": { group: "met", kinds: ["dbt", "duckdb"], deps: [FORECAST], tests: 3 },
  "atlas/met/bergen_daily_weather": { group: "met", kinds: ["dbt", "duckdb"], deps: ["atlas/met/stg_bergen_forecast"], tests: 6 },
  "atlas/serving/locations": { group: "serving", kinds: ["dbt", "duckdb", "seed"], deps: [], tests: 3 },
  "atlas/serving/daily_overview": { group: "serving", kinds: ["dbt", "duckdb"], deps: ["atlas/met/bergen_daily_weather", "atlas/serving/locations", "atlas/ssb/house_price_index"], tests: 7 },
};

void describe("the Atlas dbt project in the definitions (committed manifest, no dbt run)", () => {
  void it("maps every model, seed and snapshot to an asset of one step, with its key, group, owners and lineage", () => {
    const dbt = [...definitions.graph.nodes.values()].filter((n) => n.kinds.includes("dbt"));
    assert.deepEqual(dbt.map((n) => n.key).sort(), Object.keys(DBT_ASSETS).sort());
    for (const node of dbt) {
      const expected = DBT_ASSETS[node.key]!;
      assert.equal(node.stepKey, "dbt_atlas", node.key);
      assert.equal(node.group, expected.group, node.key);
      assert.deepEqual(node.kinds, expected.kinds, node.key);
      assert.deepEqual([...node.deps].sort(), expected.deps, node.key);
      assert.deepEqual(node.owners, OWNERS, node.key);
      assert.equal(node.partitions, null, `${node.key}: one unpartitioned step`);
      // Retried with a delay: DuckDB's single writer may be busy with another run's dbt step.
      assert.ok((node.retryPolicy?.maxRetries ?? 0) >= 1 && (node.retryPolicy?.delayMs ?? 0) >= 1000, `${node.key}: ${JSON.stringify(node.retryPolicy)}`);
    }
    assert.equal(definitions.graph.get("atlas/ssb/house_price_index")?.tags["dbt_tag/annual"], "");
    // The served document reads the dbt model's export.
    assert.deepEqual(definitions.graph.get("atlas/serving/daily_overview_json")?.deps, ["atlas/serving/daily_overview"]);
    // No asset of the TypeScript era is left behind under a dbt key.
    for (const key of ["atlas/ssb/house_price_index", "atlas/met/bergen_daily_weather", "atlas/serving/daily_overview"]) {
      assert.ok(!definitions.graph.get(key)!.kinds.includes("typescript"), key);
    }
  });

  void it("turns the dbt tests into checks: 35 on the dbt assets, 11 source tests on the two ingests, two of them warnings", () => {
    const checksOf = (key: string) => definitions.graph.get(key)?.checks ?? [];
    for (const [key, expected] of Object.entries(DBT_ASSETS)) assert.equal(checksOf(key).length, expected.tests, `${key} checks`);
    const sourceTests = (key: string) => checksOf(key).filter((c) => c.name !== "row_count" && c.name !== "non_null");
    assert.equal(sourceTests(RAW).length, 6);
    assert.equal(sourceTests(FORECAST).length, 5);
    const all = [...definitions.graph.nodes.values()].flatMap((n) => (n.checks ?? []).map((c) => ({ asset: n.key, ...c })));
    assert.equal(all.length, 35 + 11 + 19, "35 dbt tests, 11 source tests, 19 TypeScript checks of the tables in atlas.sqlite");
    const warnings = all.filter((c) => c.severity === "warn").map((c) => `${c.asset}:${c.name}`).sort();
    assert.deepEqual(warnings, [
      "atlas/serving/daily_overview:daily_overview_house_prices_published",
      "atlas/ssb/culture_distance_dimensions:matches_table_info",
      `${RAW}:ssb_house_price_index_raw_value_published`,
    ]);
    // Row counts and the dbt tests of error severity block what is downstream; the non-null and cross-source checks report only.
    const reportOnly = new Set(["non_null", "observed_station_listed"]);
    for (const c of all) assert.equal(c.blocking, c.severity === "error" && !reportOnly.has(c.name), `${c.asset}:${c.name} blocking`);

    // The same from dbtAssets itself: the map, the step's checks and the source checks.
    const project = dbtProjectDir();
    const dbt = dbtAssets({ project, manifest: join(project, "manifest.json"), parse: "never", profilesDir: project });
    assert.equal(dbt.map.assets.length, 8);
    assert.equal(dbt.checks.length, 35);
    assert.deepEqual(dbt.sourceChecks.map((c) => c.assetKey).sort(), [...Array<string>(5).fill(FORECAST), ...Array<string>(6).fill(RAW)]);
    assert.deepEqual(dbt.map.sources.map((s) => s.assetKey).sort(), [FORECAST, RAW]);
  });

  void it("keeps the schedule on the forecast ingest (automation rebuilds what is downstream) and the sensor selecting the SSB year with its dbt models", () => {
    const schedule = definitions.schedules.find((s) => s.name === "atlas_weather_hourly");
    assert.ok(schedule);
    // Before issue 16 it ran `group:met+` every hour; now the dbt models follow the forecast by
    // their eager condition and the document by its cron (src/automation.test.ts).
    assert.deepEqual([...resolveSelection(definitions.graph, schedule.target)], [FORECAST]);
    const sensor = definitions.sensors.find((s) => s.name === "atlas_ssb_release_calendar");
    assert.ok(sensor);
    assert.deepEqual(
      [...resolveSelection(definitions.graph, sensor.target)].sort(),
      [
        "atlas/ssb/culture_distance_dimensions",
        "atlas/ssb/culture_distance_table",
        "atlas/ssb/dwelling_types",
        "atlas/ssb/house_price_index",
        "atlas/ssb/house_price_index_history",
        RAW,
        "atlas/ssb/stg_house_price_index",
        "atlas/ssb/wage_inequality_raw",
        "atlas/ssb/wage_inequality_variables",
      ].sort(),
    );
  });
});

void describe("the committed dbt manifest", () => {
  void it("is what real dbt parses from the project (scripts/dbt-manifest.mjs)", async () => {
    const dbt = dbtForTests();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [manifestScript, "--dbt", dbt], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("error", reject);
      child.on("close", (exitCode) => resolve({ code: exitCode, output }));
    });
    if (code === 3) assert.fail(`dbt not found (${dbt}): install it with \`bash scripts/install-dbt.sh\` or set FLYT_TEST_DBT\n${output}`);
    assert.equal(code, 0, `examples/atlas/dbt/manifest.json is out of date: run \`node examples/atlas/scripts/dbt-manifest.mjs --write\`\n${output}`);
  });
});

void describe("the dbt marts against the TypeScript oracles", () => {
  let test: TestStorage;
  before(async () => {
    test = await createTestStorage("sqlite");
  });
  after(async () => {
    await test[Symbol.asyncDispose]();
  });

  async function materialize(assetKeys: string[], partitionKey: string | null): Promise<RunRecord> {
    const { run } = await test.storage.createRun({ selection: assetKeys.join(","), assetKeys, partitionKey });
    return new InProcessLauncher().launch({
      run,
      definitionsFile,
      storage: test.storage,
      environment: { ...process.env, ATLAS_SOURCE: "fixtures", ATLAS_FIXTURES_DIR: FIXTURES_DIR, ATLAS_DATA_DIR: dataDir },
    }).done;
  }

  void it("builds the project through Flyt on the fixtures; every mart equals its oracle, every dbt test passes", async () => {
    const dbt = dbtForTests();
    assert.equal((await materialize([RAW], "2022")).status, "SUCCESS");
    // Everything but the Pipes children and the Frost observations (partitioned by day, not year).
    const all = [...definitions.graph.nodes.values()].filter((n) => n.group !== "pipes" && n.group !== "frost").map((n) => n.key);
    const run = await materialize(all, "2023");
    assert.equal(run.status, "SUCCESS");
    const events = await test.storage.getEvents(run.runId, { limit: 10_000 });
    const dbtChecks = events.flatMap((e) => (e.body.type === "ASSET_CHECK_EVALUATION" && e.stepKey === "dbt_atlas" ? [e.body] : []));
    assert.equal(dbtChecks.length, 35);
    for (const c of dbtChecks) assert.equal(c.passed, true, `${c.assetKey}:${c.checkName} (${c.description ?? ""})`);

    // The oracles, from the same fixtures: every year partition the runs landed, and the forecast.
    const dataset = parseJsonStatDataset(HOUSE_PRICE_SOURCE, loadFixture(SSB_07221_FILE));
    const raw = HOUSE_PRICE_YEARS.flatMap((year) => rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year).map((r) => ({ partition_year: year, ...r })));
    const forecast = parseCompactForecast("MET", loadFixture(MET_BERGEN_FILE)).rows;
    const expected = expectedMarts(raw, forecast, BERGEN);

    const houses = dbtShow(dbt, dataDir, "select * from {{ ref('house_price_index') }} order by region_code, dwelling_type_code, quarter");
    assertSameRows("house_price_index", houses, expected.houses as unknown as Record<string, unknown>[]);
    const days = dbtShow(dbt, dataDir, "select * from {{ ref('bergen_daily_weather') }} order by location, date");
    assertSameRows("bergen_daily_weather", days, expected.days.map((d) => ({ ...d, location: BERGEN.name })));
    // daily_overview: the export its post-hook writes (what the served document reads), and the table.
    const exported = readFileSync(join(dataDir, "serving_daily_overview.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assertSameRows("daily_overview (NDJSON export)", exported, expected.overview);
    assertSameRows("daily_overview", dbtShow(dbt, dataDir, "select * from {{ ref('daily_overview') }} order by location, date"), expected.overview);
    const doc = JSON.parse(readFileSync(join(dataDir, "serving", "daily_overview.json"), "utf8")) as { rows: Record<string, unknown>[] };
    assert.deepEqual(doc.rows, expected.overview, "the served document's rows are the oracle's, column for column");
  });
});

/** Each oracle row's columns equal the mart's (which may have more columns); numbers to 1e-9. */
function assertSameRows(mart: string, actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[]): void {
  assert.equal(actual.length, expected.length, `${mart}: ${actual.length} rows, the oracle has ${expected.length}`);
  const differences: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i]!;
    for (const [column, value] of Object.entries(want)) {
      const have = got[column];
      const same = typeof value === "number" && typeof have === "number" ? Math.abs(value - have) < 1e-9 : have === value;
      if (!same) differences.push(`row ${i} ${column}: dbt ${JSON.stringify(have)}, oracle ${JSON.stringify(value)}`);
    }
  });
  assert.deepEqual(differences.slice(0, 20), [], `${mart}: ${differences.length} values differ`);
}
