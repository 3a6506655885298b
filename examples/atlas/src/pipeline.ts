/**
 * What each TypeScript Atlas asset does, as plain functions of (sources, store, partition, log):
 * fetch, parse and validate (with the reader of each source: ssb.ts, ssb-13861.ts, ssb-05300.ts,
 * met.ts, frost.ts, brreg.ts), write the raw table (and the landing file the dbt project reads),
 * and return the metadata to report; and the served JSON document, from the rows dbt's
 * `daily_overview` exports.
 * The cleaning, daily aggregation and join in between are dbt models (`examples/atlas/dbt`); their
 * former TypeScript versions are kept in `oracles.ts` as test oracles. `definitions.ts` wires these
 * functions into Flyt assets; keeping them free of the SDK lets the tests run them directly too.
 */
import type { MetadataValue } from "@flyt/core";
import { BRREG_RESULT_WINDOW, BRREG_SEARCH_SOURCE, brregSearchUrl, parseEntity, parseSearchPage, type EntityRow } from "./brreg.js";
import { SourceDataError } from "./errors.js";
import { FROST_ELEMENTS, parseFrostObservations, parseFrostSources, rollupMonth, summarizeDay, type DailySummary } from "./frost.js";
import { parseJsonStatDataset } from "./jsonstat.js";
import { cacheDecision, checkForecastLocation, parseCompactForecast, parseHttpDate, type ForecastLocation } from "./met.js";
import { HOUSE_PRICE_SOURCE, HOUSE_PRICE_TABLE, parsePxQuery, quarterlyQueryForYear, rawColumns, rawRows, rawRowsForYear } from "./ssb.js";
import { CULTURE_SOURCE, CULTURE_TABLE, dimensionRows, parseTableInfo, parseTableMetadata } from "./ssb-05300.js";
import { buildPxQuery, checkAnswersQuery, metadataFromRows, parsePxTableMetadata, variableRows, WAGE_SELECTION, WAGE_SOURCE, WAGE_TABLE } from "./ssb-13861.js";
import { metForecastUrl, type AtlasSources, type SourceResponse } from "./sources.js";
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
  wageVariables: `ssb_${WAGE_TABLE}_variables`,
  wageRaw: `ssb_${WAGE_TABLE}_raw`,
  cultureTable: `ssb_${CULTURE_TABLE}_table`,
  cultureDimensions: `ssb_${CULTURE_TABLE}_dimensions`,
  frostStations: "frost_stations",
  brregSearch: "brreg_enheter_asa",
  brregEntities: "brreg_enheter_followed",
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

const httpTimestamp = (value: string | null): AssetMetadata => {
  const ms = value === null ? null : parseHttpDate(value);
  return ms === null ? {} : { expires: { type: "timestamp", value: ms / 1000 } };
};

/**
 * atlas/met/<location>_forecast: the compact forecast's time steps. Honours MET's caching terms:
 * no request before the stored `Expires`, and after it a conditional GET with `If-Modified-Since`
 * (the stored `Last-Modified`); both times the stored forecast stands and is reported again, with
 * `cache` saying why. `landing: false` skips the file for dbt (a location no model reads).
 */
export async function ingestForecast(args: {
  sources: AtlasSources;
  store: AtlasStore;
  location: ForecastLocation;
  signal?: AbortSignal;
  log: PipelineLog;
  landing?: boolean;
  /** The clock the cache decision uses; now by default. */
  now?: number;
}): Promise<AssetMetadata> {
  const { sources, store, location, log } = args;
  const source = `MET locationforecast (${location.name})`;
  const table = TABLES.forecast(location);
  const url = metForecastUrl(location);
  // Only while the table is there: a data folder without the forecast asks unconditionally.
  const stored = store.tableExists(table) ? store.cacheHeaders(url) : null;
  const decision = cacheDecision(stored, args.now ?? Date.now());
  const storedForecast = (cache: string, extra: AssetMetadata): AssetMetadata => {
    const rows = store.readTable(table, `atlas/met/${location.name}_forecast`, "time");
    return { ...tableMetadata(store.dbPath, table, FORECAST_COLUMNS, rows), cache: { type: "text", value: cache }, source_url: { type: "url", value: url }, ...extra };
  };
  if (decision.kind === "fresh") {
    log.info("MET forecast not requested: the stored one is fresh until its Expires", { location: location.name, expires: decision.until });
    return storedForecast(`not requested: fresh until ${decision.until} (Expires)`, httpTimestamp(decision.until));
  }
  const response = await sources.metForecast(location, args.signal, decision.kind === "revalidate" ? { ifModifiedSince: decision.ifModifiedSince } : {});
  if (response.status === 304) {
    store.saveCacheHeaders(url, { expires: response.cache.expires, lastModified: response.cache.lastModified ?? stored?.lastModified ?? null });
    log.info("MET forecast not modified since the stored one", { location: location.name, if_modified_since: decision.kind === "revalidate" ? decision.ifModifiedSince : null, mode: sources.mode });
    return storedForecast("not modified (304): the stored forecast stands", {
      ...httpTimestamp(response.cache.expires),
      ...(response.fixture ? { fixture: { type: "path", value: response.fixture } } : {}),
    });
  }
  const forecast = parseCompactForecast(source, response.body);
  checkForecastLocation(source, forecast, location);
  store.replaceTable(table, FORECAST_COLUMNS, forecast.rows as unknown as Row[]);
  const landing = args.landing === false ? null : store.writeNdjson(LANDING.forecast(location), FORECAST_COLUMNS, forecast.rows as unknown as Row[]);
  store.saveCacheHeaders(url, response.cache);
  const hourly = forecast.rows.filter((r) => r.step_hours === 1).length;
  // Plain stdout on purpose: Flyt captures it into the step's logs like any other output.
  console.log(`forecast for ${location.name}: ${forecast.rows.length} steps from ${forecast.rows[0]!.time}, ${hourly} of them hourly`);
  log.info("ingested MET forecast", { location: location.name, steps: forecast.rows.length, hourly, updated_at: forecast.updatedAt, expires: response.cache.expires, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, table, FORECAST_COLUMNS, forecast.rows as unknown as Row[]),
    ...(landing === null ? {} : { landing_path: { type: "path", value: landing } }),
    hourly_steps: { type: "int", value: hourly },
    ...sourceMetadata(response),
    ...(forecast.updatedAt ? { forecast_updated: { type: "timestamp", value: Date.parse(forecast.updatedAt) / 1000 } } : {}),
    ...(response.cache.expires === null ? {} : { cache: { type: "text", value: `fetched; not requested again before ${response.cache.expires} (Expires)` } }),
    ...httpTimestamp(response.cache.expires),
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

// --- SSB table 13861 (PxWebApi v0: metadata, then the query built from it) ---------------------

export const VARIABLE_COLUMNS: ColumnSpec[] = [
  { name: "variable", type: "TEXT", description: "variable code, e.g. NACE2007" },
  { name: "variable_text", type: "TEXT" },
  { name: "code", type: "TEXT", description: "value code" },
  { name: "text", type: "TEXT", description: "value text" },
  { name: "position", type: "INTEGER", description: "the value's position within its variable" },
  { name: "elimination", type: "INTEGER", description: "1: the variable may be left out of a query" },
  { name: "is_time", type: "INTEGER", description: "1: the time variable" },
];

const rawTableColumns = (columns: readonly string[], valueDescription: string): ColumnSpec[] =>
  columns.map((name): ColumnSpec => (name === "value" ? { name, type: "REAL", description: valueDescription } : { name, type: "TEXT" }));

/** atlas/ssb/wage_inequality_variables: table 13861's metadata, one row per variable value. */
export async function ingestWageVariables(args: { sources: AtlasSources; store: AtlasStore; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const response = await sources.ssbTableMetadata(WAGE_TABLE, args.signal);
  const metadata = parsePxTableMetadata(WAGE_SOURCE, response.body);
  // Fails here, at the metadata, when Atlas's selection no longer fits the table.
  const query = buildPxQuery(WAGE_SOURCE, metadata, WAGE_SELECTION);
  const rows = variableRows(metadata);
  store.replaceTable(TABLES.wageVariables, VARIABLE_COLUMNS, rows);
  const eliminated = metadata.variables.filter((v) => !query.query.some((q) => q.code === v.code)).map((v) => v.code);
  log.info("read SSB table metadata", { table: WAGE_TABLE, variables: metadata.variables.length, values: rows.length, eliminated, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.wageVariables, VARIABLE_COLUMNS, rows),
    title: { type: "text", value: metadata.title },
    variables: { type: "int", value: metadata.variables.length },
    eliminated: { type: "text", value: eliminated.join(", ") || "none" },
    ...sourceMetadata(response),
  };
}

/** atlas/ssb/wage_inequality_raw: table 13861 as queried from its stored metadata, every cell as SSB gave it. */
export async function ingestWageTable(args: { sources: AtlasSources; store: AtlasStore; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const variables = store.readTable(TABLES.wageVariables, "atlas/ssb/wage_inequality_variables", "rowid");
  const query = buildPxQuery(WAGE_SOURCE, metadataFromRows(WAGE_SOURCE, variables), WAGE_SELECTION);
  const response = await sources.ssbTable(WAGE_TABLE, query, args.signal);
  const dataset = parseJsonStatDataset(WAGE_SOURCE, response.body);
  checkAnswersQuery(WAGE_SOURCE, dataset, query, WAGE_TABLE, response.body);
  const rows = rawRows(dataset, WAGE_SOURCE) as Row[];
  const columns = rawTableColumns(rawColumns(dataset, WAGE_SOURCE), "Gini coefficient or P90/P10 ratio, null when missing");
  store.replaceTable(TABLES.wageRaw, columns, rows);
  const missing = rows.filter((r) => r["value"] === null).length;
  log.info("ingested SSB table", { table: WAGE_TABLE, rows: rows.length, missing, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.wageRaw, columns, rows),
    missing_values: { type: "int", value: missing },
    query: { type: "json", value: query },
    ...sourceMetadata(response),
    ...(dataset.updated ? { source_updated: { type: "timestamp", value: Date.parse(dataset.updated) / 1000 } } : {}),
  };
}

// --- SSB table 05300 (PxWebApi v2: table info, and the metadata it links to) -------------------

export const TABLE_INFO_COLUMNS: ColumnSpec[] = [
  { name: "id", type: "TEXT" },
  { name: "label", type: "TEXT" },
  { name: "updated", type: "TEXT", description: "when SSB last updated the table, ISO UTC" },
  { name: "first_period", type: "TEXT" },
  { name: "last_period", type: "TEXT" },
  { name: "time_unit", type: "TEXT" },
  { name: "variable_names", type: "TEXT", description: "JSON array of the variables' labels" },
  { name: "subject_code", type: "TEXT" },
  { name: "metadata_url", type: "TEXT", description: "the table's metadata link" },
];

export const DIMENSION_COLUMNS: ColumnSpec[] = [
  { name: "dimension", type: "TEXT", description: "dimension id, e.g. Kulturtilbud" },
  { name: "dimension_label", type: "TEXT" },
  { name: "code", type: "TEXT", description: "category code" },
  { name: "label", type: "TEXT", description: "category label" },
  { name: "position", type: "INTEGER" },
  { name: "elimination", type: "INTEGER", description: "1: the dimension may be left out of a query" },
  { name: "is_time", type: "INTEGER" },
];

/** atlas/ssb/culture_distance_table: table 05300's table info, one row. */
export async function ingestCultureTableInfo(args: { sources: AtlasSources; store: AtlasStore; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const response = await sources.ssbV2TableInfo(CULTURE_TABLE, args.signal);
  const info = parseTableInfo(CULTURE_SOURCE, response.body, CULTURE_TABLE);
  const row: Row = {
    id: info.id,
    label: info.label,
    updated: info.updated,
    first_period: info.firstPeriod,
    last_period: info.lastPeriod,
    time_unit: info.timeUnit,
    variable_names: JSON.stringify(info.variableNames),
    subject_code: info.subjectCode,
    metadata_url: info.metadataUrl,
  };
  store.replaceTable(TABLES.cultureTable, TABLE_INFO_COLUMNS, [row]);
  log.info("read SSB table info", { table: CULTURE_TABLE, updated: info.updated, last_period: info.lastPeriod, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.cultureTable, TABLE_INFO_COLUMNS, [row]),
    last_period: { type: "text", value: info.lastPeriod },
    time_unit: { type: "text", value: info.timeUnit },
    source_updated: { type: "timestamp", value: Date.parse(info.updated) / 1000 },
    ...sourceMetadata(response),
  };
}

/** atlas/ssb/culture_distance_dimensions: table 05300's dimensions and categories, from the table info's metadata link. */
export async function ingestCultureDimensions(args: { sources: AtlasSources; store: AtlasStore; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const [info] = store.readTable(TABLES.cultureTable, "atlas/ssb/culture_distance_table");
  const url = info?.["metadata_url"];
  if (typeof url !== "string") throw new Error(`Table ${TABLES.cultureTable} in ${store.dbPath} has no metadata_url: materialize atlas/ssb/culture_distance_table again`);
  const response = await sources.ssbV2Metadata(CULTURE_TABLE, url, args.signal);
  const metadata = parseTableMetadata(CULTURE_SOURCE, response.body, CULTURE_TABLE);
  const rows = dimensionRows(metadata);
  store.replaceTable(TABLES.cultureDimensions, DIMENSION_COLUMNS, rows);
  log.info("read SSB table metadata", { table: CULTURE_TABLE, dimensions: metadata.dimensions.length, categories: rows.length, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.cultureDimensions, DIMENSION_COLUMNS, rows),
    dimensions: { type: "int", value: metadata.dimensions.length },
    cells: { type: "int", value: metadata.dimensions.reduce((n, d) => n * d.categories.length, 1) },
    ...sourceMetadata(response),
    ...(metadata.updated ? { source_updated: { type: "timestamp", value: Date.parse(metadata.updated) / 1000 } } : {}),
  };
}

// --- MET Frost stations ----------------------------------------------------------------------

export const STATION_COLUMNS: ColumnSpec[] = [
  { name: "id", type: "TEXT", description: "Frost source id, e.g. SN50540" },
  { name: "name", type: "TEXT" },
  { name: "short_name", type: "TEXT" },
  { name: "country_code", type: "TEXT" },
  { name: "lat", type: "REAL" },
  { name: "lon", type: "REAL" },
  { name: "masl", type: "REAL", description: "metres above sea level" },
  { name: "valid_from", type: "TEXT" },
  { name: "valid_to", type: "TEXT" },
  { name: "county", type: "TEXT" },
  { name: "municipality", type: "TEXT" },
  { name: "wmo_id", type: "INTEGER" },
  { name: "distance_km", type: "REAL", description: "from the forecast location" },
];

/** atlas/met/frost_stations: the Frost weather stations nearest a forecast location that measure what Atlas reads. */
export async function ingestFrostStations(args: { sources: AtlasSources; store: AtlasStore; location: ForecastLocation; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, location, log } = args;
  const response = await sources.frostStations(location, FROST_ELEMENTS, args.signal);
  const rows = parseFrostSources(`MET Frost sources (near ${location.name})`, response.body);
  store.replaceTable(TABLES.frostStations, STATION_COLUMNS, rows);
  const nearest = rows[0];
  log.info("ingested Frost stations", { near: location.name, stations: rows.length, nearest: nearest?.id ?? null, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.frostStations, STATION_COLUMNS, rows),
    ...(nearest ? { nearest_station: { type: "text", value: `${nearest.id} ${nearest.name}${nearest.distance_km === null ? "" : ` (${nearest.distance_km.toFixed(2)} km)`}` } } : {}),
    ...sourceMetadata(response),
  };
}

// --- Brønnøysund (Enhetsregisteret) ----------------------------------------------------------

export const ENTITY_COLUMNS: ColumnSpec[] = [
  { name: "organisasjonsnummer", type: "TEXT", description: "organisation number (9 digits)" },
  { name: "navn", type: "TEXT", description: "name" },
  { name: "organisasjonsform", type: "TEXT", description: "organisation form code, e.g. ASA" },
  { name: "naeringskode", type: "TEXT", description: "main industry code (SN2007)" },
  { name: "naeringskode_beskrivelse", type: "TEXT" },
  { name: "antall_ansatte", type: "INTEGER", description: "employees, when registered" },
  { name: "kommunenummer", type: "TEXT", description: "business address municipality" },
  { name: "kommune", type: "TEXT" },
  { name: "postnummer", type: "TEXT" },
  { name: "poststed", type: "TEXT" },
  { name: "stiftelsesdato", type: "TEXT", description: "founded" },
  { name: "registreringsdato", type: "TEXT", description: "registered in Enhetsregisteret" },
  { name: "hjemmeside", type: "TEXT" },
  { name: "konkurs", type: "INTEGER", description: "1: bankrupt" },
  { name: "under_avvikling", type: "INTEGER", description: "1: being wound up" },
];

/**
 * atlas/brreg/asa_companies: every entity of the search, page after page through `_links.next`
 * (validated: same host and path, the next page number), until the last page or the source's page
 * limit (fixtures: the one recorded page, reported as `truncated`). The totals must hold still
 * while paging: an entity seen twice or a changed total means the register changed underneath,
 * and the run fails rather than store a skewed list.
 */
export async function ingestBrregSearch(args: { sources: AtlasSources; store: AtlasStore; query: Readonly<Record<string, string>>; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const source = BRREG_SEARCH_SOURCE;
  const firstUrl = brregSearchUrl(args.query, 0, sources.brregPageSize);
  const entities: EntityRow[] = [];
  const seen = new Map<string, number>();
  let url = firstUrl;
  let totalElements = 0;
  let totalPages = 0;
  let fixture: string | null = null;
  let truncated = false;
  let pagesRead = 0;
  for (let page = 0; ; page++) {
    const response = await sources.brregSearchPage(url, args.signal);
    pagesRead++;
    fixture ??= response.fixture;
    const parsed = parseSearchPage(source, response.body, page);
    if (page === 0) {
      ({ totalElements, totalPages } = parsed);
      if (totalElements > BRREG_RESULT_WINDOW) {
        throw new SourceDataError(source, "page.totalElements", `is ${totalElements}: Enhetsregisteret pages through the first ${BRREG_RESULT_WINDOW} results only; narrow the search`);
      }
    } else if (parsed.totalElements !== totalElements) {
      throw new SourceDataError(source, "page.totalElements", `changed from ${totalElements} to ${parsed.totalElements} while paging (page ${page}): the register changed; run again`);
    }
    parsed.entities.forEach((entity, i) => {
      const earlier = seen.get(entity.organisasjonsnummer);
      if (earlier !== undefined) {
        throw new SourceDataError(source, `_embedded.enheter[${i}].organisasjonsnummer`, `${entity.organisasjonsnummer} is on page ${page} and on page ${earlier}: the register changed while paging; run again`);
      }
      seen.set(entity.organisasjonsnummer, page);
      entities.push(entity);
    });
    if (parsed.next === null) break;
    if (sources.brregPageLimit !== null && pagesRead >= sources.brregPageLimit) {
      truncated = true;
      log.warn("stopped paging the Brønnøysund search at the source's page limit", { pages_read: pagesRead, total_pages: totalPages, mode: sources.mode });
      break;
    }
    url = parsed.next;
  }
  if (!truncated && entities.length !== totalElements) {
    throw new SourceDataError(source, "page.totalElements", `is ${totalElements}, but the pages held ${entities.length} entities`);
  }
  store.replaceTable(TABLES.brregSearch, ENTITY_COLUMNS, entities);
  log.info("ingested Brønnøysund search", { query: args.query, entities: entities.length, total: totalElements, pages_read: pagesRead, total_pages: totalPages, mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.brregSearch, ENTITY_COLUMNS, entities),
    total_elements: { type: "int", value: totalElements },
    pages_read: { type: "int", value: pagesRead },
    total_pages: { type: "int", value: totalPages },
    truncated: { type: "bool", value: truncated },
    source_url: { type: "url", value: firstUrl },
    ...(fixture ? { fixture: { type: "path", value: fixture } } : {}),
  };
}

/** atlas/brreg/followed_entities: the entities Atlas follows, one GET each. */
export async function ingestBrregEntities(args: { sources: AtlasSources; store: AtlasStore; orgnrs: readonly string[]; signal?: AbortSignal; log: PipelineLog }): Promise<AssetMetadata> {
  const { sources, store, log } = args;
  const rows: EntityRow[] = [];
  const fixtures: string[] = [];
  for (const orgnr of args.orgnrs) {
    const source = `Brønnøysund entity ${orgnr}`;
    const response = await sources.brregEntity(orgnr, args.signal);
    const entity = parseEntity(source, response.body);
    if (entity.organisasjonsnummer !== orgnr) throw new SourceDataError(source, "organisasjonsnummer", `is ${entity.organisasjonsnummer}, but ${orgnr} was asked for`);
    rows.push(entity);
    if (response.fixture) fixtures.push(response.fixture);
  }
  store.replaceTable(TABLES.brregEntities, ENTITY_COLUMNS, rows);
  log.info("ingested Brønnøysund entities", { entities: rows.map((r) => `${r.organisasjonsnummer} ${r.navn}`), mode: sources.mode });
  return {
    ...tableMetadata(store.dbPath, TABLES.brregEntities, ENTITY_COLUMNS, rows),
    ...(fixtures.length > 0 ? { fixtures: { type: "json", value: fixtures } } : {}),
  };
}
