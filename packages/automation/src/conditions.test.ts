import assert from "node:assert/strict";
import { test } from "node:test";
import type { AutomationConditionSnapshot } from "@flyt/core";
import { AutomationCondition } from "@flyt/sdk";
import { automationConditionProblem, describeAutomationCondition, eagerCondition, onCronCondition, onMissingCondition } from "./conditions.js";

test("the ready-made conditions are valid and the same trees as the SDK's", () => {
  for (const condition of [eagerCondition(), onCronCondition("30 6 * * *", "Europe/Oslo"), onMissingCondition()]) {
    assert.equal(automationConditionProblem(condition), null);
  }
  assert.deepEqual(eagerCondition(), AutomationCondition.eager().snapshot());
  assert.deepEqual(onCronCondition("30 6 * * *", "Europe/Oslo"), AutomationCondition.onCron("30 6 * * *", "Europe/Oslo").snapshot());
  assert.deepEqual(onMissingCondition(), AutomationCondition.onMissing().snapshot());
});

test("problems name the node at fault", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ kind: "not", operand: { kind: "mising" } }, /^operand: kind "mising" is not a condition kind/],
    [{ kind: "and", operands: [] }, /and needs a non-empty operands array/],
    [{ kind: "or", operands: [{ kind: "missing" }, { kind: "cron_tick_passed", cron: "61 * * * *", timezone: "UTC" }] }, /^operands\[1\]: cron "61 \* \* \* \*" is invalid/],
    [{ kind: "cron_tick_passed", cron: "0 6 * * *", timezone: "Europe/Osloo" }, /timezone "Europe\/Osloo" is not an IANA time zone/],
    [{ kind: "missing", extra: 1 }, /missing has unknown field "extra"/],
    [{ kind: "in_latest_time_window", lookbackMinutes: -5 }, /lookbackMinutes must be null/],
    [{ kind: "in_latest_time_window" }, /lookbackMinutes must be null/],
    [{ kind: "missing", label: "" }, /label must be a non-empty string/],
    ["missing", /must be a condition node/],
  ];
  for (const [value, expected] of cases) assert.match(automationConditionProblem(value) ?? "(none)", expected, JSON.stringify(value));
});

test("size limits: too deep and too many nodes", () => {
  let deep: AutomationConditionSnapshot = { kind: "missing" };
  for (let i = 0; i < 40; i++) deep = { kind: "not", operand: deep };
  assert.match(automationConditionProblem(deep) ?? "", /more than 32 levels deep/);
  const wide: AutomationConditionSnapshot = { kind: "or", operands: Array.from({ length: 300 }, () => ({ kind: "missing" as const })) };
  assert.match(automationConditionProblem(wide) ?? "", /more than 200 nodes/);
});

test("generated descriptions read as properties of the asset; labels win", () => {
  assert.equal(describeAutomationCondition({ kind: "any_deps_match", condition: { kind: "in_progress" } }), "any upstream in progress");
  assert.equal(describeAutomationCondition({ kind: "newly_true", condition: { kind: "missing" } }), "newly missing");
  assert.equal(
    describeAutomationCondition({ kind: "since", trigger: { kind: "any_deps_match", condition: { kind: "newly_updated" } }, reset: { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }] } }),
    "any upstream newly updated since last (newly requested or newly updated)",
  );
  assert.equal(describeAutomationCondition({ kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] }), "missing and not requested in this tick");
  assert.equal(describeAutomationCondition(eagerCondition()), "eager");
  assert.equal(describeAutomationCondition(onCronCondition("0 6 * * *")), "on cron 0 6 * * * (UTC)");
  const huge: AutomationConditionSnapshot = { kind: "or", operands: Array.from({ length: 60 }, () => ({ kind: "code_version_changed" as const })) };
  assert.ok(describeAutomationCondition(huge).length <= 200);
  assert.throws(() => onCronCondition("not a cron"), /onCronCondition: cron "not a cron" is invalid/);
});
