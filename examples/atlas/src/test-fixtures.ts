/**
 * Test helper: reads the recorded fixtures (ATLAS_FIXTURES_DIR or `examples/atlas/fixtures`) and
 * hands out fresh deep copies, so a test can derive a malformed variation without touching others.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultFixturesDir } from "./sources.js";

export const FIXTURES_DIR = process.env["ATLAS_FIXTURES_DIR"] ?? defaultFixturesDir();

export const SSB_07221_FILE = "ssb/ssb_v0_table07221_post_jsonstat2_response.json";
export const SSB_07221_QUERY_FILE = "ssb/ssb_v0_table07221_post_query.json";
export const SSB_13861_FILE = "ssb/ssb_v0_table13861_post_jsonstat2_response.json";
export const MET_BERGEN_FILE = "met/met_locationforecast2_compact_bergen_2023-09-17.json";
export const FROST_SN50540_FILE = "met/frost_observations_v0_SN50540_2022-04-01.json";

/** A fresh parsed copy of a fixture file. */
export function loadFixture(relativePath: string): any {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, relativePath), "utf8"));
}
