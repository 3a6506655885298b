/**
 * Definitions for the end-to-end tests of dbtAssets: the atlas_mini project (copied by the test to
 * FLYT_TEST_DBT_PROJECT, its DuckDB file at FLYT_DBT_DUCKDB_PATH) as one dbt step, keys
 * `<package>/<name>`, the source's upstream asset defined here too (so the source test is a check
 * of a local asset). FLYT_TEST_DBT_PARTITIONED=1 makes the step partitioned by year; dbt then gets
 * the year through --vars. FLYT_TEST_DBT_VARS adds dbt vars (JSON) to every build, to make a model
 * or a test fail on purpose.
 */
import { asset, defineDefinitions, staticPartitions } from "@flyt/sdk";
import { dbtAssets } from "../index.js";

const project = process.env.FLYT_TEST_DBT_PROJECT;
if (!project) throw new Error("FLYT_TEST_DBT_PROJECT is not set (the test copies atlas_mini there)");
const vars = process.env.FLYT_TEST_DBT_VARS;
const partitioned = process.env.FLYT_TEST_DBT_PARTITIONED === "1";

const dbt = dbtAssets({
  project,
  profilesDir: project,
  ...(process.env.FLYT_TEST_DBT ? { executable: process.env.FLYT_TEST_DBT } : {}),
  env: { FLYT_DBT_DUCKDB_PATH: process.env.FLYT_DBT_DUCKDB_PATH ?? "" },
  assetKey: (node) => [node.packageName, node.name],
  ...(vars ? { extraArgs: ["--vars", vars] } : {}),
  ...(partitioned
    ? {
        partitions: staticPartitions(["2022", "2023"]),
        partitionVars: ({ key }) => ({ flyt_partition_key: key, ...(vars ? (JSON.parse(vars) as Record<string, unknown>) : {}) }),
        extraArgs: [],
      }
    : {}),
});

// The MET forecast the source reads is loaded by the project's on-run-start hook; this asset stands
// for the ingest that would write it, so the source's tests have a local asset to check.
const forecast = asset({ key: "met/locationforecast_bergen", compute: () => ({ rows: 85 }) });

export default defineDefinitions({ assets: [forecast, ...dbt.assets], checks: [...dbt.checks, ...dbt.sourceChecks] });
