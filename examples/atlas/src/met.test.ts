/**
 * The MET compact forecast reader and the Europe/Oslo daily aggregation, against the real
 * Bergen forecast (85 steps from 2023-09-17T19:00Z), and malformed variations derived from it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dailyWeather, osloDateOf, parseCompactForecast } from "./met.js";
import { SourceDataError } from "./errors.js";
import { loadFixture, MET_BERGEN_FILE } from "./test-fixtures.js";

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
