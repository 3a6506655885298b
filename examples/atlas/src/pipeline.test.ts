/**
 * The whole Atlas chain without Flyt: every asset function in lineage order against the real
 * fixtures, writing a real SQLite file and JSON document in a temp data folder.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BERGEN } from "./met.js";
import {
  TABLES,
  cleanHousePrices,
  dailyOverview,
  dailyWeatherTable,
  ingestForecast,
  ingestHousePriceYear,
  overviewJson,
  type PipelineLog,
} from "./pipeline.js";
import { createSources } from "./sources.js";
import { AtlasStore } from "./store.js";
import { FIXTURES_DIR, loadFixture, SSB_07221_FILE } from "./test-fixtures.js";

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

void describe("the Atlas chain on fixtures", () => {
  const store = new AtlasStore(join(root, "full"));
  after(() => store.close());

  void it("refuses to clean before anything was ingested", () => {
    assert.throws(() => cleanHousePrices({ store, log: recordingLog() }), /Table ssb_07221_raw does not exist .*: materialize atlas\/ssb\/house_price_index_raw/);
  });

  void it("ingests each year partition with its row count", async () => {
    for (const year of ["2022", "2023"]) {
      const log = recordingLog();
      const meta = await ingestHousePriceYear({ sources, store, year, log });
      assert.deepEqual(meta["rows"], { type: "int", value: perYear });
      assert.deepEqual(meta["missing_values"], { type: "int", value: nullsIn(year) });
      assert.deepEqual(meta["source_url"], { type: "url", value: "https://data.ssb.no/api/v0/no/table/07221/" });
      assert.equal(meta["schema"]?.type, "table_schema");
      assert.equal(log.lines[0]!.fields!["rows"], perYear);
    }
    // Re-running a partition replaces it instead of adding to it.
    await ingestHousePriceYear({ sources, store, year: "2023", log: recordingLog() });
    assert.equal(store.readTable(TABLES.houseRaw, "x").length, 2 * perYear);
  });

  void it("fails a year the source does not have", async () => {
    await assert.rejects(ingestHousePriceYear({ sources, store, year: "2024", log: recordingLog() }), /no period in year 2024/);
  });

  void it("cleans all years", () => {
    const meta = cleanHousePrices({ store, log: recordingLog() });
    assert.deepEqual(meta["rows"], { type: "int", value: 2 * perYear - nullsIn("2022") - nullsIn("2023") });
    assert.deepEqual(meta["dropped_missing"], { type: "int", value: 24 });
    assert.deepEqual(meta["years"], { type: "json", value: ["2022", "2023"] });
  });

  void it("ingests and aggregates the forecast", async () => {
    const log = recordingLog();
    const meta = await ingestForecast({ sources, store, location: BERGEN, log });
    assert.deepEqual(meta["rows"], { type: "int", value: 85 });
    assert.deepEqual(meta["hourly_steps"], { type: "int", value: 53 });
    const daily = dailyWeatherTable({ store, location: BERGEN, log });
    assert.deepEqual(daily["rows"], { type: "int", value: 11 });
    assert.deepEqual(daily["partial_days"], { type: "json", value: ["2023-09-17", "2023-09-27"] });
  });

  void it("joins weather days with the region's house price index of that quarter", () => {
    const { rows, metadata } = dailyOverview({ store, location: BERGEN, log: recordingLog() });
    assert.equal(rows.length, 11);
    assert.deepEqual(metadata["days_with_house_prices"], { type: "int", value: 11 });
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

  void it("writes the serving document with attribution", () => {
    const meta = overviewJson({ store, log: recordingLog() });
    const path = meta["path"]?.value as string;
    const doc = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(doc.rows.length, 11);
    assert.deepEqual(doc.attribution.map((a: { license: string }) => a.license), ["CC BY 4.0", "NLOD 2.0 / CC BY 4.0"]);
  });
});

void describe("a partial chain", () => {
  void it("cleans only the years ingested and warns about the rest; the join leaves unmatched days null", async () => {
    const store = new AtlasStore(join(root, "partial"));
    try {
      await ingestHousePriceYear({ sources, store, year: "2022", log: recordingLog() });
      const log = recordingLog();
      const meta = cleanHousePrices({ store, log });
      assert.deepEqual(meta["rows"], { type: "int", value: perYear - nullsIn("2022") });
      assert.deepEqual(log.lines.find((l) => l.level === "warn")?.fields, { absent: ["2023"] });
      await ingestForecast({ sources, store, location: BERGEN, log });
      dailyWeatherTable({ store, location: BERGEN, log });
      const overview = dailyOverview({ store, location: BERGEN, log });
      assert.deepEqual(overview.metadata["days_with_house_prices"], { type: "int", value: 0 });
      assert.equal(overview.rows[0]!["house_price_index_detached"], null);
    } finally {
      store.close();
    }
  });
});
