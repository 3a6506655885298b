/**
 * Every building block on its own (as an asset's whole condition), the operators, the cursor's
 * round trip, and what the evaluator refuses or skips.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type AutomationConditionSnapshot } from "@flyt/core";
import { decodeAutomationCursor, encodeAutomationCursor } from "./cursor.js";
import { at, DAILY, evaluationOf, node, requestedKeys, withCondition, World } from "./test-support.js";

type C = AutomationConditionSnapshot;

/** A world with `target` (holding `condition`) downstream of `up`. */
function world(condition: C, extra: Parameters<typeof node>[2] = {}): World {
  return new World([node("up", [], extra.partitions ? { partitions: extra.partitions } : {}), withCondition(node("target", ["up"], extra), condition)]);
}

function root(w: World) {
  const out = w.tick();
  return { out, e: evaluationOf(out, "target"), requested: requestedKeys(out).includes("target") };
}

test("missing, code_version_changed, unsynced", () => {
  const w = world({ kind: "missing" }, { codeVersion: "2" });
  assert.equal(root(w).e.root.detail, "requested: never materialized");
  w.materialize("up");
  w.materialize("target");
  const missingNow = root(w);
  assert.equal(missingNow.requested, false);
  assert.match(missingNow.e.root.detail ?? "", /^not requested: materialized at 2024-03-05T12:0\d:59Z \(run run-2\)$/);

  w.setNodes([node("up"), withCondition(node("target", ["up"], { codeVersion: "3" }), { kind: "code_version_changed" })]);
  const changed = root(w);
  assert.equal(changed.requested, true);
  assert.match(changed.e.root.detail ?? "", /code version 2 → 3/);

  w.setNodes([node("up"), withCondition(node("target", ["up"], { codeVersion: "3" }), { kind: "unsynced" })]);
  w.materialize("target");
  assert.equal(root(w).requested, false);
  w.materialize("up");
  const unsynced = root(w);
  assert.equal(unsynced.requested, true);
  assert.match(unsynced.e.root.detail ?? "", /unsynced: upstream up has a newer data version/);
});

test("in_progress (partition key and range tags) and execution_failed", () => {
  const w = world({ kind: "in_progress" });
  w.startRun(["target"]);
  assert.match(root(w).e.root.detail ?? "", /^requested: in run run-1, in progress/);

  const p = world({ kind: "in_progress" }, { partitions: DAILY });
  p.now = at("2024-03-05T12:00:00Z");
  p.startRun(["target"], null, { [PARTITION_RANGE_START_TAG]: "2024-02-01", [PARTITION_RANGE_END_TAG]: "2024-02-03" });
  p.startRun(["target"], "2024-03-01");
  const ranged = root(p).e;
  assert.equal(ranged.requestedCount, 4);
  assert.equal(ranged.requestedPartitions, "31-33,60");

  const f = world({ kind: "execution_failed" });
  f.materialize("target");
  const run = f.startRun(["target"]);
  f.finishRun(run, false);
  assert.match(root(f).e.root.detail ?? "", /^requested: run run-2 failed at/);
  f.materialize("target");
  assert.equal(root(f).requested, false, "a later materialization clears the failure");

  const fp = world({ kind: "execution_failed" }, { partitions: DAILY });
  const prun = fp.startRun(["target"], "2024-03-02");
  fp.finishRun(prun, false);
  assert.equal(root(fp).e.requestedPartitions, "61");
});

test("newly_updated and newly_requested follow the previous tick", () => {
  const w = world({ kind: "newly_updated" });
  w.materialize("target");
  assert.match(root(w).e.root.detail ?? "", /first evaluation: nothing counts as newly updated/);
  w.materialize("target");
  assert.equal(root(w).requested, true);
  assert.equal(root(w).requested, false);

  const r = world({ kind: "or", operands: [{ kind: "missing" }, { kind: "newly_requested" }] });
  assert.equal(root(r).requested, true);
  r.materialize("target");
  const again = root(r);
  assert.equal(again.requested, true, "newly requested: the previous tick requested it");
  assert.match(again.e.root.children[1]!.detail ?? "", /^requested by the previous evaluation$/);
});

test("a materialization written late (time before the previous tick) is counted once", () => {
  const w = world({ kind: "any_deps_match", condition: { kind: "newly_updated" } });
  w.tick();
  // Stored after the previous tick, with its producer's time 20 s before it.
  w.materialize("up", null, "late", w.now - 80_000);
  assert.equal(root(w).requested, true);
  assert.equal(root(w).requested, false, "not counted again while it stays inside the overlap");
});

test("cron_tick_passed and updated_since_cron (unpartitioned and partitioned)", () => {
  const cron: C = { kind: "cron_tick_passed", cron: "0 * * * *", timezone: "UTC" };
  const w = world(cron);
  w.now = at("2024-03-05T11:59:00Z");
  assert.equal(root(w).requested, false);
  w.now = at("2024-03-05T12:00:05Z");
  const passed = root(w);
  assert.equal(passed.requested, true);
  assert.match(passed.e.root.detail ?? "", /the tick at 2024-03-05T12:00:00Z of 0 \* \* \* \* \(UTC\) passed/);
  assert.equal(root(w).requested, false);

  const since: C = { kind: "updated_since_cron", cron: "0 6 * * *", timezone: "UTC" };
  const u = world(since);
  u.materialize("target", null, "r", at("2024-03-05T05:00:00Z"));
  assert.equal(root(u).requested, false);
  u.materialize("target", null, "r2", at("2024-03-05T07:00:00Z"));
  assert.equal(root(u).requested, true);

  const p = world(since, { partitions: DAILY });
  p.materialize("target", "2024-03-03", "a", at("2024-03-05T07:00:00Z"));
  p.materialize("target", "2024-03-02", "b", at("2024-03-05T05:00:00Z"));
  assert.equal(root(p).e.requestedPartitions, "62", "first tick: read back to the cron's tick");
  p.materialize("target", "2024-03-04", "c");
  assert.equal(root(p).e.requestedPartitions, "62-63", "memory plus the new one");
  p.now = at("2024-03-06T06:30:00Z");
  assert.equal(root(p).e.requestedPartitions, "", "a new cron tick starts afresh");
});

test("in_latest_time_window: the latest window, a lookback, and every partition of other assets", () => {
  const latest = world({ kind: "in_latest_time_window", lookbackMinutes: null }, { partitions: DAILY });
  latest.now = at("2024-03-05T12:00:00Z");
  const e = root(latest).e;
  assert.equal(e.requestedPartitions, "63");
  assert.match(e.root.detail ?? "", /2024-03-04/);
  const back = world({ kind: "in_latest_time_window", lookbackMinutes: 3 * 24 * 60 }, { partitions: DAILY });
  back.now = at("2024-03-05T12:00:00Z");
  assert.equal(root(back).e.requestedPartitions, "61-63");
  assert.equal(root(world({ kind: "in_latest_time_window", lookbackMinutes: null })).requested, true);
});

test("will_be_requested: false on the asset itself, true on a dependency requested in the same run", () => {
  assert.equal(root(world({ kind: "will_be_requested" })).requested, false);
  const w = new World([withCondition(node("up"), { kind: "missing" }), withCondition(node("target", ["up"]), { kind: "any_deps_match", condition: { kind: "will_be_requested" } })]);
  const out = w.tick();
  assert.deepEqual(out.runRequests.map((r) => r.assetKeys), [["up", "target"]]);
});

test("all_deps_match is vacuously true without upstreams and needs every upstream otherwise", () => {
  const cond: C = { kind: "all_deps_match", condition: { kind: "missing" } };
  const w = new World([node("a"), node("b"), withCondition(node("target", ["a", "b"]), cond), withCondition(node("lonely"), cond)]);
  w.materialize("a");
  const out = w.tick();
  assert.deepEqual(requestedKeys(out), ["lonely"]);
  assert.equal(evaluationOf(out, "target").root.detail, "not requested: upstream a is not missing");
  assert.deepEqual(evaluationOf(out, "target").root.children.map((c) => [c.description, c.trueCount]), [["upstream a: missing", 0]], "only the upstream that decides is explained");
});

test("since: the trigger is held until the reset; reset wins in the same evaluation. newly_true: only the first time", () => {
  const cond: C = { kind: "since", trigger: { kind: "any_deps_match", condition: { kind: "newly_updated" } }, reset: { kind: "newly_updated" } };
  const w = world(cond);
  w.tick();
  w.materialize("up");
  assert.equal(root(w).requested, true);
  assert.equal(root(w).requested, true, "held");
  w.materialize("target");
  assert.equal(root(w).requested, false, "reset");
  w.materialize("up");
  w.materialize("target");
  assert.equal(root(w).requested, false, "trigger and reset together: reset wins");

  const n = world({ kind: "newly_true", condition: { kind: "missing" } });
  assert.equal(root(n).requested, true);
  assert.equal(root(n).requested, false);
});

test("the cursor round-trips, a changed condition starts its memory afresh, and a damaged cursor is a warning", () => {
  const cond: C = { kind: "since", trigger: { kind: "any_deps_match", condition: { kind: "newly_updated" } }, reset: { kind: "newly_requested" } };
  const w = world(cond);
  w.tick();
  w.materialize("up");
  w.tick();
  const decoded = decodeAutomationCursor(w.cursor);
  assert.equal(decoded.problem, null);
  assert.equal(encodeAutomationCursor(decoded.cursor!), w.cursor);
  assert.equal(decoded.cursor!.assets.get("target")!.nodes["r"], "0");

  w.setNodes([node("up"), withCondition(node("target", ["up"]), { ...cond, label: "changed" })]);
  const fresh = root(w);
  assert.equal(fresh.requested, false, "the held trigger belonged to the old condition");

  w.cursor = '{"v":1,"t":5,"a":{"target":["x","y","3-1"]}}';
  const damaged = w.tick();
  assert.match(damaged.warnings[0] ?? "", /the automation cursor cannot be read \(decodeRanges: part 1 "3-1" ends before it starts/);
  assert.equal(decodeAutomationCursor("{").cursor, null);
});

test("assets of a location with automation off are not evaluated; an invalid condition is reported, not evaluated", () => {
  const w = new World([withCondition(node("a"), { kind: "missing" }), withCondition(node("b"), { kind: "cron_tick_passed", cron: "bad", timezone: "UTC" })]);
  w.disabled.add("atlas");
  assert.deepEqual(w.tick().evaluations, []);
  w.disabled.clear();
  const out = w.tick();
  assert.deepEqual(requestedKeys(out), ["a"]);
  assert.match(out.warnings.join("\n"), /^b: its automation condition is invalid, so it is not evaluated: cron "bad" is invalid/);
  assert.match(evaluationOf(out, "b").root.detail ?? "", /^not evaluated: the condition is invalid/);
});
