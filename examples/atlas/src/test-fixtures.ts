/**
 * Test helper: reads the recorded fixtures (ATLAS_FIXTURES_DIR or `examples/atlas/fixtures`) and
 * hands out fresh deep copies, so a test can derive a malformed variation without touching others;
 * and asserts that a malformed variation fails naming the field at fault.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "./errors.js";
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
export const SSB_13861_METADATA_FILE = "ssb/ssb_v0_table13861_get_metadata.json";
export const SSB_05300_TABLEINFO_FILE = "ssb/ssb_v2_table05300_tableinfo.json";
export const SSB_05300_METADATA_FILE = "ssb/ssb_v2_table05300_metadata_jsonstat2.json";
export const MET_NEWYORK_FILE = "met/met_locationforecast2_compact_newyork_2020-07-20_with_headers.json";
export const FROST_SOURCES_FILE = "met/frost_sources_v0_sample.json";
export const BRREG_SEARCH_FILE = "brreg/brreg_enheter_search_organisasjonsform-ASA_size5_page0.json";
export const BRREG_ENTITY_FILE = "brreg/brreg_enhet_923609016.json";

/** A malformed copy: `edit` changes a fresh copy of the fixture; the file is never touched. */
export function derive(relativePath: string, edit: (body: any) => void): any {
  const body = loadFixture(relativePath);
  edit(body);
  return body;
}

/** Asserts that `fn` throws a SourceDataError at JSON path `path` whose message matches `reason`. */
export function throwsAt(fn: () => unknown, path: string, reason: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SourceDataError, String(err));
    assert.equal(err.path, path, err.message);
    assert.match(err.message, reason);
    return true;
  });
}
