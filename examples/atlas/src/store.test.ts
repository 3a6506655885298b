/**
 * The data folder helpers on a real SQLite file in a temp folder: whole-table and per-partition
 * replacement, the shape guard, and the metadata built from a table.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AtlasStore, resolveDataDir, tableMetadata, type ColumnSpec } from "./store.js";

const dir = mkdtempSync(join(tmpdir(), "atlas-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const columns: ColumnSpec[] = [
  { name: "year", type: "TEXT" },
  { name: "n", type: "INTEGER", description: "a count" },
  { name: "x", type: "REAL" },
];

void describe("AtlasStore", () => {
  void it("replaces one partition and leaves the others", () => {
    const store = new AtlasStore(join(dir, "a"));
    store.replacePartition("t", columns, "year", "2022", [{ year: "2022", n: 1, x: 1.5 }, { year: "2022", n: 2, x: null }]);
    store.replacePartition("t", columns, "year", "2023", [{ year: "2023", n: 3, x: 2.5 }]);
    store.replacePartition("t", columns, "year", "2022", [{ year: "2022", n: 9, x: 0.5 }]);
    assert.deepEqual(store.readTable("t", "x", "year, n"), [{ year: "2022", n: 9, x: 0.5 }, { year: "2023", n: 3, x: 2.5 }]);
    assert.throws(() => store.replacePartition("t", [...columns, { name: "y", type: "TEXT" }], "year", "2022", []), /Table t in .* has columns \(year TEXT, n INTEGER, x REAL\) but this write has/);
    assert.equal(store.readTable("t", "x").length, 2);
    store.close();
    assert.ok(existsSync(join(dir, "a", "atlas.sqlite")));
  });

  void it("replaces a whole table and reads it from a second connection", () => {
    const store = new AtlasStore(join(dir, "b"));
    store.replaceTable("t", columns, [{ year: "2022", n: 1, x: 1 }]);
    store.replaceTable("t", columns, [{ year: "2023", n: 2, x: 2 }]);
    const other = new AtlasStore(join(dir, "b"));
    assert.deepEqual(other.readTable("t", "x"), [{ year: "2023", n: 2, x: 2 }]);
    assert.throws(() => other.readTable("missing", "atlas/ssb/thing"), /Table missing does not exist in .*: materialize atlas\/ssb\/thing first/);
    assert.throws(() => store.replaceTable("t; DROP TABLE t", columns, []), /not a safe SQL identifier/);
    store.close();
    other.close();
  });

  void it("writes JSON atomically", () => {
    const store = new AtlasStore(join(dir, "c"));
    const path = store.writeJson("serving/x.json", { a: 1 });
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { a: 1 });
  });

  void it("writes NDJSON atomically with every column on every line, and reads it back", () => {
    const store = new AtlasStore(join(dir, "d"));
    const path = store.writeNdjson("landing/t/2022.ndjson", columns, [{ x: 1.5, year: "2022", n: 1 }, { year: "2022" }]);
    assert.equal(readFileSync(path, "utf8"), '{"year":"2022","n":1,"x":1.5}\n{"year":"2022","n":null,"x":null}\n');
    assert.deepEqual(readdirSync(join(dir, "d", "landing", "t")), ["2022.ndjson"], "no temp file left");
    store.writeNdjson("landing/t/2022.ndjson", columns, []);
    assert.equal(readFileSync(path, "utf8"), "");
    store.writeNdjson("landing/t/2022.ndjson", columns, [{ year: "2023", n: 2, x: null }]);
    assert.deepEqual(store.readNdjson("landing/t/2022.ndjson", "x"), [{ year: "2023", n: 2, x: null }]);
    assert.throws(() => store.readNdjson("missing.ndjson", "atlas/serving/thing"), /missing\.ndjson does not exist: materialize atlas\/serving\/thing first/);
  });

  void it("builds row count, schema, preview and path metadata", () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ year: "2022", n: i, x: i / 2 }));
    const m = tableMetadata("/d/atlas.sqlite", "t", columns, rows);
    assert.deepEqual(m["rows"], { type: "int", value: 8 });
    assert.deepEqual(m["schema"], { type: "table_schema", value: { columns: [{ name: "year", type: "string" }, { name: "n", type: "int", description: "a count" }, { name: "x", type: "float" }] } });
    const preview = m["preview"]!;
    assert.equal(preview.type, "table");
    assert.equal(preview.type === "table" ? preview.value.rows.length : -1, 5);
    assert.deepEqual(m["path"], { type: "path", value: "/d/atlas.sqlite" });
  });

  void it("resolves the data folder: ATLAS_DATA_DIR or examples/atlas/data", () => {
    assert.equal(resolveDataDir("/tmp/x"), "/tmp/x");
    assert.match(resolveDataDir(""), /examples\/atlas\/data$/);
  });
});
