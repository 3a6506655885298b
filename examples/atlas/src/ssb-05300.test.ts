/**
 * SSB table 05300 through PxWebApi v2: the recorded table info and the metadata it links to
 * (JSON-stat 2.0 without values), their rows, the check that relates them (the recorded pair was
 * captured years apart, so it reports a difference), and the ingests through the store. Malformed
 * variants are derived from the fixtures in each test; every failure names the field at fault.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestCultureDimensions, ingestCultureTableInfo, TABLES } from "./pipeline.js";
import { createSources, type AtlasSources } from "./sources.js";
import { CULTURE_SOURCE, dimensionRows, dimensionsMatchTableInfo, parseTableInfo, parseTableMetadata } from "./ssb-05300.js";
import { AtlasStore } from "./store.js";
import { derive, FIXTURES_DIR, loadFixture, SSB_05300_METADATA_FILE, SSB_05300_TABLEINFO_FILE, throwsAt } from "./test-fixtures.js";

const root = mkdtempSync(join(tmpdir(), "atlas-05300-"));
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = { info: () => undefined, warn: () => undefined };


const info = parseTableInfo(CULTURE_SOURCE, loadFixture(SSB_05300_TABLEINFO_FILE), "05300");
const metadata = parseTableMetadata(CULTURE_SOURCE, loadFixture(SSB_05300_METADATA_FILE), "05300");

void describe("table 05300's table info", () => {
  void it("reads the periods, the time unit, the variables and the metadata link", () => {
    assert.deepEqual(
      { ...info, label: info.label.slice(0, 6) },
      {
        id: "05300",
        label: "05300:",
        updated: "2026-03-05T07:00:00Z",
        firstPeriod: "1991",
        lastPeriod: "2025",
        timeUnit: "Annual",
        variableNames: ["avstand", "kulturtilbud", "statistikkvariabel", "år"],
        subjectCode: "kf",
        source: "Statistisk sentralbyrå",
        metadataUrl: "https://data.ssb.no/api/pxwebapi/v2/tables/05300/metadata?lang=no",
      },
    );
  });

  void it("names the field when the table info is malformed, and follows no foreign metadata link", () => {
    const parse = (edit: (body: any) => void) => () => parseTableInfo(CULTURE_SOURCE, derive(SSB_05300_TABLEINFO_FILE, edit), "05300");
    throwsAt(parse((b) => (b.id = "05301")), "id", /is "05301", but table 05300 was asked for/);
    throwsAt(parse((b) => (b.timeUnit = "Yearly")), "timeUnit", /"Yearly" is not one of Annual, Quarterly, Monthly, Weekly, Other/);
    throwsAt(parse((b) => (b.updated = "5 March 2026")), "updated", /is not an ISO UTC time/);
    throwsAt(parse((b) => (b.lastPeriod = "1990")), "lastPeriod", /1990 is before firstPeriod 1991/);
    throwsAt(parse((b) => (b.links[2].href = "https://example.org/api/pxwebapi/v2/tables/05300/metadata")), "links[2].href", /Atlas follows no other link/);
    throwsAt(parse((b) => b.links.splice(2, 1)), "links", /has no link with rel "metadata"/);
    throwsAt(parse((b) => (b.variableNames = "avstand")), "variableNames", /is not a non-empty array of strings/);
  });
});

void describe("table 05300's metadata", () => {
  void it("reads four dimensions and their categories without values; Tid is time, nothing may be left out", () => {
    assert.deepEqual(
      metadata.dimensions.map((d) => [d.id, d.label, d.categories.length]),
      [
        ["Avstand1", "avstand", 6],
        ["Kulturtilbud", "kulturtilbud", 8],
        ["ContentsCode", "statistikkvariabel", 1],
        ["Tid", "år", 9],
      ],
    );
    assert.deepEqual(metadata.timeDimensions, ["Tid"]);
    assert.deepEqual(Object.values(metadata.elimination), [false, false, false, false]);
    const rows = dimensionRows(metadata);
    assert.equal(rows.length, 24);
    assert.deepEqual(rows.find((r) => r.dimension === "Kulturtilbud" && r.code === "07"), {
      dimension: "Kulturtilbud",
      dimension_label: "kulturtilbud",
      code: "07",
      label: "Folkebibliotek",
      position: 6,
      elimination: 0,
      is_time: 0,
    });
  });

  void it("names the field when the metadata is malformed", () => {
    const parse = (edit: (body: any) => void) => () => parseTableMetadata(CULTURE_SOURCE, derive(SSB_05300_METADATA_FILE, edit), "05300");
    throwsAt(parse((b) => (b.extension.px.tableid = "05301")), "extension.px.tableid", /is "05301", but table 05300 was asked for/);
    throwsAt(parse((b) => (b.size[1] = 7)), "dimension.Kulturtilbud.category.index", /has 8 categories but size says 7/);
    throwsAt(parse((b) => (b.dimension.Avstand1.extension.elimination = "no")), "dimension.Avstand1.extension.elimination", /"no" is not a boolean/);
    throwsAt(parse((b) => (b.role.time = [])), "role.time", /names 0 dimensions/);
    throwsAt(parse((b) => delete b.dimension.Tid), "dimension.Tid", /is missing \(listed in id\)/);
  });

  void it("differs from the recorded table info in its last period, which the check reports", () => {
    assert.deepEqual(dimensionsMatchTableInfo(dimensionRows(metadata), info), {
      matches: false,
      problems: ["the metadata's last period is 2021, the table info's 2025"],
    });
    assert.deepEqual(dimensionsMatchTableInfo(dimensionRows(metadata), { ...info, lastPeriod: "2021" }), { matches: true, problems: [] });
    assert.match(dimensionsMatchTableInfo(dimensionRows(metadata), { variableNames: ["avstand", "år"], lastPeriod: "2021" }).problems[0] ?? "", /variables \(avstand, kulturtilbud, statistikkvariabel, år\) are not the table info's \(avstand, år\)/);
  });
});

void describe("the 05300 ingests through the store", () => {
  const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });

  void it("stores the table info, then the dimensions from its metadata link", async () => {
    const store = new AtlasStore(join(root, "ok"));
    const urls: string[] = [];
    const spying: AtlasSources = { ...sources, ssbV2Metadata: (table, url, signal) => (urls.push(url), sources.ssbV2Metadata(table, url, signal)) };
    try {
      const table = await ingestCultureTableInfo({ sources: spying, store, log: quiet });
      assert.deepEqual(table["last_period"], { type: "text", value: "2025" });
      const dims = await ingestCultureDimensions({ sources: spying, store, log: quiet });
      assert.deepEqual(dims["rows"], { type: "int", value: 24 });
      assert.deepEqual(dims["cells"], { type: "int", value: 6 * 8 * 1 * 9 });
      assert.deepEqual(urls, ["https://data.ssb.no/api/pxwebapi/v2/tables/05300/metadata?lang=no"]);
      assert.equal(store.readTable(TABLES.cultureDimensions, "test").length, 24);
    } finally {
      store.close();
    }
  });
});
