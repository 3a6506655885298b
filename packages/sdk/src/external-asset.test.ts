/**
 * externalAsset: deps on other locations' assets pass validation and are listed on the definitions;
 * upstreamAsset: the same when no local asset has the key, an ordinary local dep when one does.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidDefinitionsError } from "@flyt/core";
import { asset, defineDefinitions, externalAsset, multiAsset, upstreamAsset } from "./index.js";

describe("externalAsset", () => {
  it("lets an asset depend on another location's asset, listed once under externalAssets", () => {
    const forecast = externalAsset("atlas/met/bergen_forecast", { location: "atlas" });
    const a = asset({ key: "weather/umbrella", deps: [forecast], compute: () => undefined });
    const m = multiAsset({ name: "pair", assets: [{ key: "weather/x", deps: [forecast, "weather/umbrella"] }, { key: "weather/y" }], compute: () => undefined });
    const defs = defineDefinitions({ assets: [a, m] });
    assert.deepEqual(defs.graph.get("weather/umbrella")?.deps, ["atlas/met/bergen_forecast"]);
    assert.deepEqual(defs.externalAssets, [{ kind: "external-asset", key: "atlas/met/bergen_forecast", location: "atlas" }]);
  });

  it("still refuses an unknown dep that is not declared external", () => {
    const a = asset({ key: "weather/umbrella", deps: ["atlas/met/bergen_forecast"], compute: () => undefined });
    assert.throws(() => defineDefinitions({ assets: [a] }), /depends on unknown asset "atlas\/met\/bergen_forecast"/);
  });

  it("refuses bad keys, bad location names, a local asset declared external and two locations for one key", () => {
    assert.throws(() => externalAsset("a//b"), InvalidDefinitionsError);
    assert.throws(() => externalAsset("a/b", { location: "no spaces" }), /must be a location name/);
    const local = asset({ key: "w/a", compute: () => undefined });
    const b = asset({ key: "w/b", deps: [externalAsset("w/a")], compute: () => undefined });
    assert.throws(() => defineDefinitions({ assets: [local, b] }), /declared external but this location defines it/);
    const c = asset({ key: "w/c", deps: [externalAsset("x/y", { location: "one" })], compute: () => undefined });
    const d = asset({ key: "w/d", deps: [externalAsset("x/y", { location: "two" })], compute: () => undefined });
    assert.throws(() => defineDefinitions({ assets: [c, d] }), /declared with two locations: one and two/);
  });

  it("upstreamAsset is a local dep when this location defines the key, an external one otherwise", () => {
    const raw = asset({ key: "atlas/raw", compute: () => undefined });
    const model = asset({ key: "dbt/model", deps: [upstreamAsset("atlas/raw"), upstreamAsset(["other", "table"])], compute: () => undefined });
    const defs = defineDefinitions({ assets: [raw, model] });
    assert.deepEqual(defs.graph.get("dbt/model")?.deps, ["atlas/raw", "other/table"]);
    assert.deepEqual(defs.externalAssets, [{ kind: "external-asset", key: "other/table", location: null, localIfDefined: true }]);
    assert.throws(() => upstreamAsset("a//b"), /upstreamAsset\("a\/\/b"\)/);
  });
});
