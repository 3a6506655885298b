/**
 * Where the tests find the committed manifests (README.md beside this file says what each is).
 * The tests run from dist/, the JSON files stay in src/: paths are resolved from here to there.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type FixtureName = "cosmos_altered_jaffle_shop" | "jaffle_shop_dbt19_build" | "openlineage_build_jsonlog" | "openlineage_test_source";

/** Path of a committed fixture. */
export function fixturePath(name: FixtureName): string {
  return fileURLToPath(new URL(`../../../src/test-fixtures/manifests/${name}.json`, import.meta.url));
}

/** A fixture parsed as plain JSON, to derive a variation from (the file itself is never edited). */
export function fixtureJson(name: FixtureName): Record<string, any> {
  return JSON.parse(readFileSync(fixturePath(name), "utf8")) as Record<string, any>;
}
