/**
 * A schedule that ticks every two seconds (a seconds-field cron), on by default, catching up on
 * every missed tick: the daemon failover test kills leaders while it ticks and checks that no
 * tick is lost and no run is doubled.
 */
import { asset, defineDefinitions, schedule } from "@flyt/sdk";

const beat = asset({ key: "failover/beat", compute: () => ({ ok: 1 }) });

export default defineDefinitions({
  assets: [beat],
  schedules: [
    schedule({ name: "every_2s", cron: "*/2 * * * * *", target: "failover/beat", defaultStatus: "RUNNING", catchUp: "all", maxCatchUpTicks: 100 }),
  ],
});
