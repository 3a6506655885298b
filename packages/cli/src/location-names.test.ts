/**
 * Location names of `-f` files: one rule for every command, so `flyt dev`, `flyt daemon -f`,
 * `flyt materialize` and `flyt schedules` give the same schedule the same id.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { locationForFile, locationNameForFile, locationNamesForFiles } from "./location-names.js";

void describe("location names of definitions files", () => {
  void it("uses the folder for definitions/index files and the stem otherwise", () => {
    assert.equal(locationNameForFile("/repo/examples/atlas/definitions.ts"), "atlas");
    assert.equal(locationNameForFile("/repo/app/index.mjs"), "app");
    assert.equal(locationNameForFile("/repo/jobs/nightly.ts"), "nightly");
    assert.equal(locationNameForFile("/repo/my app/weird name!.ts"), "weird_name_");
  });

  void it("makes names unique in the order given, around names already taken", () => {
    assert.deepEqual(locationNamesForFiles(["/a/atlas/definitions.ts", "/b/atlas/definitions.ts", "/c/atlas.ts"]), ["atlas", "atlas_2", "atlas_3"]);
    assert.deepEqual(locationNamesForFiles(["/a/atlas/definitions.ts"], new Set(["atlas"])), ["atlas_2"]);
  });

  void it("keeps flyt.yaml's name for a file it lists", () => {
    const configured = [{ name: "ingest", file: "/repo/examples/atlas/definitions.ts" }, { name: "remote", url: "http://x:4000" }];
    assert.equal(locationForFile(configured, "/repo/examples/atlas/definitions.ts"), "ingest");
    assert.equal(locationForFile(configured, "/repo/jobs/nightly.ts"), "nightly");
  });
});
