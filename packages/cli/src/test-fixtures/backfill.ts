/**
 * Definitions of the CLI's backfill tests: a yearly partitioned ingest (2000–2009) and a yearly
 * summary downstream of it (identity mapping), plus an asset on dynamic partitions. Steered by
 * environment variables:
 * - FLYT_TEST_TRACE_DIR: each compute appends `<asset>:<partition key(s)>` to `<dir>/executions.log`.
 * - FLYT_TEST_FAIL_YEAR=<year>: `hist/ingest` throws for that partition.
 * - FLYT_TEST_SLOW_MS=<ms>: `hist/ingest` sleeps that long per partition (Ctrl-C tests).
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions, dynamicPartitions, yearlyPartitions } from "@flyt/sdk";

function trace(line: string): void {
  const dir = process.env.FLYT_TEST_TRACE_DIR;
  if (dir) appendFileSync(join(dir, "executions.log"), `${line}\n`);
}

const years = yearlyPartitions({ start: "2000", end: "2010" });

const ingest = asset({
  key: "hist/ingest",
  group: "hist",
  partitions: years,
  compute: async (ctx) => {
    const keys = ctx.partitionKeys;
    trace(`hist/ingest:${keys.join(",")}`);
    const slow = Number(process.env.FLYT_TEST_SLOW_MS ?? "0");
    if (slow > 0) await sleep(slow * keys.length, undefined, { signal: ctx.signal });
    if (process.env.FLYT_TEST_FAIL_YEAR !== undefined && keys.includes(process.env.FLYT_TEST_FAIL_YEAR)) {
      throw new Error(`ingest of ${process.env.FLYT_TEST_FAIL_YEAR} failed on purpose`);
    }
    return { rows: keys.length };
  },
});

const summary = asset({
  key: "hist/summary",
  group: "hist",
  deps: [ingest],
  partitions: years,
  compute: (ctx) => {
    trace(`hist/summary:${ctx.partitionKeys.join(",")}`);
    return { rows: 1 };
  },
});

const customers = asset({
  key: "hist/customer",
  group: "dynamic",
  partitions: dynamicPartitions({ name: "customers" }),
  compute: (ctx) => {
    trace(`hist/customer:${ctx.partitionKeys.join(",")}`);
  },
});

export default defineDefinitions({ assets: [ingest, summary, customers] });
