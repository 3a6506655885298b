/**
 * The MET compact forecast reader and the Europe/Oslo daily aggregation, against the real
 * Bergen forecast (85 steps from 2023-09-17T19:00Z), and malformed variations derived from it;
 * the New York recording with its headers, and the ingest honouring `Expires` and
 * `Last-Modified` as MET's terms require (no request before Expires, then If-Modified-Since).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BERGEN, cacheDecision, checkForecastLocation, dailyWeather, NEW_YORK, osloDateOf, parseCompactForecast, parseRecordedResponse } from "./met.js";
import { SourceDataError } from "./errors.js";
import { ingestForecast, TABLES } from "./pipeline.js";
import { createSources, type AtlasSources, type ForecastResponse } from "./sources.js";
import { AtlasStore } from "./store.js";
import { derive, FIXTURES_DIR, loadFixture, MET_BERGEN_FILE, MET_NEWYORK_FILE } from "./test-fixtures.js";

const SOURCE = "MET locationforecast (bergen)";
const body = loadFixture(MET_BERGEN_FILE);
const forecast = parseCompactForecast(SOURCE, body);

void describe("parseCompactForecast on the Bergen forecast", () => {
  void it("has one row per time step", () => {
    assert.equal(forecast.rows.length, body.properties.timeseries.length);
    assert.equal(forecast.rows.length, 85);
    assert.equal(forecast.updatedAt, "2023-09-17T19:41:08Z");
    assert.deepEqual(forecast.coordinates, [5.3199, 60.3915, 8]);
    assert.equal(forecast.units["air_temperature"], "celsius");
  });

  void it("reads instant values and the 1- and 6-hour periods", () => {
    assert.deepEqual(forecast.rows[0], {
      time: "2023-09-17T19:00:00Z",
      step_hours: 1,
      air_temperature: 11.2,
      air_pressure_at_sea_level: 1016.8,
      cloud_area_fraction: 99.7,
      relative_humidity: 80.7,
      wind_from_direction: 87.7,
      wind_speed: 1.7,
      precipitation_next_1h: 0,
      precipitation_next_6h: 0,
      symbol_next_1h: "partlycloudy_night",
      symbol_next_6h: "cloudy",
    });
    const last = forecast.rows[84]!;
    assert.equal(last.time, "2023-09-27T18:00:00Z");
    assert.equal(last.step_hours, null);
    assert.equal(last.precipitation_next_1h, null);
    assert.equal(last.precipitation_next_6h, null);
  });

  void it("keeps the step length: hourly first, then 6-hourly", () => {
    const hourly = forecast.rows.filter((r) => r.step_hours === 1).length;
    const sixHourly = forecast.rows.filter((r) => r.step_hours === 6).length;
    assert.equal(hourly + sixHourly + 1, 85);
    const firstSix = forecast.rows.findIndex((r) => r.step_hours === 6);
    assert.equal(forecast.rows[firstSix]!.time, "2023-09-20T00:00:00Z");
    assert.ok(forecast.rows.slice(0, firstSix).every((r) => r.step_hours === 1 && r.precipitation_next_1h !== null));
    assert.equal(forecast.rows.filter((r) => r.precipitation_next_1h !== null).length, 53);
  });
});

void describe("dailyWeather in Europe/Oslo", () => {
  const days = dailyWeather(forecast.rows);
  void it("has one row per Oslo date the forecast touches", () => {
    assert.deepEqual(
      days.map((d) => d.date),
      ["17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27"].map((d) => `2023-09-${d}`),
    );
    assert.equal(days.reduce((n, d) => n + d.steps, 0), 85);
    // 19:00Z and 22:00Z on the 17th are 21:00 and 00:00 in Oslo (CEST, UTC+2).
    assert.equal(osloDateOf("2023-09-17T21:59:59Z"), "2023-09-17");
    assert.equal(osloDateOf("2023-09-17T22:00:00Z"), "2023-09-18");
  });

  void it("matches values computed independently from the fixture", () => {
    const byDate = new Map(days.map((d) => [d.date, d]));
    assert.deepEqual(byDate.get("2023-09-17"), {
      date: "2023-09-17", steps: 3, temperature_min: 10.9, temperature_max: 11.8, wind_speed_max: byDate.get("2023-09-17")!.wind_speed_max, precipitation_mm: 0, precipitation_hours: 3,
    });
    const d18 = byDate.get("2023-09-18")!;
    assert.equal(d18.steps, 24);
    assert.equal(d18.temperature_min, 12);
    assert.equal(d18.temperature_max, 19);
    assert.equal(d18.precipitation_mm, 8.5);
    assert.equal(d18.precipitation_hours, 24);
    // The 20th switches from hourly to 6-hourly periods: 2 hourly + 4 six-hour periods = 26 hours.
    assert.equal(byDate.get("2023-09-20")!.precipitation_mm, 17.4);
    assert.equal(byDate.get("2023-09-20")!.precipitation_hours, 26);
    assert.equal(byDate.get("2023-09-21")!.precipitation_mm, 28.6);
    // The last step carries no period, so the 27th covers only three 6-hour periods.
    assert.equal(byDate.get("2023-09-27")!.precipitation_hours, 18);
    assert.equal(byDate.get("2023-09-27")!.precipitation_mm, 4.8);
  });
});

void describe("malformed forecasts derived from Bergen fail with the step at fault", () => {
  const cases: [string, (b: any) => void, RegExp][] = [
    ["no timeseries", (b) => (b.properties.timeseries = []), /properties\.timeseries: is missing or empty/],
    ["a local time", (b) => (b.properties.timeseries[4].time = "2023-09-17T23:00:00"), /timeseries\[4\]\.time: "2023-09-17T23:00:00" is not an ISO UTC time/],
    ["steps out of order", (b) => ([b.properties.timeseries[2], b.properties.timeseries[3]] = [b.properties.timeseries[3], b.properties.timeseries[2]]), /timeseries\[3\]\.time: 2023-09-17T21:00:00Z is not after the previous step/],
    ["a temperature as text", (b) => (b.properties.timeseries[10].data.instant.details.air_temperature = "12.3"), /timeseries\[10\]\.data\.instant\.details\.air_temperature: "12\.3" is not a number/],
    ["no instant details", (b) => delete b.properties.timeseries[0].data.instant, /timeseries\[0\]\.data\.instant\.details: is missing/],
    ["no geometry", (b) => delete b.geometry, /geometry\.coordinates/],
  ];
  for (const [name, mutate, message] of cases) {
    void it(name, () => {
      const broken = loadFixture(MET_BERGEN_FILE);
      mutate(broken);
      assert.throws(() => parseCompactForecast(SOURCE, broken), (err: unknown) => err instanceof SourceDataError && message.test(err.message));
    });
  }
});

void describe("the New York recording and MET's caching headers", () => {
  const recorded = parseRecordedResponse("MET locationforecast (newyork)", loadFixture(MET_NEWYORK_FILE));

  void it("reads the status, Expires, Last-Modified and the forecast for New York's point", () => {
    assert.deepEqual(recorded.headers, { expires: "Mon, 20 Jul 2020 12:14:53 GMT", lastModified: "Mon, 20 Jul 2020 11:44:31 GMT" });
    const forecast = parseCompactForecast("MET", recorded.data);
    assert.equal(forecast.rows.length, 82);
    checkForecastLocation("MET", forecast, NEW_YORK);
    assert.throws(() => checkForecastLocation("MET", forecast, BERGEN), /geometry\.coordinates: \[-74, 40\.7, 10\] is not the point asked for \(lon 5\.3199, lat 60\.3915\)/);
  });

  void it("names the field when the recording is malformed", () => {
    const parse = (edit: (body: any) => void) => () => parseRecordedResponse("MET", derive(MET_NEWYORK_FILE, edit));
    const at = (path: string, reason: RegExp) => (err: unknown) => err instanceof SourceDataError && err.path === path && reason.test(err.message);
    assert.throws(parse((b) => (b.headers.Expires = "tomorrow")), at("headers.Expires", /"tomorrow" is not an HTTP date/));
    assert.throws(parse((b) => (b.headers["Last-Modified"] = "2020-07-20T11:44:31Z")), at("headers.Last-Modified", /is not an HTTP date/));
    assert.throws(parse((b) => delete b.headers.Expires), at("headers.Expires", /is missing; MET sends it with every forecast/));
    assert.throws(parse((b) => (b.status_code = 304)), at("status_code", /is 304; only a recorded 200 carries a forecast/));
    assert.throws(parse((b) => delete b.data), at("data", /is missing/));
    assert.throws(parse((b) => (b.headers = "Expires: never")), at("headers", /is not an object/));
  });

  void it("decides from the stored headers: fetch, wait for Expires, then revalidate", () => {
    const before = Date.parse("2020-07-20T12:00:00Z");
    const afterExpiry = Date.parse("2020-07-20T12:15:00Z");
    assert.deepEqual(cacheDecision(null, before), { kind: "fetch" });
    assert.deepEqual(cacheDecision(recorded.headers, before), { kind: "fresh", until: "Mon, 20 Jul 2020 12:14:53 GMT" });
    assert.deepEqual(cacheDecision(recorded.headers, afterExpiry), { kind: "revalidate", ifModifiedSince: "Mon, 20 Jul 2020 11:44:31 GMT" });
    assert.deepEqual(cacheDecision({ expires: recorded.headers.expires, lastModified: null }, afterExpiry), { kind: "fetch" });
  });
});

void describe("the forecast ingest honours Expires and If-Modified-Since", () => {
  const root = mkdtempSync(join(tmpdir(), "atlas-met-cache-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const quiet = { info: () => undefined, warn: () => undefined };
  const fixtures = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });
  /** The fixtures source, recording what each call asked. */
  function counting(): { sources: AtlasSources; calls: (string | undefined)[] } {
    const calls: (string | undefined)[] = [];
    return {
      calls,
      sources: { ...fixtures, metForecast: (location, signal, options) => (calls.push(options?.ifModifiedSince), fixtures.metForecast(location, signal, options)) },
    };
  }

  void it("asks once, not again before Expires, then conditionally: the recording answers 304 and the stored forecast stands", async () => {
    const store = new AtlasStore(join(root, "newyork"));
    const { sources, calls } = counting();
    try {
      const first = await ingestForecast({ sources, store, location: NEW_YORK, landing: false, log: quiet, now: Date.parse("2020-07-20T11:50:00Z") });
      assert.deepEqual(first["rows"], { type: "int", value: 82 });
      assert.deepEqual(first["expires"], { type: "timestamp", value: Date.parse("2020-07-20T12:14:53Z") / 1000 });
      assert.equal(first["landing_path"], undefined, "no landing file for a location dbt does not read");
      assert.deepEqual(store.cacheHeaders("https://api.met.no/weatherapi/locationforecast/2.0/compact?lat=40.7000&lon=-74.0000&altitude=10"), {
        expires: "Mon, 20 Jul 2020 12:14:53 GMT",
        lastModified: "Mon, 20 Jul 2020 11:44:31 GMT",
      });

      const early = await ingestForecast({ sources, store, location: NEW_YORK, log: quiet, now: Date.parse("2020-07-20T12:00:00Z") });
      assert.deepEqual(calls, [undefined], "no request before Expires");
      assert.match(String(early["cache"]?.value), /not requested: fresh until Mon, 20 Jul 2020 12:14:53 GMT/);
      assert.deepEqual(early["rows"], { type: "int", value: 82 });

      const later = await ingestForecast({ sources, store, location: NEW_YORK, log: quiet, now: Date.parse("2020-07-20T13:00:00Z") });
      assert.deepEqual(calls, [undefined, "Mon, 20 Jul 2020 11:44:31 GMT"], "If-Modified-Since after Expires");
      assert.match(String(later["cache"]?.value), /not modified \(304\)/);
      assert.equal(store.readTable(TABLES.forecast(NEW_YORK), "test").length, 82);
    } finally {
      store.close();
    }
  });

  void it("stores a newer forecast when the answer is 200, and asks unconditionally when the table is gone", async () => {
    const store = new AtlasStore(join(root, "newer"));
    const { sources, calls } = counting();
    const newer: AtlasSources = {
      ...sources,
      metForecast: async (location, signal, options): Promise<ForecastResponse> => {
        const response = await sources.metForecast(location, signal, options);
        // A forecast MET modified after the stored one: a 200 with new headers (derived from the recording).
        const data = loadFixture(MET_NEWYORK_FILE).data;
        data.properties.timeseries = data.properties.timeseries.slice(0, 30);
        return { ...response, status: 200, body: data, cache: { expires: "Mon, 20 Jul 2020 13:44:00 GMT", lastModified: "Mon, 20 Jul 2020 12:44:31 GMT" } };
      },
    };
    try {
      await ingestForecast({ sources, store, location: NEW_YORK, log: quiet, now: Date.parse("2020-07-20T11:50:00Z") });
      const replaced = await ingestForecast({ sources: newer, store, location: NEW_YORK, log: quiet, now: Date.parse("2020-07-20T13:00:00Z") });
      assert.deepEqual(replaced["rows"], { type: "int", value: 30 });
      assert.equal(store.cacheHeaders("https://api.met.no/weatherapi/locationforecast/2.0/compact?lat=40.7000&lon=-74.0000&altitude=10")?.expires, "Mon, 20 Jul 2020 13:44:00 GMT");
      store.database().exec(`DROP TABLE ${TABLES.forecast(NEW_YORK)}`);
      await ingestForecast({ sources, store, location: NEW_YORK, log: quiet, now: Date.parse("2020-07-20T13:10:00Z") });
      assert.deepEqual(calls, [undefined, "Mon, 20 Jul 2020 11:44:31 GMT", undefined], "without the stored forecast there is nothing to revalidate");
    } finally {
      store.close();
    }
  });

  void it("leaves Bergen, recorded without headers, as it was: read every time, nothing cached", async () => {
    const store = new AtlasStore(join(root, "bergen"));
    const { sources, calls } = counting();
    try {
      await ingestForecast({ sources, store, location: BERGEN, log: quiet });
      await ingestForecast({ sources, store, location: BERGEN, log: quiet });
      assert.deepEqual(calls, [undefined, undefined]);
      assert.equal(store.cacheHeaders("https://api.met.no/weatherapi/locationforecast/2.0/compact?lat=60.3915&lon=5.3199&altitude=8"), null);
    } finally {
      store.close();
    }
  });
});
