/**
 * Definitions the GraphQL API tests load: a two-asset chain with row-count metadata, a
 * partitioned asset, an asset that fails while the FLYT_TEST_FAIL env var is set, a schedule
 * and a sensor.
 */
import { asset, defineDefinitions, schedule, sensor, staticPartitions } from "@flyt/sdk";

const raw = asset({
  key: "shop/raw_orders",
  group: "ingest",
  owners: ["team:shop"],
  kinds: ["csv"],
  tags: { tier: "bronze" },
  description: "Orders as exported",
  compute: (context) => {
    context.log.info("fetched orders");
    console.log("stdout line from raw_orders");
    return { row_count: 42 };
  },
});
const clean = asset({
  key: "shop/clean_orders",
  group: "transform",
  deps: [raw],
  compute: () => ({ row_count: 40 }),
});
const regional = asset({
  key: "shop/regional",
  group: "transform",
  partitions: staticPartitions(["north", "south"]),
  compute: (context) => ({ region: context.partitionKey ?? "?" }),
});
const flaky = asset({
  key: "shop/flaky",
  group: "transform",
  deps: [clean],
  compute: () => {
    if (process.env.FLYT_TEST_FAIL === "1") throw new Error("flaky failed on purpose");
  },
});

export default defineDefinitions({
  assets: [raw, clean, regional, flaky],
  schedules: [schedule({ name: "nightly", cron: "0 3 * * *", timezone: "Europe/Oslo", target: "group:ingest", defaultStatus: "RUNNING" })],
  sensors: [sensor({ name: "watch_files", target: "shop/raw_orders", evaluate: () => ({ skipReason: "nothing new" }) })],
});
