/**
 * What each Atlas asset does, as plain functions of (sources, store, partition, log): fetch,
 * parse, write the table, and return the metadata to report. `definitions.ts` wires them into
 * Flyt assets; keeping them free of the SDK lets the tests run the whole chain directly too.
 */
import type { MetadataValue } from "@flyt/core";
import { parseJsonStatDataset } from "./jsonstat.js";
import { dailyWeather, parseCompactForecast, type ForecastLocation, type ForecastRow } from "./met.js";
import {
  HOUSE_PRICE_SOURCE,
  HOUSE_PRICE_TABLE,
  HOUSE_PRICE_YEARS,
  cleanHousePriceRows,
  parsePxQuery,
  quarterOfDate,
  quarterlyQueryForYear,
  rawColumns,
  rawRowsForYear,
  type HousePriceRow,
} from "./ssb.js";
import type { AtlasSources, SourceResponse } from "./sources.js";
import { tableMetadata, type AtlasStore, type ColumnSpec, type Row } from "./store.js";

/** The logging the pipeline needs; Flyt's `ctx.log` fits it. */
export interface PipelineLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export type AssetMetadata = Record<string, MetadataValue>;

export const TABLES = {
  houseRaw: `ssb_${HOUSE_PRICE_TABLE}_raw`,
  house: "ssb_house_price_index",
  forecast: (location: ForecastLocation) => `met_forecast_${location.name}`,
  daily: (location: ForecastLocation) => `met_daily_weather_${location.name}`,
  overview: "serving_daily_overview",
} as const;

export const OVERVIEW_JSON = "serving/daily_overview.json";

export const ATTRIBUTION = [
  {
    source: `Statistisk sentralbyrå (Statistics Norway), table ${HOUSE_PRICE_TABLE}`,
    license: "CC BY 4.0",
    url: `https://www.ssb.no/statbank/table/${HOUSE_PRICE_TABLE}`,
  },
  { source: "MET Norway, locationforecast 2.0", license: "NLOD 2.0 / CC BY 4.0", url: "https://api.met.no/doc/License" },
];

function sourceMetadata(response: SourceResponse): AssetMetadata {
  return {
    source_url: { type: "url", value: response.url },
    ...(response.fixture ? { fixture: { type: "path", value: response.fixture } } : {}),
  };
}

/** atlas/ssb/house_price_index_raw, one year: the year's cells of table 07221 as the source gave them. */
export async function ingestHousePriceYear(args: { sources: AtlasSources; store: AtlasStore; year: string; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, year, log } = args;
  const query = quarterlyQueryForYear(parsePxQuery(HOUSE_PRICE_SOURCE, await sources.ssbBaseQuery(HOUSE_PRICE_TABLE)), year);
  const response = await sources.ssbTable(HOUSE_PRICE_TABLE, query, args.signal);
  const dataset = parseJsonStatDataset(HOUSE_PRICE_SOURCE, response.body);
  const rows: Row[] = rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year).map((r) => ({ partition_year: year, ...r }));
  const columns: ColumnSpec[] = [
    { name: "partition_year", type: "TEXT", description: "the year partition that wrote the row" },
    ...rawColumns(dataset, HOUSE_PRICE_SOURCE).map((name): ColumnSpec =>
      name === "value" ? { name, type: "REAL", description: "index value, null when missing" } : { name, type: "TEXT" },
    ),
  ];
  store.replacePartition(TABLES.houseRaw, columns, "partition_year", year, rows);
  const missing = rows.filter((r) => r["value"] === null).length;
  log.info("ingested SSB house price index", { table: HOUSE_PRICE_TABLE, year, rows: rows.length, missing, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.houseRaw, columns, rows),
    missing_values: { type: "int", value: missing },
    ...sourceMetadata(response),
    ...(dataset.updated ? { source_updated: { type: "timestamp", value: Date.parse(dataset.updated) / 1000 } } : {}),
  };
}

export const HOUSE_COLUMNS: ColumnSpec[] = [
  { name: "region_code", type: "TEXT", description: "SSB region code (07221's own regions)" },
  { name: "region", type: "TEXT" },
  { name: "dwelling_type_code", type: "TEXT" },
  { name: "dwelling_type", type: "TEXT" },
  { name: "quarter", type: "TEXT", description: "SSB period code, e.g. 2023K3" },
  { name: "year", type: "INTEGER" },
  { name: "quarter_number", type: "INTEGER" },
  { name: "quarter_start", type: "TEXT", description: "first day of the quarter (ISO date)" },
  { name: "index_value", type: "REAL", description: "house price index, 2015 = 100" },
];

/** atlas/ssb/house_price_index: every ingested year, typed and labelled, without missing values. */
export function cleanHousePrices(args: { store: AtlasStore; log: PipelineLog }): AssetMetadata {
  const { store, log } = args;
  const raw = store.readTable(TABLES.houseRaw, "atlas/ssb/house_price_index_raw (its year partitions)", "partition_year");
  const years = [...new Set(raw.map((r) => String(r["partition_year"])))].sort();
  const absent = HOUSE_PRICE_YEARS.filter((y) => !years.includes(y));
  if (absent.length > 0) log.warn("some year partitions of the raw ingest are not materialized yet", { absent });
  const { rows, droppedMissing } = cleanHousePriceRows(raw);
  store.replaceTable(TABLES.house, HOUSE_COLUMNS, rows as unknown as Row[]);
  log.info("cleaned house price index", { raw: raw.length, kept: rows.length, dropped: droppedMissing, years });
  return {
    ...tableMetadata(store.dbPath, TABLES.house, HOUSE_COLUMNS, rows as unknown as Row[]),
    raw_rows: { type: "int", value: raw.length },
    dropped_missing: { type: "int", value: droppedMissing },
    years: { type: "json", value: years },
  };
}

export const FORECAST_COLUMNS: ColumnSpec[] = [
  { name: "time", type: "TEXT", description: "step start, ISO UTC" },
  { name: "step_hours", type: "INTEGER", description: "hours to the next step (1 or 6); null for the last" },
  { name: "air_temperature", type: "REAL", description: "°C" },
  { name: "air_pressure_at_sea_level", type: "REAL", description: "hPa" },
  { name: "cloud_area_fraction", type: "REAL", description: "%" },
  { name: "relative_humidity", type: "REAL", description: "%" },
  { name: "wind_from_direction", type: "REAL", description: "degrees" },
  { name: "wind_speed", type: "REAL", description: "m/s" },
  { name: "precipitation_next_1h", type: "REAL", description: "mm in the next hour" },
  { name: "precipitation_next_6h", type: "REAL", description: "mm in the next 6 hours" },
  { name: "symbol_next_1h", type: "TEXT" },
  { name: "symbol_next_6h", type: "TEXT" },
];

/** atlas/met/<location>_forecast: the compact forecast's time steps. */
export async function ingestForecast(args: { sources: AtlasSources; store: AtlasStore; location: ForecastLocation; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, location, log } = args;
  const source = `MET locationforecast (${location.name})`;
  const response = await sources.metForecast(location, args.signal);
  const forecast = parseCompactForecast(source, response.body);
  const table = TABLES.forecast(location);
  store.replaceTable(table, FORECAST_COLUMNS, forecast.rows as unknown as Row[]);
  const hourly = forecast.rows.filter((r) => r.step_hours === 1).length;
  // Plain stdout on purpose: Flyt captures it into the step's logs like any other output.
  console.log(`forecast for ${location.name}: ${forecast.rows.length} steps from ${forecast.rows[0]!.time}, ${hourly} of them hourly`);
  log.info("ingested MET forecast", { location: location.name, steps: forecast.rows.length, hourly, updated_at: forecast.updatedAt, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, table, FORECAST_COLUMNS, forecast.rows as unknown as Row[]),
    hourly_steps: { type: "int", value: hourly },
    ...sourceMetadata(response),
    ...(forecast.updatedAt ? { forecast_updated: { type: "timestamp", value: Date.parse(forecast.updatedAt) / 1000 } } : {}),
  };
}

/** Reads a stored forecast row back, checking each column has the type the table was written with. */
function forecastRowFromStore(row: Row, at: string): ForecastRow {
  const out: Record<string, string | number | null> = {};
  for (const column of FORECAST_COLUMNS) {
    const value = row[column.name] ?? null;
    const expected = column.type === "TEXT" ? "string" : "number";
    if (value !== null && typeof value !== expected) throw new Error(`${at}: column ${column.name} holds ${JSON.stringify(value)}, expected a ${expected}`);
    out[column.name] = value;
  }
  if (typeof out["time"] !== "string") throw new Error(`${at}: column time is empty`);
  return out as unknown as ForecastRow;
}

export const DAILY_COLUMNS: ColumnSpec[] = [
  { name: "date", type: "TEXT", description: "Europe/Oslo calendar date" },
  { name: "steps", type: "INTEGER", description: "forecast steps starting that day" },
  { name: "temperature_min", type: "REAL", description: "°C, over the day's forecast instants" },
  { name: "temperature_max", type: "REAL", description: "°C, over the day's forecast instants" },
  { name: "wind_speed_max", type: "REAL", description: "m/s" },
  { name: "precipitation_mm", type: "REAL", description: "sum of the periods starting that day" },
  { name: "precipitation_hours", type: "INTEGER", description: "hours those periods cover" },
];

/** atlas/met/<location>_daily_weather: the forecast per Europe/Oslo day. */
export function dailyWeatherTable(args: { store: AtlasStore; location: ForecastLocation; log: PipelineLog }): AssetMetadata {
  const { store, location, log } = args;
  const forecastTable = TABLES.forecast(location);
  const steps = store.readTable(forecastTable, `atlas/met/${location.name}_forecast`, "time");
  const days = dailyWeather(steps.map((r, i) => forecastRowFromStore(r, `${forecastTable} row ${i}`)));
  const table = TABLES.daily(location);
  store.replaceTable(table, DAILY_COLUMNS, days as unknown as Row[]);
  const partial = days.filter((d) => d.precipitation_hours < 24).map((d) => d.date);
  log.info("aggregated forecast into days", { location: location.name, days: days.length, partial_days: partial });
  return {
    ...tableMetadata(store.dbPath, table, DAILY_COLUMNS, days as unknown as Row[]),
    partial_days: { type: "json", value: partial },
  };
}

export const OVERVIEW_COLUMNS: ColumnSpec[] = [
  { name: "date", type: "TEXT", description: "Europe/Oslo date of the forecast day" },
  { name: "location", type: "TEXT" },
  { name: "region_code", type: "TEXT", description: "SSB 07221 region the location lies in" },
  { name: "region", type: "TEXT" },
  { name: "quarter", type: "TEXT", description: "the quarter the date falls in (join key)" },
  { name: "temperature_min", type: "REAL" },
  { name: "temperature_max", type: "REAL" },
  { name: "precipitation_mm", type: "REAL" },
  { name: "precipitation_hours", type: "INTEGER" },
  { name: "house_price_index_detached", type: "REAL", description: "07221 Eneboliger (01) for the region and quarter; null if not published" },
  { name: "house_price_index_small_house", type: "REAL", description: "07221 Småhus (02)" },
  { name: "house_price_index_apartment", type: "REAL", description: "07221 Blokkleiligheter (03)" },
];

const DWELLING_COLUMNS: Record<string, string> = {
  "01": "house_price_index_detached",
  "02": "house_price_index_small_house",
  "03": "house_price_index_apartment",
};

/**
 * atlas/serving/daily_overview: each forecast day of the location, left-joined with the house
 * price index of the location's SSB region for the quarter the day falls in.
 */
export function dailyOverview(args: { store: AtlasStore; location: ForecastLocation; log: PipelineLog }): { metadata: AssetMetadata; rows: Row[] } {
  const { store, location, log } = args;
  const days = store.readTable(TABLES.daily(location), `atlas/met/${location.name}_daily_weather`, "date");
  const house = store.readTable(TABLES.house, "atlas/ssb/house_price_index") as unknown as HousePriceRow[];
  const regionRows = house.filter((h) => h.region_code === location.ssbRegionCode);
  const region = regionRows[0]?.region ?? null;
  const rows: Row[] = days.map((d) => {
    const date = String(d["date"]);
    const quarter = quarterOfDate(date);
    const row: Row = {
      date,
      location: location.name,
      region_code: location.ssbRegionCode,
      region,
      quarter,
      temperature_min: d["temperature_min"] ?? null,
      temperature_max: d["temperature_max"] ?? null,
      precipitation_mm: d["precipitation_mm"] ?? null,
      precipitation_hours: d["precipitation_hours"] ?? null,
    };
    for (const column of Object.values(DWELLING_COLUMNS)) row[column] = null;
    for (const h of regionRows) {
      const column = DWELLING_COLUMNS[h.dwelling_type_code];
      if (h.quarter === quarter && column) row[column] = h.index_value;
    }
    return row;
  });
  store.replaceTable(TABLES.overview, OVERVIEW_COLUMNS, rows);
  const matched = rows.filter((r) => r["house_price_index_detached"] !== null || r["house_price_index_small_house"] !== null || r["house_price_index_apartment"] !== null).length;
  if (matched < rows.length) log.warn("some days have no house price index for their quarter (not published yet?)", { unmatched: rows.length - matched });
  log.info("joined weather and house prices", { location: location.name, region_code: location.ssbRegionCode, days: rows.length, matched });
  return {
    rows,
    metadata: {
      ...tableMetadata(store.dbPath, TABLES.overview, OVERVIEW_COLUMNS, rows),
      days_with_house_prices: { type: "int", value: matched },
    },
  };
}

/** atlas/serving/daily_overview_json: the overview as the JSON document the Atlas web app serves, with attribution. */
export function overviewJson(args: { store: AtlasStore; log: PipelineLog }): AssetMetadata {
  const { store, log } = args;
  const rows = store.readTable(TABLES.overview, "atlas/serving/daily_overview", "location, date");
  const path = store.writeJson(OVERVIEW_JSON, { attribution: ATTRIBUTION, columns: OVERVIEW_COLUMNS.map((c) => c.name), rows });
  log.info("wrote serving document", { path, rows: rows.length });
  return {
    rows: { type: "int", value: rows.length },
    path: { type: "path", value: path },
    attribution: { type: "json", value: ATTRIBUTION },
  };
}
