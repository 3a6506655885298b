/**
 * Atlas in miniature: SSB house prices and MET weather ingested by TypeScript assets, cleaned,
 * aggregated and joined by a dbt project (`dbt/`), and written as the document a web app serves.
 * `flyt backfill -f examples/atlas/definitions.ts --select '*' --all` loads this
 * file. What each TypeScript asset does lives in `src/pipeline.ts`, the dbt models in `dbt/`;
 * this file says what the assets are (keys, lineage, owners, partitions, retries), which
 * resources they use, how the dbt project joins the graph, and what keeps it up to date: a
 * schedule and a sensor start the ingests, automation conditions (docs/automation.md) the rest.
 *
 * Configuration (read when a run starts): ATLAS_SOURCE=fixtures|live, ATLAS_FIXTURES_DIR,
 * ATLAS_DATA_DIR, ATLAS_USER_AGENT; for dbt FLYT_DBT_EXECUTABLE, ATLAS_DBT_TARGET,
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
import { nonNullCheck, rowCountCheck } from "./src/checks.js";
import { atlasDbtExecutable, dbtProjectDir } from "./src/dbt.js";
import { FROST_STATION } from "./src/frost.js";
import { BERGEN } from "./src/met.js";
import { ingestForecast, ingestHousePriceYear, ingestObservationsDay, overviewJson, rollupObservationsMonth, TABLES } from "./src/pipeline.js";
import { decideReleases, parseReleaseCalendar } from "./src/release-calendar.js";
import { HOUSE_PRICE_YEARS } from "./src/ssb.js";
import { createSources, defaultFixturesDir, resolveSourcesConfig, type AtlasSources } from "./src/sources.js";
import { AtlasStore, resolveDataDir } from "./src/store.js";

type AtlasResources = { sources: AtlasSources; store: AtlasStore };

const OWNER = "team:atlas-data";
const CONTACT = "atlas-data@example.org";

const sources = resource({
  description: "Where ingests read from: recorded fixtures (default) or the live SSB and MET APIs",
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
  owners: [OWNER, CONTACT],
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
  owners: [OWNER],
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
  owners: [OWNER],
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
  owners: [OWNER],
  kinds: ["typescript", "sqlite"],
  codeVersion: "1",
  partitions: observationMonths,
  resources: ["store"],
  compute: (ctx) => rollupObservationsMonth({ store: ctx.resources.store, station: FROST_STATION, month: ctx.partitionKey!, log: ctx.log }),
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
 * Polls SSB's release calendar and, when a new release of table 07221 has appeared, requests a
 * backfill of the year it covers and everything downstream of the ingest (the dbt models and the
 * served document run once the year has landed). Backfills requested from one cursor are created
 * once, so a tick evaluated again never starts a second one. Sensors get no resources, so it reads
 * the same ATLAS_* switch here.
 */
const ssbReleaseCalendar = sensor({
  name: "atlas_ssb_release_calendar",
  target: "group:ssb",
  minimumIntervalSeconds: 900,
  defaultStatus: "STOPPED",
  description: "Requests the matching year of the SSB house price index when SSB's release calendar shows a new release of table 07221",
  evaluate: async ({ cursor, signal, log }) => {
    const config = resolveSourcesConfig({
      mode: process.env.ATLAS_SOURCE ?? "",
      fixturesDir: process.env.ATLAS_FIXTURES_DIR ?? "",
      userAgent: process.env.ATLAS_USER_AGENT ?? `flyt-atlas-example/0.1 ${CONTACT}`,
    });
    const feed = await createSources(config).releaseCalendar(signal);
    const decision = decideReleases({ releases: parseReleaseCalendar(feed.body), tableId: "07221", partitions: HOUSE_PRICE_YEARS, cursor, now: Date.now() });
    if (decision.runRequests.length > 0) log.info("new SSB releases", { releases: decision.runRequests.map((r) => r.runKey), from: feed.fixture ?? feed.url });
    return {
      backfillRequests: decision.runRequests.map((release) => ({
        selection: "atlas/ssb/house_price_index_raw+",
        partitions: { kind: "keys" as const, keys: [release.partitionKey] },
        tags: release.tags,
      })),
      ...(decision.skipReason === undefined ? {} : { skipReason: decision.skipReason }),
      ...(decision.cursor === undefined ? {} : { cursor: decision.cursor }),
    };
  },
});

export default defineDefinitions({
  assets: [houseRaw, forecast, observationsDaily, observationsMonthly, ...dbt.assets, overviewDocument, forecastLanding, ssbDimensions],
  resources: { sources, store },
  schedules: [
    schedule({
      name: "atlas_weather_hourly",
      cron: "15 * * * *",
      timezone: "Europe/Oslo",
      // The ingest only: the dbt models follow it by automation (eager), the document at 06:30.
      target: "atlas/met/bergen_forecast",
      description: "Refreshes the MET forecast every hour; automation rebuilds the dbt models downstream of it",
      defaultStatus: "STOPPED",
    }),
  ],
  sensors: [ssbReleaseCalendar],
  checks: [
    // The raw tables in atlas.sqlite; the dbt tables are checked by the dbt tests below.
    rowCountCheck({ asset: "atlas/ssb/house_price_index_raw", table: TABLES.houseRaw, min: 1, partitionColumn: "partition_year" }),
    rowCountCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), min: 24 }),
    nonNullCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), columns: ["time", "air_temperature", "wind_speed"] }),
    ...dbt.checks,
    ...dbt.sourceChecks,
  ],
});
