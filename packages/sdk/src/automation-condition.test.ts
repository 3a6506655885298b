/**
 * Tests of `AutomationCondition`: every block's tree, the operators (flattening, labels), the
 * ready-made conditions against the exact trees the evaluator implements (decision 0022), the
 * checks at construction (cron, zone, lookback, labels, size and depth, wrong arguments), plain
 * snapshots, and the `automationCondition` field on asset(), multiAsset() and externalAsset().
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFINITION_LIMITS as L, type AutomationConditionSnapshot } from "@flyt/core";
import { findProblem, problemsOf } from "@flyt/partitions/testing";
import { AutomationCondition as C, automationConditionProblem, isAutomationCondition } from "./automation-condition.js";
import { asset } from "./asset.js";
import { multiAsset } from "./multi-asset.js";
import { defineDefinitions } from "./definitions.js";
import { externalAsset, upstreamAsset } from "./external-asset.js";

const noop = (): void => undefined;

/** The tree without labels: the shape the evaluator decides on. */
function unlabeled(node: AutomationConditionSnapshot): AutomationConditionSnapshot {
  const { label: _label, ...rest } = node;
  const out = rest as Record<string, unknown>;
  for (const field of ["condition", "trigger", "reset", "operand"]) if (field in out) out[field] = unlabeled(out[field] as AutomationConditionSnapshot);
  if (Array.isArray(out.operands)) out.operands = (out.operands as AutomationConditionSnapshot[]).map(unlabeled);
  return out as AutomationConditionSnapshot;
}

/** "missing" for a dependency: never materialized and not requested by this same evaluation (Dagster's any_deps_missing). */
const MISSING_NOT_REQUESTED: AutomationConditionSnapshot = { kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] };
const HANDLED: AutomationConditionSnapshot = { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }], label: "requested or updated" };

void describe("AutomationCondition blocks", () => {
  void it("each leaf is its core node", () => {
    assert.deepEqual(C.missing().snapshot(), { kind: "missing" });
    assert.deepEqual(C.inProgress().snapshot(), { kind: "in_progress" });
    assert.deepEqual(C.executionFailed().snapshot(), { kind: "execution_failed" });
    assert.deepEqual(C.newlyUpdated().snapshot(), { kind: "newly_updated" });
    assert.deepEqual(C.newlyRequested().snapshot(), { kind: "newly_requested" });
    assert.deepEqual(C.codeVersionChanged().snapshot(), { kind: "code_version_changed" });
    assert.deepEqual(C.unsynced().snapshot(), { kind: "unsynced" });
    assert.deepEqual(C.willBeRequested().snapshot(), { kind: "will_be_requested" });
    assert.deepEqual(C.cronTickPassed("0 6 * * *").snapshot(), { kind: "cron_tick_passed", cron: "0 6 * * *", timezone: "UTC" });
    assert.deepEqual(C.cronTickPassed("0 6 * * *", "Europe/Oslo").snapshot(), { kind: "cron_tick_passed", cron: "0 6 * * *", timezone: "Europe/Oslo" });
    assert.deepEqual(C.updatedSinceCron("@daily", "Europe/Oslo").snapshot(), { kind: "updated_since_cron", cron: "@daily", timezone: "Europe/Oslo" });
    assert.deepEqual(C.inLatestTimeWindow().snapshot(), { kind: "in_latest_time_window", lookbackMinutes: null });
    assert.deepEqual(C.inLatestTimeWindow(4320).snapshot(), { kind: "in_latest_time_window", lookbackMinutes: 4320 });
  });

  void it("dependency blocks wrap their condition, the named ones with a label", () => {
    assert.deepEqual(C.anyDepsMatch(C.executionFailed()).snapshot(), { kind: "any_deps_match", condition: { kind: "execution_failed" } });
    assert.deepEqual(C.allDepsMatch(C.missing().not()).snapshot(), { kind: "all_deps_match", condition: { kind: "not", operand: { kind: "missing" } } });
    assert.deepEqual(C.anyDepsUpdated().snapshot(), {
      kind: "any_deps_match",
      condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] },
      label: "any upstream updated",
    });
    assert.deepEqual(C.anyDepsMissing().snapshot(), { kind: "any_deps_match", condition: MISSING_NOT_REQUESTED, label: "any upstream missing" });
    assert.deepEqual(C.anyDepsInProgress().snapshot(), { kind: "any_deps_match", condition: { kind: "in_progress" }, label: "any upstream in progress" });
    assert.deepEqual(C.allDepsUpdatedSinceCron("0 7 * * *", "Europe/Oslo").snapshot(), {
      kind: "all_deps_match",
      condition: { kind: "or", operands: [{ kind: "updated_since_cron", cron: "0 7 * * *", timezone: "Europe/Oslo" }, { kind: "will_be_requested" }] },
      label: "every upstream updated since the latest cron tick",
    });
  });

  void it("operators build and / or / not / since / newly_true, flattening unlabeled chains", () => {
    const a = C.missing();
    const b = C.inProgress();
    const c = C.executionFailed();
    assert.deepEqual(a.and(b, c).snapshot(), { kind: "and", operands: [{ kind: "missing" }, { kind: "in_progress" }, { kind: "execution_failed" }] });
    assert.deepEqual(a.and(b).and(c).snapshot(), a.and(b, c).snapshot());
    assert.deepEqual(a.or(b).or(c).snapshot(), { kind: "or", operands: [{ kind: "missing" }, { kind: "in_progress" }, { kind: "execution_failed" }] });
    // An `or` joined with `and` is an operand; a labelled `and` stays whole.
    assert.deepEqual(a.or(b).and(c).snapshot(), { kind: "and", operands: [{ kind: "or", operands: [{ kind: "missing" }, { kind: "in_progress" }] }, { kind: "execution_failed" }] });
    assert.deepEqual(a.and(b).withLabel("g").and(c).snapshot(), {
      kind: "and",
      operands: [{ kind: "and", operands: [{ kind: "missing" }, { kind: "in_progress" }], label: "g" }, { kind: "execution_failed" }],
    });
    // The right-hand side is never flattened: it is one operand as given.
    assert.deepEqual(a.and(b.and(c)).snapshot(), { kind: "and", operands: [{ kind: "missing" }, { kind: "and", operands: [{ kind: "in_progress" }, { kind: "execution_failed" }] }] });
    assert.deepEqual(b.not().snapshot(), { kind: "not", operand: { kind: "in_progress" } });
    assert.deepEqual(a.newlyTrue().snapshot(), { kind: "newly_true", condition: { kind: "missing" } });
    assert.deepEqual(a.since(C.newlyUpdated()).snapshot(), { kind: "since", trigger: { kind: "missing" }, reset: { kind: "newly_updated" } });
    assert.deepEqual(C.codeVersionChanged().sinceLastHandled().snapshot(), { kind: "since", trigger: { kind: "code_version_changed" }, reset: HANDLED });
    assert.deepEqual(a.withLabel("never built").snapshot(), { kind: "missing", label: "never built" });
    assert.deepEqual(a.withLabel("x").withLabel("y").snapshot(), { kind: "missing", label: "y" });
  });

  void it("is immutable: operators leave their inputs as they were, snapshots are fresh copies", () => {
    const a = C.missing();
    const joined = a.and(C.inProgress());
    joined.and(C.executionFailed());
    joined.withLabel("x");
    assert.deepEqual(joined.snapshot(), { kind: "and", operands: [{ kind: "missing" }, { kind: "in_progress" }] });
    assert.deepEqual(a.snapshot(), { kind: "missing" });
    const copy = joined.snapshot() as { operands: AutomationConditionSnapshot[] };
    copy.operands.push({ kind: "unsynced" });
    assert.equal((joined.snapshot() as { operands: unknown[] }).operands.length, 2);
    assert.ok(Object.isFrozen(joined));
    assert.throws(() => {
      (joined.node as { operands: unknown[] }).operands.push({ kind: "unsynced" });
    }, TypeError);
    assert.equal(JSON.stringify(C.missing().not()), '{"kind":"not","operand":{"kind":"missing"}}');
    assert.equal(isAutomationCondition(a), true);
    assert.equal(isAutomationCondition({ kind: "missing" }), false);
  });
});

void describe("ready-made conditions", () => {
  void it("eager() is the tree of decision 0022, labelled part by part", () => {
    const expected: AutomationConditionSnapshot = {
      kind: "and",
      label: "eager",
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        {
          kind: "since",
          label: "newly missing or any upstream updated, since the last request",
          trigger: {
            kind: "or",
            label: "newly missing or any upstream updated",
            operands: [
              { kind: "newly_true", label: "newly missing", condition: { kind: "missing" } },
              { kind: "any_deps_match", label: "any upstream updated", condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] } },
            ],
          },
          reset: HANDLED,
        },
        { kind: "not", label: "no upstream missing", operand: { kind: "any_deps_match", label: "any upstream missing", condition: MISSING_NOT_REQUESTED } },
        { kind: "not", label: "no upstream in progress", operand: { kind: "any_deps_match", label: "any upstream in progress", condition: { kind: "in_progress" } } },
        { kind: "not", label: "not in progress", operand: { kind: "in_progress" } },
      ],
    };
    assert.deepEqual(C.eager().snapshot(), expected);
    // Labels aside: the tree @flyt/automation's eagerCondition() mirrors. "Missing" for a
    // dependency excludes one this same tick requests, so a missing chain is requested in one run.
    assert.deepEqual(unlabeled(C.eager().snapshot()), {
      kind: "and",
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        {
          kind: "since",
          trigger: {
            kind: "or",
            operands: [
              { kind: "newly_true", condition: { kind: "missing" } },
              { kind: "any_deps_match", condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] } },
            ],
          },
          reset: { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }] },
        },
        { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] } } },
        { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "in_progress" } } },
        { kind: "not", operand: { kind: "in_progress" } },
      ],
    });
  });

  void it("onCron(cron, timezone) is the tree of decision 0022, UTC by default", () => {
    const tree = (cron: string, timezone: string): AutomationConditionSnapshot => ({
      kind: "and",
      label: `on cron ${cron} (${timezone})`,
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        { kind: "since", label: "a cron tick passed since the last request", trigger: { kind: "cron_tick_passed", cron, timezone }, reset: HANDLED },
        {
          kind: "all_deps_match",
          label: "every upstream updated since the latest cron tick",
          condition: { kind: "or", operands: [{ kind: "updated_since_cron", cron, timezone }, { kind: "will_be_requested" }] },
        },
      ],
    });
    assert.deepEqual(C.onCron("30 6 * * *", "Europe/Oslo").snapshot(), tree("30 6 * * *", "Europe/Oslo"));
    assert.deepEqual(C.onCron("0 * * * *").snapshot(), tree("0 * * * *", "UTC"));
    assert.deepEqual(unlabeled(C.onCron("30 6 * * *", "Europe/Oslo").snapshot()), {
      kind: "and",
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        { kind: "since", trigger: { kind: "cron_tick_passed", cron: "30 6 * * *", timezone: "Europe/Oslo" }, reset: { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }] } },
        { kind: "all_deps_match", condition: { kind: "or", operands: [{ kind: "updated_since_cron", cron: "30 6 * * *", timezone: "Europe/Oslo" }, { kind: "will_be_requested" }] } },
      ],
    });
  });

  void it("onMissing() is the tree of decision 0022", () => {
    assert.deepEqual(C.onMissing().snapshot(), {
      kind: "and",
      label: "on missing",
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        { kind: "since", label: "newly missing since the last request", trigger: { kind: "newly_true", label: "newly missing", condition: { kind: "missing" } }, reset: HANDLED },
        { kind: "not", label: "no upstream missing", operand: { kind: "any_deps_match", label: "any upstream missing", condition: MISSING_NOT_REQUESTED } },
        { kind: "not", label: "not in progress", operand: { kind: "in_progress" } },
      ],
    });
    assert.deepEqual(unlabeled(C.onMissing().snapshot()), {
      kind: "and",
      operands: [
        { kind: "in_latest_time_window", lookbackMinutes: null },
        { kind: "since", trigger: { kind: "newly_true", condition: { kind: "missing" } }, reset: { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }] } },
        { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] } } },
        { kind: "not", operand: { kind: "in_progress" } },
      ],
    });
  });

  void it("ready-made conditions compose: eager or a code version change since last handled", () => {
    const tree = C.eager().or(C.codeVersionChanged().sinceLastHandled()).snapshot();
    assert.equal(tree.kind, "or");
    assert.deepEqual((tree as { operands: AutomationConditionSnapshot[] }).operands[0], C.eager().snapshot());
    assert.equal(automationConditionProblem(tree), null);
  });
});

void describe("validation at construction", () => {
  void it("refuses bad crons and zones naming the function, with a did-you-mean for zones", () => {
    findProblem(problemsOf(() => C.cronTickPassed("61 * * * *")), "AutomationCondition.cronTickPassed", /^cron "61 \* \* \* \*" is invalid: .*\(declared at .*automation-condition\.test\.js:\d+\)$/);
    findProblem(problemsOf(() => C.updatedSinceCron("0 6 * * *", "Europe/Olso")), "AutomationCondition.updatedSinceCron", /timezone "Europe\/Olso" is not a known IANA time zone \(did you mean "Europe\/Oslo"\?\)/);
    findProblem(problemsOf(() => C.onCron("not a cron", "Europe/Oslo")), "AutomationCondition.onCron", /^cron "not a cron" is invalid/);
    findProblem(problemsOf(() => C.onCron("0 6 * * *", "Mars/Olympus")), "AutomationCondition.onCron", /timezone "Mars\/Olympus" is not a known IANA time zone/);
    findProblem(problemsOf(() => C.allDepsUpdatedSinceCron("")), "AutomationCondition.allDepsUpdatedSinceCron", /cron must be a cron expression like "30 6 \* \* \*", got ""/);
    findProblem(problemsOf(() => C.cronTickPassed(undefined as unknown as string)), "AutomationCondition.cronTickPassed", /got nothing/);
    findProblem(problemsOf(() => C.cronTickPassed(`0 6 * * *${" ".repeat(L.cronChars)}`)), "AutomationCondition.cronTickPassed", /over the limit of 200/);
  });

  void it("refuses a lookback that is not a positive number of minutes", () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, "60" as unknown as number]) {
      findProblem(problemsOf(() => C.inLatestTimeWindow(bad)), "AutomationCondition.inLatestTimeWindow", /^lookbackMinutes must be a number of minutes above 0/);
    }
    assert.deepEqual(C.inLatestTimeWindow(0.5).snapshot(), { kind: "in_latest_time_window", lookbackMinutes: 0.5 });
  });

  void it("refuses empty or over-long labels", () => {
    findProblem(problemsOf(() => C.missing().withLabel("  ")), "AutomationCondition.withLabel", /^label must be a non-empty string, got " {2}"/);
    findProblem(problemsOf(() => C.missing().withLabel("x".repeat(L.automationLabelChars + 1))), "AutomationCondition.withLabel", /^label is 201 characters, over the limit of 200/);
    assert.equal(C.missing().withLabel("x".repeat(L.automationLabelChars)).snapshot().label?.length, L.automationLabelChars);
  });

  void it("refuses what is not a condition, and joining nothing", () => {
    findProblem(problemsOf(() => C.missing().and()), "AutomationCondition.and", /^needs at least one other condition, e\.g\. a\.and\(b\)/);
    findProblem(problemsOf(() => C.missing().or(C.inProgress(), { kind: "missing" } as unknown as C)), "AutomationCondition.or", /^argument 2 must be an AutomationCondition \(e\.g\. AutomationCondition\.missing\(\)\), got an object/);
    findProblem(problemsOf(() => C.anyDepsMatch("missing" as unknown as C)), "AutomationCondition.anyDepsMatch", /^the condition must be an AutomationCondition .*got "missing"/);
    findProblem(problemsOf(() => C.allDepsMatch(undefined as unknown as C)), "AutomationCondition.allDepsMatch", /got nothing/);
    findProblem(problemsOf(() => C.missing().since(null as unknown as C)), "AutomationCondition.since", /^reset must be an AutomationCondition/);
  });

  void it("keeps a condition within 200 nodes and 32 levels, naming the operator that went over", () => {
    let deep = C.missing();
    for (let level = 2; level <= L.automationConditionDepth; level++) deep = deep.not();
    assert.equal(automationConditionProblem(deep.snapshot()), null);
    findProblem(problemsOf(() => deep.not()), "AutomationCondition.not", /^the condition would be 33 levels deep, over the limit of 32/);
    findProblem(problemsOf(() => C.anyDepsMatch(deep)), "AutomationCondition.anyDepsMatch", /33 levels deep/);
    const leaves = Array.from({ length: L.automationConditionNodes - 1 }, () => C.missing());
    const wide = leaves[0]!.or(...leaves.slice(1));
    assert.equal((wide.snapshot() as { operands: unknown[] }).operands.length, L.automationConditionNodes - 1);
    findProblem(problemsOf(() => wide.or(C.inProgress())), "AutomationCondition.or", /^the condition would have 201 nodes, over the limit of 200/);
    findProblem(problemsOf(() => wide.not()), "AutomationCondition.not", /201 nodes/);
  });
});

void describe("plain snapshots", () => {
  void it("fromSnapshot round-trips the ready-made trees and refuses bad nodes by path", () => {
    for (const condition of [C.eager(), C.onCron("30 6 * * *", "Europe/Oslo"), C.onMissing()]) {
      assert.deepEqual(C.fromSnapshot(condition.snapshot()).snapshot(), condition.snapshot());
    }
    const bad = (snapshot: unknown): string => automationConditionProblem(snapshot) ?? "(accepted)";
    assert.match(bad({ kind: "mising" }), /^kind "mising" is not a condition kind \(did you mean "missing"\?\) \(one of missing, in_progress, /);
    assert.match(bad({ kind: 7 }), /^kind 7 is not a condition kind \(one of /);
    assert.match(bad({ kind: "not", operand: { kind: "and", operands: [{ kind: "missing" }, 3] } }), /^operand\.operands\[1\]: must be a condition node like \{ kind: "missing" \}, got 3/);
    assert.match(bad({ kind: "missing", extra: 1 }), /^missing has unknown field "extra" \(its fields: kind, label\)/);
    assert.match(bad({ kind: "and", operands: [] }), /^and needs a non-empty operands array/);
    assert.match(bad({ kind: "since", trigger: { kind: "missing" } }), /^reset: must be a condition node/);
    assert.match(bad({ kind: "cron_tick_passed", cron: "0 6 * * *", timezone: "Nowhere/Else" }), /timezone "Nowhere\/Else" is not a known IANA time zone/);
    assert.match(bad({ kind: "in_latest_time_window" }), /needs lookbackMinutes/);
    assert.match(bad({ kind: "missing", label: "" }), /^label must be a non-empty string/);
    let deep: unknown = { kind: "missing" };
    for (let i = 0; i < 100_000; i++) deep = { kind: "not", operand: deep };
    assert.match(bad(deep), /^the condition is more than 32 levels deep, over the limit/);
    const wide = { kind: "or", operands: Array.from({ length: 1_000_000 }, () => ({ kind: "missing" })) };
    assert.match(bad(wide), /^the condition has more than 200 nodes, over the limit/);
    findProblem(problemsOf(() => C.fromSnapshot({ kind: "nope" } as unknown as AutomationConditionSnapshot)), "AutomationCondition.fromSnapshot", /kind "nope" is not a condition kind/);
  });

  void it("accepts a condition from another copy of the SDK, checked again", () => {
    const foreign = (tree: unknown): C => ({ [Symbol.for("flyt.automation-condition")]: true, snapshot: () => tree }) as unknown as C;
    assert.equal(isAutomationCondition(foreign({ kind: "missing" })), true);
    assert.deepEqual(C.inProgress().or(foreign({ kind: "missing" })).snapshot(), { kind: "or", operands: [{ kind: "in_progress" }, { kind: "missing" }] });
    findProblem(problemsOf(() => C.inProgress().or(foreign({ kind: "bogus" }))), "AutomationCondition.or", /^argument 1: kind "bogus" is not a condition kind/);
    assert.deepEqual(asset({ key: "a", automationCondition: foreign({ kind: "missing" }), compute: noop }).nodes[0]?.automationCondition, { kind: "missing" });
    findProblem(problemsOf(() => asset({ key: "a", automationCondition: foreign({ kind: "bogus" }), compute: noop })), 'asset "a"', /^automationCondition: kind "bogus"/);
  });
});

void describe("automationCondition on assets", () => {
  void it("asset() puts the tree on its node only when declared, so other snapshots keep their shape", () => {
    const eager = asset({ key: "atlas/dbt/stg", automationCondition: C.eager(), compute: noop });
    assert.deepEqual(eager.nodes[0]?.automationCondition, C.eager().snapshot());
    assert.equal("automationCondition" in asset({ key: "atlas/dbt/plain", compute: noop }).nodes[0]!, false);
    // It survives defineDefinitions (which rebuilds nodes for mappings and checks).
    const defs = defineDefinitions({ assets: [eager, asset({ key: "b", deps: [eager], automationCondition: C.onMissing(), compute: noop })] });
    assert.deepEqual(defs.graph.get("atlas/dbt/stg")?.automationCondition, C.eager().snapshot());
    assert.deepEqual(defs.graph.get("b")?.automationCondition, C.onMissing().snapshot());
  });

  void it("asset() refuses plain data or anything else, naming the asset and the field", () => {
    findProblem(
      problemsOf(() => asset({ key: "a", automationCondition: { kind: "missing" } as unknown as C, compute: noop })),
      'asset "a"',
      /^automationCondition must be an AutomationCondition \(AutomationCondition\.eager\(\).*fromSnapshot/,
    );
    findProblem(problemsOf(() => asset({ key: "a", automationCondition: "eager" as unknown as C, compute: noop })), 'asset "a"', /^automationCondition must be an AutomationCondition/);
  });

  void it("multiAsset() applies its step-level condition to members without their own", () => {
    const def = multiAsset({
      name: "dbt_build",
      automationCondition: C.eager(),
      assets: [{ key: "m/a" }, { key: "m/b", automationCondition: C.onCron("0 6 * * *", "Europe/Oslo") }],
      compute: noop,
    });
    assert.deepEqual(def.nodes[0]?.automationCondition, C.eager().snapshot());
    assert.deepEqual(def.nodes[1]?.automationCondition, C.onCron("0 6 * * *", "Europe/Oslo").snapshot());
    const without = multiAsset({ name: "pair", assets: [{ key: "p/a", automationCondition: C.onMissing() }, { key: "p/b" }], compute: noop });
    assert.deepEqual(without.nodes[0]?.automationCondition, C.onMissing().snapshot());
    assert.equal("automationCondition" in without.nodes[1]!, false);
    findProblem(
      problemsOf(() => multiAsset({ name: "bad", assets: [{ key: "x", automationCondition: 1 as unknown as C }], compute: noop })),
      'multi-asset "bad"',
      /^assets\[0\]\.automationCondition must be an AutomationCondition/,
    );
  });

  void it("externalAsset() and upstreamAsset() refuse a condition: the owning location materializes the asset", () => {
    const options = { automationCondition: C.eager() } as unknown as { location?: string };
    findProblem(problemsOf(() => externalAsset("atlas/met/forecast", options)), 'externalAsset("atlas/met/forecast")', /^automationCondition is not allowed on an external asset: its own location materializes it/);
    findProblem(problemsOf(() => upstreamAsset("atlas/met/forecast", options)), 'upstreamAsset("atlas/met/forecast")', /^automationCondition is not allowed/);
    findProblem(problemsOf(() => externalAsset("a/b", { locaton: "x" } as unknown as { location?: string })), 'externalAsset("a/b")', /^unknown option "locaton"/);
    assert.equal(externalAsset("a/b", { location: "x" }).location, "x");
  });
});
