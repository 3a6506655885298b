/**
 * Definitions the backfill, partition-status and dynamic-partitions API tests load: an hourly asset
 * since 1910 (a million partitions), a daily asset with a monthly rollup (default time-window
 * mapping), a day-over-day asset reading the previous partition (declared), an unpartitioned
 * summary of the daily asset, and an asset over the dynamic partitions "customers".
 */
import { asset, dailyPartitions, defineDefinitions, dynamicPartitions, hourlyPartitions, monthlyPartitions, previousPartitionMapping } from "@flyt/sdk";

export const HOURLY_START = "1910-01-01T00:00";

const hourly = asset({
  key: "hist/hourly",
  partitions: hourlyPartitions({ start: HOURLY_START, timezone: "UTC" }),
  compute: () => ({}),
});
const daily = asset({
  key: "hist/daily",
  partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }),
  compute: () => ({}),
});
const monthly = asset({
  key: "hist/monthly",
  deps: [daily],
  partitions: monthlyPartitions({ start: "2024-01", timezone: "UTC" }),
  compute: () => ({}),
});
const change = asset({
  key: "hist/daily_change",
  deps: [daily],
  partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }),
  partitionMappings: { "hist/daily": previousPartitionMapping() },
  compute: () => ({}),
});
const summary = asset({
  key: "hist/summary",
  deps: [daily],
  compute: () => ({}),
});
const customers = asset({
  key: "dyn/customers",
  partitions: dynamicPartitions({ name: "customers" }),
  compute: () => ({}),
});

export default defineDefinitions({ assets: [hourly, daily, monthly, change, summary, customers] });
