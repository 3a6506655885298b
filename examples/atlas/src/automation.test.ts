/**
 * What keeps Atlas up to date (issue 16): the schedule and the release-calendar sensor start the
 * ingests; every dbt model, seed and snapshot carries `AutomationCondition.eager()` (rebuilt when
 * an ingest lands new data); the served document `AutomationCondition.onCron("30 6 * * *",
 * "Europe/Oslo")`; the ingests, the Frost assets and the Pipes assets carry none (their data
 * changes outside Flyt's view). Read from the definitions as the code location serves them.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
      "atlas/met/bergen_florida_observations_daily",
      "atlas/met/bergen_florida_observations_monthly",
      "atlas/met/bergen_forecast",
      "atlas/met/bergen_forecast_landing",
      "atlas/ssb/house_price_dimensions",
      "atlas/ssb/house_price_index_raw",
    ]);
    // The release-calendar sensor still requests the new year's backfill; automation takes over below it.
    const sensor = definitions.sensors.find((s) => s.name === "atlas_ssb_release_calendar");
    assert.ok(sensor);
    assert.equal(definitions.schedules.find((s) => s.name === "atlas_weather_hourly")?.target, "atlas/met/bergen_forecast");
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
