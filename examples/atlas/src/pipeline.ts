/**
 * What each TypeScript Atlas asset does, as plain functions of (sources, store, partition, log):
 * fetch, parse, write the raw table and the landing file the dbt project reads, and return the
 * metadata to report; and the served JSON document, from the rows dbt's `daily_overview` exports.
 * The cleaning, daily aggregation and join in between are dbt models (`examples/atlas/dbt`); their
 * former TypeScript versions are kept in `oracles.ts` as test oracles. `definitions.ts` wires these
 * functions into Flyt assets; keeping them free of the SDK lets the tests run them directly too.
 */
import type { MetadataValue } from "@flyt/core";
import { FROST_ELEMENTS, parseFrostObservations, rollupMonth, summarizeDay, type DailySummary } from "./frost.js";
import { parseJsonStatDataset } from "./jsonstat.js";
import { parseCompactForecast, type ForecastLocation } from "./met.js";
import { HOUSE_PRICE_SOURCE, HOUSE_PRICE_TABLE, parsePxQuery, quarterlyQueryForYear, rawColumns, rawRowsForYear } from "./ssb.js";
import type { AtlasSources, SourceResponse } from "./sources.js";
import { tableMetadata, type AtlasStore, type ColumnSpec, type Row } from "./store.js";

/** The logging the pipeline needs; Flyt's `ctx.log` fits it. */
export interface PipelineLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export type AssetMetadata = Record<string, MetadataValue>;

/** The raw tables the ingests write to atlas.sqlite (the raw assets' TypeScript checks read them). */
export const TABLES = {
  houseRaw: `ssb_${HOUSE_PRICE_TABLE}_raw`,
  forecast: (location: ForecastLocation) => `met_forecast_${location.name}`,
  observationsDaily: (station: string) => `frost_observations_daily_${station}`,
  observationsMonthly: (station: string) => `frost_observations_monthly_${station}`,
} as const;

/**
 * The landing files the ingests write for dbt, relative to the data folder: the dbt sources read
 * them (`dbt/models/staging/_sources.yml`, `read_json` of these paths). One file per year partition,
 * so re-running a year replaces only that year; dbt reads the glob.
 */
export const LANDING = {
  houseRaw: (year: string) => `landing/${TABLES.houseRaw}/${year}.ndjson`,
  forecast: (location: ForecastLocation) => `landing/${TABLES.forecast(location)}.ndjson`,
} as const;

/** The overview rows as newline-delimited JSON, written by the dbt model's post-hook (macros/export_ndjson.sql). */
export const OVERVIEW_EXPORT = "serving_daily_overview.ndjson";

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
  const landing = store.writeNdjson(LANDING.houseRaw(year), columns, rows);
  const missing = rows.filter((r) => r["value"] === null).length;
  log.info("ingested SSB house price index", { table: HOUSE_PRICE_TABLE, year, rows: rows.length, missing, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.houseRaw, columns, rows),
    landing_path: { type: "path", value: landing },
    missing_values: { type: "int", value: missing },
    ...sourceMetadata(response),
    ...(dataset.updated ? { source_updated: { type: "timestamp", value: Date.parse(dataset.updated) / 1000 } } : {}),
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
  const landing = store.writeNdjson(LANDING.forecast(location), FORECAST_COLUMNS, forecast.rows as unknown as Row[]);
  const hourly = forecast.rows.filter((r) => r.step_hours === 1).length;
  // Plain stdout on purpose: Flyt captures it into the step's logs like any other output.
  console.log(`forecast for ${location.name}: ${forecast.rows.length} steps from ${forecast.rows[0]!.time}, ${hourly} of them hourly`);
  log.info("ingested MET forecast", { location: location.name, steps: forecast.rows.length, hourly, updated_at: forecast.updatedAt, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, table, FORECAST_COLUMNS, forecast.rows as unknown as Row[]),
    landing_path: { type: "path", value: landing },
    hourly_steps: { type: "int", value: hourly },
    ...sourceMetadata(response),
    ...(forecast.updatedAt ? { forecast_updated: { type: "timestamp", value: Date.parse(forecast.updatedAt) / 1000 } } : {}),
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

/** The house price columns of the overview: one per 07221 dwelling type. */
export const HOUSE_PRICE_COLUMNS = ["house_price_index_detached", "house_price_index_small_house", "house_price_index_apartment"] as const;

/**
 * atlas/serving/daily_overview_json: the overview as the JSON document the Atlas web app serves,
 * with attribution. Reads the rows dbt's `daily_overview` exports next to its DuckDB file (so this
 * step needs no DuckDB client and never contends for the database's write lock), in the model's
 * order (location, date), each with exactly the document's columns.
 */
export function overviewJson(args: { store: AtlasStore; log: PipelineLog }): AssetMetadata {
  const { store, log } = args;
  const exported = store.readNdjson(OVERVIEW_EXPORT, "atlas/serving/daily_overview (the dbt model daily_overview writes the file in a post-hook)");
  const rows: Row[] = exported.map((r) => Object.fromEntries(OVERVIEW_COLUMNS.map((c) => [c.name, r[c.name] ?? null])));
  const path = store.writeJson(OVERVIEW_JSON, { attribution: ATTRIBUTION, columns: OVERVIEW_COLUMNS.map((c) => c.name), rows });
  const matched = rows.filter((r) => HOUSE_PRICE_COLUMNS.some((c) => r[c] !== null)).length;
  log.info("wrote serving document", { path, rows: rows.length, days_with_house_prices: matched });
  return {
    rows: { type: "int", value: rows.length },
    path: { type: "path", value: path },
    days_with_house_prices: { type: "int", value: matched },
    attribution: { type: "json", value: ATTRIBUTION },
  };
}

export const DAILY_OBSERVATION_COLUMNS: ColumnSpec[] = [
  { name: "date", type: "TEXT", description: "UTC day (the partition)" },
  { name: "station", type: "TEXT" },
  { name: "observations", type: "INTEGER", description: "hourly observations that day" },
  { name: "temperature_min", type: "REAL", description: "°C" },
  { name: "temperature_max", type: "REAL", description: "°C" },
  { name: "temperature_mean", type: "REAL", description: "°C" },
  { name: "humidity_mean", type: "REAL", description: "%" },
  { name: "wind_speed_max", type: "REAL", description: "m/s" },
];

export const MONTHLY_OBSERVATION_COLUMNS: ColumnSpec[] = [
  { name: "month", type: "TEXT", description: "UTC month (the partition)" },
  { name: "station", type: "TEXT" },
  { name: "days", type: "INTEGER", description: "days of the month with a daily summary" },
  { name: "observations", type: "INTEGER" },
  { name: "temperature_min", type: "REAL", description: "°C" },
  { name: "temperature_max", type: "REAL", description: "°C" },
  { name: "temperature_mean", type: "REAL", description: "°C, weighted by each day's observations" },
  { name: "wind_speed_max", type: "REAL", description: "m/s" },
];

/** atlas/met/<station>_observations_daily, one UTC day: Frost's hourly observations summarized. */
export async function ingestObservationsDay(args: {
  sources: AtlasSources;
  store: AtlasStore;
  station: { id: string; name: string };
  date: string;
  signal?: AbortSignal;
  log: PipelineLog;
}): Promise<AssetMetadata> {
  const { sources, store, station, date, log } = args;
  const response = await sources.frostObservations(station.id, date, FROST_ELEMENTS, args.signal);
  const hourly = parseFrostObservations(`MET Frost observations (${station.id})`, response.body);
  const summary = summarizeDay(date, station.id, hourly);
  const table = TABLES.observationsDaily(station.name);
  store.replacePartition(table, DAILY_OBSERVATION_COLUMNS, "date", date, [summary]);
  log.info("ingested Frost observations", { station: station.id, date, observations: summary.observations, mode: sources.mode });
  return {
    observations: { type: "int", value: summary.observations },
    temperature_mean: summary.temperature_mean === null ? { type: "text", value: "no temperature observed" } : { type: "float", value: summary.temperature_mean },
    ...sourceMetadata(response),
  };
}

/**
 * atlas/met/<station>_observations_monthly, one UTC month: the month's daily summaries rolled up.
 * Its partition reads the month's day partitions (a time-window partition mapping); only the days
 * that exist count, so a month whose days are partly materialized says how many it had.
 */
export function rollupObservationsMonth(args: { store: AtlasStore; station: { id: string; name: string }; month: string; log: PipelineLog }): AssetMetadata {
  const { store, station, month, log } = args;
  const days = store
    .readTable(TABLES.observationsDaily(station.name), `atlas/met/${station.name}_observations_daily`, "date")
    .filter((row) => typeof row["date"] === "string" && row["date"].startsWith(`${month}-`)) as unknown as DailySummary[];
  const summary = rollupMonth(month, station.id, days);
  store.replacePartition(TABLES.observationsMonthly(station.name), MONTHLY_OBSERVATION_COLUMNS, "month", month, [summary]);
  log.info("rolled up Frost observations", { station: station.id, month, days: summary.days });
  return {
    days: { type: "int", value: summary.days },
    observations: { type: "int", value: summary.observations },
    ...(summary.temperature_mean === null ? {} : { temperature_mean: { type: "float", value: summary.temperature_mean } }),
  };
}
