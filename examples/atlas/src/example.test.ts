/**
 * End to end: materializes the whole Atlas example — TypeScript ingests, the dbt project (real
 * dbt: FLYT_TEST_DBT, else .venv-dbt) and the served document — with the in-process launcher into
 * a temp SQLite storage and a temp ATLAS_DATA_DIR, and checks runs, materializations and row
 * counts against what the fixtures contain.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunRecord } from "@flyt/core";
import { InProcessLauncher } from "@flyt/run-worker";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { dbtForTests, dbtShow, useTestDbt } from "./test-dbt.js";
import { loadFixture, FIXTURES_DIR, MET_BERGEN_FILE, SSB_07221_FILE, SSB_07221_QUERY_FILE } from "./test-fixtures.js";

const definitionsFile = fileURLToPath(new URL("../definitions.js", import.meta.url));
const RAW = "atlas/ssb/house_price_index_raw";
/** The dbt project's assets (one step, dbt_atlas). */
const DBT = [
  "atlas/ssb/stg_house_price_index",
  "atlas/ssb/dwelling_types",
  "atlas/ssb/house_price_index",
  "atlas/ssb/house_price_index_history",
  "atlas/met/stg_bergen_forecast",
  "atlas/met/bergen_daily_weather",
  "atlas/serving/locations",
  "atlas/serving/daily_overview",
];
const ALL = [RAW, "atlas/met/bergen_forecast", ...DBT, "atlas/serving/daily_overview_json"];

const ssb = loadFixture(SSB_07221_FILE);
const met = loadFixture(MET_BERGEN_FILE);
const cellsPerYear = (ssb.value as unknown[]).length / 2;
const missingCells = (ssb.value as unknown[]).filter((v) => v === null).length;

let test: TestStorage;
let dataDir: string;

before(async () => {
  test = await createTestStorage("sqlite");
  dataDir = mkdtempSync(join(tmpdir(), "atlas-e2e-data-"));
  // dbt gets ATLAS_DATA_DIR and its executable from the worker's process environment, read when
  // the definitions load (once per process with the in-process launcher).
  useTestDbt(dataDir);
});
after(async () => {
  await test[Symbol.asyncDispose]();
  rmSync(dataDir, { recursive: true, force: true });
});

async function materialize(assetKeys: string[], partitionKey: string | null, env: Record<string, string> = {}): Promise<RunRecord> {
  const { run } = await test.storage.createRun({ selection: assetKeys.join(","), assetKeys, partitionKey });
  const handle = new InProcessLauncher().launch({
    run,
    definitionsFile,
    storage: test.storage,
    environment: { ...process.env, ATLAS_SOURCE: "fixtures", ATLAS_FIXTURES_DIR: FIXTURES_DIR, ATLAS_DATA_DIR: dataDir, ...env },
  });
  return handle.done;
}

async function rowsOf(assetKey: string): Promise<unknown> {
  const [entry] = await test.storage.getLatestMaterializations([assetKey]);
  assert.ok(entry, `${assetKey} has a materialization`);
  return entry.metadata["rows"];
}

void describe("materializing the Atlas example", () => {
  void it("ingests year 2022 alone, then everything for 2023; dbt builds every landed year", async () => {
    const dbt = dbtForTests();
    const first = await materialize([RAW], "2022");
    assert.equal(first.status, "SUCCESS");
    const second = await materialize(ALL, "2023");
    assert.equal(second.status, "SUCCESS");

    const partitions = await test.storage.getPartitionMaterializations(RAW);
    assert.deepEqual(partitions.map((p) => p.partition).sort(), ["2022", "2023"]);
    for (const p of partitions) assert.deepEqual(p.metadata["rows"], { type: "int", value: cellsPerYear });
    assert.deepEqual(await rowsOf("atlas/met/bergen_forecast"), { type: "int", value: met.properties.timeseries.length });
    assert.deepEqual(await rowsOf("atlas/serving/daily_overview_json"), { type: "int", value: 11 });

    // Every dbt asset was materialized by the one dbt step of the second run.
    const dbtMaterializations = await test.storage.getLatestMaterializations(DBT);
    assert.deepEqual(dbtMaterializations.map((m) => m.assetKey).sort(), [...DBT].sort());
    for (const m of dbtMaterializations) assert.equal(m.runId, second.runId, `${m.assetKey} built in the second run`);
    // The marts hold every landed year, counted through dbt itself.
    const models = ["house_price_index", "bergen_daily_weather", "daily_overview"];
    const [counts] = dbtShow(dbt, dataDir, `select ${models.map((m) => `(select count(*) from {{ ref('${m}') }}) as ${m}`).join(", ")}`);
    assert.deepEqual(
      models.map((m) => Number(counts?.[m])),
      [2 * cellsPerYear - missingCells, 11, 11],
    );

    const [forecast] = await test.storage.getLatestMaterializations(["atlas/met/bergen_forecast"]);
    assert.equal(forecast!.metadata["schema"]?.type, "table_schema");
    assert.equal(forecast!.metadata["preview"]?.type, "table");
    assert.deepEqual(forecast!.metadata["path"], { type: "path", value: join(dataDir, "atlas.sqlite") });
    assert.deepEqual(forecast!.metadata["landing_path"], { type: "path", value: join(dataDir, "landing", "met_forecast_bergen.ndjson") });
    assert.equal(forecast!.metadata["source_url"]?.type, "url");

    const doc = JSON.parse(readFileSync(join(dataDir, "serving", "daily_overview.json"), "utf8"));
    assert.equal(doc.rows.length, 11);
    assert.equal(doc.rows[0].house_price_index_detached, 126.2);

    // The plain console.log of the forecast ingest is captured as the step's stdout.
    const events = await test.storage.getEvents(second.runId, { limit: 10_000 });
    const stdout = events.filter((e) => e.body.type === "STEP_OUTPUT" && e.stepKey === "atlas/met/bergen_forecast");
    assert.ok(stdout.some((e) => e.body.type === "STEP_OUTPUT" && e.body.stream === "stdout" && e.body.text.includes("forecast for bergen: 85 steps")));
    assert.ok(events.some((e) => e.body.type === "LOG" && e.body.message === "ingested SSB house price index" && e.body.fields?.["year"] === "2023"));
  });

  void it("rejects a year that is not a partition before any step runs", async () => {
    const run = await materialize([RAW], "2024");
    assert.equal(run.status, "FAILURE");
    const failure = (await test.storage.getEvents(run.runId)).find((e) => e.body.type === "RUN_FAILURE");
    assert.match(failure?.body.type === "RUN_FAILURE" ? failure.body.message : "", /Invalid partition "2024" .*valid keys: 2022, 2023/);
  });

  void it("fails the run with the config error when ATLAS_SOURCE is invalid", async () => {
    const run = await materialize(["atlas/met/bergen_forecast"], null, { ATLAS_SOURCE: "staging" });
    assert.equal(run.status, "FAILURE");
    const failure = (await test.storage.getEvents(run.runId)).find((e) => e.body.type === "RUN_FAILURE");
    assert.match(failure?.body.type === "RUN_FAILURE" ? failure.body.message : "", /ATLAS_SOURCE: "staging" is not one of fixtures, live/);
  });
});

void describe("materializing against derived fixtures", () => {
  let fixtures: string;
  before(() => {
    // A fixtures root whose 07221 response stops after 2022 (the 2023 quarters cut from the cube),
    // and which has no MET forecast at all.
    fixtures = mkdtempSync(join(tmpdir(), "atlas-e2e-fixtures-"));
    mkdirSync(join(fixtures, "ssb"));
    const body = loadFixture(SSB_07221_FILE);
    const periods = Object.keys(body.dimension.Tid.category.index);
    const keep = (i: number) => periods[i % periods.length]!.startsWith("2022");
    const kept = periods.filter((p) => p.startsWith("2022"));
    body.dimension.Tid.category.index = Object.fromEntries(kept.map((p, i) => [p, i]));
    body.dimension.Tid.category.label = Object.fromEntries(kept.map((p) => [p, p]));
    body.size[3] = kept.length;
    const oldIndex = (body.value as unknown[]).map((_, i) => i).filter(keep);
    body.value = oldIndex.map((i) => ssb.value[i]);
    body.status = Object.fromEntries(oldIndex.map((old, i) => [String(i), ssb.status[String(old)]]).filter(([, s]) => s !== undefined));
    writeFileSync(join(fixtures, SSB_07221_FILE), JSON.stringify(body));
    copyFileSync(join(FIXTURES_DIR, SSB_07221_QUERY_FILE), join(fixtures, SSB_07221_QUERY_FILE));
  });
  after(() => rmSync(fixtures, { recursive: true, force: true }));

  void it("fails a year partition the response has no data for, with the reason", async () => {
    dbtForTests(); // the ingest's source tests (checks) run dbt
    const ok = await materialize([RAW], "2022", { ATLAS_FIXTURES_DIR: fixtures });
    assert.equal(ok.status, "SUCCESS");
    const run = await materialize([RAW], "2023", { ATLAS_FIXTURES_DIR: fixtures });
    assert.equal(run.status, "FAILURE");
    const failure = (await test.storage.getEvents(run.runId)).find((e) => e.body.type === "STEP_FAILURE");
    assert.ok(failure?.body.type === "STEP_FAILURE");
    assert.deepEqual(failure.body.assetKeys, [RAW]);
    assert.match(failure.body.error.message, /SSB table 07221: invalid data at dimension\.Tid: has no period in year 2023 \(the response covers 2022K1 … 2022K4\)/);
  });

  void it("retries the forecast ingest per its policy, then fails naming the missing fixture", async () => {
    const run = await materialize(["atlas/met/bergen_forecast"], null, { ATLAS_FIXTURES_DIR: fixtures });
    assert.equal(run.status, "FAILURE");
    const events = await test.storage.getEvents(run.runId);
    assert.deepEqual(events.filter((e) => e.body.type === "STEP_START").map((e) => (e.body.type === "STEP_START" ? e.body.attempt : 0)), [1, 2, 3]);
    assert.equal(events.filter((e) => e.body.type === "STEP_RETRY").length, 2);
    assert.ok(events.some((e) => e.body.type === "LOG" && e.body.message === "retrying the MET forecast"));
    const failure = events.find((e) => e.body.type === "STEP_FAILURE");
    assert.match(failure?.body.type === "STEP_FAILURE" ? failure.body.error.message : "", /MET locationforecast \(bergen\): could not read .*met_locationforecast2_compact_bergen_2023-09-17\.json: fixture not readable/);
  });
});

void describe("Atlas ingests as Pipes children", () => {
  void it("the TypeScript and Python children report row counts and schema; output is captured", async () => {
    const run = await materialize(["atlas/met/bergen_forecast_landing", "atlas/ssb/house_price_dimensions"], null);
    assert.equal(run.status, "SUCCESS");
    assert.deepEqual(await rowsOf("atlas/met/bergen_forecast_landing"), { type: "int", value: met.properties.timeseries.length });
    const dimensions = (ssb.id as string[]).length;
    assert.deepEqual(await rowsOf("atlas/ssb/house_price_dimensions"), { type: "int", value: dimensions });
    const [landing] = await test.storage.getLatestMaterializations(["atlas/met/bergen_forecast_landing"]);
    const [dims] = await test.storage.getLatestMaterializations(["atlas/ssb/house_price_dimensions"]);
    assert.equal(landing!.metadata["schema"]?.type, "table_schema");
    assert.equal(dims!.metadata["schema"]?.type, "table_schema");
    const events = await test.storage.getEvents(run.runId, { limit: 1000 });
    assert.ok(events.some((e) => e.body.type === "ASSET_CHECK_EVALUATION" && e.body.checkName === "has_steps" && e.body.passed));
    assert.ok(events.some((e) => e.body.type === "STEP_OUTPUT" && e.body.text.includes(`SSB 07221 has ${dimensions} dimensions`)));
  });
});

void describe("the ingests of every other recorded source, in one run", () => {
  const NEW_INGESTS = [
    "atlas/met/newyork_forecast",
    "atlas/met/frost_stations",
    "atlas/ssb/wage_inequality_variables",
    "atlas/ssb/wage_inequality_raw",
    "atlas/ssb/culture_distance_table",
    "atlas/ssb/culture_distance_dimensions",
    "atlas/brreg/asa_companies",
    "atlas/brreg/followed_entities",
  ];

  void it("materializes them from the fixtures; every raw table's checks run (05300's metadata lags its table info: a warning)", async () => {
    const run = await materialize(NEW_INGESTS, null);
    const events = await test.storage.getEvents(run.runId, { limit: 10_000 });
    const failures = events.flatMap((e) => (e.body.type === "STEP_FAILURE" ? [e.body.error.message] : []));
    assert.equal(run.status, "SUCCESS", failures.join("\n"));
    const rows = Object.fromEntries(
      (await test.storage.getLatestMaterializations(NEW_INGESTS)).map((m) => [m.assetKey, (m.metadata["rows"] as { value: number } | undefined)?.value]),
    );
    assert.deepEqual(rows, {
      "atlas/met/newyork_forecast": 82,
      "atlas/met/frost_stations": 1,
      "atlas/ssb/wage_inequality_variables": 35,
      "atlas/ssb/wage_inequality_raw": 56,
      "atlas/ssb/culture_distance_table": 1,
      "atlas/ssb/culture_distance_dimensions": 24,
      "atlas/brreg/asa_companies": 5,
      "atlas/brreg/followed_entities": 1,
    });
    const checks = events.flatMap((e) => (e.body.type === "ASSET_CHECK_EVALUATION" ? [`${e.body.assetKey}:${e.body.checkName}:${e.body.passed ? "passed" : "failed"}`] : []));
    for (const key of NEW_INGESTS) assert.ok(checks.includes(`${key}:row_count:passed`), `${key} row_count passed: ${checks.join(", ")}`);
    assert.ok(checks.includes("atlas/met/frost_stations:observed_station_listed:passed"));
    assert.ok(checks.includes("atlas/ssb/culture_distance_dimensions:matches_table_info:failed"), checks.join(", "));
  });

  void it("fails the step with the field at fault when a recorded response is malformed", async () => {
    // A fixtures root whose 05300 metadata answers for another table (the table info as recorded).
    const fixtures = mkdtempSync(join(tmpdir(), "atlas-e2e-05300-"));
    try {
      mkdirSync(join(fixtures, "ssb"));
      copyFileSync(join(FIXTURES_DIR, "ssb/ssb_v2_table05300_tableinfo.json"), join(fixtures, "ssb/ssb_v2_table05300_tableinfo.json"));
      const metadata = loadFixture("ssb/ssb_v2_table05300_metadata_jsonstat2.json");
      metadata.extension.px.tableid = "05301";
      writeFileSync(join(fixtures, "ssb/ssb_v2_table05300_metadata_jsonstat2.json"), JSON.stringify(metadata));
      const run = await materialize(["atlas/ssb/culture_distance_table", "atlas/ssb/culture_distance_dimensions"], null, { ATLAS_FIXTURES_DIR: fixtures });
      assert.equal(run.status, "FAILURE");
      const failure = (await test.storage.getEvents(run.runId)).find((e) => e.body.type === "STEP_FAILURE");
      assert.ok(failure?.body.type === "STEP_FAILURE");
      assert.deepEqual(failure.body.assetKeys, ["atlas/ssb/culture_distance_dimensions"]);
      assert.match(failure.body.error.message, /SSB table 05300: invalid data at extension\.px\.tableid: is "05301", but table 05300 was asked for/);
    } finally {
      rmSync(fixtures, { recursive: true, force: true });
    }
  });
});
