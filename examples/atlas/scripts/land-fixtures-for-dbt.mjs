#!/usr/bin/env node
// Lands the Atlas raw data where the dbt project (examples/atlas/dbt) reads it, exactly as the
// TypeScript ingests land it: the same parsers (the example's compiled src/), the same rows as the
// ingests' SQLite tables, written as newline-delimited JSON under <data dir>/landing/:
//
//   landing/ssb_07221_raw/<year>.ndjson   atlas/ssb/house_price_index_raw, one file per year partition
//   landing/met_forecast_bergen.ndjson    atlas/met/bergen_forecast, replaced on every run
//
// With --postgres <url> (or ATLAS_DBT_PG_URL) the same rows also go into PostgreSQL tables
// atlas_raw.ssb_07221_raw (replacing the year's rows) and atlas_raw.met_forecast_bergen (replaced),
// which is what the dbt project's `postgres` target reads.
//
// Usage (after `npx tsc -b examples/atlas`):
//   node examples/atlas/scripts/land-fixtures-for-dbt.mjs [--data-dir DIR] [--years 2022,2023] [--postgres URL]
// Defaults: ATLAS_DATA_DIR, else examples/atlas/data; every year of HOUSE_PRICE_YEARS; fixtures from
// ATLAS_FIXTURES_DIR, else examples/atlas/fixtures. Used by the dbt project's tests and CI; in the
// example itself the ingest assets write these files.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(exampleDir, "dist", "src");

const { values: opts } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    years: { type: "string" },
    postgres: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (opts.help) {
  console.log("usage: land-fixtures-for-dbt.mjs [--data-dir DIR] [--years 2022,2023] [--postgres URL]");
  process.exit(0);
}

async function load(module) {
  try {
    return await import(pathToFileURL(join(dist, module)).href);
  } catch (err) {
    if (err?.code === "ERR_MODULE_NOT_FOUND") {
      console.error(`${join(dist, module)} is missing: build the example first (npx tsc -b examples/atlas)`);
      process.exit(2);
    }
    throw err;
  }
}

const { parseJsonStatDataset } = await load("jsonstat.js");
const { HOUSE_PRICE_SOURCE, HOUSE_PRICE_YEARS, rawColumns, rawRowsForYear } = await load("ssb.js");
const { BERGEN, parseCompactForecast } = await load("met.js");

const dataDir = resolve(opts["data-dir"] ?? (process.env.ATLAS_DATA_DIR?.trim() || join(exampleDir, "data")));
const fixturesDir = resolve(process.env.ATLAS_FIXTURES_DIR?.trim() || join(exampleDir, "fixtures"));
const years = opts.years ? opts.years.split(",").map((y) => y.trim()).filter(Boolean) : [...HOUSE_PRICE_YEARS];

/** The forecast table's columns and SQL types, as src/pipeline.ts FORECAST_COLUMNS writes them. */
const FORECAST_COLUMNS = [
  ["time", "TEXT"],
  ["step_hours", "INTEGER"],
  ["air_temperature", "REAL"],
  ["air_pressure_at_sea_level", "REAL"],
  ["cloud_area_fraction", "REAL"],
  ["relative_humidity", "REAL"],
  ["wind_from_direction", "REAL"],
  ["wind_speed", "REAL"],
  ["precipitation_next_1h", "REAL"],
  ["precipitation_next_6h", "REAL"],
  ["symbol_next_1h", "TEXT"],
  ["symbol_next_6h", "TEXT"],
];

/** Writes rows as NDJSON atomically (temp file + rename), so dbt never reads a half-written file. */
function writeNdjson(path, columns, rows) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  // Every column on every line (null when absent), in table order.
  writeFileSync(tmp, rows.map((r) => JSON.stringify(Object.fromEntries(columns.map(([c]) => [c, r[c] ?? null])))).join("\n") + "\n");
  renameSync(tmp, path);
  return path;
}

const readJson = (relative) => JSON.parse(readFileSync(join(fixturesDir, relative), "utf8"));

// --- SSB 07221: one file per year partition ---------------------------------------------------
const dataset = parseJsonStatDataset(HOUSE_PRICE_SOURCE, readJson("ssb/ssb_v0_table07221_post_jsonstat2_response.json"));
const ssbColumns = [
  ["partition_year", "TEXT"],
  ...rawColumns(dataset, HOUSE_PRICE_SOURCE).map((c) => [c, c === "value" ? "REAL" : "TEXT"]),
];
const ssbByYear = new Map();
for (const year of years) {
  const rows = rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year).map((r) => ({ partition_year: year, ...r }));
  ssbByYear.set(year, rows);
  const path = writeNdjson(join(dataDir, "landing", "ssb_07221_raw", `${year}.ndjson`), ssbColumns, rows);
  console.log(`atlas/ssb/house_price_index_raw [${year}]: ${rows.length} rows → ${path}`);
}

// --- MET Bergen forecast: one file --------------------------------------------------------------
const forecast = parseCompactForecast(`MET locationforecast (${BERGEN.name})`, readJson("met/met_locationforecast2_compact_bergen_2023-09-17.json"));
const forecastPath = writeNdjson(join(dataDir, "landing", `met_forecast_${BERGEN.name}.ndjson`), FORECAST_COLUMNS, forecast.rows);
console.log(`atlas/met/bergen_forecast: ${forecast.rows.length} rows → ${forecastPath}`);

// --- PostgreSQL (the dbt project's `postgres` target) -------------------------------------------
const pgUrl = opts.postgres ?? process.env.ATLAS_DBT_PG_URL;
if (pgUrl) {
  // pg is a dependency of the workspace (packages/storage); resolved from the repository's node_modules.
  const pg = createRequire(join(exampleDir, "package.json"))("pg");
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  const SQL_TYPES = { TEXT: "text", INTEGER: "integer", REAL: "double precision" };
  const q = (name) => `"${name.replaceAll('"', '""')}"`;
  const create = (table, columns) =>
    client.query(`create table if not exists atlas_raw.${q(table)} (${columns.map(([c, t]) => `${q(c)} ${SQL_TYPES[t]}`).join(", ")})`);
  const insert = async (table, columns, rows) => {
    for (const r of rows) {
      await client.query(
        `insert into atlas_raw.${q(table)} (${columns.map(([c]) => q(c)).join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
        columns.map(([c]) => r[c] ?? null),
      );
    }
  };
  try {
    await client.query("begin");
    await client.query("create schema if not exists atlas_raw");
    await create("ssb_07221_raw", ssbColumns);
    for (const [year, rows] of ssbByYear) {
      await client.query(`delete from atlas_raw.ssb_07221_raw where partition_year = $1`, [year]);
      await insert("ssb_07221_raw", ssbColumns, rows);
    }
    const forecastTable = `met_forecast_${BERGEN.name}`;
    await client.query(`drop table if exists atlas_raw.${q(forecastTable)}`);
    await create(forecastTable, FORECAST_COLUMNS);
    await insert(forecastTable, FORECAST_COLUMNS, forecast.rows);
    await client.query("commit");
    console.log(`PostgreSQL: atlas_raw.ssb_07221_raw (years ${[...ssbByYear.keys()].join(", ")}) and atlas_raw.${forecastTable} loaded`);
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
