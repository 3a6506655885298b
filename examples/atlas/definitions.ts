/**
 * Atlas in miniature: SSB statistics, MET weather and forecasts, Frost observations and stations,
 * and Brønnøysund's register of legal entities ingested by TypeScript assets; house prices and
 * Bergen's forecast cleaned, aggregated and joined by a dbt project (`dbt/`) and written as the
 * document a web app serves. `flyt backfill -f examples/atlas/definitions.ts --select '*' --all`
 * loads this file. What each TypeScript asset does lives in `src/pipeline.ts` (each source's
 * reader in its own file under `src/`), the dbt models in `dbt/`; this file says what the assets
 * are (keys, lineage, owners and group per source, partitions, retries, freshness), which
 * resources they use, how the dbt project joins the graph, and what keeps it up to date: a
 * schedule per source cadence and SSB's release calendar start the ingests, automation conditions
 * (docs/automation.md) the rest.
 *
 * Configuration (read when a run starts): ATLAS_SOURCE=fixtures|live, ATLAS_FIXTURES_DIR,
 * ATLAS_DATA_DIR, ATLAS_USER_AGENT, ATLAS_FROST_CLIENT_ID; for dbt FLYT_DBT_EXECUTABLE, ATLAS_DBT_TARGET,
 * ATLAS_DUCKDB_PATH, ATLAS_PG_*, ATLAS_DBT_THREADS. See README.md.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dbtAssets, type DbtAssetsOptions } from "@flyt/dbt";
import {
  asset,
  AutomationCondition,
  dailyPartitions,
  defineDefinitions,
  env,
  monthlyPartitions,
  resource,
  schedule,
  sensor,
  timeWindowPartitionMapping,
  yearlyPartitions,
} from "@flyt/sdk";
import { BRREG_ENTITIES, BRREG_SEARCH } from "./src/brreg.js";
import { culturePeriodsCheck, nonNullCheck, observedStationCheck, rowCountCheck } from "./src/checks.js";
import { atlasDbtExecutable, dbtProjectDir } from "./src/dbt.js";
import { FROST_STATION } from "./src/frost.js";
import { BERGEN, NEW_YORK } from "./src/met.js";
import {
  ingestBrregEntities,
  ingestBrregSearch,
  ingestCultureDimensions,
  ingestCultureTableInfo,
  ingestForecast,
  ingestFrostStations,
  ingestHousePriceYear,
  ingestObservationsDay,
  ingestWageTable,
  ingestWageVariables,
  overviewJson,
  rollupObservationsMonth,
  TABLES,
} from "./src/pipeline.js";
import { decideReleases, parseReleaseCalendar } from "./src/release-calendar.js";
import { HOUSE_PRICE_TABLE, HOUSE_PRICE_YEARS } from "./src/ssb.js";
import { CULTURE_TABLE } from "./src/ssb-05300.js";
import { WAGE_TABLE } from "./src/ssb-13861.js";
import { createSources, defaultFixturesDir, resolveSourcesConfig, type AtlasSources } from "./src/sources.js";
import { AtlasStore, resolveDataDir } from "./src/store.js";

type AtlasResources = { sources: AtlasSources; store: AtlasStore };

const OWNER = "team:atlas-data";
const CONTACT = "atlas-data@example.org";
/** Who answers for each source's ingests: the team that knows the source, and the data team's contact. */
const OWNERS = {
  ssb: ["team:atlas-statistics", CONTACT],
  met: ["team:atlas-weather", CONTACT],
  frost: ["team:atlas-weather", CONTACT],
  brreg: ["team:atlas-registry", CONTACT],
};
const DAY = 24 * 60;

const sources = resource({
  description: "Where ingests read from: recorded fixtures (default) or the live SSB, MET, Frost and Brønnøysund APIs",
  config: {
    mode: env("ATLAS_SOURCE", { default: "fixtures" }),
    fixturesDir: env("ATLAS_FIXTURES_DIR", { default: "" }),
    userAgent: env("ATLAS_USER_AGENT", { default: `flyt-atlas-example/0.1 ${CONTACT}` }),
    frostClientId: env("ATLAS_FROST_CLIENT_ID", { default: "" }),
  },
  create: (config) => createSources(resolveSourcesConfig(config)),
});

const store = resource({
  description: "The data folder: atlas.sqlite, the landing files dbt reads, and the served JSON (examples/atlas/data unless ATLAS_DATA_DIR is set)",
  config: { dataDir: env("ATLAS_DATA_DIR", { default: "" }) },
  create: (config) => new AtlasStore(resolveDataDir(config.dataDir)),
  dispose: (value) => value.close(),
});

// --- ssb -----------------------------------------------------------------------------------

const houseRaw = asset<AtlasResources>({
  key: ["atlas", "ssb", "house_price_index_raw"],
  group: "ssb",
  description:
    "SSB table 07221 (price index for existing dwellings by region, dwelling type and quarter), " +
    "as JSON-stat 2.0 from PxWebApi v0, one year per partition: every cell of the year's quarters, " +
    "nulls and status symbols kept. Landed for dbt as landing/ssb_07221_raw/<year>.ndjson (the dbt source ssb.house_price_index_raw).",
  owners: OWNERS.ssb,
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: "07221", license: "CC-BY-4.0" },
  codeVersion: "1",
  // One partition per calendar year in Oslo, the years the recorded table covers (a live
  // deployment would leave `end` open and let the release-calendar sensor request each new year).
  partitions: yearlyPartitions({ start: HOUSE_PRICE_YEARS[0], end: String(Number(HOUSE_PRICE_YEARS.at(-1)) + 1), timezone: "Europe/Oslo" }),
  // SSB publishes a year's quarters by the following spring: by 1 April (Oslo) the newest complete
  // year partition must be less than a year old.
  freshnessPolicy: { cron: "0 9 1 4 *", timezone: "Europe/Oslo", maximumLagMinutes: 365 * 24 * 60, warnBeforeMinutes: 30 * 24 * 60, partitions: "latest" },
  resources: ["sources", "store"],
  compute: async (ctx) => {
    const year = ctx.partitionKey;
    if (year === null) throw new Error("atlas/ssb/house_price_index_raw needs a year partition");
    return ingestHousePriceYear({ sources: ctx.resources.sources, store: ctx.resources.store, year, signal: ctx.signal, log: ctx.log });
  },
});

// --- met -----------------------------------------------------------------------------------

const forecast = asset<AtlasResources>({
  key: ["atlas", "met", "bergen_forecast"],
  group: "met",
  description:
    "MET Norway locationforecast 2.0 (compact) for Bergen: one row per time step (hourly for " +
    "about 2½ days, then 6-hourly) with instant values and the 1- and 6-hour precipitation. " +
    "Landed for dbt as landing/met_forecast_bergen.ndjson (the dbt source met.bergen_forecast).",
  owners: OWNERS.met,
  kinds: ["typescript", "sqlite"],
  tags: { source: "met", license: "NLOD-2.0" },
  codeVersion: "1",
  // api.met.no answers 429/503 under load; retrying with backoff is what its terms ask for.
  retryPolicy: { maxRetries: 2, delayMs: 500, backoff: "exponential", maxDelayMs: 5000 },
  // The hourly schedule refreshes it at :15; one missed tick warns, two make it stale.
  freshnessPolicy: { maximumLagMinutes: 135, warnAfterMinutes: 75 },
  resources: ["sources", "store"],
  compute: async (ctx) => {
    if (ctx.attempt > 1) ctx.log.warn("retrying the MET forecast", { attempt: ctx.attempt });
    return ingestForecast({ sources: ctx.resources.sources, store: ctx.resources.store, location: BERGEN, signal: ctx.signal, log: ctx.log });
  },
});

const forecastNewYork = asset<AtlasResources>({
  key: ["atlas", "met", "newyork_forecast"],
  group: "met",
  description:
    "MET Norway locationforecast 2.0 (compact) for New York, one row per time step. Honours MET's caching terms: " +
    "no request before the stored Expires, then a conditional GET with If-Modified-Since (a 304 keeps the stored forecast). " +
    "In fixtures mode the recorded answer's headers stand in for the live ones.",
  owners: OWNERS.met,
  kinds: ["typescript", "sqlite"],
  tags: { source: "met", license: "NLOD-2.0" },
  codeVersion: "1",
  retryPolicy: { maxRetries: 2, delayMs: 500, backoff: "exponential", maxDelayMs: 5000 },
  // Hourly at :45 (atlas_weather_newyork_hourly); one missed tick warns, two make it stale.
  freshnessPolicy: { maximumLagMinutes: 135, warnAfterMinutes: 75 },
  resources: ["sources", "store"],
  compute: async (ctx) =>
    ingestForecast({ sources: ctx.resources.sources, store: ctx.resources.store, location: NEW_YORK, landing: false, signal: ctx.signal, log: ctx.log }),
});

/**
 * Frost's hourly observations at Bergen – Florida, one UTC day per partition, and their monthly
 * rollup: a monthly partition reads the month's day partitions through a time-window partition
 * mapping, so a backfill launches a month only after its days. The recorded fixtures hold one day
 * (2022-04-01), so with ATLAS_SOURCE=fixtures the partitions end there; live, they run up to the
 * last complete day (Frost needs ATLAS_FROST_CLIENT_ID).
 */
const liveSources = process.env.ATLAS_SOURCE?.trim() === "live";
const observationDays = dailyPartitions({ start: "2022-04-01", timezone: "UTC", ...(liveSources ? {} : { end: "2022-04-02" }) });
const observationMonths = monthlyPartitions({ start: "2022-04", timezone: "UTC", ...(liveSources ? {} : { end: "2022-05-01" }) });
const observationsDailyKey = `atlas/met/${FROST_STATION.name}_observations_daily`;

const observationsDaily = asset<AtlasResources>({
  key: ["atlas", "met", `${FROST_STATION.name}_observations_daily`],
  group: "frost",
  description: `MET Frost observations of station ${FROST_STATION.id} (Bergen – Florida): the UTC day's hourly air temperature, humidity and wind summarized in one row.`,
  owners: OWNERS.frost,
  kinds: ["typescript", "sqlite"],
  tags: { source: "frost", license: "CC-BY-3.0-NO" },
  codeVersion: "1",
  partitions: observationDays,
  // Frost publishes a day's observations within hours; the newest complete day must land within a day and a half.
  freshnessPolicy: { maximumLagMinutes: 36 * 60, warnAfterMinutes: 30 * 60, partitions: "latest" },
  retryPolicy: { maxRetries: 2, delayMs: 500, backoff: "exponential", maxDelayMs: 5000 },
  resources: ["sources", "store"],
  compute: async (ctx) =>
    ingestObservationsDay({ sources: ctx.resources.sources, store: ctx.resources.store, station: FROST_STATION, date: ctx.partitionKey!, signal: ctx.signal, log: ctx.log }),
});

const observationsMonthly = asset<AtlasResources>({
  key: ["atlas", "met", `${FROST_STATION.name}_observations_monthly`],
  deps: [observationsDailyKey],
  // The default between daily and monthly windows already is this mapping; said here because it is the point.
  partitionMappings: { [observationsDailyKey]: timeWindowPartitionMapping() },
  group: "frost",
  description: "The month's daily Frost summaries rolled up: extremes, the observation-weighted mean temperature, and how many days the month has so far.",
  owners: OWNERS.frost,
  kinds: ["typescript", "sqlite"],
  codeVersion: "1",
  partitions: observationMonths,
  resources: ["store"],
  compute: (ctx) => rollupObservationsMonth({ store: ctx.resources.store, station: FROST_STATION, month: ctx.partitionKey!, log: ctx.log }),
});

const frostStations = asset<AtlasResources>({
  key: ["atlas", "met", "frost_stations"],
  group: "frost",
  description:
    "MET Frost's weather stations nearest Bergen's forecast point that measure air temperature, humidity and wind (sources/v0, types=SensorSystem): " +
    "id, name, position, height, municipality, distance. The observed station must be among them (check observed_station_listed).",
  owners: OWNERS.frost,
  kinds: ["typescript", "sqlite"],
  tags: { source: "frost", license: "CC-BY-3.0-NO" },
  codeVersion: "1",
  // Stations open, move and close rarely: refreshed monthly (atlas_frost_stations_monthly).
  freshnessPolicy: { maximumLagMinutes: 35 * DAY, warnAfterMinutes: 32 * DAY },
  retryPolicy: { maxRetries: 2, delayMs: 500, backoff: "exponential", maxDelayMs: 5000 },
  resources: ["sources", "store"],
  compute: (ctx) => ingestFrostStations({ sources: ctx.resources.sources, store: ctx.resources.store, location: BERGEN, signal: ctx.signal, log: ctx.log }),
});

// --- ssb: tables 13861 (annual, PxWebApi v0) and 05300 (polled monthly, PxWebApi v2) --------

const wageVariables = asset<AtlasResources>({
  key: ["atlas", "ssb", "wage_inequality_variables"],
  group: "ssb",
  description:
    "SSB table 13861's metadata (PxWebApi v0 GET): its variables and their values, which may be left out of a query, which is time. " +
    "Atlas's query for the table is built from it, and fails here when the table no longer has what Atlas selects.",
  owners: OWNERS.ssb,
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: WAGE_TABLE, license: "CC-BY-4.0" },
  codeVersion: "1",
  // Read with the data, once a year (a new year is a new value of Tid).
  freshnessPolicy: { cron: "0 9 1 3 *", timezone: "Europe/Oslo", maximumLagMinutes: 365 * DAY, warnBeforeMinutes: 30 * DAY },
  resources: ["sources", "store"],
  compute: (ctx) => ingestWageVariables({ sources: ctx.resources.sources, store: ctx.resources.store, signal: ctx.signal, log: ctx.log }),
});

const wageRaw = asset<AtlasResources>({
  key: ["atlas", "ssb", "wage_inequality_raw"],
  deps: ["atlas/ssb/wage_inequality_variables"],
  group: "ssb",
  description:
    "SSB table 13861 (Gini coefficient and P90/P10 of wages by industry and year; sex left out, so both together) as JSON-stat 2.0, " +
    "queried from the stored metadata; the answer must hold exactly the selected values. Every cell as SSB gave it.",
  owners: OWNERS.ssb,
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: WAGE_TABLE, license: "CC-BY-4.0" },
  codeVersion: "1",
  // An annual table, published in February: by 1 March (Oslo) the data must be less than a year old.
  freshnessPolicy: { cron: "0 9 1 3 *", timezone: "Europe/Oslo", maximumLagMinutes: 365 * DAY, warnBeforeMinutes: 30 * DAY },
  retryPolicy: { maxRetries: 2, delayMs: 1000, backoff: "exponential", maxDelayMs: 10_000 },
  resources: ["sources", "store"],
  compute: (ctx) => ingestWageTable({ sources: ctx.resources.sources, store: ctx.resources.store, signal: ctx.signal, log: ctx.log }),
});

const cultureTable = asset<AtlasResources>({
  key: ["atlas", "ssb", "culture_distance_table"],
  group: "ssb",
  description:
    "SSB table 05300's table info (PxWebApi v2): label, when SSB updated it, first and last period, time unit, variables and the metadata link. " +
    "Polled monthly: the cheap way to see a new period published.",
  owners: OWNERS.ssb,
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: CULTURE_TABLE, license: "CC-BY-4.0" },
  codeVersion: "1",
  freshnessPolicy: { maximumLagMinutes: 35 * DAY, warnAfterMinutes: 32 * DAY },
  resources: ["sources", "store"],
  compute: (ctx) => ingestCultureTableInfo({ sources: ctx.resources.sources, store: ctx.resources.store, signal: ctx.signal, log: ctx.log }),
});

const cultureDimensions = asset<AtlasResources>({
  key: ["atlas", "ssb", "culture_distance_dimensions"],
  deps: ["atlas/ssb/culture_distance_table"],
  group: "ssb",
  description:
    "SSB table 05300's dimensions and categories (PxWebApi v2 metadata, JSON-stat 2.0 without values), fetched from the table info's metadata link.",
  owners: OWNERS.ssb,
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: CULTURE_TABLE, license: "CC-BY-4.0" },
  codeVersion: "1",
  resources: ["sources", "store"],
  compute: (ctx) => ingestCultureDimensions({ sources: ctx.resources.sources, store: ctx.resources.store, signal: ctx.signal, log: ctx.log }),
});

// --- brreg: Enhetsregisteret, daily ----------------------------------------------------------

/** The register changes every working day; Atlas reads it each morning (atlas_brreg_daily). */
const brregFreshness = { maximumLagMinutes: 36 * 60, warnAfterMinutes: 26 * 60 };

const brregSearch = asset<AtlasResources>({
  key: ["atlas", "brreg", "asa_companies"],
  group: "brreg",
  description:
    "Brønnøysund's Enhetsregisteret: every public limited company (organisasjonsform ASA), paged through the search's next links. " +
    "The fixtures record the first page (5 of 219), so in fixtures mode the table holds 5 and reports truncated = true.",
  owners: OWNERS.brreg,
  kinds: ["typescript", "sqlite"],
  tags: { source: "brreg", license: "NLOD-2.0" },
  codeVersion: "1",
  freshnessPolicy: brregFreshness,
  retryPolicy: { maxRetries: 2, delayMs: 1000, backoff: "exponential", maxDelayMs: 10_000 },
  resources: ["sources", "store"],
  compute: (ctx) => ingestBrregSearch({ sources: ctx.resources.sources, store: ctx.resources.store, query: BRREG_SEARCH, signal: ctx.signal, log: ctx.log }),
});

const brregEntities = asset<AtlasResources>({
  key: ["atlas", "brreg", "followed_entities"],
  group: "brreg",
  description: `The entities Atlas follows one by one in Enhetsregisteret (${BRREG_ENTITIES.join(", ")}: Equinor ASA), one GET each.`,
  owners: OWNERS.brreg,
  kinds: ["typescript", "sqlite"],
  tags: { source: "brreg", license: "NLOD-2.0" },
  codeVersion: "1",
  freshnessPolicy: brregFreshness,
  retryPolicy: { maxRetries: 2, delayMs: 1000, backoff: "exponential", maxDelayMs: 10_000 },
  resources: ["sources", "store"],
  compute: (ctx) => ingestBrregEntities({ sources: ctx.resources.sources, store: ctx.resources.store, orgnrs: BRREG_ENTITIES, signal: ctx.signal, log: ctx.log }),
});

// --- dbt: staging, cleaned, daily and serving tables ----------------------------------------

/**
 * The dbt project, as assets of ONE unpartitioned step (`dbt_atlas`): models, seeds and the
 * snapshot, with their tests as checks the step reports. Keys and groups come from the models'
 * `meta.flyt` (`atlas/ssb/house_price_index`, group `ssb`, …), so the schedule's `group:met+` and
 * the sensor's `group:ssb` select dbt models with the ingests, as they did the TypeScript assets.
 *
 * One step for all years, not one per year partition: `house_price_index` could build a single
 * year (it reads `flyt_partition_key`), but a year-partitioned step holding it would sit between
 * two parts of the unpartitioned step (stg_house_price_index → house_price_index →
 * daily_overview), and Flyt refuses such a step cycle. Building every landed year costs well
 * under a second here.
 *
 * The manifest is the committed one (`dbt/manifest.json`, kept in sync by
 * scripts/dbt-manifest.mjs): loading never runs dbt, so the graph shows where dbt is not installed.
 * dbt runs in the project directory; ATLAS_DATA_DIR is passed absolute, resolved as the store
 * resolves it, so dbt reads the landing files and writes atlas.duckdb in the store's folder.
 */
const dbtOptions = {
  project: dbtProjectDir(),
  manifest: join(dbtProjectDir(), "manifest.json"),
  parse: "never",
  profilesDir: dbtProjectDir(),
  executable: atlasDbtExecutable(),
  env: { ATLAS_DATA_DIR: resolveDataDir(process.env.ATLAS_DATA_DIR ?? "") },
} satisfies DbtAssetsOptions;

const dbt = dbtAssets({
  ...dbtOptions,
  name: "dbt_atlas",
  // DuckDB has one writer: a dbt step that starts while another run's holds atlas.duckdb fails to
  // open it ("Could not set lock on file"). Flyt limits concurrency per run (the queue's tag
  // limits), not per step, so the step waits and tries again, 5 s and then 10 s later. (Every
  // failure is retried alike — a broken model too, which costs those 15 s before it fails.)
  retryPolicy: { maxRetries: 2, delayMs: 5_000, backoff: "exponential" },
  // The source tests (11: not_null, unique, accepted_values on the raw columns) are checks of the
  // ingest assets, run with `dbt test` after each ingest materializes. They only read the landing
  // files, so they run against an in-memory DuckDB: the two ingests' tests, which run at the same
  // time in a full run, and a dbt build in another run never contend for atlas.duckdb's lock.
  sourceTestEnv: { ATLAS_DUCKDB_PATH: ":memory:" },
  // Rebuilt when an ingest (or another model) lands new data — once no upstream is missing or
  // still running — and never otherwise: an unchanged model is not rebuilt on a timer. Models
  // that land together coalesce into one `dbt build` run.
  automationCondition: AutomationCondition.eager(),
});

// --- serving -------------------------------------------------------------------------------

const overviewDocument = asset<AtlasResources>({
  key: ["atlas", "serving", "daily_overview_json"],
  // The dbt model's key: it exports its rows (serving_daily_overview.ndjson) for this step to read.
  deps: ["atlas/serving/daily_overview"],
  group: "serving",
  description: "The daily overview as the JSON document the Atlas web app serves, with source attribution (SSB CC BY 4.0, MET NLOD 2.0).",
  owners: [OWNER],
  kinds: ["typescript", "json"],
  tags: { layer: "serving" },
  codeVersion: "1",
  // The web app publishes the document each morning: once per day, at 06:30 in Oslo, as soon as
  // the overview has been rebuilt since then (or is rebuilt in the same run).
  automationCondition: AutomationCondition.onCron("30 6 * * *", "Europe/Oslo"),
  resources: ["store"],
  compute: (ctx) => overviewJson({ store: ctx.resources.store, log: ctx.log }),
});

// --- pipes: ingests as external processes (docs/pipes.md) ----------------------------------

// Compiled children live in dist/pipes; loaded from source (tsx), this file still runs the compiled ones.
const here = fileURLToPath(new URL(".", import.meta.url));
const distDir = here.endsWith("/dist/") ? here : join(here, "dist");
const sourceDir = here.endsWith("/dist/") ? join(here, "..") : here;
const fixturesDir = (): string => process.env.ATLAS_FIXTURES_DIR?.trim() || defaultFixturesDir();

const forecastLanding = asset({
  key: ["atlas", "met", "bergen_forecast_landing"],
  group: "pipes",
  description: "The recorded MET forecast for Bergen, landed by a separate TypeScript program run as a Pipes child (pipes/forecast-landing.ts).",
  owners: [OWNER],
  kinds: ["typescript", "pipes"],
  codeVersion: "1",
  freshnessPolicy: { maximumLagMinutes: 135, warnAfterMinutes: 75 },
  compute: async (ctx) => {
    await ctx.pipes.run(process.execPath, [join(distDir, "pipes", "forecast-landing.js")], {
      extras: { forecast_file: join(fixturesDir(), "met", "met_locationforecast2_compact_bergen_2023-09-17.json") },
    });
  },
});

const ssbDimensions = asset({
  key: ["atlas", "ssb", "house_price_dimensions"],
  group: "pipes",
  description: "The dimensions of SSB table 07221 and their category counts, read by a Python script (standard library only) speaking Pipes on stderr.",
  owners: [OWNER],
  kinds: ["python", "pipes"],
  codeVersion: "1",
  // Table 07221's dimensions change at most with a yearly revision.
  freshnessPolicy: { maximumLagMinutes: 400 * 24 * 60 },
  compute: async (ctx) => {
    await ctx.pipes.run(process.env.ATLAS_PYTHON ?? "python3", [join(sourceDir, "pipes", "ssb_dimensions.py")], {
      channel: "stdio",
      extras: { dataset_file: join(fixturesDir(), "ssb", "ssb_v0_table07221_post_jsonstat2_response.json") },
    });
  },
});

// --- sensors -------------------------------------------------------------------------------

/**
 * The SSB tables the release-calendar sensor follows, and what a release of each requests: for
 * 07221, a backfill of the year the release covers and everything downstream of the ingest (the
 * dbt models and the served document run once the year has landed); for the unpartitioned tables,
 * a run of the table's assets (metadata first, then the data).
 */
const RELEASED_TABLES = [
  { tableId: HOUSE_PRICE_TABLE, partitions: HOUSE_PRICE_YEARS, selection: "atlas/ssb/house_price_index_raw+" },
  { tableId: WAGE_TABLE, partitions: null, selection: "atlas/ssb/wage_inequality_variables+" },
  { tableId: CULTURE_TABLE, partitions: null, selection: "atlas/ssb/culture_distance_table+" },
] as const;

/**
 * Polls SSB's release calendar and, when a new release of a followed table has appeared, requests
 * that table (see RELEASED_TABLES). Backfills requested from one cursor are created once, and run
 * requests carry the release as their run key, so a tick evaluated again never starts a second
 * one. Sensors get no resources, so it reads the same ATLAS_* switch here.
 */
const ssbReleaseCalendar = sensor({
  name: "atlas_ssb_release_calendar",
  target: "group:ssb",
  minimumIntervalSeconds: 900,
  defaultStatus: "STOPPED",
  description: `Requests the newly published SSB table when SSB's release calendar shows a release of ${RELEASED_TABLES.map((t) => t.tableId).join(", ")} (07221: the year it covers)`,
  evaluate: async ({ cursor, signal, log }) => {
    const config = resolveSourcesConfig({
      mode: process.env.ATLAS_SOURCE ?? "",
      fixturesDir: process.env.ATLAS_FIXTURES_DIR ?? "",
      userAgent: process.env.ATLAS_USER_AGENT ?? `flyt-atlas-example/0.1 ${CONTACT}`,
    });
    const feed = await createSources(config).releaseCalendar(signal);
    const decision = decideReleases({ releases: parseReleaseCalendar(feed.body), tables: RELEASED_TABLES, cursor, now: Date.now() });
    if (decision.runRequests.length > 0) log.info("new SSB releases", { releases: decision.runRequests.map((r) => r.runKey), from: feed.fixture ?? feed.url });
    const selectionOf = (tableId: string): string => RELEASED_TABLES.find((t) => t.tableId === tableId)!.selection;
    return {
      backfillRequests: decision.runRequests
        .filter((release) => release.partitionKey !== null)
        .map((release) => ({ selection: selectionOf(release.tableId), partitions: { kind: "keys" as const, keys: [release.partitionKey!] }, tags: release.tags })),
      runRequests: decision.runRequests
        .filter((release) => release.partitionKey === null)
        .map((release) => ({ runKey: release.runKey, selection: selectionOf(release.tableId), tags: release.tags })),
      ...(decision.skipReason === undefined ? {} : { skipReason: decision.skipReason }),
      ...(decision.cursor === undefined ? {} : { cursor: decision.cursor }),
    };
  },
});

/** Cadences that are a clock, not a calendar: each source's schedule runs its ingests only (all stopped until started). */
const schedules = [
  schedule({
    name: "atlas_weather_hourly",
    cron: "15 * * * *",
    timezone: "Europe/Oslo",
    // The ingest only: the dbt models follow it by automation (eager), the document at 06:30.
    target: "atlas/met/bergen_forecast",
    description: "Refreshes the MET forecast every hour; automation rebuilds the dbt models downstream of it",
    defaultStatus: "STOPPED",
  }),
  schedule({
    name: "atlas_weather_newyork_hourly",
    // Off the full hour, as MET asks of scheduled clients; before Expires the ingest does not call MET at all.
    cron: "45 * * * *",
    timezone: "Europe/Oslo",
    target: "atlas/met/newyork_forecast",
    description: "Refreshes New York's MET forecast every hour, honouring its Expires and Last-Modified",
    defaultStatus: "STOPPED",
  }),
  schedule({
    name: "atlas_brreg_daily",
    cron: "0 6 * * *",
    timezone: "Europe/Oslo",
    target: "group:brreg",
    description: "Reads the ASA companies and the followed entities from Enhetsregisteret each morning",
    defaultStatus: "STOPPED",
  }),
  schedule({
    name: "atlas_ssb_monthly",
    cron: "0 9 1 * *",
    timezone: "Europe/Oslo",
    target: "atlas/ssb/culture_distance_table+",
    description: "Polls SSB table 05300's table info (and re-reads its dimensions) on the first of each month",
    defaultStatus: "STOPPED",
  }),
  schedule({
    name: "atlas_ssb_annual",
    cron: "0 9 15 2 *",
    timezone: "Europe/Oslo",
    target: "atlas/ssb/wage_inequality_variables+",
    description: "Reads SSB table 13861 (metadata, then data) every 15 February, after its usual release; the release-calendar sensor reads it on the day",
    defaultStatus: "STOPPED",
  }),
  schedule({
    name: "atlas_frost_stations_monthly",
    cron: "0 6 2 * *",
    timezone: "Europe/Oslo",
    target: "atlas/met/frost_stations",
    description: "Refreshes the Frost stations near Bergen once a month",
    defaultStatus: "STOPPED",
  }),
];

export default defineDefinitions({
  assets: [
    houseRaw,
    forecast,
    forecastNewYork,
    observationsDaily,
    observationsMonthly,
    frostStations,
    wageVariables,
    wageRaw,
    cultureTable,
    cultureDimensions,
    brregSearch,
    brregEntities,
    ...dbt.assets,
    overviewDocument,
    forecastLanding,
    ssbDimensions,
  ],
  resources: { sources, store },
  schedules,
  sensors: [ssbReleaseCalendar],
  checks: [
    // The raw tables in atlas.sqlite, one or more checks each; the dbt tables are checked by the dbt tests below.
    rowCountCheck({ asset: "atlas/ssb/house_price_index_raw", table: TABLES.houseRaw, min: 1, partitionColumn: "partition_year" }),
    rowCountCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), min: 24 }),
    nonNullCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), columns: ["time", "air_temperature", "wind_speed"] }),
    rowCountCheck({ asset: "atlas/met/newyork_forecast", table: TABLES.forecast(NEW_YORK), min: 24 }),
    nonNullCheck({ asset: "atlas/met/newyork_forecast", table: TABLES.forecast(NEW_YORK), columns: ["time", "air_temperature", "wind_speed"] }),
    rowCountCheck({ asset: observationsDailyKey, table: TABLES.observationsDaily(FROST_STATION.name), min: 1, partitionColumn: "date" }),
    rowCountCheck({ asset: `atlas/met/${FROST_STATION.name}_observations_monthly`, table: TABLES.observationsMonthly(FROST_STATION.name), min: 1, partitionColumn: "month" }),
    rowCountCheck({ asset: "atlas/met/frost_stations", table: TABLES.frostStations, min: 1 }),
    observedStationCheck({ asset: "atlas/met/frost_stations", table: TABLES.frostStations, stationId: FROST_STATION.id }),
    rowCountCheck({ asset: "atlas/ssb/wage_inequality_variables", table: TABLES.wageVariables, min: 1 }),
    rowCountCheck({ asset: "atlas/ssb/wage_inequality_raw", table: TABLES.wageRaw, min: 1 }),
    nonNullCheck({ asset: "atlas/ssb/wage_inequality_raw", table: TABLES.wageRaw, columns: ["NACE2007", "ContentsCode", "Tid"] }),
    rowCountCheck({ asset: "atlas/ssb/culture_distance_table", table: TABLES.cultureTable, min: 1 }),
    rowCountCheck({ asset: "atlas/ssb/culture_distance_dimensions", table: TABLES.cultureDimensions, min: 1 }),
    culturePeriodsCheck({ asset: "atlas/ssb/culture_distance_dimensions", dimensionsTable: TABLES.cultureDimensions, tableInfoTable: TABLES.cultureTable }),
    rowCountCheck({ asset: "atlas/brreg/asa_companies", table: TABLES.brregSearch, min: 1 }),
    nonNullCheck({ asset: "atlas/brreg/asa_companies", table: TABLES.brregSearch, columns: ["organisasjonsnummer", "navn", "organisasjonsform"] }),
    rowCountCheck({ asset: "atlas/brreg/followed_entities", table: TABLES.brregEntities, min: BRREG_ENTITIES.length }),
    nonNullCheck({ asset: "atlas/brreg/followed_entities", table: TABLES.brregEntities, columns: ["organisasjonsnummer", "navn", "organisasjonsform"] }),
    ...dbt.checks,
    ...dbt.sourceChecks,
  ],
});
