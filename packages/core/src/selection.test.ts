/**
 * Tests of the selection syntax: every term form, traversal depths on a diamond graph, unions,
 * whitespace, and each error (malformed, unknown key with did-you-mean, matches nothing).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AssetGraph, type AssetNodeSnapshot } from "./asset-graph.js";
import { didYouMean, editDistance } from "./did-you-mean.js";
import { InvalidSelectionError } from "./errors.js";
import { parseSelection, resolveSelection } from "./selection.js";

function node(key: string, deps: string[], extra: Partial<AssetNodeSnapshot> = {}): AssetNodeSnapshot {
  return {
    key,
    deps,
    description: null,
    group: "default",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: null,
    retryPolicy: null,
    stepKey: key,
    metadata: {},
    ...extra,
  };
}

/**
 * A diamond with a shortcut and a tail:
 *   top → left → bottom → tail
 *   top → right → mid → bottom
 *   top ------------→ bottom   (shortcut: depth 1 from bottom reaches top)
 */
const diamond = new AssetGraph([
  node("d/top", [], { group: "raw", owners: ["ada@x.no"], tags: { source: "ssb", tier: "1" }, kinds: ["typescript"] }),
  node("d/left", ["d/top"], { group: "raw", tags: { source: "ssb" } }),
  node("d/right", ["d/top"], { group: "staging", owners: ["bob@x.no"] }),
  node("d/mid", ["d/right"], { group: "staging", kinds: ["dbt"] }),
  node("d/bottom", ["d/left", "d/mid", "d/top"], { group: "marts", kinds: ["dbt"], tags: { tier: "2" } }),
  node("d/tail", ["d/bottom"], { group: "marts" }),
  node("2024_sales", []),
  node("2024", []),
]);

function select(expression: string): string[] {
  return [...resolveSelection(diamond, expression)];
}

function selectionError(expression: string): InvalidSelectionError {
  try {
    resolveSelection(diamond, expression);
  } catch (error) {
    assert.ok(error instanceof InvalidSelectionError, `expected InvalidSelectionError, got ${String(error)}`);
    assert.equal(error.selection, expression);
    return error;
  }
  assert.fail(`selection ${JSON.stringify(expression)} should have failed`);
}

void describe("selection terms", () => {
  void it("selects one key", () => {
    assert.deepEqual(select("d/mid"), ["d/mid"]);
  });
  void it("selects everything with *", () => {
    assert.equal(select("*").length, diamond.nodes.size);
  });
  void it("selects by group, owner and kind", () => {
    assert.deepEqual(select("group:staging"), ["d/mid", "d/right"]);
    assert.deepEqual(select("owner:bob@x.no"), ["d/right"]);
    const teams = new AssetGraph([node("t", [], { owners: ["team:atlas-data"] }), node("u", [])]);
    assert.deepEqual([...resolveSelection(teams, "owner:team:atlas-data")], ["t"]);
    assert.deepEqual(select("kind:dbt"), ["d/bottom", "d/mid"]);
  });
  void it("selects by tag with and without a value", () => {
    assert.deepEqual(select("tag:source=ssb"), ["d/left", "d/top"]);
    assert.deepEqual(select("tag:tier"), ["d/bottom", "d/top"]);
    assert.deepEqual(select("tag:tier=2"), ["d/bottom"]);
  });
  void it("accepts quoted attribute values", () => {
    const graph = new AssetGraph([node("a", [], { tags: { team: "data eng" } }), node("b", [])]);
    assert.deepEqual([...resolveSelection(graph, 'tag:team="data eng"')], ["a"]);
  });
  void it("unions terms with commas, deduplicated and sorted", () => {
    assert.deepEqual(select("d/tail,group:raw,d/top"), ["d/left", "d/tail", "d/top"]);
  });
  void it("tolerates whitespace around terms, commas and operators", () => {
    assert.deepEqual(select("  d/tail ,\tgroup: raw , + d/left  "), ["d/left", "d/tail", "d/top"]);
  });
});

void describe("selection traversal on a diamond", () => {
  void it("+key selects all upstream including the key", () => {
    assert.deepEqual(select("+d/bottom"), ["d/bottom", "d/left", "d/mid", "d/right", "d/top"]);
  });
  void it("key+ selects all downstream including the key", () => {
    assert.deepEqual(select("d/right+"), ["d/bottom", "d/mid", "d/right", "d/tail"]);
  });
  void it("+key+ selects both directions", () => {
    assert.deepEqual(select("+d/mid+"), ["d/bottom", "d/mid", "d/right", "d/tail", "d/top"]);
  });
  void it("+1key follows one level, counting the shortest path", () => {
    // d/top is a direct dep of d/bottom through the shortcut, so depth 1 reaches it.
    assert.deepEqual(select("+1d/bottom"), ["d/bottom", "d/left", "d/mid", "d/top"]);
  });
  void it("+2key reaches two levels", () => {
    assert.deepEqual(select("+2d/tail"), ["d/bottom", "d/left", "d/mid", "d/tail", "d/top"]);
    assert.deepEqual(select("+1d/tail"), ["d/bottom", "d/tail"]);
  });
  void it("key+1 and key+2 limit downstream depth", () => {
    assert.deepEqual(select("d/right+1"), ["d/mid", "d/right"]);
    assert.deepEqual(select("d/right+2"), ["d/bottom", "d/mid", "d/right"]);
    assert.deepEqual(select("d/top+1"), ["d/bottom", "d/left", "d/right", "d/top"]);
  });
  void it("+0key and key+0 do not traverse", () => {
    assert.deepEqual(select("+0d/bottom+0"), ["d/bottom"]);
  });
  void it("traverses from attribute terms too", () => {
    assert.deepEqual(select("+group:staging"), ["d/mid", "d/right", "d/top"]);
    assert.deepEqual(select("group:raw+1"), ["d/bottom", "d/left", "d/right", "d/top"]);
    assert.deepEqual(select("+1tag:tier=2"), ["d/bottom", "d/left", "d/mid", "d/top"]);
  });
  void it("reads +<digits><key> as a depth unless only the whole reading names an asset", () => {
    assert.deepEqual(select("+2024_sales"), ["2024_sales"]);
    assert.deepEqual(select("+2024"), ["2024"]);
    const parsed = parseSelection("+2d/tail");
    assert.equal(parsed[0]?.upstreamDepth, 2);
    assert.deepEqual(parsed[0]?.atom, { kind: "key", key: "d/tail" });
  });
});

void describe("selection errors", () => {
  void it("rejects an empty expression", () => {
    assert.match(selectionError("  ").message, /empty/);
  });
  void it("names the position of a malformed term", () => {
    const error = selectionError("d/top,,d/left");
    assert.match(error.message, /at position 7/);
    assert.match(error.message, /\n {2}d\/top,,d\/left\n {8}\^/);
  });
  void it("rejects a trailing comma", () => {
    assert.match(selectionError("d/top,").message, /expected a term after the last comma/);
  });
  void it("rejects junk between terms", () => {
    assert.match(selectionError("d/top d/left").message, /unexpected "d"; separate terms with commas \(at position 7\)/);
  });
  void it("rejects an unknown attribute with a suggestion", () => {
    assert.match(selectionError("gruop:raw").message, /unknown attribute "gruop:" \(did you mean "group"\?\)/);
  });
  void it("rejects a missing attribute value", () => {
    assert.match(selectionError("group:").message, /expected a value after group:/);
    assert.match(selectionError("tag:k=").message, /expected a value after tag:k=/);
  });
  void it("rejects an invalid key", () => {
    assert.match(selectionError("a//b").message, /"a\/\/b" is not a valid asset key/);
    assert.match(selectionError("d/top;").message, /unexpected ";"/);
  });
  void it("names an unknown key and suggests the closest", () => {
    const error = selectionError("d/top,d/botom");
    assert.match(error.message, /unknown asset key "d\/botom" \(did you mean "d\/bottom"\?\)/);
  });
  void it("suggests the full key when the prefix was left out", () => {
    assert.match(selectionError("tail").message, /did you mean "d\/tail"/);
  });
  void it("reports an attribute term that matches nothing", () => {
    assert.match(selectionError("group:stagin").message, /group:stagin matches no asset \(did you mean "group:staging"\?\)/);
    assert.match(selectionError("tag:source=ssbb").message, /tag:source=ssbb matches no asset \(did you mean "tag:source=ssb"\?\)/);
    assert.match(selectionError("owner:nobody").message, /owner:nobody matches no asset$/);
  });
  void it("reports * on an empty graph", () => {
    assert.throws(() => resolveSelection(new AssetGraph([]), "*"), /matches no asset/);
  });
});

void describe("did you mean", () => {
  void it("counts edits with transpositions as one", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("ab", "ba"), 1);
    assert.equal(editDistance("", "abc"), 3);
  });
  void it("suggests only plausible candidates", () => {
    assert.equal(didYouMean("atlas/ssb/populaton", ["atlas/ssb/population", "atlas/ngo/x"]), "atlas/ssb/population");
    assert.equal(didYouMean("zzzzzz", ["atlas/ssb/population"]), null);
  });
});
