/**
 * The TypeScript side of the Atlas chain without Flyt or dbt, against the real fixtures in a temp
 * data folder: the ingests (SQLite table and landing file for dbt), the served document (from an
 * export shaped like dbt's), and the oracles of the three dbt marts (the former TypeScript
 * assets, kept to check dbt against in dbt-parity.test.ts).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJsonStatDataset } from "./jsonstat.js";
import { BERGEN, parseCompactForecast } from "./met.js";
import { expectedMarts, type ExpectedMarts } from "./oracles.js";
import {
  FORECAST_COLUMNS,
  LANDING,
  OVERVIEW_COLUMNS,
  OVERVIEW_EXPORT,
  TABLES,
  ingestForecast,
  ingestHousePriceYear,
  overviewJson,
  type PipelineLog,
} from "./pipeline.js";
import { createSources } from "./sources.js";
import { HOUSE_PRICE_SOURCE, cleanHousePriceRows, rawRowsForYear } from "./ssb.js";
import { AtlasStore } from "./store.js";
import { FIXTURES_DIR, loadFixture, MET_BERGEN_FILE, SSB_07221_FILE } from "./test-fixtures.js";

const root = mkdtempSync(join(tmpdir(), "atlas-pipeline-"));
after(() => rmSync(root, { recursive: true, force: true }));

function recordingLog(): PipelineLog & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
  };
}

const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });
const ssb = loadFixture(SSB_07221_FILE);
const perYear = (ssb.value as unknown[]).length / 2;
const nullsIn = (year: string) => {
  const periods = Object.keys(ssb.dimension.Tid.category.index);
  return (ssb.value as unknown[]).filter((v, i) => v === null && periods[i % periods.length]!.startsWith(year)).length;
};
const dataset = parseJsonStatDataset(HOUSE_PRICE_SOURCE, loadFixture(SSB_07221_FILE));
const forecastRows = parseCompactForecast("MET", loadFixture(MET_BERGEN_FILE)).rows;

const ndjsonLines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

void describe("the Atlas ingests on fixtures", () => {
  const store = new AtlasStore(join(root, "full"));
  after(() => store.close());

  void it("ingests each year partition with its row count, into SQLite and a landing file per year", async () => {
    for (const year of ["2022", "2023"]) {
      const log = recordingLog();
      const meta = await ingestHousePriceYear({ sources, store, year, log });
      assert.deepEqual(meta["rows"], { type: "int", value: perYear });
      assert.deepEqual(meta["missing_values"], { type: "int", value: nullsIn(year) });
      assert.deepEqual(meta["source_url"], { type: "url", value: "https://data.ssb.no/api/v0/no/table/07221/" });
      assert.deepEqual(meta["landing_path"], { type: "path", value: join(store.dataDir, "landing", "ssb_07221_raw", `${year}.ndjson`) });
      assert.equal(meta["schema"]?.type, "table_schema");
      assert.equal(log.lines[0]!.fields!["rows"], perYear);
      const lines = ndjsonLines(join(store.dataDir, LANDING.houseRaw(year)));
      assert.equal(lines.length, perYear);
      // Every column on every line, in table order, as dbt's read_json declares them.
      assert.deepEqual(Object.keys(lines[0]!), ["partition_year", "Region", "Region_label", "Boligtype", "Boligtype_label", "ContentsCode", "ContentsCode_label", "Tid", "Tid_label", "value", "status"]);
      assert.equal(lines.filter((l) => l["value"] === null).length, nullsIn(year));
      assert.ok(lines.every((l) => l["partition_year"] === year));
    }
    // Re-running a partition replaces it instead of adding to it, in the table and the landing file.
    await ingestHousePriceYear({ sources, store, year: "2023", log: recordingLog() });
    assert.equal(store.readTable(TABLES.houseRaw, "x").length, 2 * perYear);
    assert.equal(ndjsonLines(join(store.dataDir, LANDING.houseRaw("2023"))).length, perYear);
  });

  void it("fails a year the source does not have, landing nothing", async () => {
    await assert.rejects(ingestHousePriceYear({ sources, store, year: "2024", log: recordingLog() }), /no period in year 2024/);
    assert.throws(() => readFileSync(join(store.dataDir, LANDING.houseRaw("2024"))), /ENOENT/);
  });

  void it("ingests the forecast into SQLite and its landing file", async () => {
    const log = recordingLog();
    const meta = await ingestForecast({ sources, store, location: BERGEN, log });
    assert.deepEqual(meta["rows"], { type: "int", value: 85 });
    assert.deepEqual(meta["hourly_steps"], { type: "int", value: 53 });
    assert.deepEqual(meta["landing_path"], { type: "path", value: join(store.dataDir, "landing", "met_forecast_bergen.ndjson") });
    const lines = ndjsonLines(join(store.dataDir, LANDING.forecast(BERGEN)));
    assert.equal(lines.length, 85);
    assert.deepEqual(Object.keys(lines[0]!), FORECAST_COLUMNS.map((c) => c.name));
    assert.equal(lines[84]!["step_hours"], null);
  });

  void it("writes the serving document, with attribution, from the rows dbt exports", () => {
    assert.throws(() => overviewJson({ store, log: recordingLog() }), /serving_daily_overview\.ndjson does not exist: materialize atlas\/serving\/daily_overview/);
    // The export as dbt's post-hook writes it: DuckDB's column order, one extra column, dates as strings.
    const rows = oracle().overview.map((r) => ({ extra: 1, ...r }));
    store.writeNdjson(OVERVIEW_EXPORT, [{ name: "extra", type: "INTEGER" }, ...OVERVIEW_COLUMNS], rows);
    const meta = overviewJson({ store, log: recordingLog() });
    assert.deepEqual(meta["rows"], { type: "int", value: 11 });
    assert.deepEqual(meta["days_with_house_prices"], { type: "int", value: 11 });
    const doc = JSON.parse(readFileSync(meta["path"]?.value as string, "utf8"));
    assert.equal(doc.rows.length, 11);
    assert.deepEqual(doc.columns, OVERVIEW_COLUMNS.map((c) => c.name));
    assert.deepEqual(Object.keys(doc.rows[0]), doc.columns);
    assert.equal(doc.rows[0].house_price_index_detached, 126.2);
    assert.deepEqual(doc.attribution.map((a: { license: string }) => a.license), ["CC BY 4.0", "NLOD 2.0 / CC BY 4.0"]);
  });
});

/** The oracles on the fixtures, for the given year partitions (what dbt sees once they are landed). */
function oracle(years: readonly string[] = ["2022", "2023"]): ExpectedMarts {
  const raw = years.flatMap((year) => rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year).map((r) => ({ partition_year: year, ...r })));
  return expectedMarts(raw, forecastRows, BERGEN);
}

void describe("the oracles of the dbt marts (the former TypeScript assets)", () => {
  void it("house_price_index: every landed year, typed and labelled, cells without a figure dropped", () => {
    const { houses } = oracle();
    assert.equal(houses.length, 2 * perYear - nullsIn("2022") - nullsIn("2023"));
    assert.equal(cleanHousePriceRows(oracleRaw()).droppedMissing, 24);
    assert.deepEqual([...new Set(houses.map((h) => h.year))], [2022, 2023]);
    assert.deepEqual(oracle(["2022"]).houses.length, perYear - nullsIn("2022"));
  });

  void it("bergen_daily_weather: the forecast per Europe/Oslo day", () => {
    const { days } = oracle();
    assert.equal(days.length, 11);
    assert.deepEqual(days.filter((d) => d.precipitation_hours < 24).map((d) => d.date), ["2023-09-17", "2023-09-27"]);
  });

  void it("daily_overview: weather days joined with the region's house price index of that quarter", () => {
    const rows = oracle().overview;
    assert.equal(rows.length, 11);
    const first = rows[0]!;
    assert.equal(first["date"], "2023-09-17");
    assert.equal(first["region"], "Bergen");
    assert.equal(first["quarter"], "2023K3");
    assert.equal(first["house_price_index_detached"], 126.2);
    assert.equal(first["house_price_index_small_house"], 124.9);
    assert.equal(first["house_price_index_apartment"], 124.2);
    assert.equal(first["temperature_max"], 11.8);
    assert.equal(rows[4]!["precipitation_mm"], 28.6);
  });

  void it("daily_overview leaves the index columns null for a quarter without figures", () => {
    const rows = oracle(["2022"]).overview;
    assert.equal(rows.length, 11);
    assert.ok(rows.every((r) => r["house_price_index_detached"] === null && r["house_price_index_apartment"] === null));
  });
});

function oracleRaw(): Record<string, string | number | null>[] {
  return ["2022", "2023"].flatMap((year) => rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year));
}
