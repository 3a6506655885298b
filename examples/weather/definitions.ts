/**
 * A second, small code location: a "weather desk" application that builds on Atlas's Bergen
 * forecast without owning it. `externalAsset` declares the cross-location dependency, so the
 * platform draws lineage from atlas/met/bergen_forecast into this location's assets.
 */
import { asset, defineDefinitions, externalAsset, schedule, sensor } from "@flyt/sdk";

const bergenForecast = externalAsset("atlas/met/bergen_forecast", { location: "atlas" });

export const umbrellaIndex = asset({
  key: "weather/umbrella_index",
  deps: [bergenForecast],
  group: "weather",
  owners: ["team:weather-desk"],
  description: "How strongly to recommend an umbrella in Bergen today (0-10).",
  compute: ({ log }) => {
    log.info("computing the umbrella index");
    return { index: 9, city: "Bergen" };
  },
});

export const dailyBrief = asset({
  key: "weather/daily_brief",
  deps: [umbrellaIndex],
  group: "weather",
  description: "One line for the morning newsletter.",
  compute: () => ({ text: "Bring an umbrella." }),
});

export default defineDefinitions({
  assets: [umbrellaIndex, dailyBrief],
  schedules: [schedule({ name: "weather_morning", cron: "0 6 * * *", timezone: "Europe/Oslo", target: "group:weather" })],
  sensors: [
    sensor({
      name: "weather_new_forecast",
      target: "weather/umbrella_index",
      evaluate: ({ cursor }) => {
        const next = String(Number(cursor ?? "0") + 1);
        return { runRequests: [{ runKey: `forecast-${next}` }], cursor: next };
      },
    }),
  ],
});
