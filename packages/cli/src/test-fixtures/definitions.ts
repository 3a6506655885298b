/**
 * Definitions used by the CLI's end-to-end tests. Behaviour is steered by environment variables
 * so one file can succeed, fail, and hang:
 * - FLYT_TEST_TRACE_DIR: each compute appends its asset key to `<dir>/executions.log`.
 * - FLYT_TEST_FAIL_CLEAN=1: `demo/clean` throws.
 * - FLYT_TEST_HANG=1: `demo/slow` starts `sleep 300` (which ignores nothing) and waits on it,
 *   writing the child's pid to `<dir>/sleep.pid`.
 */
import { spawn } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asset, defineDefinitions, meta, staticPartitions } from "@flyt/sdk";

function trace(key: string): void {
  const dir = process.env.FLYT_TEST_TRACE_DIR;
  if (dir) appendFileSync(join(dir, "executions.log"), `${key}\n`);
}

const raw = asset({
  key: "demo/raw",
  group: "ingest",
  owners: ["team:demo"],
  compute: (ctx) => {
    trace("demo/raw");
    ctx.log.info("fetched rows", { rows: 3 });
    console.log("hello from raw");
    return { row_count: 3, schema: meta.tableSchema([{ name: "id", type: "integer" }]) };
  },
});

const clean = asset({
  key: "demo/clean",
  deps: [raw],
  group: "transform",
  compute: () => {
    trace("demo/clean");
    if (process.env.FLYT_TEST_FAIL_CLEAN === "1") throw new Error("clean exploded on purpose");
    return { row_count: 2 };
  },
});

const report = asset({
  key: "demo/report",
  deps: [clean],
  group: "transform",
  compute: () => {
    trace("demo/report");
    return { row_count: 1 };
  },
});

const byYear = asset({
  key: "demo/by_year",
  group: "partitioned",
  partitions: staticPartitions(["2023", "2024"]),
  compute: (ctx) => {
    trace(`demo/by_year:${ctx.partitionKey ?? ""}`);
    return { year: Number(ctx.partitionKey) };
  },
});

const slow = asset({
  key: "demo/slow",
  group: "slow",
  compute: async (ctx) => {
    trace("demo/slow");
    if (process.env.FLYT_TEST_HANG !== "1") return;
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    const dir = process.env.FLYT_TEST_TRACE_DIR;
    if (dir && child.pid) writeFileSync(join(dir, "sleep.pid"), String(child.pid));
    // Deliberately ignore ctx.signal: the launcher must still reap the process group.
    await new Promise((resolve) => child.on("exit", resolve));
    void ctx;
  },
});

export default defineDefinitions({ assets: [raw, clean, report, byYear, slow] });
