/**
 * Code location "beta" of the topology suite, served by a second `flyt code-server`: one asset
 * to launch (`beta/one`) and a second 2-second schedule (`beta_every_2s`, shipped STOPPED), so the
 * drills see two url locations ticking and launching side by side.
 */
import { asset, defineDefinitions, schedule } from "@flyt/sdk";
import { recordExecution } from "./record.js";

const one = asset({
  key: "beta/one",
  group: "beta",
  compute: (ctx) => {
    recordExecution(ctx);
    return { step: 1 };
  },
});

const tick = asset({
  key: "beta/tick",
  group: "beta",
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 1 };
  },
});

export default defineDefinitions({
  assets: [one, tick],
  schedules: [schedule({ name: "beta_every_2s", cron: "*/2 * * * * *", target: "beta/tick", defaultStatus: "STOPPED", catchUp: "all", maxCatchUpTicks: 100 })],
});
