/** Asset checks: declaration-time validation, attachment to node snapshots, definitions-level problems. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidDefinitionsError } from "@flyt/core";
import { asset } from "./asset.js";
import { check, normalizeCheckResult } from "./checks.js";
import { defineDefinitions } from "./definitions.js";
import { resource } from "./resources.js";

const compute = (): void => undefined;
const evaluate = (): boolean => true;

test("check() fills defaults and refuses bad specs naming the field", () => {
  const c = check({ asset: ["atlas", "a"], name: "rows", evaluate });
  assert.equal(c.assetKey, "atlas/a");
  assert.equal(c.severity, "error");
  assert.equal(c.blocking, false);
  assert.equal(c.description, null);
  assert.match(c.definedAt ?? "", /checks\.test\.js:\d+/);
  assert.throws(() => check({ asset: "a", name: "has space", evaluate }), (e: unknown) => e instanceof InvalidDefinitionsError && /name/.test(e.message));
  assert.throws(() => check({ asset: "a", name: "x", severity: "fatal" as "error", evaluate }), /severity must be one of "warn", "error"/);
  assert.throws(() => check({ asset: "a", name: "x", evaluate: 3 } as never), /evaluate must be a function/);
  assert.equal(check({ asset: "a", name: "reported" }).evaluate, null, "without evaluate, the asset's step reports the check");
  assert.throws(() => check({ asset: "a", name: "x", resources: ["db"] }), /a check without evaluate \(reported by its asset's step\) takes none/);
  assert.throws(() => check({ asset: "a", name: "x", evaluate, bloking: true } as never), /unknown field "bloking".*blocking/);
  assert.throws(() => check({ asset: "A B", name: "x", evaluate }), /not a valid asset key/);
});

test("defineDefinitions attaches checks to their asset's snapshot", () => {
  const a = asset({ key: "a", compute });
  const b = asset({ key: "b", deps: [a], compute });
  const defs = defineDefinitions({
    assets: [a, b],
    checks: [
      check({ asset: "a", name: "rows", blocking: true, description: "at least one row", evaluate }),
      check({ asset: "a", name: "no_nulls", severity: "warn", evaluate }),
    ],
  });
  assert.deepEqual(defs.graph.get("a")?.checks, [
    { name: "rows", severity: "error", blocking: true, description: "at least one row" },
    { name: "no_nulls", severity: "warn", blocking: false, description: null },
  ]);
  assert.equal(defs.graph.get("b")?.checks, undefined);
  assert.equal(defs.checks?.length, 2);
});

test("defineDefinitions reports unknown assets, duplicate names and missing resources together", () => {
  const a = asset({ key: "atlas/population", compute });
  const err = (() => {
    try {
      defineDefinitions({
        assets: [a],
        resources: { db: resource({ config: {}, create: () => 1 }) },
        checks: [
          check({ asset: "atlas/populaton", name: "rows", evaluate }),
          check({ asset: "atlas/population", name: "rows", evaluate }),
          check({ asset: "atlas/population", name: "rows", evaluate }),
          check({ asset: "atlas/population", name: "nulls", resources: ["dbb"], evaluate }),
          { kind: "nope" } as never,
        ],
      });
    } catch (error) {
      return error;
    }
    return null;
  })();
  assert.ok(err instanceof InvalidDefinitionsError);
  assert.match(err.message, /check "atlas\/populaton:rows".*unknown asset "atlas\/populaton".*did you mean "atlas\/population"/);
  assert.match(err.message, /check "atlas\/population:rows".*two checks of this asset have this name/);
  assert.match(err.message, /needs resource "dbb".*did you mean "db"/);
  assert.match(err.message, /checks\[4\].*is not a check definition/);
});

test("normalizeCheckResult accepts booleans and { passed }, refuses the rest", () => {
  assert.deepEqual(normalizeCheckResult(false, "a:x"), { passed: false, metadata: {}, description: undefined });
  assert.deepEqual(normalizeCheckResult({ passed: true, metadata: { rows: 3 }, description: "ok" }, "a:x"), { passed: true, metadata: { rows: 3 }, description: "ok" });
  assert.throws(() => normalizeCheckResult("yes", "a:x"), /check a:x must return a boolean/);
  assert.throws(() => normalizeCheckResult({ passed: true, metadata: [1] }, "a:x"), /metadata/);
});
