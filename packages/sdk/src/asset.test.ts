/**
 * Tests of asset() and multiAsset(): defaults, key and dep forms, retry normalisation,
 * declaration sites, and the messages of invalid specs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { asset } from "./asset.js";
import { multiAsset } from "./multi-asset.js";
import { defineDefinitions } from "./definitions.js";
import { dailyPartitions, staticPartitions } from "@flyt/partitions";
import { meta } from "./metadata.js";
import { findProblem, problemsOf } from "@flyt/partitions/testing";
import type { AssetSpec } from "./types.js";

const noop = (): void => undefined;

void describe("asset()", () => {
  void it("fills defaults and uses the asset key as step key", () => {
    const def = asset({ key: "atlas/ssb/population", compute: noop });
    assert.equal(def.step.stepKey, "atlas/ssb/population");
    assert.deepEqual(def.step.assetKeys, ["atlas/ssb/population"]);
    assert.equal(def.step.multi, false);
    assert.equal(def.step.partitions, null);
    assert.equal(def.step.retryPolicy, null);
    assert.deepEqual(def.step.resourceKeys, []);
    assert.equal(def.step.compute, noop);
    const [node] = def.nodes;
    assert.deepEqual(node, {
      key: "atlas/ssb/population",
      deps: [],
      description: null,
      group: "default",
      owners: [],
      tags: {},
      kinds: [],
      codeVersion: null,
      partitions: null,
      retryPolicy: null,
      stepKey: "atlas/ssb/population",
      metadata: {},
    });
  });

  void it("records where it was declared", () => {
    const def = asset({ key: "a", compute: noop });
    assert.match(def.step.definedAt ?? "", /asset\.test\.js:\d+$/);
  });

  void it("accepts keys as arrays and deps as strings, arrays and definitions", () => {
    const up = asset({ key: ["atlas", "up"], compute: noop });
    const multi = multiAsset({ name: "pair", assets: [{ key: "m/one" }, { key: "m/two" }], compute: noop });
    const def = asset({ key: ["atlas", "down"], deps: ["x/y", ["z", "w"], up, multi, "x/y"], compute: noop });
    assert.equal(def.step.stepKey, "atlas/down");
    assert.deepEqual(def.nodes[0]?.deps, ["x/y", "z/w", "atlas/up", "m/one", "m/two"]);
  });

  void it("normalises the retry policy with defaults", () => {
    const def = asset({ key: "a", retryPolicy: { maxRetries: 2 }, compute: noop });
    assert.deepEqual(def.step.retryPolicy, { maxRetries: 2, delayMs: 1000, backoff: "exponential", maxDelayMs: null });
    assert.deepEqual(def.nodes[0]?.retryPolicy, def.step.retryPolicy);
    const custom = asset({ key: "b", retryPolicy: { maxRetries: 1, delayMs: 10, backoff: "linear", maxDelayMs: 50 }, compute: noop });
    assert.deepEqual(custom.step.retryPolicy, { maxRetries: 1, delayMs: 10, backoff: "linear", maxDelayMs: 50 });
  });

  void it("keeps the given attributes, the partitions snapshot and normalised metadata", () => {
    const partitions = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
    const def = asset({
      key: "atlas/x",
      description: "X",
      group: "ssb",
      owners: ["ada@atlas.no"],
      tags: { source: "ssb", "atlas/tier": "1" },
      kinds: ["typescript", "typescript"],
      codeVersion: "v2",
      partitions,
      resources: ["ssb", "ssb"],
      metadata: { table: "08764", schema: meta.tableSchema([{ name: "year", type: "int" }]) },
      compute: noop,
    });
    const node = def.nodes[0]!;
    assert.equal(node.group, "ssb");
    assert.deepEqual(node.tags, { source: "ssb", "atlas/tier": "1" });
    assert.deepEqual(node.kinds, ["typescript"]);
    assert.deepEqual(node.partitions, partitions.snapshot());
    assert.equal(def.step.partitions, partitions);
    assert.deepEqual(def.step.resourceKeys, ["ssb"]);
    assert.deepEqual(node.metadata.table, { type: "text", value: "08764" });
    assert.ok(Object.isFrozen(def) && Object.isFrozen(node));
  });

  void it("names the asset key and field of an invalid retry policy", () => {
    const problems = problemsOf(() => asset({ key: "atlas/ssb/x", retryPolicy: { maxRetries: -1 }, compute: noop }));
    const problem = findProblem(problems, 'asset "atlas/ssb/x"', /^retryPolicy\.maxRetries must be an integer ≥ 0/);
    assert.match(problem.message, /declared at .*asset\.test\.js:\d+\)$/);
    findProblem(
      problemsOf(() => asset({ key: "atlas/ssb/x", retryPolicy: { maxRetries: 1.5, backoff: "random" as "linear" }, compute: noop })),
      'asset "atlas/ssb/x"',
      /^retryPolicy\.backoff must be one of "constant", "linear", "exponential", got "random"/,
    );
  });

  void it("rejects an invalid key, naming the segment", () => {
    findProblem(problemsOf(() => asset({ key: "atlas/ssb x", compute: noop })), 'asset "atlas/ssb x"', /key "atlas\/ssb x" is not a valid asset key: segment "ssb x"/);
    findProblem(problemsOf(() => asset({ key: "atlas//x", compute: noop })), 'asset "atlas//x"', /segment ""/);
  });

  void it("reports every problem at once, with did-you-mean for unknown fields", () => {
    const spec = { key: "a", grup: "x", owners: [""], compute: 3 } as unknown as AssetSpec;
    const problems = problemsOf(() => asset(spec));
    findProblem(problems, 'asset "a"', /^unknown field "grup" \(did you mean "group"\?\)/);
    findProblem(problems, 'asset "a"', /^compute must be a function/);
    findProblem(problems, 'asset "a"', /^owners\[0\] must not be empty/);
  });

  void it("rejects a missing key and a self-dependency", () => {
    findProblem(problemsOf(() => asset({ compute: noop } as unknown as AssetSpec)), 'asset "(missing key)"', /^key is required/);
    findProblem(problemsOf(() => asset({ key: "a/b", deps: ["a/b"], compute: noop })), 'asset "a/b"', /cannot depend on itself/);
  });

  void it("rejects invalid deps, partitions and metadata", () => {
    findProblem(problemsOf(() => asset({ key: "a", deps: ["ok", "bad key"], compute: noop })), 'asset "a"', /^deps\[1\] "bad key" is not a valid asset key/);
    findProblem(
      problemsOf(() => asset({ key: "a", partitions: { kind: "static" } as never, compute: noop })),
      'asset "a"',
      /^partitions must be a partitions definition/,
    );
    findProblem(problemsOf(() => asset({ key: "a", metadata: { n: { type: "int", value: 1.5 } }, compute: noop })), 'asset "a"', /^metadata "n":/);
    findProblem(problemsOf(() => asset({ key: "a", group: "has space", compute: noop })), 'asset "a"', /^group may only contain/);
  });
});

void describe("multiAsset()", () => {
  void it("makes one step for several assets, with shared and per-asset attributes", () => {
    const partitions = staticPartitions(["oslo", "bergen"]);
    const def = multiAsset({
      name: "ssb_tables",
      group: "ssb",
      owners: ["ada@atlas.no"],
      partitions,
      retryPolicy: { maxRetries: 1 },
      resources: ["ssb"],
      assets: [{ key: "atlas/ssb/a", deps: ["raw/a"] }, { key: ["atlas", "ssb", "b"], group: "other", owners: [] }],
      compute: noop,
    });
    assert.equal(def.step.stepKey, "ssb_tables");
    assert.equal(def.step.multi, true);
    assert.deepEqual(def.step.assetKeys, ["atlas/ssb/a", "atlas/ssb/b"]);
    assert.deepEqual(def.step.resourceKeys, ["ssb"]);
    assert.deepEqual(
      def.nodes.map((n) => [n.key, n.stepKey, n.group, n.owners, n.deps, n.partitions?.kind, n.retryPolicy?.delayMs]),
      [
        ["atlas/ssb/a", "ssb_tables", "ssb", ["ada@atlas.no"], ["raw/a"], "static", 1000],
        ["atlas/ssb/b", "ssb_tables", "other", [], [], "static", 1000],
      ],
    );
  });

  void it("rejects a name equal to one of its keys and duplicate keys, and accepts deps between its own assets", () => {
    const problems = problemsOf(() =>
      multiAsset({ name: "x/a", assets: [{ key: "x/a" }, { key: "x/b", deps: ["x/a"] }, { key: "x/b" }], compute: noop }),
    );
    findProblem(problems, 'multi-asset "x/a"', /name "x\/a" is also the key of one of its assets/);
    findProblem(problems, 'multi-asset "x/a"', /assets\[2\]\.key "x\/b" is listed twice/);
    assert.ok(!problems.some((p) => /same multi-asset/.test(p.message)));
    const chain = multiAsset({ name: "chain", assets: [{ key: "c/a" }, { key: "c/b", deps: ["c/a"] }], compute: noop });
    assert.deepEqual(defineDefinitions({ assets: [chain] }).graph.get("c/b")?.deps, ["c/a"]);
  });

  void it("refuses a multi-asset that would run both before and after another step (a step cycle through its assets)", () => {
    const split = multiAsset({ name: "split", assets: [{ key: "s/first" }, { key: "s/last", deps: ["s/middle"] }], compute: noop });
    const middle = asset({ key: "s/middle", deps: ["s/first"], compute: noop });
    findProblem(problemsOf(() => defineDefinitions({ assets: [split, middle] })), 'multi-asset "split"', /steps depend on each other in a cycle: split → s\/middle → split/);
  });

  void it("rejects an empty asset list and a bad member field", () => {
    findProblem(problemsOf(() => multiAsset({ name: "m", assets: [], compute: noop })), 'multi-asset "m"', /^assets must list at least one asset/);
    findProblem(
      problemsOf(() => multiAsset({ name: "m", assets: [{ key: "a", kinds: ["has space"] }], compute: noop })),
      'multi-asset "m"',
      /^assets\[0\]\.kinds\[0\] must be a non-empty word/,
    );
  });
});
