/**
 * Atlas in miniature: SSB house prices and MET weather ingested, cleaned, and joined into a
 * serving table. `flyt materialize -f examples/atlas/definitions.ts --select '*' --partition 2023`
 * loads this file. What each asset does lives in `src/pipeline.ts`; this file says what the assets
 * are (keys, lineage, owners, partitions, retries) and which resources they use.
 *
 * Configuration (read when a run starts): ATLAS_SOURCE=fixtures|live, ATLAS_FIXTURES_DIR,
 * ATLAS_DATA_DIR, ATLAS_USER_AGENT. See README.md.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { asset, defineDefinitions, env, resource, schedule, sensor, staticPartitions } from "@flyt/sdk";
import { nonNullCheck, rowCountCheck } from "./src/checks.js";
import { BERGEN } from "./src/met.js";
import {
  cleanHousePrices,
  dailyOverview,
  dailyWeatherTable,
  ingestForecast,
  ingestHousePriceYear,
  overviewJson,
  TABLES,
} from "./src/pipeline.js";
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
  },
  create: (config) => createSources(resolveSourcesConfig(config)),
});

const store = resource({
  description: "The data folder: atlas.sqlite and the served JSON (examples/atlas/data unless ATLAS_DATA_DIR is set)",
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
    "nulls and status symbols kept.",
  owners: [OWNER, CONTACT],
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", table: "07221", license: "CC-BY-4.0" },
  codeVersion: "1",
  partitions: staticPartitions(HOUSE_PRICE_YEARS),
  // SSB publishes a year's quarters by the following spring: by 1 April (Oslo) the data must be
  // less than a year old. "latest" judges the newest year partition once partitions are time
  // windows; with these static years it judges the newest materialization of any year.
  freshnessPolicy: { cron: "0 9 1 4 *", timezone: "Europe/Oslo", maximumLagMinutes: 365 * 24 * 60, warnBeforeMinutes: 30 * 24 * 60, partitions: "latest" },
  resources: ["sources", "store"],
  compute: async (ctx) => {
    const year = ctx.partitionKey;
    if (year === null) throw new Error("atlas/ssb/house_price_index_raw needs a year partition");
    return ingestHousePriceYear({ sources: ctx.resources.sources, store: ctx.resources.store, year, signal: ctx.signal, log: ctx.log });
  },
});

const house = asset<AtlasResources>({
  key: ["atlas", "ssb", "house_price_index"],
  deps: [houseRaw],
  group: "ssb",
  description:
    "House price index, cleaned: typed columns, region and dwelling type labels, quarter start " +
    "dates; cells SSB marks as missing (`..`) dropped. Covers every ingested year.",
  owners: [OWNER],
  kinds: ["typescript", "sqlite"],
  tags: { source: "ssb", layer: "clean" },
  codeVersion: "1",
  resources: ["store"],
  compute: (ctx) => cleanHousePrices({ store: ctx.resources.store, log: ctx.log }),
});

// --- met -----------------------------------------------------------------------------------

const forecast = asset<AtlasResources>({
  key: ["atlas", "met", "bergen_forecast"],
  group: "met",
  description:
    "MET Norway locationforecast 2.0 (compact) for Bergen: one row per time step (hourly for " +
    "about 2½ days, then 6-hourly) with instant values and the 1- and 6-hour precipitation.",
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

const daily = asset<AtlasResources>({
  key: ["atlas", "met", "bergen_daily_weather"],
  deps: [forecast],
  group: "met",
  description:
    "The Bergen forecast per Europe/Oslo day: min/max temperature, max wind, and precipitation " +
    "summed over non-overlapping periods, with the hours they cover.",
  owners: [OWNER],
  kinds: ["typescript", "sqlite"],
  tags: { source: "met", layer: "clean" },
  codeVersion: "1",
  resources: ["store"],
  compute: (ctx) => dailyWeatherTable({ store: ctx.resources.store, location: BERGEN, log: ctx.log }),
});

// --- serving -------------------------------------------------------------------------------

const overview = asset<AtlasResources>({
  key: ["atlas", "serving", "daily_overview"],
  deps: [daily, house],
  group: "serving",
  description:
    "One row per forecast day in Bergen, left-joined with the house price index of SSB region " +
    "003 (Bergen) for the quarter the day falls in.",
  owners: [OWNER],
  kinds: ["typescript", "sqlite"],
  tags: { layer: "serving" },
  codeVersion: "1",
  resources: ["store"],
  compute: (ctx) => dailyOverview({ store: ctx.resources.store, location: BERGEN, log: ctx.log }).metadata,
});

const overviewDocument = asset<AtlasResources>({
  key: ["atlas", "serving", "daily_overview_json"],
  deps: [overview],
  group: "serving",
  description: "The daily overview as the JSON document the Atlas web app serves, with source attribution (SSB CC BY 4.0, MET NLOD 2.0).",
  owners: [OWNER],
  kinds: ["typescript", "json"],
  tags: { layer: "serving" },
  codeVersion: "1",
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
 * Polls SSB's release calendar and, when a new release of table 07221 has appeared, requests the
 * partition (year) it covers. Sensors get no resources, so it reads the same ATLAS_* switch here.
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
    return decision;
  },
});

export default defineDefinitions({
  assets: [houseRaw, house, forecast, daily, overview, overviewDocument, forecastLanding, ssbDimensions],
  resources: { sources, store },
  schedules: [
    schedule({
      name: "atlas_weather_hourly",
      cron: "15 * * * *",
      timezone: "Europe/Oslo",
      target: "group:met+",
      description: "Refreshes the forecast and everything downstream of it every hour",
      defaultStatus: "STOPPED",
    }),
  ],
  sensors: [ssbReleaseCalendar],
  checks: [
    rowCountCheck({ asset: "atlas/ssb/house_price_index_raw", table: TABLES.houseRaw, min: 1, partitionColumn: "partition_year" }),
    rowCountCheck({ asset: "atlas/ssb/house_price_index", table: TABLES.house, min: 1 }),
    nonNullCheck({ asset: "atlas/ssb/house_price_index", table: TABLES.house, columns: ["region_code", "dwelling_type_code", "quarter", "quarter_start", "index_value"] }),
    rowCountCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), min: 24 }),
    nonNullCheck({ asset: "atlas/met/bergen_forecast", table: TABLES.forecast(BERGEN), columns: ["time", "air_temperature", "wind_speed"] }),
    rowCountCheck({ asset: "atlas/met/bergen_daily_weather", table: TABLES.daily(BERGEN), min: 1 }),
    nonNullCheck({ asset: "atlas/met/bergen_daily_weather", table: TABLES.daily(BERGEN), columns: ["date", "temperature_min", "temperature_max"] }),
    rowCountCheck({ asset: "atlas/serving/daily_overview", table: TABLES.overview, min: 1 }),
    nonNullCheck({ asset: "atlas/serving/daily_overview", table: TABLES.overview, columns: ["date", "location"] }),
  ],
});
