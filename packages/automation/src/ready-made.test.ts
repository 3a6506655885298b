/**
 * The ready-made conditions through several ticks of a small world: what each tick requests, that
 * a request is not repeated, coalescing into runs, and the reasons given.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AUTOMATION_TICK_TAG } from "@flyt/core";
import { eagerCondition, onCronCondition, onMissingCondition } from "./conditions.js";
import { at, DAILY, evaluationOf, MONTHLY, node, requestedKeys, withCondition, World } from "./test-support.js";

test("eager: an upstream materialized → the downstream is requested once, not again on the next ticks", () => {
  const w = new World([node("atlas/ingest/raw"), withCondition(node("atlas/dbt/stg", ["atlas/ingest/raw"]), eagerCondition())]);
  w.materialize("atlas/ingest/raw");
  w.materialize("atlas/dbt/stg");
  const first = w.tick();
  assert.deepEqual(requestedKeys(first), []);
  assert.match(evaluationOf(first, "atlas/dbt/stg").root.detail ?? "", /^not requested: waiting for: newly missing or any upstream updated/);

  w.materialize("atlas/ingest/raw");
  const second = w.tick();
  assert.deepEqual(requestedKeys(second), ["atlas/dbt/stg"]);
  const evaluation = evaluationOf(second, "atlas/dbt/stg");
  assert.equal(evaluation.requestedCount, 1);
  assert.equal(evaluation.changed, true);
  assert.match(evaluation.root.detail ?? "", /^requested: triggered now: upstream atlas\/ingest\/raw is newly updated or requested in this tick/);
  assert.deepEqual(second.runRequests, [
    { selection: "atlas/dbt/stg", assetKeys: ["atlas/dbt/stg"], partitionKey: null, tags: { [AUTOMATION_TICK_TAG]: String(w.tickId) }, location: "atlas", origin: "automation", instigator: "automation", runKey: `${w.tickId}:0` },
  ]);
  assert.deepEqual(evaluation.runKeys, [`${w.tickId}:0`]);
  const [runId] = w.launch(second);

  const third = w.tick();
  assert.deepEqual(requestedKeys(third), [], "requested by the previous tick and in progress: not again");
  w.finishRun(runId!);
  const fourth = w.tick();
  assert.deepEqual(requestedKeys(fourth), [], "its own materialization does not trigger it");
  const fifth = w.tick();
  assert.deepEqual(requestedKeys(fifth), []);
  assert.equal(evaluationOf(fifth, "atlas/dbt/stg").changed, true, "no longer newly updated: its explanation changed");
  const sixth = w.tick();
  assert.equal(evaluationOf(sixth, "atlas/dbt/stg").changed, false, "nothing changed since the previous tick: nothing to store");
});

test("eager: an upstream in progress → not requested, with the reason; requested once it lands", () => {
  const w = new World([node("atlas/met/forecast"), node("atlas/met/stations"), withCondition(node("atlas/dbt/weather", ["atlas/met/forecast", "atlas/met/stations"]), eagerCondition())]);
  for (const key of ["atlas/met/forecast", "atlas/met/stations", "atlas/dbt/weather"]) w.materialize(key);
  w.tick();
  w.materialize("atlas/met/stations");
  const run = w.startRun(["atlas/met/forecast"]);
  const blocked = w.tick();
  assert.deepEqual(requestedKeys(blocked), []);
  assert.equal(evaluationOf(blocked, "atlas/dbt/weather").root.detail, "not requested: upstream atlas/met/forecast is in progress");
  w.finishRun(run);
  const released = w.tick();
  assert.deepEqual(requestedKeys(released), ["atlas/dbt/weather"]);
});

test("eager: a chain updated together is requested in one run; across locations, one run per location", () => {
  const nodes = [node("r"), withCondition(node("a", ["r"]), eagerCondition()), withCondition(node("b", ["a"]), eagerCondition()), withCondition(node("c", ["b"]), eagerCondition())];
  const w = new World(nodes);
  for (const key of ["r", "a", "b", "c"]) w.materialize(key);
  w.tick();
  w.materialize("r");
  const out = w.tick();
  assert.equal(out.runRequests.length, 1);
  assert.deepEqual(out.runRequests[0]!.assetKeys, ["a", "b", "c"]);
  assert.equal(out.runRequests[0]!.selection, "a, b, c");

  const split = new World(nodes);
  split.locations = { c: "other" };
  for (const key of ["r", "a", "b", "c"]) split.materialize(key);
  split.tick();
  split.materialize("r");
  const out2 = split.tick();
  // c's upstream b is requested, but in a run of another location: c waits for b's materialization.
  assert.deepEqual(out2.runRequests.map((r) => [r.location, r.assetKeys]), [["atlas", ["a", "b"]]]);
  assert.match(evaluationOf(out2, "c").root.detail ?? "", /^not requested: /);
});

test("eager: a chain never materialized is requested together on the first tick (missing upstreams requested in the same tick do not block)", () => {
  const w = new World([withCondition(node("a"), eagerCondition()), withCondition(node("b", ["a"]), eagerCondition()), withCondition(node("c", ["b"]), eagerCondition())]);
  const out = w.tick();
  assert.deepEqual(out.runRequests.map((r) => r.assetKeys), [["a", "b", "c"]]);
  const ids = w.launch(out);
  const next = w.tick();
  assert.deepEqual(requestedKeys(next), []);
  w.finishRun(ids[0]!);
  assert.deepEqual(requestedKeys(w.tick()), []);
});

test("eager: an upstream missing that nothing requests blocks, with the reason", () => {
  const w = new World([node("atlas/ssb/population"), withCondition(node("atlas/dbt/per_capita", ["atlas/ssb/population"]), eagerCondition())]);
  const out = w.tick();
  assert.deepEqual(requestedKeys(out), []);
  assert.equal(evaluationOf(out, "atlas/dbt/per_capita").root.detail, "not requested: upstream atlas/ssb/population is missing and not requested in this tick");
  w.materialize("atlas/ssb/population");
  assert.deepEqual(requestedKeys(w.tick()), ["atlas/dbt/per_capita"], "the trigger (newly missing) was held until the upstream landed");
});

test("onCron: once per tick, as soon as every upstream was updated since the tick", () => {
  const cron = onCronCondition("0 6 * * *", "UTC");
  const w = new World([node("up"), withCondition(node("serving", ["up"]), cron), withCondition(node("root"), cron)]);
  w.now = at("2024-03-05T05:58:00Z");
  w.materialize("up");
  w.materialize("serving");
  w.materialize("root");
  const first = w.tick();
  assert.deepEqual(requestedKeys(first), []);
  assert.match(evaluationOf(first, "serving").root.children[1]!.children[0]!.detail ?? "", /^first evaluation: waiting for the next tick of 0 6 \* \* \* \(UTC\); next at 2024-03-05T06:00:00Z/);
  w.materialize("up"); // before the cron tick: does not count
  w.now = at("2024-03-05T06:00:30Z");
  const afterTick = w.tick();
  assert.deepEqual(requestedKeys(afterTick), ["root"], "an asset without upstreams runs at the tick");
  assert.equal(evaluationOf(afterTick, "serving").root.detail, "not requested: upstream up is not updated since the latest tick of 0 6 * * * (UTC) or requested in this tick");
  w.launch(afterTick);
  w.materialize("up");
  const ready = w.tick();
  assert.deepEqual(requestedKeys(ready), ["serving"]);
  w.launch(ready);
  w.materialize("up");
  assert.deepEqual(requestedKeys(w.tick()), [], "once per cron tick");
  w.now = at("2024-03-06T06:00:10Z");
  const nextDay = w.tick();
  assert.deepEqual(requestedKeys(nextDay), ["root"]);
});

test("onMissing: requested once while missing, then never again", () => {
  const w = new World([withCondition(node("atlas/ssb/region_codes"), onMissingCondition())]);
  const out = w.tick();
  assert.deepEqual(requestedKeys(out), ["atlas/ssb/region_codes"]);
  const [run] = w.launch(out);
  assert.deepEqual(requestedKeys(w.tick()), []);
  w.finishRun(run!, false);
  assert.deepEqual(requestedKeys(w.tick()), [], "a failed run does not make it newly missing: not retried by onMissing");
  w.materialize("atlas/ssb/region_codes");
  assert.deepEqual(requestedKeys(w.tick()), []);
});

test("daily partitions: only the latest complete window is requested, and each new day once", () => {
  const w = new World([withCondition(node("atlas/frost/daily", [], { partitions: DAILY }), eagerCondition()), withCondition(node("atlas/dbt/daily_agg", ["atlas/frost/daily"], { partitions: DAILY }), eagerCondition())]);
  w.now = at("2024-03-05T12:00:00Z");
  const first = w.tick();
  assert.deepEqual(first.runRequests.map((r) => [r.partitionKey, r.assetKeys]), [["2024-03-04", ["atlas/frost/daily", "atlas/dbt/daily_agg"]]]);
  const daily = evaluationOf(first, "atlas/frost/daily");
  assert.equal(daily.requestedCount, 1);
  assert.equal(daily.root.detail, "requested 1 partition: 2024-03-04");
  const [run] = w.launch(first);
  assert.deepEqual(requestedKeys(w.tick()), []);
  w.finishRun(run!);
  assert.deepEqual(requestedKeys(w.tick()), []);
  w.now = at("2024-03-06T00:05:00Z");
  const nextDay = w.tick();
  assert.deepEqual(nextDay.runRequests.map((r) => [r.partitionKey, r.assetKeys]), [["2024-03-05", ["atlas/frost/daily", "atlas/dbt/daily_agg"]]]);
});

test("a monthly rollup of daily partitions waits for the month's days through the mapping, then runs once for the month", () => {
  const w = new World([node("atlas/frost/daily", [], { partitions: DAILY }), withCondition(node("atlas/frost/monthly", ["atlas/frost/daily"], { partitions: MONTHLY }), eagerCondition())]);
  w.now = at("2024-03-05T12:00:00Z");
  for (let day = 1; day <= 28; day++) w.materialize("atlas/frost/daily", `2024-02-${String(day).padStart(2, "0")}`);
  const waiting = w.tick();
  assert.deepEqual(requestedKeys(waiting), []);
  assert.equal(evaluationOf(waiting, "atlas/frost/monthly").root.detail, "not requested: upstream atlas/frost/daily is missing and not requested in this tick (for 2024-01 … 2024-02)");
  w.materialize("atlas/frost/daily", "2024-02-29");
  const ready = w.tick();
  assert.deepEqual(ready.runRequests.map((r) => [r.partitionKey, r.assetKeys]), [["2024-02", ["atlas/frost/monthly"]]]);
  w.launch(ready);
  assert.deepEqual(requestedKeys(w.tick()), []);
});

test("eager: an upstream landing after the asset's own run ended, between the same two ticks, is not lost (the later event wins)", () => {
  const setUp = (): { w: World; runId: string } => {
    const w = new World([node("src"), withCondition(node("dbt", ["src"]), eagerCondition())]);
    w.materialize("src");
    w.materialize("dbt");
    w.tick();
    w.materialize("src");
    const [runId] = w.launch(w.tick());
    assert.deepEqual(requestedKeys(w.tick()), [], "in progress");
    w.running.delete(runId!);
    return { w, runId: runId! };
  };
  // The run ends, then the source lands again: the asset is behind, so it is requested again.
  const late = setUp();
  late.w.materialize("dbt", null, late.runId, late.w.now - 2_000);
  late.w.materialize("src", null, "run-src", late.w.now - 1_000);
  const again = late.w.tick();
  assert.deepEqual(requestedKeys(again), ["dbt"], "triggered (source at -1 s) after the reset (its own update at -2 s)");
  // The source lands first, then the run ends: the reset is the later event.
  const early = setUp();
  early.w.materialize("src", null, "run-src", early.w.now - 2_000);
  early.w.materialize("dbt", null, early.runId, early.w.now - 1_000);
  assert.deepEqual(requestedKeys(early.w.tick()), []);
});
