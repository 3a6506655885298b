/**
 * The Frost observations reader, the daily summary and the monthly rollup, against the real
 * recorded day of Bergen – Florida (SN50540, 2022-04-01, 24 hourly observations), and the daily
 * ingest and monthly rollup through the store in a temp data folder; the stations nearest Bergen
 * (the recorded `sources/v0` answer) and malformed variants derived from it.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SourceDataError } from "./errors.js";
import { FROST_STATION, parseFrostObservations, parseFrostSources, rollupMonth, summarizeDay } from "./frost.js";
import { BERGEN } from "./met.js";
import { ingestFrostStations, ingestObservationsDay, rollupObservationsMonth, TABLES } from "./pipeline.js";
import { createSources, frostObservationsUrl } from "./sources.js";
import { AtlasStore } from "./store.js";
import { derive, FIXTURES_DIR, FROST_SN50540_FILE, FROST_SOURCES_FILE, loadFixture } from "./test-fixtures.js";

const SOURCE = "MET Frost observations (SN50540)";
const body = loadFixture(FROST_SN50540_FILE);
const rows = parseFrostObservations(SOURCE, body);
const root = mkdtempSync(join(tmpdir(), "atlas-frost-"));
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = { info: () => undefined, warn: () => undefined };

void describe("parseFrostObservations on the recorded day", () => {
  void it("has one row per reference time, the three elements as columns", () => {
    assert.equal(rows.length, 24);
    assert.deepEqual(rows[0], { time: "2022-04-01T00:00:00.000Z", air_temperature: 0, relative_humidity: 58, wind_speed: 1.4 });
    assert.deepEqual(rows[1], { time: "2022-04-01T01:00:00.000Z", air_temperature: -1.2, relative_humidity: 63, wind_speed: 2.1 });
    assert.equal(rows[23]!.time, "2022-04-01T23:00:00.000Z");
  });

  void it("names the path of malformed data", () => {
    const broken = loadFixture(FROST_SN50540_FILE);
    broken.data[3].observations[1].value = "wet";
    assert.throws(() => parseFrostObservations(SOURCE, broken), (e: unknown) => e instanceof SourceDataError && /data\[3\]\.observations\[1\]\.value/.test(e.message));
    assert.throws(() => parseFrostObservations(SOURCE, { data: "x" }), /at data: is not an array/);
  });
});

void describe("daily summary and monthly rollup", () => {
  const temperatures = rows.map((r) => r.air_temperature!);
  const day = summarizeDay("2022-04-01", "SN50540", rows);

  void it("summarizes the day from the hourly rows", () => {
    assert.equal(day.observations, 24);
    assert.equal(day.temperature_min, Math.min(...temperatures));
    assert.equal(day.temperature_max, Math.max(...temperatures));
    assert.equal(day.temperature_mean, Math.round((temperatures.reduce((a, b) => a + b, 0) / 24) * 100) / 100);
    assert.equal(day.wind_speed_max, Math.max(...rows.map((r) => r.wind_speed!)));
    assert.equal(summarizeDay("2022-04-02", "SN50540", rows).observations, 0);
  });

  void it("rolls up only the month's days, weighting means by observations", () => {
    const other = { ...day, date: "2022-04-02", observations: 12, temperature_mean: 10, temperature_min: 5, temperature_max: 15, wind_speed_max: 20 };
    const march = { ...day, date: "2022-03-31", temperature_min: -40 };
    const month = rollupMonth("2022-04", "SN50540", [day, other, march]);
    assert.equal(month.days, 2);
    assert.equal(month.observations, 36);
    assert.equal(month.temperature_min, day.temperature_min);
    assert.equal(month.temperature_max, 15);
    assert.equal(month.temperature_mean, Math.round(((day.temperature_mean! * 24 + 10 * 12) / 36) * 100) / 100);
    assert.equal(month.wind_speed_max, 20);
    assert.equal(rollupMonth("2022-05", "SN50540", [day]).days, 0);
  });
});

void describe("the daily ingest and the monthly rollup through the store", () => {
  const store = new AtlasStore(join(root, "store"));
  after(() => store.close());
  const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });

  void it("lands the recorded day and rolls its month up", async () => {
    const metadata = await ingestObservationsDay({ sources, store, station: FROST_STATION, date: "2022-04-01", log: quiet });
    assert.deepEqual(metadata["observations"], { type: "int", value: 24 });
    assert.equal(store.readTable(TABLES.observationsDaily(FROST_STATION.name), "test").length, 1);
    const month = rollupObservationsMonth({ store, station: FROST_STATION, month: "2022-04", log: quiet });
    assert.deepEqual(month["days"], { type: "int", value: 1 });
    assert.deepEqual(month["observations"], { type: "int", value: 24 });
  });

  void it("says which day has no recording, and builds Frost's live URL", async () => {
    await assert.rejects(
      ingestObservationsDay({ sources, store, station: FROST_STATION, date: "2022-04-02", log: quiet }),
      /no fixture is recorded for "SN50540\/2022-04-02"/,
    );
    assert.equal(
      frostObservationsUrl("SN50540", "2022-04-30", ["air_temperature"]),
      "https://frost.met.no/observations/v0.jsonld?sources=SN50540&referencetime=2022-04-30%2F2022-05-01&elements=air_temperature",
    );
  });
});

void describe("Frost stations near Bergen", () => {
  const SOURCES = "MET Frost sources (near bergen)";

  void it("reads the recorded station: Bergen – Florida, 1.18 km from the forecast point", async () => {
    assert.deepEqual(parseFrostSources(SOURCES, loadFixture(FROST_SOURCES_FILE)), [
      {
        id: "SN50540",
        name: "BERGEN - FLORIDA",
        short_name: "Bergen",
        country_code: "NO",
        lat: 60.383,
        lon: 5.3327,
        masl: 12,
        valid_from: "1949-11-28T00:00:00.000Z",
        valid_to: null,
        county: "VESTLAND",
        municipality: "BERGEN",
        wmo_id: 1317,
        distance_km: 1.17811577289,
      },
    ]);
    const store = new AtlasStore(join(root, "stations"));
    try {
      const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });
      const metadata = await ingestFrostStations({ sources, store, location: BERGEN, log: quiet });
      assert.deepEqual(metadata["nearest_station"], { type: "text", value: "SN50540 BERGEN - FLORIDA (1.18 km)" });
      assert.equal(store.readTable(TABLES.frostStations, "test")[0]?.["id"], FROST_STATION.id);
    } finally {
      store.close();
    }
  });

  void it("names the field when the answer is malformed", () => {
    const parse = (edit: (body: any) => void) => () => parseFrostSources(SOURCES, derive(FROST_SOURCES_FILE, edit));
    const at = (path: string, reason: RegExp) => (err: unknown) => err instanceof SourceDataError && err.path === path && reason.test(err.message);
    assert.throws(parse((b) => (b.data[0].id = "50540")), at("data[0].id", /"50540" is not a station id like SN50540/));
    assert.throws(parse((b) => (b.data[0].geometry.coordinates = [5.3327])), at("data[0].geometry.coordinates", /is not \[lon, lat\]/));
    assert.throws(parse((b) => (b.data[0].geometry.coordinates = [60.383, 95.3327])), at("data[0].geometry.coordinates", /is not a longitude and latitude/));
    assert.throws(parse((b) => (b.data[0].masl = "12 m")), at("data[0].masl", /"12 m" is not a number/));
    assert.throws(parse((b) => (b.data[0]["@type"] = "InterpolatedDataset")), at("data[0].@type", /Atlas asks for SensorSystem/));
    assert.throws(parse((b) => (b.currentItemCount = 2)), at("currentItemCount", /is 2, but data has 1 items/));
    assert.throws(parse((b) => (b.data[0].validFrom = "since 1949")), at("data[0].validFrom", /is not an ISO time/));
  });
});
