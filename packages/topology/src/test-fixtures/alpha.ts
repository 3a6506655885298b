/**
 * Code location "alpha" of the topology suite, served by its own `flyt code-server`:
 * - `alpha/one` → `alpha/two`: the launch drills' two-step run (each step records an execution);
 * - `alpha/chatty`: logs FLYT_TOPOLOGY_CHATTY_LINES numbered lines ("chatty 1" …), one every
 *   FLYT_TOPOLOGY_CHATTY_INTERVAL_MS, so a run spans a webserver or PostgreSQL outage and the
 *   drill can count each line's event exactly once;
 * - `alpha/tick` and the schedule `alpha_every_2s` (a seconds-field cron, catch-up `all`), shipped
 *   STOPPED so only the drills that want ticks turn it on;
 * - `alpha/daily`: daily partitions over the first quarter of 2024 whose compute takes
 *   FLYT_TOPOLOGY_PARTITION_MS per partition, for the backfill drill;
 * - `alpha/auto_source` → `alpha/auto_eager` → `alpha/auto_eager_2`: the automation drill's chain.
 *   The source is materialized only by that drill; the two downstream assets are eager, so each
 *   update of the source brings one automation run of both. Until then the source is missing, so
 *   automation requests nothing in the other drills.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { asset, AutomationCondition, dailyPartitions, defineDefinitions, schedule } from "@flyt/sdk";
import { envInt, recordExecution } from "./record.js";

const one = asset({
  key: "alpha/one",
  group: "alpha",
  compute: (ctx) => {
    recordExecution(ctx);
    return { step: 1 };
  },
});

const two = asset({
  key: "alpha/two",
  group: "alpha",
  deps: [one],
  compute: (ctx) => {
    recordExecution(ctx);
    return { step: 2 };
  },
});

const chatty = asset({
  key: "alpha/chatty",
  group: "alpha",
  compute: async (ctx) => {
    recordExecution(ctx);
    const lines = envInt("FLYT_TOPOLOGY_CHATTY_LINES", 40);
    const interval = envInt("FLYT_TOPOLOGY_CHATTY_INTERVAL_MS", 50);
    for (let i = 1; i <= lines; i++) {
      ctx.log.info(`chatty ${i}`);
      await sleep(interval, undefined, { signal: ctx.signal });
    }
    return { lines };
  },
});

const tick = asset({
  key: "alpha/tick",
  group: "alpha",
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 1 };
  },
});

const daily = asset({
  key: "alpha/daily",
  group: "alpha",
  partitions: dailyPartitions({ start: "2024-01-01", end: "2024-04-01", timezone: "Europe/Oslo" }),
  compute: async (ctx) => {
    // Recorded as it starts: a partition computed twice shows twice, even if one attempt died.
    recordExecution(ctx);
    await sleep(envInt("FLYT_TOPOLOGY_PARTITION_MS", 300), undefined, { signal: ctx.signal });
    return { day: ctx.partitionKey };
  },
});

const autoSource = asset({
  key: "alpha/auto_source",
  group: "automation",
  compute: (ctx) => {
    recordExecution(ctx);
    return { at: Date.now() };
  },
});

const autoEager = asset({
  key: "alpha/auto_eager",
  group: "automation",
  deps: [autoSource],
  automationCondition: AutomationCondition.eager(),
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 1 };
  },
});

const autoEager2 = asset({
  key: "alpha/auto_eager_2",
  group: "automation",
  deps: [autoEager],
  automationCondition: AutomationCondition.eager(),
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 2 };
  },
});

export default defineDefinitions({
  assets: [one, two, chatty, tick, daily, autoSource, autoEager, autoEager2],
  schedules: [schedule({ name: "alpha_every_2s", cron: "*/2 * * * * *", target: "alpha/tick", defaultStatus: "STOPPED", catchUp: "all", maxCatchUpTicks: 100 })],
});
