/**
 * Protocol v1: the committed JSON Schema files are current, hashes are canonical, version
 * checks and field-naming validation behave, and the partitions and backfill fields of issue 15
 * (snapshot and evaluation responses) are optional and bounded.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  AssetSnapshotSchema,
  canonicalJson,
  contentHash,
  EvaluateScheduleResponseSchema,
  EvaluateSensorResponseSchema,
  LaunchRunRequestSchema,
  parseWith,
  PROTOCOL_VERSION,
  versionProblem,
} from "./index.js";
import { jsonSchemaFiles } from "./json-schema.js";

const docsDir = fileURLToPath(new URL("../../../docs/protocol/v1/", import.meta.url));

describe("protocol JSON Schema files", () => {
  it("docs/protocol/v1 holds exactly the generated files (run `npm run generate -w @flyt/protocol` after a schema change)", () => {
    const generated = jsonSchemaFiles();
    const committed = readdirSync(docsDir).filter((f) => f.endsWith(".schema.json")).sort();
    assert.deepEqual(committed, generated.map((g) => g.file).sort());
    for (const { file, text } of generated) {
      assert.equal(readFileSync(join(docsDir, file), "utf8"), text, `${file} is out of date`);
    }
  });

  it("every file is a JSON Schema object with an $id and no dangling recursion", () => {
    for (const { file, text } of jsonSchemaFiles()) {
      const schema = JSON.parse(text) as Record<string, unknown>;
      assert.equal(typeof schema.$id, "string", file);
      assert.equal(schema.type, "object", file);
    }
  });
});

describe("canonical JSON and content hash", () => {
  it("ignores property order and undefined properties", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }], c: undefined }), '{"a":[{"x":1,"y":2}],"b":1}');
    assert.equal(contentHash({ a: 1, b: 2 }), contentHash({ b: 2, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
    assert.match(contentHash({}), /^sha256:[0-9a-f]{64}$/);
  });
});

describe("validation and versions", () => {
  it("names the field at fault", () => {
    const run = {
      runId: "r1", status: "QUEUED", selection: "*", assetKeys: ["a"], stepKeys: null, partitionKey: null, tags: {},
      origin: "manual", parentRunId: null, rootRunId: null, location: "atlas", instigator: null, runKey: null,
      createdAt: 1, updatedAt: 1, startedAt: null, endedAt: null,
    };
    const good = { run, ingestUrl: "http://127.0.0.1:3000/ingest/v1", runToken: "t".repeat(43) };
    assert.equal(parseWith(LaunchRunRequestSchema, good, "launch request").ok, true);
    const badUrl = parseWith(LaunchRunRequestSchema, { ...good, ingestUrl: "nope" }, "launch request");
    assert.deepEqual(badUrl.ok ? null : badUrl.field, "ingestUrl");
    const badRun = parseWith(LaunchRunRequestSchema, { ...good, run: { ...run, status: "DONE" } }, "launch request");
    assert.deepEqual(badRun.ok ? null : badRun.field, "run.status");
    assert.match(badRun.ok ? "" : badRun.message, /^Invalid launch request: run\.status: /);
  });

  it("accepts our major version or none, refuses another with a clear message", () => {
    assert.equal(versionProblem(undefined, PROTOCOL_VERSION), null);
    assert.equal(versionProblem("1", PROTOCOL_VERSION), null);
    assert.equal(versionProblem("1.3", PROTOCOL_VERSION), null);
    assert.match(versionProblem("2", PROTOCOL_VERSION) ?? "", /"2" is not supported; this side speaks protocol v1/);
  });
});

describe("partitions and backfills on the wire", () => {
  const asset = {
    key: "met/monthly",
    deps: ["met/daily"],
    description: null,
    group: "met",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: { kind: "dynamic", name: "stations" },
    retryPolicy: null,
    stepKey: "met/monthly",
    metadata: {},
    checks: [],
    freshnessPolicy: null,
  };

  it("carries dynamic partitions, declared mappings and backfill policies, and older assets without them", () => {
    assert.equal(AssetSnapshotSchema.safeParse(asset).success, true, "absent: an older server's asset");
    const full = {
      ...asset,
      partitionMappings: { "met/daily": { kind: "time-window", startOffset: -6, endOffset: 0 } },
      backfillPolicy: { kind: "multi-run", maxPartitionsPerRun: 31 },
    };
    assert.deepEqual(AssetSnapshotSchema.parse(full).partitionMappings, full.partitionMappings);
    const strays = AssetSnapshotSchema.safeParse({ ...full, partitionMappings: { "met/hourly": { kind: "all" } } });
    assert.equal(strays.success, false);
    assert.match(strays.error?.issues[0]?.message ?? "", /names "met\/hourly", which is not one of the asset's deps/);
    assert.equal(AssetSnapshotSchema.safeParse({ ...full, backfillPolicy: { kind: "multi-run", maxPartitionsPerRun: 0 } }).success, false);
    assert.equal(AssetSnapshotSchema.safeParse({ ...full, partitionMappings: { "met/daily": { kind: "time-window", startOffset: 1.5, endOffset: 0 } } }).success, false);
  });

  it("lets evaluations request dynamic partitions changes and backfills within their limits", () => {
    const response = {
      runRequests: [],
      dynamicPartitionsRequests: [{ name: "stations", add: ["SN18700"], delete: [] }],
      backfillRequests: [{ selection: "group:ssb+", partitions: { kind: "range", from: "2024", to: "2024" }, policy: null, tags: { team: "atlas" } }],
      skipReason: null,
      cursor: null,
      error: null,
      durationMs: 3,
    };
    assert.deepEqual(EvaluateSensorResponseSchema.parse(response).backfillRequests, response.backfillRequests);
    assert.equal(EvaluateSensorResponseSchema.safeParse({ ...response, dynamicPartitionsRequests: undefined, backfillRequests: undefined }).success, true);
    const tooMany = { ...response, dynamicPartitionsRequests: [{ name: "stations", add: Array.from({ length: 10_001 }, (_, i) => `k${i}`), delete: [] }] };
    assert.equal(EvaluateSensorResponseSchema.safeParse(tooMany).success, false);
    const reserved = { ...response, backfillRequests: [{ ...response.backfillRequests[0]!, tags: { "flyt/backfill": "x" } }] };
    assert.equal(EvaluateScheduleResponseSchema.safeParse(reserved).success, false);
    const badSet = { ...response, backfillRequests: [{ ...response.backfillRequests[0]!, partitions: { kind: "keys", keys: [] } }] };
    assert.equal(EvaluateSensorResponseSchema.safeParse(badSet).success, false);
  });
});
