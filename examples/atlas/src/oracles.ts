/**
 * The three tables the dbt project builds (`house_price_index`, `bergen_daily_weather`,
 * `daily_overview`), computed the way the TypeScript assets computed them before dbt owned them.
 * Nothing runs these at run time: they are the test oracles that keep the promise "dbt gives the
 * same numbers as before" (src/dbt-parity.test.ts builds the dbt project through Flyt on the
 * fixtures and compares its marts with them). The cleaning and daily aggregation live with their
 * sources (`cleanHousePriceRows` in ssb.ts, `dailyWeather` in met.ts); the join is here.
 */
import { dailyWeather, type DailyWeatherRow, type ForecastLocation, type ForecastRow } from "./met.js";
import { HOUSE_PRICE_COLUMNS } from "./pipeline.js";
import { cleanHousePriceRows, quarterOfDate, type HousePriceRow, type RawRow } from "./ssb.js";
import type { Row } from "./store.js";

/** 07221 dwelling type code → the overview's column. */
const DWELLING_COLUMNS: Record<string, (typeof HOUSE_PRICE_COLUMNS)[number]> = {
  "01": "house_price_index_detached",
  "02": "house_price_index_small_house",
  "03": "house_price_index_apartment",
};

/**
 * The overview: each forecast day of the location, left-joined with the house price index of the
 * location's SSB region (`location.ssbRegionCode`; in dbt the seed `atlas_locations`) for the
 * quarter the day falls in; dwelling types become three columns, null when not published.
 */
export function joinDailyOverview(days: readonly DailyWeatherRow[], house: readonly HousePriceRow[], location: ForecastLocation): Row[] {
  const regionRows = house.filter((h) => h.region_code === location.ssbRegionCode);
  const region = regionRows[0]?.region ?? null;
  return days.map((d) => {
    const quarter = quarterOfDate(d.date);
    const row: Row = {
      date: d.date,
      location: location.name,
      region_code: location.ssbRegionCode ?? null,
      region,
      quarter,
      temperature_min: d.temperature_min,
      temperature_max: d.temperature_max,
      precipitation_mm: d.precipitation_mm,
      precipitation_hours: d.precipitation_hours,
    };
    for (const column of HOUSE_PRICE_COLUMNS) row[column] = null;
    for (const h of regionRows) {
      const column = DWELLING_COLUMNS[h.dwelling_type_code];
      if (h.quarter === quarter && column) row[column] = h.index_value;
    }
    return row;
  });
}

export interface ExpectedMarts {
  houses: HousePriceRow[];
  days: DailyWeatherRow[];
  overview: Row[];
}

/** All three marts from the raw rows the ingests land (every year's) and the forecast's steps. */
export function expectedMarts(raw: readonly RawRow[], forecast: readonly ForecastRow[], location: ForecastLocation): ExpectedMarts {
  const houses = cleanHousePriceRows(raw).rows;
  const days = dailyWeather(forecast);
  return { houses, days, overview: joinDailyOverview(days, houses, location) };
}
