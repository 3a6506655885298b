/**
 * Fuzzing the Pipes message reader with fast-check: random and mutated Dagster Pipes message lines
 * (every method, params of the right and the wrong types, cut and spliced JSON, random bytes)
 * through `parseMessageLine`, `LineSplitter` and `PipesMessageReader` (the session's message side).
 *
 * Properties: nothing throws, whatever the line; a valid stream cut into random byte chunks (also
 * inside multi-byte UTF-8 characters and between `\r` and `\n`) gives exactly the events, output
 * and result of the same stream pushed whole; a line over the limit is dropped and reported as
 * oversized, never buffered past `maxMessageBytes`. Seeds are fixed (see fuzzParams below; a
 * failure prints the seed and path, FLYT_FUZZ_SEED / FLYT_FUZZ_PATH replay it).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { LineSplitter } from "./lines.js";
import { parseMessageLine } from "./messages.js";
import { PIPES_METHODS } from "./protocol.js";
import { PipesMessageReader } from "./session.js";
import { recordingHost } from "./test-support.js";

/** The fuzz settings shared with the webserver's suites (packages/webserver/src/fuzz-support.ts). */
function fuzzParams<T>(seed: number, numRuns: number): fc.Parameters<T> {
  const fromEnv = process.env.FLYT_FUZZ_SEED;
  const path = process.env.FLYT_FUZZ_PATH;
  const factor = Number(process.env.FLYT_FUZZ_RUNS ?? "1");
  return {
    seed: fromEnv ? Number(fromEnv) : seed,
    numRuns: Math.max(1, Math.round(numRuns * (factor > 0 ? factor : 1))),
    ...(path ? { path } : {}),
    includeErrorInReport: true,
  };
}

const VERSION = "__dagster_pipes_version";
const anyJson = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), fc.constantFrom("", "é漢🙂", "\u0000", "line\nbreak", "\r"));
const metadataEntry = fc.oneof(
  fc.record({ raw_value: fc.integer(), type: fc.constant("int") }),
  fc.record({ raw_value: fc.double(), type: fc.constant("float") }),
  fc.record({ raw_value: text, type: fc.constantFrom("text", "url", "path", "md", "notebook", "asset", "dagster_run") }),
  fc.record({ raw_value: anyJson, type: fc.constantFrom("json", "__infer__", "table", "table_schema", "timestamp", "bool", "null", "table_column_lineage", "nope") }),
  anyJson,
);
const metadata = fc.oneof(fc.constant(null), fc.dictionary(fc.string({ maxLength: 10 }), metadataEntry, { maxKeys: 4 }), anyJson);
const exception = fc.oneof(fc.constant(null), anyJson, fc.record({ name: fc.oneof(text, anyJson), message: fc.oneof(text, anyJson), stack: fc.oneof(fc.array(text), text, anyJson) }, { requiredKeys: [] }));
const assetKey = fc.oneof(fc.constant(null), fc.constantFrom("atlas/ssb/raw", "not/mine", ""), anyJson);

/** params of each method, mostly well-formed, with wrong types mixed in. */
const params: Record<(typeof PIPES_METHODS)[number], fc.Arbitrary<unknown>> = {
  opened: fc.record({ extras: fc.oneof(anyJson, fc.dictionary(fc.string(), anyJson)) }, { requiredKeys: [] }),
  closed: fc.record({ exception }, { requiredKeys: [] }),
  log: fc.record({ message: fc.oneof(text, anyJson), level: fc.oneof(fc.constantFrom("INFO", "WARNING", "ERROR", "CRITICAL", "DEBUG", "info", "fatal"), anyJson) }, { requiredKeys: [] }),
  report_asset_materialization: fc.record({ asset_key: assetKey, data_version: fc.oneof(fc.constant(null), text, anyJson), metadata }, { requiredKeys: [] }),
  report_asset_check: fc.record(
    { asset_key: assetKey, check_name: fc.oneof(text, anyJson), passed: fc.oneof(fc.boolean(), anyJson), severity: fc.oneof(fc.constantFrom("ERROR", "WARN", null), anyJson), metadata },
    { requiredKeys: [] },
  ),
  report_custom_message: fc.record({ payload: anyJson }, { requiredKeys: [] }),
  log_external_stream: fc.record({ stream: fc.oneof(fc.constantFrom("stdout", "stderr"), anyJson), text: fc.oneof(text, anyJson) }, { requiredKeys: [] }),
};

const message = fc
  .record({
    method: fc.oneof(fc.constantFrom(...PIPES_METHODS), fc.constantFrom("nope", "LOG"), anyJson),
    version: fc.oneof(fc.constant("0.1"), fc.constantFrom("0.2", ""), anyJson),
    withVersion: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  })
  .chain(({ method, version, withVersion }) =>
    (typeof method === "string" && Object.hasOwn(params, method) ? params[method as keyof typeof params] : anyJson).map((p) => JSON.stringify({ ...(withVersion ? { [VERSION]: version } : {}), method, params: p })),
  );

/** Cut, doubled or spliced text: what a mangled channel looks like. */
const mangled = fc.tuple(message, fc.nat(), fc.nat({ max: 30 }), fc.constantFrom("", "{", "}", '"', "\\", "\u0000", `"${VERSION}"`, "\ud800", "]", ",")).map(([line, at, len, insert]) => {
  const i = at % (line.length + 1);
  return line.slice(0, i) + insert + line.slice(Math.min(line.length, i + len));
});
const line = fc.oneof({ weight: 5, arbitrary: message }, { weight: 3, arbitrary: mangled }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")) });

interface Outcome {
  events: unknown[];
  output: { stdout: string; stderr: string };
  materializations: unknown[];
  result: unknown;
  oversized: number[];
}

/** A stream of bytes through a LineSplitter into a reader, pushed in the given chunks. */
function read(bytes: Buffer, cuts: number[], channel: "file" | "stdio", maxLineBytes: number): Outcome {
  const recording = recordingHost();
  const reader = new PipesMessageReader(recording.host, "fuzz-child", { maxMessageBytes: maxLineBytes, onCustomMessage: null });
  const oversized: number[] = [];
  const splitter = new LineSplitter(maxLineBytes, {
    line: (l) => (channel === "file" ? reader.onFileLine(l) : reader.onStdioLine("stderr", l)),
    oversized: (n) => oversized.push(n),
  });
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(start, Math.max(start, cut)));
    start = Math.max(start, cut);
  }
  splitter.end();
  reader.finishCounters();
  const result = reader.result(0) as unknown as Record<string, unknown>;
  // Timings differ between two readings; everything else must not.
  return { events: recording.events, output: recording.output, materializations: recording.materializations, result: { ...result, firstMessageMs: null, durationMs: null }, oversized };
}

void describe("Pipes message reading under fuzzing", () => {
  void it("parseMessageLine classifies every random or mangled line without throwing", () => {
    fc.assert(
      fc.property(line, (l) => {
        const parsed = parseMessageLine(l);
        assert.ok(["message", "not-a-message", "invalid"].includes(parsed.kind));
        if (parsed.kind === "message") assert.ok((PIPES_METHODS as readonly string[]).includes(parsed.message.method));
        else assert.equal(typeof parsed.reason, "string");
      }),
      fuzzParams(0x919e_0001, 3000),
    );
  });

  void it("the reader turns any line into events or warnings without throwing, on both channels", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom("file", "stdio"), (lines, channel) => {
        const bytes = Buffer.from(lines.join("\n") + "\n", "utf8");
        const outcome = read(bytes, [], channel, 64 * 1024);
        // Each log message arrives as a LOG event with its text (warnings come on top).
        const logs = lines.flatMap((l) => {
          const parsed = parseMessageLine(l);
          return parsed.kind === "message" && parsed.message.method === "log" ? [parsed.message.message] : [];
        });
        const messages = (outcome.events as Array<{ type: string; message?: string }>).filter((e) => e.type === "LOG").map((e) => e.message);
        for (const m of logs) assert.ok(messages.includes(m), `log ${JSON.stringify(m)} was lost`);
      }),
      fuzzParams(0x919e_0002, 500),
    );
  });

  void it("random byte chunkings of a stream give the same result as the stream pushed whole", () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 25 }),
        fc.constantFrom("\n", "\r\n"),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.constantFrom("file", "stdio"),
        fc.boolean(),
        (lines, eol, rawCuts, channel, trailingNewline) => {
          const bytes = Buffer.from(lines.join(eol) + (trailingNewline ? eol : ""), "utf8");
          const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
          const whole = read(bytes, [], channel, 4096);
          const chunked = read(bytes, cuts, channel, 4096);
          assert.deepEqual(chunked, whole);
          // One byte at a time is the worst case of all.
          assert.deepEqual(read(bytes, Array.from({ length: bytes.length }, (_, i) => i), channel, 4096), whole);
        },
      ),
      fuzzParams(0x919e_0003, 300),
    );
  });

  void it("drops lines over the limit, in any chunking, without buffering them", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 8192 }), fc.integer({ min: 1, max: 200_000 }), fc.array(fc.nat(), { maxLength: 20 }), (max, length, rawCuts) => {
        const valid = JSON.stringify({ [VERSION]: "0.1", method: "log", params: { message: "after", level: "INFO" } });
        const bytes = Buffer.from(`${"y".repeat(length)}\n${valid}\n`, "utf8");
        const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b);
        const outcome = read(bytes, cuts, "file", max);
        if (length > max) assert.deepEqual(outcome.oversized, [length]);
        else assert.deepEqual(outcome.oversized, []);
        assert.ok((outcome.events as Array<{ message?: string }>).some((e) => e.message === "after"), "the line after an oversized one still arrives");
      }),
      fuzzParams(0x919e_0004, 200),
    );
  });
});
