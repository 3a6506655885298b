/**
 * Protocol v1: the committed JSON Schema files are current, hashes are canonical, version
 * checks and field-naming validation behave, the partitions and backfill fields of issue 15
 * (snapshot and evaluation responses) are optional and bounded, and so are issue 16's automation
 * conditions (a recursive tree, limited before it is parsed).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  AssetSnapshotSchema,
  automationConditionLimitProblem,
  AutomationConditionSnapshotSchema,
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

describe("automation conditions on the wire", () => {
  const asset = {
    key: "atlas/dbt/stg",
    deps: ["atlas/raw"],
    description: null,
    group: "dbt",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: null,
    retryPolicy: null,
    stepKey: "atlas/dbt/stg",
    metadata: {},
    checks: [],
    freshnessPolicy: null,
  };
  const handled = { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }], label: "requested or updated" };
  // The SDK's AutomationCondition.eager() (the protocol does not depend on the SDK; its tests compare the two).
  const eager = {
    kind: "and",
    label: "eager",
    operands: [
      { kind: "in_latest_time_window", lookbackMinutes: null },
      {
        kind: "since",
        trigger: { kind: "or", operands: [{ kind: "newly_true", condition: { kind: "missing" } }, { kind: "any_deps_match", condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] } }] },
        reset: handled,
      },
      { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] } } },
      { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "in_progress" } } },
      { kind: "not", operand: { kind: "in_progress" } },
    ],
  };
  const onCron = {
    kind: "and",
    operands: [
      { kind: "in_latest_time_window", lookbackMinutes: 1440 },
      { kind: "since", trigger: { kind: "cron_tick_passed", cron: "30 6 * * *", timezone: "Europe/Oslo" }, reset: handled },
      { kind: "all_deps_match", condition: { kind: "or", operands: [{ kind: "updated_since_cron", cron: "30 6 * * *", timezone: "Europe/Oslo" }, { kind: "will_be_requested" }] } },
    ],
  };

  it("carries every kind of node, labels included; absent or null means none", () => {
    assert.deepEqual(AssetSnapshotSchema.parse({ ...asset, automationCondition: eager }).automationCondition, eager);
    assert.deepEqual(AssetSnapshotSchema.parse({ ...asset, automationCondition: onCron }).automationCondition, onCron);
    const rest = { kind: "or", operands: ["execution_failed", "code_version_changed", "unsynced"].map((kind) => ({ kind })) };
    assert.deepEqual(AutomationConditionSnapshotSchema.parse({ kind: "all_deps_match", condition: rest }), { kind: "all_deps_match", condition: rest });
    assert.equal(AssetSnapshotSchema.safeParse(asset).success, true, "absent: an older server's asset");
    assert.equal(AssetSnapshotSchema.parse({ ...asset, automationCondition: null }).automationCondition, null);
  });

  it("refuses unknown kinds, missing fields, bad values and over-long strings, with the path of the node", () => {
    const refused = (condition: unknown): string => {
      const parsed = AssetSnapshotSchema.safeParse({ ...asset, automationCondition: condition });
      assert.equal(parsed.success, false, JSON.stringify(condition));
      const issue = parsed.error?.issues[0];
      assert.ok(issue);
      return `${issue.path.join(".")}: ${issue.message}`;
    };
    assert.match(refused({ kind: "mising" }), /^automationCondition\.kind: Invalid discriminator value/);
    assert.match(refused({ kind: "not", operand: { kind: "since", trigger: { kind: "missing" } } }), /^automationCondition\.operand\.reset: Required/);
    assert.match(refused({ kind: "and", operands: [] }), /^automationCondition\.operands: /);
    assert.match(refused({ kind: "in_latest_time_window", lookbackMinutes: 0 }), /^automationCondition\.lookbackMinutes: /);
    assert.match(refused({ kind: "cron_tick_passed", cron: "x".repeat(201), timezone: "UTC" }), /^automationCondition\.cron: /);
    assert.match(refused({ kind: "missing", label: "" }), /^automationCondition\.label: /);
    assert.match(refused({ kind: "missing", label: "l".repeat(201) }), /^automationCondition\.label: /);
  });

  it("bounds the tree at 200 nodes and 32 levels before parsing it, so a hostile tree costs little", () => {
    const chain = (levels: number): unknown => {
      let node: unknown = { kind: "missing" };
      for (let i = 1; i < levels; i++) node = { kind: "not", operand: node };
      return node;
    };
    assert.equal(AutomationConditionSnapshotSchema.safeParse(chain(32)).success, true);
    const deep = AutomationConditionSnapshotSchema.safeParse(chain(33));
    assert.equal(deep.error?.issues[0]?.message, "is more than 32 levels deep, over the limit");
    // Far past what a recursive parse survives: refused by the walk, which stops at the limit.
    assert.equal(automationConditionLimitProblem(chain(1_000_000)), "is more than 32 levels deep, over the limit");
    assert.equal(AutomationConditionSnapshotSchema.safeParse(chain(1_000_000)).success, false);
    const wide = (count: number): unknown => ({ kind: "or", operands: Array.from({ length: count - 1 }, () => ({ kind: "missing" })) });
    assert.equal(AutomationConditionSnapshotSchema.safeParse(wide(200)).success, true);
    assert.equal(AutomationConditionSnapshotSchema.safeParse(wide(201)).error?.issues[0]?.message, "has more than 200 nodes, over the limit");
    const onAsset = AssetSnapshotSchema.safeParse({ ...asset, automationCondition: wide(201) });
    assert.deepEqual(onAsset.error?.issues[0]?.path, ["automationCondition"]);
  });

  it("names the condition schema once in the snapshot's JSON Schema and references it recursively", () => {
    const file = jsonSchemaFiles().find((f) => f.file === "snapshot-response.schema.json")!;
    const schema = JSON.parse(file.text) as { definitions: { AutomationCondition: { anyOf: Array<{ properties: Record<string, { $ref?: string; items?: { $ref?: string } }> }> } } };
    const kinds = schema.definitions.AutomationCondition.anyOf.map((branch) => (branch.properties.kind as unknown as { const: string }).const);
    assert.deepEqual(kinds.sort(), [
      "all_deps_match", "and", "any_deps_match", "code_version_changed", "cron_tick_passed", "execution_failed", "in_latest_time_window", "in_progress", "missing",
      "newly_requested", "newly_true", "newly_updated", "not", "or", "since", "unsynced", "updated_since_cron", "will_be_requested",
    ]);
    const not = schema.definitions.AutomationCondition.anyOf.find((branch) => (branch.properties.kind as unknown as { const: string }).const === "not")!;
    assert.equal(not.properties.operand?.$ref, "#/definitions/AutomationCondition");
    const and = schema.definitions.AutomationCondition.anyOf.find((branch) => (branch.properties.kind as unknown as { const: string }).const === "and")!;
    assert.equal(and.properties.operands?.items?.$ref, "#/definitions/AutomationCondition");
    assert.match(file.text, /"\$ref": "#\/definitions\/AutomationCondition",\n\s+"description": "A condition tree of at most 200 nodes and 32 levels/);
    // The other files do not carry the definition.
    for (const other of jsonSchemaFiles().filter((f) => f.file !== file.file)) assert.doesNotMatch(other.text, /AutomationCondition/, other.file);
  });
});
