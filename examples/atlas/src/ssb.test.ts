/**
 * Table 07221 per year, its PxWebApi query and the cleaning step, against the real fixture.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseJsonStatDataset } from "./jsonstat.js";
import {
  HOUSE_PRICE_SOURCE,
  HOUSE_PRICE_YEARS,
  cleanHousePriceRows,
  parsePxQuery,
  parseQuarter,
  quarterOfDate,
  quarterlyQueryForYear,
  rawColumns,
  rawRowsForYear,
  yearOfPeriod,
  yearsInDataset,
} from "./ssb.js";
import { SourceDataError } from "./errors.js";
import { loadFixture, SSB_07221_FILE, SSB_07221_QUERY_FILE } from "./test-fixtures.js";

const body = loadFixture(SSB_07221_FILE);
const dataset = parseJsonStatDataset(HOUSE_PRICE_SOURCE, body);
/** Cells per year: every category of every dimension but time, times the periods of that year. */
const periodsOf = (year: string) => Object.keys(body.dimension.Tid.category.index).filter((p) => p.startsWith(year));
const cellsPerPeriod = (body.size as number[]).slice(0, 3).reduce((a, b) => a * b, 1);

void describe("07221 by year", () => {
  void it("the partition years are exactly the years the fixture covers", () => {
    assert.deepEqual(yearsInDataset(dataset, HOUSE_PRICE_SOURCE), [...HOUSE_PRICE_YEARS]);
  });

  for (const year of HOUSE_PRICE_YEARS) {
    void it(`year ${year} has every cell of its four quarters`, () => {
      const rows = rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, year);
      assert.equal(periodsOf(year).length, 4);
      assert.equal(rows.length, cellsPerPeriod * 4);
      assert.equal(rows.length, 144);
      assert.ok(rows.every((r) => String(r["Tid"]).startsWith(`${year}K`)));
      assert.deepEqual(Object.keys(rows[0]!), rawColumns(dataset, HOUSE_PRICE_SOURCE));
    });
  }

  void it("keeps raw values, labels, nulls and status", () => {
    const rows = rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, "2023");
    const bergen = rows.find((r) => r["Region"] === "003" && r["Boligtype"] === "03" && r["Tid"] === "2023K3")!;
    assert.equal(bergen["value"], 124.2);
    assert.equal(bergen["Region_label"], "Bergen");
    assert.equal(bergen["Boligtype_label"], "Blokkleiligheter");
    assert.equal(bergen["status"], null);
    const missing = rows.filter((r) => r["value"] === null);
    assert.equal(missing.length, 12);
    assert.ok(missing.every((r) => r["status"] === ".." && r["Boligtype"] === "02"));
  });

  void it("a year the response does not cover fails with a clear message", () => {
    assert.throws(
      () => rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, "2024"),
      (err: unknown) =>
        err instanceof SourceDataError && /has no period in year 2024 \(the response covers 2022K1 … 2023K4\)/.test(err.message),
    );
  });

  void it("period codes map to years", () => {
    assert.equal(yearOfPeriod("2023K3"), "2023");
    assert.equal(yearOfPeriod("2023M07"), "2023");
    assert.equal(yearOfPeriod("2023"), "2023");
    assert.equal(yearOfPeriod("23K3"), null);
  });

  void it("a period code that is not a period fails", () => {
    const broken = loadFixture(SSB_07221_FILE);
    broken.dimension.Tid.category.index = { ...broken.dimension.Tid.category.index };
    delete broken.dimension.Tid.category.index["2023K4"];
    broken.dimension.Tid.category.index["Q4-2023"] = 7;
    assert.throws(() => yearsInDataset(parseJsonStatDataset(HOUSE_PRICE_SOURCE, broken), HOUSE_PRICE_SOURCE), /Q4-2023: is not a period code/);
  });
});

void describe("the PxWebApi v0 query for a year", () => {
  const base = parsePxQuery(HOUSE_PRICE_SOURCE, loadFixture(SSB_07221_QUERY_FILE));
  void it("narrows only the time selection to the year's quarters", () => {
    const query = quarterlyQueryForYear(base, "2023");
    assert.deepEqual(query.query.find((q) => q.code === "Tid")!.selection, { filter: "item", values: ["2023K1", "2023K2", "2023K3", "2023K4"] });
    assert.deepEqual(query.query.find((q) => q.code === "Region"), base.query.find((q) => q.code === "Region"));
    assert.equal(base.query.find((q) => q.code === "Tid")!.selection.values.length, 8);
    assert.deepEqual(query.query.map((q) => q.code), ["Region", "Boligtype", "ContentsCode", "Tid"]);
    assert.deepEqual(query.response, { format: "json-stat2" });
  });
  void it("rejects a malformed query body", () => {
    const broken = loadFixture(SSB_07221_QUERY_FILE);
    broken.query[1].selection.values = "01";
    assert.throws(() => parsePxQuery(HOUSE_PRICE_SOURCE, broken), /query\[1\]: must be/);
    assert.throws(() => quarterlyQueryForYear(base, "23"), /not a four-digit year/);
  });
});

void describe("cleaning 07221", () => {
  const raw = HOUSE_PRICE_YEARS.flatMap((y) => rawRowsForYear(dataset, HOUSE_PRICE_SOURCE, y));
  const result = cleanHousePriceRows(raw);
  const nulls = (body.value as unknown[]).filter((v) => v === null).length;

  void it("drops exactly the cells without a value", () => {
    assert.equal(nulls, 24);
    assert.equal(result.droppedMissing, nulls);
    assert.equal(result.rows.length, body.value.length - nulls);
    assert.equal(result.rows.length, 264);
  });

  void it("types and labels the rows", () => {
    const row = result.rows.find((r) => r.region_code === "003" && r.dwelling_type_code === "02" && r.quarter === "2023K3")!;
    assert.deepEqual(row, {
      region_code: "003",
      region: "Bergen",
      dwelling_type_code: "02",
      dwelling_type: "Småhus",
      quarter: "2023K3",
      year: 2023,
      quarter_number: 3,
      quarter_start: "2023-07-01",
      index_value: 124.9,
    });
    assert.deepEqual(result.rows[0], { ...result.rows[0]!, region_code: "001", dwelling_type_code: "01", quarter: "2022K1", index_value: 156.2 });
  });

  void it("rejects a raw row with a period that is not a quarter", () => {
    const broken = raw.map((r) => ({ ...r }));
    broken[3]!["Tid"] = "2022";
    assert.throws(() => cleanHousePriceRows(broken), /raw row 3: period "2022" is not a quarter/);
  });

  void it("quarters of dates", () => {
    assert.equal(quarterOfDate("2023-09-17"), "2023K3");
    assert.equal(quarterOfDate("2023-10-01"), "2023K4");
    assert.equal(quarterOfDate("2024-01-01"), "2024K1");
    assert.deepEqual(parseQuarter("2022K4"), { year: 2022, quarter: 4 });
    assert.equal(parseQuarter("2022K5"), null);
  });
});
