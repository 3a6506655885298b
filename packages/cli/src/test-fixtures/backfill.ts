/**
 * Definitions of the CLI's backfill tests: a yearly partitioned ingest (2000–2009) and a yearly
 * summary downstream of it (identity mapping), an incremental asset that builds each year on its
 * own previous year (a self-dependency), plus an asset on dynamic partitions. Steered by
 * environment variables:
 * - FLYT_TEST_TRACE_DIR: each compute appends `<asset>:<partition key(s)>` to `<dir>/executions.log`.
 * - FLYT_TEST_FAIL_YEAR=<year>: `hist/ingest` throws for that partition.
 * - FLYT_TEST_SLOW_MS=<ms>: `hist/ingest` sleeps that long per partition (Ctrl-C tests).
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions, dynamicPartitions, previousPartitionMapping, yearlyPartitions } from "@flyt/sdk";

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

/**
 * Each year's running total is the previous year's plus one, read from the file the previous
 * year's run wrote (in FLYT_TEST_TRACE_DIR): run out of order, a year fails for want of its
 * predecessor.
 */
const cumulative = asset({
  key: "hist/cumulative",
  group: "incremental",
  deps: ["hist/cumulative"],
  partitions: years,
  partitionMappings: { "hist/cumulative": previousPartitionMapping() },
  compute: async (ctx) => {
    const dir = process.env.FLYT_TEST_TRACE_DIR ?? ".";
    const year = Number(ctx.partitionKey);
    trace(`hist/cumulative:${year}`);
    await sleep(50, undefined, { signal: ctx.signal });
    const previousFile = join(dir, `cumulative-${year - 1}.txt`);
    if (year > 2000 && !existsSync(previousFile)) throw new Error(`hist/cumulative ${year}: the previous year has not been built`);
    const total = (year > 2000 ? Number(readFileSync(previousFile, "utf8")) : 0) + 1;
    writeFileSync(join(dir, `cumulative-${year}.txt`), String(total));
    return { total };
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

export default defineDefinitions({ assets: [ingest, summary, cumulative, customers] });
