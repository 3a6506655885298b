/**
 * Test definitions for partitions: a yearly asset (time window in the context), a static one,
 * and an unpartitioned downstream that runs normally in a partitioned run.
 */
import { asset, defineDefinitions, staticPartitions, yearlyPartitions } from "@flyt/sdk";

const yearly = asset({
  key: "p/yearly",
  partitions: yearlyPartitions({ start: "2020-01-01", timezone: "UTC" }),
  compute: (context) => {
    context.log.info("window", {
      partitionKey: context.partitionKey,
      start: context.partitionTimeWindow?.start.toISOString() ?? null,
      end: context.partitionTimeWindow?.end.toISOString() ?? null,
    });
  },
});
const plain = asset({
  key: "p/plain",
  deps: [yearly],
  compute: (context) => {
    context.log.info("plain", { partitionKey: context.partitionKey });
  },
});
const regions = asset({
  key: "p/regions",
  partitions: staticPartitions(["oslo", "bergen"]),
  compute: (context) => {
    context.log.info("region", { partitionKey: context.partitionKey, window: context.partitionTimeWindow });
  },
});

export default defineDefinitions({ assets: [yearly, plain, regions] });
