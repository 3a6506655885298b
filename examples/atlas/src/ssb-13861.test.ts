/**
 * SSB table 13861 through PxWebApi v0: the recorded metadata (`GET`), the query Atlas builds from
 * it (Kjonn left out, as the metadata allows), the recorded JSON-stat answer checked against that
 * query, and the ingests of both through the store. Malformed metadata and answers are derived from
 * the fixtures in each test; every failure names the field at fault.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJsonStatDataset } from "./jsonstat.js";
import { ingestWageTable, ingestWageVariables, TABLES } from "./pipeline.js";
import { createSources, type AtlasSources } from "./sources.js";
import { buildPxQuery, checkAnswersQuery, metadataFromRows, parsePxTableMetadata, variableRows, WAGE_SELECTION, WAGE_SOURCE } from "./ssb-13861.js";
import { AtlasStore } from "./store.js";
import { derive, FIXTURES_DIR, loadFixture, SSB_13861_FILE, SSB_13861_METADATA_FILE, throwsAt } from "./test-fixtures.js";

const root = mkdtempSync(join(tmpdir(), "atlas-13861-"));
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = { info: () => undefined, warn: () => undefined };

const metadata = parsePxTableMetadata(WAGE_SOURCE, loadFixture(SSB_13861_METADATA_FILE));
const query = buildPxQuery(WAGE_SOURCE, metadata, WAGE_SELECTION);


void describe("table 13861's metadata and the query built from it", () => {
  void it("reads the four variables, their values and which may be left out", () => {
    assert.deepEqual(
      metadata.variables.map((v) => [v.code, v.values.length, v.elimination, v.time]),
      [
        ["NACE2007", 23, true, false],
        ["Kjonn", 3, true, false],
        ["ContentsCode", 2, false, false],
        ["Tid", 7, false, true],
      ],
    );
    assert.deepEqual(metadata.variables[1]!.values[2], { code: "2", text: "Kvinner" });
    assert.equal(variableRows(metadata).length, 23 + 3 + 2 + 7);
  });

  void it("selects four industries, both measures and every year, and leaves Kjonn out", () => {
    assert.deepEqual(query, {
      query: [
        { code: "NACE2007", selection: { filter: "item", values: ["A-Z", "A", "B", "C"] } },
        { code: "ContentsCode", selection: { filter: "item", values: ["Ginikoeffisient", "P90P10"] } },
        { code: "Tid", selection: { filter: "item", values: ["2016", "2017", "2018", "2019", "2020", "2021", "2022"] } },
      ],
      response: { format: "json-stat2" },
    });
    // The metadata survives the round trip through the variables table.
    assert.deepEqual(metadataFromRows(metadata.title, variableRows(metadata)), metadata);
  });

  void it("names the field when the metadata is malformed or no longer fits Atlas's selection", () => {
    const parse = (edit: (body: any) => void) => () => parsePxTableMetadata(WAGE_SOURCE, derive(SSB_13861_METADATA_FILE, edit));
    throwsAt(parse((b) => b.variables[0].valueTexts.pop()), "variables[0].valueTexts", /must be 23 strings, one per value/);
    throwsAt(parse((b) => (b.variables[2].code = "Contents Code")), "variables[2].code", /is not a variable code/);
    throwsAt(parse((b) => (b.variables[3].time = "yes")), "variables[3].time", /"yes" is not a boolean/);
    throwsAt(parse((b) => (b.variables[1].values[1] = "0")), "variables[1].values", /repeats a value code/);
    throwsAt(parse((b) => delete b.title), "title", /is missing/);
    throwsAt(parse((b) => (b.variables = {})), "variables", /is not a non-empty array/);

    const build = (edit: (body: any) => void) => () => buildPxQuery(WAGE_SOURCE, parsePxTableMetadata(WAGE_SOURCE, derive(SSB_13861_METADATA_FILE, edit)), WAGE_SELECTION);
    throwsAt(build((b) => (b.variables[1].elimination = false)), "variables[1].elimination", /variable Kjonn cannot be left out/);
    throwsAt(build((b) => b.variables[0].values.splice(3, 1) && b.variables[0].valueTexts.splice(3, 1)), "variables[0].values", /has no value "C" of NACE2007/);
    throwsAt(build((b) => b.variables.splice(2, 1)), "variables", /has no variable ContentsCode/);
  });
});

void describe("the recorded answer of table 13861", () => {
  const body = loadFixture(SSB_13861_FILE);
  const dataset = parseJsonStatDataset(WAGE_SOURCE, body);

  void it("holds exactly what the query selected: 4 industries × 2 measures × 7 years", () => {
    checkAnswersQuery(WAGE_SOURCE, dataset, query, "13861", body);
    assert.equal(dataset.cells.length, 56);
  });

  void it("names the dimension or category that does not answer the query", () => {
    const check = (edit: (body: any) => void) => () => {
      const derived = derive(SSB_13861_FILE, edit);
      checkAnswersQuery(WAGE_SOURCE, parseJsonStatDataset(WAGE_SOURCE, derived), query, "13861", derived);
    };
    throwsAt(check((b) => (b.extension.px.tableid = "07221")), "extension.px.tableid", /is "07221", but table 13861 was asked for/);
    // An answer split by sex: the query left Kjonn out.
    throwsAt(
      check((b) => {
        b.id.splice(1, 0, "Kjonn");
        b.size.splice(1, 0, 1);
        b.dimension.Kjonn = { label: "kjønn", category: { index: { "1": 0 }, label: { "1": "Menn" } } };
      }),
      "dimension.Kjonn",
      /was not asked for/,
    );
    throwsAt(
      check((b) => {
        b.dimension.NACE2007.category.index = { "A-Z": 0, A: 1, B: 2, D: 3 };
        b.dimension.NACE2007.category.label = { "A-Z": "Alle", A: "A", B: "B", D: "D" };
      }),
      "dimension.NACE2007.category.index.D",
      /is not a value the query selected for NACE2007/,
    );
    const fewerYears = { ...query, query: query.query.map((q) => (q.code === "Tid" ? { ...q, selection: { ...q.selection, values: [...q.selection.values, "2023"] } } : q)) };
    assert.throws(() => checkAnswersQuery(WAGE_SOURCE, dataset, fewerYears, "13861", body), /dimension\.Tid\.category\.index: lacks "2023", which the query selected/);
  });
});

void describe("the 13861 ingests through the store", () => {
  const sources = createSources({ mode: "fixtures", fixturesDir: FIXTURES_DIR, userAgent: "test" });

  void it("stores the variables, then queries the table from them and stores every cell", async () => {
    const store = new AtlasStore(join(root, "ok"));
    try {
      const variables = await ingestWageVariables({ sources, store, log: quiet });
      assert.deepEqual(variables["rows"], { type: "int", value: 35 });
      assert.deepEqual(variables["eliminated"], { type: "text", value: "Kjonn" });
      const raw = await ingestWageTable({ sources, store, log: quiet });
      assert.deepEqual(raw["rows"], { type: "int", value: 56 });
      assert.deepEqual(raw["missing_values"], { type: "int", value: 0 });
      assert.deepEqual(raw["source_updated"], { type: "timestamp", value: Date.parse("2023-02-02T07:00:00Z") / 1000 });
      const first = store.readTable(TABLES.wageRaw, "test", "rowid")[0];
      assert.deepEqual(first, { NACE2007: "A-Z", NACE2007_label: "Alle næringer", ContentsCode: "Ginikoeffisient", ContentsCode_label: "Ginikoeffisient", Tid: "2016", Tid_label: "2016", value: 0.205, status: null });
    } finally {
      store.close();
    }
  });

  void it("needs the variables first, and fails naming the field when the answer is malformed", async () => {
    const store = new AtlasStore(join(root, "bad"));
    try {
      await assert.rejects(ingestWageTable({ sources, store, log: quiet }), /Table ssb_13861_variables does not exist .*materialize atlas\/ssb\/wage_inequality_variables first/);
      await ingestWageVariables({ sources, store, log: quiet });
      const answering = (body: unknown): AtlasSources => ({ ...sources, ssbTable: async () => ({ body, url: "https://data.ssb.no/api/v0/no/table/13861/", fixture: null }) });
      const noValues = derive(SSB_13861_FILE, (b) => (b.value = b.value.slice(1)));
      await assert.rejects(ingestWageTable({ sources: answering(noValues), store, log: quiet }), /SSB table 13861: invalid data at value: has 55 entries but the product of size is 56/);
    } finally {
      store.close();
    }
  });
});
