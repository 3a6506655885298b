/**
 * Tests of defineDefinitions(): the happy path and every load-time problem, each asserted to
 * name its culprit, plus collecting several problems into one error.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AssetGraph, InvalidDefinitionsError } from "@flyt/core";
import { asset } from "./asset.js";
import { defineDefinitions, findCycles, isDefinitions } from "./definitions.js";
import { multiAsset } from "./multi-asset.js";
import { dailyPartitions, monthlyPartitions, staticPartitions } from "@flyt/partitions";
import { env, resource } from "./resources.js";
import { schedule } from "./schedules.js";
import { sensor } from "./sensors.js";
import { findProblem, problemsOf } from "@flyt/partitions/testing";

const noop = (): void => undefined;
const evaluate = () => ({ skipReason: "test" });

void describe("defineDefinitions()", () => {
  void it("returns steps, the graph, resources, schedules and sensors", () => {
    const raw = asset({ key: "atlas/raw", group: "ssb", compute: noop });
    const tables = multiAsset({ name: "tables", assets: [{ key: "atlas/t1", deps: [raw] }, { key: "atlas/t2" }], resources: ["db"], compute: noop });
    const mart = asset({ key: "atlas/mart", deps: ["atlas/t1", "atlas/t2"], compute: noop });
    const db = resource({ config: { url: env("DB_URL", { default: "sqlite://x" }) }, create: ({ url }) => url });
    const daily = schedule({ name: "daily", cron: "0 6 * * *", target: "group:ssb+" });
    const watch = sensor({ name: "watch", target: "atlas/raw", evaluate });
    const defs = defineDefinitions({ assets: [raw, tables, mart, raw], resources: { db }, schedules: [daily], sensors: [watch] });
    assert.equal(defs.kind, "definitions");
    assert.deepEqual([...defs.steps.keys()], ["atlas/raw", "tables", "atlas/mart"]);
    assert.equal(defs.steps.get("tables"), tables.step);
    assert.ok(defs.graph instanceof AssetGraph);
    assert.deepEqual(defs.graph.topologicalOrder(), ["atlas/raw", "atlas/t1", "atlas/t2", "atlas/mart"]);
    assert.equal(defs.resources.db, db);
    assert.deepEqual(defs.schedules, [daily]);
    assert.deepEqual(defs.sensors, [watch]);
    assert.ok(isDefinitions(defs));
    assert.ok(!isDefinitions({ kind: "definitions" }));
    assert.ok(!isDefinitions(null));
  });

  void it("prints a dependency cycle", () => {
    const a = asset({ key: "atlas/a", deps: ["atlas/c"], compute: noop });
    const b = asset({ key: "atlas/b", deps: ["atlas/a"], compute: noop });
    const c = asset({ key: "atlas/c", deps: ["atlas/b"], compute: noop });
    const problems = problemsOf(() => defineDefinitions({ assets: [a, b, c] }));
    findProblem(problems, 'asset "atlas/a"', /^dependency cycle: atlas\/a → atlas\/b → atlas\/c → atlas\/a$/);
    assert.equal(problems.length, 1);
  });

  void it("prints a two-asset cycle and finds separate cycles", () => {
    const graphNodes = new AssetGraph(
      [
        ["atlas/a", ["atlas/b"]],
        ["atlas/b", ["atlas/a"]],
        ["x/1", ["x/2"]],
        ["x/2", ["x/1", "atlas/a"]],
        ["solo", []],
      ].map(([key, deps]) => asset({ key: key as string, deps: deps as string[], compute: noop }).nodes[0]!),
    ).nodes;
    const cycles = findCycles(graphNodes).map((c) => c.join(" → ")).sort();
    assert.deepEqual(cycles, ["atlas/a → atlas/b → atlas/a", "x/1 → x/2 → x/1"]);
  });

  void it("names both places of a duplicate asset key", () => {
    const first = asset({ key: "atlas/dup", compute: noop });
    const second = asset({ key: "atlas/dup", compute: noop });
    const problems = problemsOf(() => defineDefinitions({ assets: [first, second] }));
    assert.equal(problems.length, 1);
    const problem = findProblem(problems, 'asset "atlas/dup"', /is declared twice/);
    assert.match(problem.message, new RegExp(`at ${first.step.definedAt!.replace(/[.]/g, "\\.")} and at ${second.step.definedAt!.replace(/[.]/g, "\\.")}`));
    assert.notEqual(first.step.definedAt, second.step.definedAt);
  });

  void it("reports an asset key also produced by a multi-asset", () => {
    const single = asset({ key: "atlas/t1", compute: noop });
    const multi = multiAsset({ name: "tables", assets: [{ key: "atlas/t1" }], compute: noop });
    findProblem(problemsOf(() => defineDefinitions({ assets: [single, multi] })), 'asset "atlas/t1"', /is declared twice/);
  });

  void it("reports a multi-asset named like another asset", () => {
    const single = asset({ key: "atlas/thing", compute: noop });
    const multi = multiAsset({ name: "atlas/thing", assets: [{ key: "atlas/other" }], compute: noop });
    findProblem(problemsOf(() => defineDefinitions({ assets: [single, multi] })), 'step "atlas/thing"', /two steps have this key/);
  });

  void it("names a missing dependency, who wants it and the closest key", () => {
    const population = asset({ key: "atlas/ssb/population", compute: noop });
    const report = asset({ key: "atlas/report", deps: ["atlas/ssb/populaton"], compute: noop });
    const problem = findProblem(
      problemsOf(() => defineDefinitions({ assets: [population, report] })),
      'asset "atlas/report"',
      /^depends on unknown asset "atlas\/ssb\/populaton" \(did you mean "atlas\/ssb\/population"\?\)/,
    );
    assert.match(problem.message, /declared at .*definitions\.test\.js:\d+/);
  });

  void it("names an asset needing a resource that is not provided", () => {
    const a = asset({ key: "atlas/a", resources: ["ssbb"], compute: noop });
    const ssb = resource({ config: {}, create: () => ({}) });
    findProblem(
      problemsOf(() => defineDefinitions({ assets: [a], resources: { ssb } })),
      'asset "atlas/a"',
      /^needs resource "ssbb", which is not provided \(did you mean "ssb"\?\)/,
    );
    const m = multiAsset({ name: "m", assets: [{ key: "x" }], resources: ["db"], compute: noop });
    findProblem(problemsOf(() => defineDefinitions({ assets: [m] })), 'multi-asset "m"', /^needs resource "db"/);
    findProblem(problemsOf(() => defineDefinitions({ assets: [m], resources: { db: { kind: "nope" } as never } })), 'resource "db"', /is not a resource definition/);
  });

  void it("names schedules and sensors whose target does not resolve", () => {
    const a = asset({ key: "atlas/a", group: "ssb", compute: noop });
    const problems = problemsOf(() =>
      defineDefinitions({
        assets: [a],
        schedules: [schedule({ name: "nightly", cron: "0 2 * * *", target: "group:sbb" })],
        sensors: [sensor({ name: "watch", target: "atlas/b", evaluate })],
      }),
    );
    findProblem(problems, 'schedule "nightly"', /target does not resolve: .*group:sbb matches no asset \(did you mean "group:ssb"\?\)/);
    findProblem(problems, 'sensor "watch"', /target does not resolve: .*unknown asset key "atlas\/b"/);
  });

  void it("names duplicate schedule and sensor names", () => {
    const a = asset({ key: "atlas/a", compute: noop });
    const problems = problemsOf(() =>
      defineDefinitions({
        assets: [a],
        schedules: [schedule({ name: "s", cron: "0 2 * * *", target: "*" }), schedule({ name: "s", cron: "0 3 * * *", target: "*" })],
        sensors: [sensor({ name: "w", target: "*", evaluate }), sensor({ name: "w", target: "*", evaluate })],
      }),
    );
    findProblem(problems, 'schedule "s"', /two schedules have this name/);
    findProblem(problems, 'sensor "w"', /two sensors have this name/);
    assert.equal(problems.length, 2);
  });

  void it("maps partitions across deps by default where it can, and asks for a mapping where it cannot", () => {
    const up = asset({ key: "up", partitions: dailyPartitions({ start: "2024-01-01" }), compute: noop });
    const same = asset({ key: "same", deps: [up], partitions: dailyPartitions({ start: "2024-01-01" }), compute: noop });
    const unpartitioned = asset({ key: "plain", deps: [up], compute: noop });
    // Daily → monthly rolls up the month's days (time-window mapping by default).
    const monthly = asset({ key: "monthly", deps: [up], partitions: monthlyPartitions({ start: "2024-01" }), compute: noop });
    defineDefinitions({ assets: [up, same, unpartitioned, monthly] });
    const regions = asset({ key: "regions", deps: [up], partitions: staticPartitions(["oslo", "bergen"]), compute: noop });
    findProblem(
      problemsOf(() => defineDefinitions({ assets: [up, regions] })),
      'asset "regions"',
      /is partitioned by 2 static keys but depends on "up", partitioned daily from 2024-01-01 in UTC .*no default partition mapping .*partitionMappings: \{ "up": allPartitionsMapping\(\) \}/,
    );
  });

  void it("collects every problem into one error", () => {
    const a = asset({ key: "atlas/a", deps: ["atlas/b", "nowhere"], resources: ["db"], compute: noop });
    const b = asset({ key: "atlas/b", deps: ["atlas/a"], compute: noop });
    try {
      defineDefinitions({ assets: [a, b, {} as never], schedules: [schedule({ name: "s", cron: "* * * * *", target: "zzz" })] });
      assert.fail("should throw");
    } catch (error) {
      assert.ok(error instanceof InvalidDefinitionsError);
      assert.deepEqual(error.problems.map((p) => p.subject).sort(), ['asset "atlas/a"', 'asset "atlas/a"', 'asset "atlas/a"', "assets[2]", 'schedule "s"']);
      assert.match(error.message, /^Invalid definitions \(5 problems\):\n {2}- /);
    }
  });

  void it("rejects input without assets", () => {
    findProblem(problemsOf(() => defineDefinitions({} as never)), "defineDefinitions", /expects \{ assets/);
  });
});
