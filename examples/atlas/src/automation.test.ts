/**
 * What keeps Atlas up to date (issue 16): a schedule per source cadence and the release-calendar
 * sensor start the ingests; every dbt model, seed and snapshot carries `AutomationCondition.eager()` (rebuilt when
 * an ingest lands new data); the served document `AutomationCondition.onCron("30 6 * * *",
 * "Europe/Oslo")`; the ingests, the Frost assets and the Pipes assets carry none (their data
 * changes outside Flyt's view). Read from the definitions as the code location serves them.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSelection } from "@flyt/core";
import { AutomationCondition, automationConditionProblem } from "@flyt/sdk";
import { useTestDbt } from "./test-dbt.js";

// The definitions read ATLAS_DATA_DIR and the dbt executable when they load: set both first.
const dataDir = mkdtempSync(join(tmpdir(), "atlas-automation-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
useTestDbt(dataDir);
const { default: definitions } = await import("../definitions.js");

const DOCUMENT = "atlas/serving/daily_overview_json";

void describe("Atlas automation conditions", () => {
  void it("puts eager() on every dbt asset and onCron 06:30 Oslo on the served document", () => {
    const nodes = [...definitions.graph.nodes.values()];
    const dbt = nodes.filter((node) => node.kinds.includes("dbt"));
    assert.equal(dbt.length, 8, "the project's 6 models and snapshot, 2 seeds");
    for (const node of dbt) assert.deepEqual(node.automationCondition, AutomationCondition.eager().snapshot(), node.key);
    assert.deepEqual(definitions.graph.get(DOCUMENT)?.automationCondition, AutomationCondition.onCron("30 6 * * *", "Europe/Oslo").snapshot());
    for (const node of nodes) {
      if (node.automationCondition !== undefined) assert.equal(automationConditionProblem(node.automationCondition), null, node.key);
    }
  });

  void it("leaves the ingests to the schedule and the sensor: no condition on assets whose data changes outside Flyt", () => {
    const without = [...definitions.graph.nodes.values()].filter((node) => node.automationCondition === undefined).map((node) => node.key);
    assert.deepEqual(without.sort(), [
      "atlas/brreg/asa_companies",
      "atlas/brreg/followed_entities",
      "atlas/met/bergen_florida_observations_daily",
      "atlas/met/bergen_florida_observations_monthly",
      "atlas/met/bergen_forecast",
      "atlas/met/bergen_forecast_landing",
      "atlas/met/frost_stations",
      "atlas/met/newyork_forecast",
      "atlas/ssb/culture_distance_dimensions",
      "atlas/ssb/culture_distance_table",
      "atlas/ssb/house_price_dimensions",
      "atlas/ssb/house_price_index_raw",
      "atlas/ssb/wage_inequality_raw",
      "atlas/ssb/wage_inequality_variables",
    ]);
    // The release-calendar sensor still requests the new year's backfill; automation takes over below it.
    const sensor = definitions.sensors.find((s) => s.name === "atlas_ssb_release_calendar");
    assert.ok(sensor);
    assert.equal(definitions.schedules.find((s) => s.name === "atlas_weather_hourly")?.target, "atlas/met/bergen_forecast");
  });

  void it("gives each source the cadence it publishes at: hourly weather, a daily registry, monthly and annual SSB tables, monthly stations", () => {
    const cadence = Object.fromEntries(
      definitions.schedules.map((s) => [s.name, { cron: s.cron, timezone: s.timezone, status: s.defaultStatus, assets: [...resolveSelection(definitions.graph, s.target)].sort() }]),
    );
    assert.deepEqual(cadence, {
      atlas_weather_hourly: { cron: "15 * * * *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/met/bergen_forecast"] },
      atlas_weather_newyork_hourly: { cron: "45 * * * *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/met/newyork_forecast"] },
      atlas_brreg_daily: { cron: "0 6 * * *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/brreg/asa_companies", "atlas/brreg/followed_entities"] },
      atlas_ssb_monthly: { cron: "0 9 1 * *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/ssb/culture_distance_dimensions", "atlas/ssb/culture_distance_table"] },
      atlas_ssb_annual: { cron: "0 9 15 2 *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/ssb/wage_inequality_raw", "atlas/ssb/wage_inequality_variables"] },
      atlas_frost_stations_monthly: { cron: "0 6 2 * *", timezone: "Europe/Oslo", status: "STOPPED", assets: ["atlas/met/frost_stations"] },
    });
    // The hourly forecasts must not go stale between two ticks, and warn after one missed tick.
    for (const key of ["atlas/met/bergen_forecast", "atlas/met/newyork_forecast"]) {
      assert.deepEqual(definitions.graph.get(key)?.freshnessPolicy, { kind: "time-window", maximumLagMinutes: 135, warnAfterMinutes: 75, partitions: "any" }, key);
    }
    // Owners and group per source.
    const bySource: Record<string, { group: string; owner: string }> = {
      "atlas/ssb/": { group: "ssb", owner: "team:atlas-statistics" },
      "atlas/brreg/": { group: "brreg", owner: "team:atlas-registry" },
    };
    for (const node of definitions.graph.nodes.values()) {
      if (!node.kinds.includes("sqlite")) continue;
      const expected = Object.entries(bySource).find(([prefix]) => node.key.startsWith(prefix))?.[1];
      if (expected === undefined) continue;
      assert.equal(node.group, expected.group, node.key);
      assert.ok(node.owners.includes(expected.owner), `${node.key} is owned by ${expected.owner} (${node.owners.join(", ")})`);
    }
    for (const key of ["atlas/met/bergen_forecast", "atlas/met/newyork_forecast", "atlas/met/frost_stations", "atlas/met/bergen_florida_observations_daily"]) {
      assert.ok(definitions.graph.get(key)?.owners.includes("team:atlas-weather"), key);
    }
    assert.equal(definitions.graph.get("atlas/met/frost_stations")?.group, "frost");
  });

  void it("reads the document's condition back in words: on cron, every upstream updated since the tick", () => {
    const condition = definitions.graph.get(DOCUMENT)?.automationCondition;
    assert.equal(condition?.label, "on cron 30 6 * * * (Europe/Oslo)");
    assert.deepEqual(
      condition?.kind === "and" ? condition.operands.map((operand) => operand.label ?? operand.kind) : [],
      ["in_latest_time_window", "a cron tick passed since the last request", "every upstream updated since the latest cron tick"],
    );
  });
});
