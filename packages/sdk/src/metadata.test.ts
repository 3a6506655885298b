/**
 * Tests of metadata normalisation and the meta constructors: inference, validation naming the
 * label, table previews cut with a note.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_TABLE_PREVIEW_ROWS, MetadataSchema } from "@flyt/core";
import { InvalidMetadataError, meta, normalizeMetadata } from "./metadata.js";

function metadataError(fn: () => unknown): InvalidMetadataError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidMetadataError, `expected InvalidMetadataError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected InvalidMetadataError");
}

void describe("normalizeMetadata()", () => {
  void it("refuses metadata over the per-event limit, naming the largest entry and what to do", () => {
    assert.throws(
      () => normalizeMetadata({ small: 1, blob: "x".repeat(600 * 1024) }),
      (error: unknown) => error instanceof InvalidMetadataError && /^Invalid metadata "blob"/.test(error.message) && /over the limit of 512 KiB .*attach its path or URL/.test(error.message),
    );
    assert.doesNotThrow(() => normalizeMetadata({ blob: "x".repeat(400 * 1024) }));
  });

  void it("infers plain values", () => {
    const when = new Date("2024-05-01T00:00:00Z");
    assert.deepEqual(normalizeMetadata({ n: 3, f: 1.5, s: "x", b: true, z: null, d: when, o: { a: [1] }, skipped: undefined }), {
      n: { type: "int", value: 3 },
      f: { type: "float", value: 1.5 },
      s: { type: "text", value: "x" },
      b: { type: "bool", value: true },
      z: { type: "null", value: null },
      d: { type: "timestamp", value: when.getTime() / 1000 },
      o: { type: "json", value: { a: [1] } },
    });
  });

  void it("passes typed values through, including Pipes-style objects", () => {
    const input = { u: meta.url("https://ssb.no"), m: { type: "markdown", value: "# hi" }, t: meta.tableSchema([{ name: "y", type: "int" }]) };
    const out = normalizeMetadata(input);
    assert.deepEqual(out, { u: { type: "url", value: "https://ssb.no" }, m: { type: "markdown", value: "# hi" }, t: input.t });
    assert.ok(MetadataSchema.safeParse(out).success);
  });

  void it("treats objects that only resemble typed values as json", () => {
    assert.deepEqual(normalizeMetadata({ o: { type: "int", value: 1, extra: true } }).o, { type: "json", value: { type: "int", value: 1, extra: true } });
  });

  void it("names the label of an invalid typed value", () => {
    assert.match(metadataError(() => normalizeMetadata({ rows: { type: "int", value: 1.5 } })).message, /^Invalid metadata "rows": .*integer/);
    assert.match(metadataError(() => normalizeMetadata({ r: { type: "float", value: Number.NaN } })).message, /"r": .*finite|"r": .*number/);
    assert.match(metadataError(() => normalizeMetadata({ f: () => 1 })).message, /"f": a function cannot be stored/);
    assert.match(metadataError(() => normalizeMetadata({ inf: Number.POSITIVE_INFINITY })).message, /"inf": .*finite/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.match(metadataError(() => normalizeMetadata({ c: circular })).message, /"c": contains a circular reference/);
    assert.match(metadataError(() => normalizeMetadata({ big: { nested: 10n } })).message, /"big": a bigint cannot be stored as JSON/);
    assert.match(metadataError(() => normalizeMetadata(["x"] as never)).message, /must be an object/);
  });

  void it("cuts a long table preview and notes the cut", () => {
    const rows = Array.from({ length: MAX_TABLE_PREVIEW_ROWS + 25 }, (_, i) => ({ i }));
    const out = normalizeMetadata({ preview: meta.table([{ name: "i", type: "int" }], rows) });
    const preview = out.preview;
    assert.ok(preview?.type === "table");
    assert.equal(preview.value.rows.length, MAX_TABLE_PREVIEW_ROWS);
    assert.deepEqual(preview.value.rows[0], { i: 0 });
    assert.deepEqual(out["preview (preview)"], { type: "text", value: `preview cut to the first ${MAX_TABLE_PREVIEW_ROWS} of ${rows.length} rows` });
    const short = normalizeMetadata({ p: meta.table([{ name: "i", type: "int" }], rows.slice(0, 3)) });
    assert.deepEqual(Object.keys(short), ["p"]);
  });
});

void describe("meta constructors", () => {
  void it("build typed values", () => {
    assert.deepEqual(meta.int(3), { type: "int", value: 3 });
    assert.deepEqual(meta.float(2), { type: "float", value: 2 });
    assert.deepEqual(meta.bool(false), { type: "bool", value: false });
    assert.deepEqual(meta.text("t"), { type: "text", value: "t" });
    assert.deepEqual(meta.path("/data/x.csv"), { type: "path", value: "/data/x.csv" });
    assert.deepEqual(meta.json({ a: 1 }), { type: "json", value: { a: 1 } });
    assert.deepEqual(meta.timestamp(1_700_000_000_000), { type: "timestamp", value: 1_700_000_000 });
    assert.deepEqual(meta.timestamp(new Date(2000)), { type: "timestamp", value: 2 });
  });
  void it("reject values of the wrong kind", () => {
    assert.throws(() => meta.int(1.5), /meta\.int.*safe integer/);
    assert.throws(() => meta.float(Number.NaN), /meta\.float.*finite/);
    assert.throws(() => meta.text(3 as never), /meta\.text.*string/);
    assert.throws(() => meta.tableSchema([{ name: "", type: "int" }]), /columns\[0\] needs a non-empty name/);
    assert.throws(() => meta.json(() => 1), /meta\.json/);
  });
});
