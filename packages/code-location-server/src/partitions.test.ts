/**
 * Partitions and backfills through a real code-location server: the snapshot carries dynamic
 * partitions, declared mappings (a static function evaluated at load) and backfill policies, and
 * validates against protocol v1; assets without them keep their old shape. Sensors and schedules
 * may answer with dynamic partitions requests and backfill requests, which come back normalized
 * (defaults filled, instigator tags merged, duplicates dropped), and a malformed one is an
 * `error` naming the field, with the cursor unchanged.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { EvaluateScheduleResponseSchema, EvaluateSensorResponseSchema, SnapshotResponseSchema } from "@flyt/protocol";
import { checkBackfillRequests, checkDynamicPartitionsRequests, startCodeLocationServer, type CodeLocationServer } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `code-server-partitions-${process.pid}`);

const DEFINITIONS = `
import {
  asset, defineDefinitions, dailyPartitions, dynamicPartitions, monthlyPartitions, schedule, sensor, singleRunBackfill,
  staticPartitions, staticPartitionMapping, lastPartitionsMapping, multiRunBackfill,
} from "@flyt/sdk";
const stations = dynamicPartitions({ name: "stations" });
const daily = asset({ key: "met/daily", partitions: dailyPartitions({ start: "2024-01-01" }), backfillPolicy: multiRunBackfill(31), compute: () => undefined });
const rolling = asset({ key: "met/rolling", deps: [daily], partitions: dailyPartitions({ start: "2024-01-01" }), partitionMappings: { "met/daily": lastPartitionsMapping(7) }, compute: () => undefined });
const monthly = asset({ key: "met/monthly", deps: [daily], partitions: monthlyPartitions({ start: "2024-01" }), backfillPolicy: singleRunBackfill(), compute: () => undefined });
const byStation = asset({ key: "met/by_station", partitions: stations, compute: () => undefined });
const cities = asset({ key: "geo/cities", partitions: staticPartitions(["oslo", "bergen"]), compute: () => undefined });
const countries = asset({ key: "geo/countries", deps: [cities], partitions: staticPartitions(["norway"]), partitionMappings: { "geo/cities": staticPartitionMapping(() => ["oslo", "bergen"]) }, compute: () => undefined });
const plain = asset({ key: "geo/plain", compute: () => undefined });
export default defineDefinitions({
  assets: [daily, rolling, monthly, byStation, cities, countries, plain],
  schedules: [schedule({ name: "yearly", cron: "0 6 1 1 *", target: "met/daily", tags: { team: "met" }, evaluate: ({ scheduledAt }) => ({
    backfillRequests: [{ partitions: { kind: "range", from: "2024-01-01", to: "2024-01-31" }, policy: singleRunBackfill() }],
  }) })],
  sensors: [
    sensor({ name: "stations", target: "met/by_station", evaluate: () => ({
      dynamicPartitionsRequests: [{ name: "stations", add: ["SN18700", "SN50540", "SN18700"] }, { name: "stations", delete: ["SN99999"] }],
      runRequests: [{ partitionKey: "SN18700" }],
      backfillRequests: [{ selection: "met/*", partitions: { kind: "missing" }, tags: { why: "new stations" } }],
      cursor: "2",
    }) }),
    sensor({ name: "bad_key", target: "*", evaluate: () => ({ dynamicPartitionsRequests: [{ name: "stations", add: ["a/b"] }] }) }),
    sensor({ name: "bad_set", target: "*", evaluate: () => ({ backfillRequests: [{ partitions: { kind: "some" } }] }) }),
    sensor({ name: "reserved", target: "*", evaluate: () => ({ backfillRequests: [{ partitions: { kind: "all" }, tags: { "flyt/backfill": "mine" } }] }) }),
  ],
});
`;

async function call(server: CodeLocationServer, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

describe("code-location server: partitions and backfills", () => {
  let server: CodeLocationServer;

  before(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "defs.ts"), DEFINITIONS);
    server = await startCodeLocationServer({ definitionsFile: join(work, "defs.ts"), name: "p", port: 0, log: () => undefined });
  });

  after(async () => {
    await server?.close({ killWorkers: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("serves dynamic partitions, resolved mappings and backfill policies in the snapshot", async () => {
    const snap = await call(server, "/v1/snapshot");
    assert.equal(snap.status, 200, JSON.stringify(snap.body));
    const { snapshot } = SnapshotResponseSchema.parse(snap.body);
    const byKey = new Map(snapshot.assets.map((a) => [a.key, a]));
    assert.deepEqual(byKey.get("met/by_station")?.partitions, { kind: "dynamic", name: "stations" });
    assert.deepEqual(byKey.get("met/rolling")?.partitionMappings, { "met/daily": { kind: "time-window", startOffset: -6, endOffset: 0 } });
    assert.deepEqual(byKey.get("geo/countries")?.partitionMappings, { "geo/cities": { kind: "static", upstreamKeysByDownstreamKey: { norway: ["oslo", "bergen"] } } });
    assert.deepEqual(byKey.get("met/daily")?.backfillPolicy, { kind: "multi-run", maxPartitionsPerRun: 31 });
    assert.deepEqual(byKey.get("met/monthly")?.backfillPolicy, { kind: "single-run" });
    // Defaults are not written down, and an asset without either keeps its old shape (and hash).
    assert.equal(byKey.get("met/monthly")?.partitionMappings, undefined);
    assert.deepEqual(Object.keys(snap.body.snapshot.assets.find((a: { key: string }) => a.key === "geo/plain")).includes("partitionMappings"), false);
    assert.deepEqual(Object.keys(snap.body.snapshot.assets.find((a: { key: string }) => a.key === "geo/plain")).includes("backfillPolicy"), false);
  });

  it("returns a sensor's dynamic partitions and backfill requests normalized, beside its run requests", async () => {
    const response = await call(server, "/v1/sensors/stations/evaluate", post({ cursor: "1", lastTickTime: null }));
    const body = EvaluateSensorResponseSchema.parse(response.body);
    assert.equal(body.error, null);
    assert.deepEqual(body.dynamicPartitionsRequests, [
      { name: "stations", add: ["SN18700", "SN50540"], delete: [] },
      { name: "stations", add: [], delete: ["SN99999"] },
    ]);
    assert.deepEqual(body.backfillRequests, [{ selection: "met/*", partitions: { kind: "missing" }, policy: null, tags: { why: "new stations" } }]);
    assert.equal(body.runRequests[0]?.partitionKey, "SN18700");
    assert.equal(body.cursor, "2");
  });

  it("defaults a schedule's backfill to its target and tags, without the platform's own tags", async () => {
    const response = await call(server, "/v1/schedules/yearly/evaluate", post({ scheduledTime: Date.UTC(2025, 0, 1, 6) }));
    const body = EvaluateScheduleResponseSchema.parse(response.body);
    assert.equal(body.error, null);
    assert.deepEqual(body.backfillRequests, [
      { selection: "met/daily", partitions: { kind: "range", from: "2024-01-01", to: "2024-01-31" }, policy: { kind: "single-run" }, tags: { team: "met" } },
    ]);
    assert.deepEqual(body.runRequests, []);
    assert.equal(body.skipReason, null, "a backfill request is something requested");
  });

  it("answers a malformed request as an error naming the field, with the cursor unchanged", async () => {
    const cases: Array<[string, RegExp]> = [
      ["bad_key", /sensor bad_key: dynamicPartitionsRequests\[0\]\.add: key "a\/b" must not contain '\/'/],
      ["bad_set", /sensor bad_set: backfillRequests\[0\]\.partitions\.kind: .*expected \{ kind: "range", from, to \}/],
      ["reserved", /sensor reserved: backfillRequests\[0\]\.tags: "flyt\/backfill" is under "flyt\/", which is reserved for the platform/],
    ];
    for (const [name, message] of cases) {
      const response = await call(server, `/v1/sensors/${name}/evaluate`, post({ cursor: "7", lastTickTime: null }));
      assert.equal(response.status, 200);
      assert.match(response.body.error?.message ?? "", message, name);
      assert.equal(response.body.cursor, "7");
      assert.equal(response.body.dynamicPartitionsRequests, undefined);
    }
  });
});

describe("checkDynamicPartitionsRequests / checkBackfillRequests", () => {
  const defaults = { selection: "*", tags: { team: "t", "flyt/sensor": "s" }, partitionKey: null };

  it("bounds what one evaluation may request", () => {
    assert.throws(
      () => checkDynamicPartitionsRequests([{ name: "stations", add: Array.from({ length: 10_001 }, (_, i) => `k${i}`) }], "sensor s"),
      /sensor s: dynamicPartitionsRequests\[0\]\.add has 10001 keys, over the limit of 10000/,
    );
    assert.throws(() => checkDynamicPartitionsRequests(Array.from({ length: 101 }, () => ({ name: "x" })), "sensor s"), /101 dynamicPartitionsRequests, over the limit of 100/);
    assert.throws(() => checkDynamicPartitionsRequests([{ name: "", add: ["a"] }], "sensor s"), /dynamicPartitionsRequests\[0\]\.name/);
    assert.throws(() => checkDynamicPartitionsRequests([{ name: "x", keys: ["a"] }], "sensor s"), /unknown field "keys" \(expected name, add, delete\)/);
    assert.throws(() => checkBackfillRequests(Array.from({ length: 101 }, () => ({ partitions: { kind: "all" } })), "sensor s", defaults), /101 backfillRequests, over the limit of 100/);
    assert.throws(() => checkBackfillRequests([{ partitions: { kind: "all" }, policy: { kind: "multi-run", maxPartitionsPerRun: 0 } }], "sensor s", defaults), /policy\.maxPartitionsPerRun/);
    assert.throws(() => checkBackfillRequests([{ partitions: { kind: "range", from: "2024" } }], "sensor s", defaults), /backfillRequests\[0\]\.partitions\.to/);
  });

  it("fills the selection and merges the instigator's tags, leaving out those under flyt/", () => {
    assert.deepEqual(checkBackfillRequests([{ partitions: { kind: "failed" }, tags: { why: "retry" } }], "sensor s", defaults), [
      { selection: "*", partitions: { kind: "failed" }, policy: null, tags: { team: "t", why: "retry" } },
    ]);
    assert.deepEqual(checkBackfillRequests(undefined, "sensor s", defaults), []);
    assert.deepEqual(checkDynamicPartitionsRequests(undefined, "sensor s"), []);
  });
});
