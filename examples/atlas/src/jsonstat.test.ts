/**
 * The JSON-stat 2.0 reader against the real SSB responses (07221, 13861), and malformed
 * variations derived from them in each test.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseJsonStatDataset } from "./jsonstat.js";
import { SourceDataError } from "./errors.js";
import { loadFixture, SSB_07221_FILE, SSB_13861_FILE } from "./test-fixtures.js";

const product = (sizes: number[]) => sizes.reduce((a, b) => a * b, 1);

void describe("parseJsonStatDataset on SSB table 07221", () => {
  const body = loadFixture(SSB_07221_FILE);
  const dataset = parseJsonStatDataset("SSB table 07221", body);

  void it("yields one cell per combination of categories, as `size` says", () => {
    assert.deepEqual(body.size, [12, 3, 1, 8]);
    assert.equal(dataset.cells.length, product(body.size));
    assert.deepEqual(dataset.dimensions.map((d) => d.id), ["Region", "Boligtype", "ContentsCode", "Tid"]);
    assert.deepEqual(dataset.dimensions.map((d) => d.categories.length), body.size);
    assert.deepEqual(dataset.timeDimensions, ["Tid"]);
    assert.equal(dataset.updated, "2024-01-12T07:00:00Z");
  });

  void it("walks `value` in row-major order (last dimension fastest)", () => {
    const first = dataset.cells[0]!;
    assert.deepEqual(first.codes, { Region: "TOTAL", Boligtype: "01", ContentsCode: "Boligindeks", Tid: "2022K1" });
    assert.equal(first.value, 136.2);
    assert.equal(dataset.cells[1]!.codes["Tid"], "2022K2");
    assert.equal(dataset.cells[8]!.codes["Boligtype"], "02");
    // Bergen (region index 3), Eneboliger, 2023K3 (Tid index 6): cell 3·24 + 0·8 + 6 = 78.
    const bergen = dataset.cells.find((c) => c.codes["Region"] === "003" && c.codes["Boligtype"] === "01" && c.codes["Tid"] === "2023K3")!;
    assert.equal(bergen.value, 126.2);
    assert.equal(bergen.value, body.value[78]);
    assert.equal(bergen.labels["Region"], "Bergen");
    assert.equal(bergen.labels["Boligtype"], "Eneboliger");
    const last = dataset.cells[dataset.cells.length - 1]!;
    assert.deepEqual(last.labels, { Region: "Nord-Norge", Boligtype: "Blokkleiligheter", ContentsCode: "Prisindeks for brukte boliger", Tid: "2023K4" });
    assert.equal(last.value, 134.6);
  });

  void it("carries the sparse `status` onto the null cells", () => {
    const withStatus = dataset.cells.filter((c) => c.status !== null);
    assert.equal(withStatus.length, Object.keys(body.status).length);
    assert.ok(withStatus.every((c) => c.status === ".." && c.value === null));
    assert.equal(dataset.cells.filter((c) => c.value === null).length, body.value.filter((v: unknown) => v === null).length);
    // Innlandet (007) has no Småhus index at all.
    assert.ok(dataset.cells.filter((c) => c.codes["Region"] === "007" && c.codes["Boligtype"] === "02").every((c) => c.value === null));
  });
});

void describe("parseJsonStatDataset on SSB table 13861", () => {
  const body = loadFixture(SSB_13861_FILE);
  const dataset = parseJsonStatDataset("SSB table 13861", body);
  void it("reads another table shape generically", () => {
    assert.equal(dataset.cells.length, product(body.size));
    assert.equal(dataset.cells.length, 56);
    const gini = dataset.cells.find((c) => c.codes["NACE2007"] === "C" && c.codes["ContentsCode"] === "P90P10" && c.codes["Tid"] === "2022")!;
    assert.equal(gini.value, 2.3);
    assert.equal(gini.labels["NACE2007"], "Industri");
    assert.ok(dataset.cells.every((c) => c.status === null));
  });
});

void describe("alternative JSON-stat encodings, derived from 07221", () => {
  void it("accepts `index` as an array and `value` as a sparse object", () => {
    const body = loadFixture(SSB_07221_FILE);
    const reference = parseJsonStatDataset("07221", loadFixture(SSB_07221_FILE));
    const tid = body.dimension.Tid.category;
    tid.index = Object.keys(tid.index).sort((a, b) => tid.index[a] - tid.index[b]);
    body.value = Object.fromEntries((body.value as (number | null)[]).map((v, i) => [String(i), v]).filter(([, v]) => v !== null));
    const dataset = parseJsonStatDataset("07221", body);
    assert.deepEqual(dataset.cells, reference.cells);
  });
});

void describe("malformed responses derived from 07221 fail with the path at fault", () => {
  const cases: [string, (body: any) => void, RegExp][] = [
    ["a value cut off", (b) => b.value.pop(), /at value: has 287 entries but the product of size is 288/],
    ["a size that does not match the categories", (b) => (b.size[0] = 11), /dimension\.Region\.category\.index: has 12 categories but size says 11/],
    ["a dimension missing", (b) => delete b.dimension.Boligtype, /dimension\.Boligtype: is missing/],
    ["two categories at one position", (b) => (b.dimension.Tid.category.index["2023K4"] = 0), /dimension\.Tid\.category\.index\.(2022K1|2023K4): position 0 is also used/],
    ["a text value", (b) => (b.value[5] = "143.4"), /value\[5\]: "143\.4" is neither a number nor null/],
    ["version 1", (b) => (b.version = "1.0"), /at version: is "1\.0", expected "2\.0"/],
    ["a collection instead of a dataset", (b) => (b.class = "collection"), /at class/],
    ["sizes and ids of different length", (b) => b.size.pop(), /at size: must be an array with one size per id/],
    ["a status for a cell that does not exist", (b) => (b.status["288"] = ".."), /status\.288: is not a cell index in \[0, 288\)/],
  ];
  for (const [name, mutate, message] of cases) {
    void it(name, () => {
      const body = loadFixture(SSB_07221_FILE);
      mutate(body);
      assert.throws(
        () => parseJsonStatDataset("SSB table 07221", body),
        (err: unknown) => err instanceof SourceDataError && err.source === "SSB table 07221" && message.test(err.message),
      );
    });
  }
  void it("a body that is not an object", () => {
    assert.throws(() => parseJsonStatDataset("SSB table 07221", "<html>"), /SSB table 07221: invalid data at \$: is not a JSON object/);
  });
});
