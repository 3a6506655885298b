/**
 * Test definitions for runs over a range of partitions (single-run backfill chunks):
 * - `range/yearly` (yearly from 2000, single-run) records each year as it finishes it with
 *   `ctx.reportMaterialization(…, { partition })`; FLYT_FIXTURE_FAIL_AT names the year it fails
 *   at. FLYT_FIXTURE_REPORT_UNTIL stops reporting after that year (the rest is materialized when
 *   the step returns, with the returned metadata). It has an evaluated check, run per partition.
 * - `range/monthly` (monthly from 2020-01, Europe/Oslo) logs what its context says.
 * - `range/reads_key` reads `ctx.partitionKey`, which a run over several partitions refuses.
 * - `range/misreport` reports what it may not, per FLYT_FIXTURE_MISREPORT.
 * - `range/dynamic` adds and deletes dynamic partitions keys of "customers".
 * - `range/plain` is unpartitioned and downstream of `range/yearly`.
 */
import { asset, check, defineDefinitions, monthlyPartitions, singleRunBackfill, yearlyPartitions } from "@flyt/sdk";
import { recordExecution } from "./fixture-util.js";

const years = yearlyPartitions({ start: "2000", timezone: "UTC" });

const yearly = asset({
  key: "range/yearly",
  partitions: years,
  backfillPolicy: singleRunBackfill(),
  compute: (ctx) => {
    recordExecution(ctx.stepKey);
    const failAt = process.env.FLYT_FIXTURE_FAIL_AT;
    const reportUntil = process.env.FLYT_FIXTURE_REPORT_UNTIL;
    let reporting = true;
    for (const year of ctx.partitionKeys) {
      if (year === failAt) throw new Error(`loading ${year} failed`);
      if (reporting) ctx.reportMaterialization(ctx.assetKey, { year: Number(year) }, { partition: year });
      if (year === reportUntil) reporting = false;
    }
    return { rest: true };
  },
});

const monthly = asset({
  key: "range/monthly",
  partitions: monthlyPartitions({ start: "2020-01", timezone: "Europe/Oslo" }),
  compute: (ctx) => {
    ctx.log.info("context", {
      keys: ctx.partitionKeys,
      range: ctx.partitionKeyRange,
      start: ctx.partitionTimeWindow?.start.toISOString() ?? null,
      end: ctx.partitionTimeWindow?.end.toISOString() ?? null,
    });
  },
});

const readsKey = asset({
  key: "range/reads_key",
  partitions: years,
  compute: (ctx) => {
    ctx.log.info("key", { key: ctx.partitionKey });
  },
});

const misreport = asset({
  key: "range/misreport",
  partitions: years,
  compute: (ctx) => {
    const what = process.env.FLYT_FIXTURE_MISREPORT;
    if (what === "outside") ctx.reportMaterialization(ctx.assetKey, {}, { partition: "1999" });
    if (what === "unnamed") ctx.reportMaterialization(ctx.assetKey, {});
    if (what === "twice") {
      ctx.reportMaterialization(ctx.assetKey, {}, { partition: ctx.partitionKeys[0]! });
      ctx.reportMaterialization(ctx.assetKey, {}, { partition: ctx.partitionKeys[0]! });
    }
  },
});

const plain = asset({
  key: "range/plain",
  deps: [yearly],
  compute: (ctx) => {
    if (process.env.FLYT_FIXTURE_MISREPORT === "unpartitioned") ctx.reportMaterialization(ctx.assetKey, {}, { partition: "2000" });
    ctx.log.info("plain", { keys: ctx.partitionKeys, range: ctx.partitionKeyRange, key: ctx.partitionKey });
  },
});

const dynamic = asset({
  key: "range/dynamic",
  compute: (ctx) => {
    const count = Number(process.env.FLYT_FIXTURE_DYNAMIC_KEYS ?? "3");
    ctx.addDynamicPartitions("customers", Array.from({ length: count }, (_, i) => `c${i}`));
    ctx.deleteDynamicPartitions("customers", ["c1"]);
    if (process.env.FLYT_FIXTURE_MISREPORT === "dynamic") ctx.addDynamicPartitions("customers", ["a/b"]);
  },
});

export default defineDefinitions({
  assets: [yearly, monthly, readsKey, misreport, plain, dynamic],
  checks: [
    check({
      asset: "range/yearly",
      name: "has_year",
      evaluate: ({ partitionKey, materializationMetadata }) => ({
        passed: partitionKey !== null,
        metadata: { partition: partitionKey ?? "none", reported: "year" in materializationMetadata },
      }),
    }),
  ],
});
