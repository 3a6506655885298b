/**
 * Code location "beta" of the topology suite, served by a second `flyt code-server`: one asset
 * to launch (`beta/one`), a second 2-second schedule (`beta_every_2s`, shipped STOPPED), so the
 * drills see two url locations ticking and launching side by side, and a sensor (`beta_once`,
 * shipped STOPPED) that asks for one run of `beta/one` and then skips: its cursor says it did.
 */
import { asset, defineDefinitions, schedule, sensor } from "@flyt/sdk";
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
  sensors: [
    sensor({
      name: "beta_once",
      target: "beta/one",
      minimumIntervalSeconds: 1,
      evaluate: ({ cursor }) => (cursor === "requested" ? { skipReason: "already requested its run" } : { runRequests: [{ runKey: "once" }], cursor: "requested" }),
    }),
  ],
});
