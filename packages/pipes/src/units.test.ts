/**
 * Unit tests of the protocol pieces: param encoding, message parsing, metadata conversion and
 * the bounded line splitter.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter } from "./lines.js";
import { parseMessageLine } from "./messages.js";
import { convertPipesMetadata } from "./metadata.js";
import { decodeParam, encodeParam } from "./protocol.js";
import { buildContextData } from "./session.js";
import { recordingHost } from "./test-support.js";

void describe("protocol units", () => {
  void it("encodes params as base64 of zlib JSON and decodes them back; bad input is a clear error", () => {
    const value = { stdio: "stderr" };
    const encoded = encodeParam(value);
    assert.match(encoded, /^[A-Za-z0-9+/=]+$/);
    assert.deepEqual(decodeParam(encoded), value);
    assert.throws(() => decodeParam("bm90IHpsaWI="), /not base64 of zlib-compressed data/);
  });

  void it("builds context data with every key, time windows as ISO strings", () => {
    const { host } = recordingHost({
      partitionKey: "2024-01",
      partitionTimeWindow: { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2024-02-01T00:00:00Z") },
      retryNumber: 2,
    });
    assert.deepEqual(buildContextData(host, { a: 1 }), {
      asset_keys: ["atlas/ssb/raw"],
      code_version_by_asset_key: { "atlas/ssb/raw": "7" },
      provenance_by_asset_key: { "atlas/ssb/raw": null },
      partition_key: "2024-01",
      partition_key_range: { start: "2024-01", end: "2024-01" },
      partition_time_window: { start: "2024-01-01T00:00:00.000Z", end: "2024-02-01T00:00:00.000Z" },
      run_id: "run-1",
      job_name: null,
      retry_number: 2,
      extras: { a: 1 },
    });
  });

  void it("sends a run over several partitions as its range and whole window, with no single key", () => {
    const { host } = recordingHost({
      partitionKey: null,
      partitionKeyRange: { start: "2000", end: "2011" },
      partitionTimeWindow: { start: new Date("2000-01-01T00:00:00Z"), end: new Date("2012-01-01T00:00:00Z") },
    });
    const data = buildContextData(host, {});
    assert.equal(data.partition_key, null);
    assert.deepEqual(data.partition_key_range, { start: "2000", end: "2011" });
    assert.deepEqual(data.partition_time_window, { start: "2000-01-01T00:00:00.000Z", end: "2012-01-01T00:00:00.000Z" });
  });

  void it("parses messages and classifies non-messages and invalid ones", () => {
    const v = '"__dagster_pipes_version":"0.1"';
    assert.deepEqual(parseMessageLine(`{${v},"method":"log","params":{"message":"m","level":"WARNING"}}`), {
      kind: "message",
      version: "0.1",
      message: { method: "log", level: "warn", levelName: "WARNING", message: "m" },
    });
    assert.equal(parseMessageLine("hello").kind, "not-a-message");
    assert.equal(parseMessageLine('{"a":1}').kind, "not-a-message");
    assert.equal(parseMessageLine("[1,2]").kind, "not-a-message");
    const invalid = (line: string): string => {
      const parsed = parseMessageLine(line);
      assert.equal(parsed.kind, "invalid", line);
      return parsed.kind === "invalid" ? parsed.reason : "";
    };
    assert.match(invalid(`{${v},"method":"explode","params":{}}`), /unknown method "explode"/);
    assert.match(invalid(`{${v},"method":"log","params":[]}`), /params of log must be an object/);
    assert.match(invalid(`{${v},"method":"report_asset_check","params":{"check_name":"c","passed":"yes"}}`), /passed must be true or false/);
    assert.match(invalid(`{${v},"method":"report_asset_check","params":{"check_name":"c","passed":true,"severity":"FATAL"}}`), /severity must be/);
    assert.match(invalid(`{${v},"method":"log_external_stream","params":{"stream":"stdin","text":"x"}}`), /stream must be/);
    assert.match(invalid(`{${v},"method":"log","params":{"message":"cut`), /not valid JSON/);
    const closed = parseMessageLine(`{${v},"method":"closed","params":{"exception":{"name":"E","message":"m","stack":["a\\n"],"cause":{"name":"C","message":"c","stack":[]},"context":null}}}`);
    assert.ok(closed.kind === "message" && closed.message.method === "closed");
    assert.deepEqual(closed.message.exception, {
      name: "E",
      message: "m",
      stack: ["a\n"],
      cause: { name: "C", message: "c", stack: [], cause: null, context: null },
      context: null,
    });
  });

  void it("converts metadata per entry, keeping the good ones and describing the bad", () => {
    const { metadata, problems } = convertPipesMetadata({
      n: { raw_value: 3, type: "__infer__" },
      f: { raw_value: 3.5, type: "__infer__" },
      bare: "text without a wrapper",
      bad_int: { raw_value: 1.5, type: "int" },
      bad_type: { raw_value: 1, type: "decimal" },
      bad_schema: { raw_value: { columns: [{ name: "" }] }, type: "table_schema" },
    });
    assert.deepEqual(metadata, {
      n: { type: "int", value: 3 },
      f: { type: "float", value: 3.5 },
      bare: { type: "text", value: "text without a wrapper" },
    });
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /bad_int: int needs an integer/);
    assert.match(problems.join("\n"), /bad_type: unknown metadata type "decimal"/);
    assert.match(problems.join("\n"), /bad_schema: table_schema column 0 needs a non-empty name and type/);
    assert.deepEqual(convertPipesMetadata(null), { metadata: {}, problems: [] });
    assert.equal(convertPipesMetadata([1]).problems.length, 1);
  });

  void it("splits lines across chunks, handles CRLF and multi-byte characters split between chunks, drops oversized lines", () => {
    const lines: string[] = [];
    const oversized: number[] = [];
    const splitter = new LineSplitter(16, { line: (l) => lines.push(l), oversized: (b) => oversized.push(b) });
    const bytes = Buffer.from("ab\r\nøy\n0123456789abcdefXYZ\nlast", "utf8");
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    splitter.end();
    assert.deepEqual(lines, ["ab", "øy", "last"]);
    assert.deepEqual(oversized, [19]);
  });
});
