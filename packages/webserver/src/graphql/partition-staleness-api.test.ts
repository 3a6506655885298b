/**
 * Staleness per partition over GraphQL and REST against a real Webserver (forwarded auth), a real
 * Workspace over a file code location and real storage (SQLite and PostgreSQL): an upstream day
 * re-materialized with a new data version makes exactly the downstream partitions that read it
 * unsynced (identity and daily → monthly), `Asset.unsyncedPartitions` and its REST route list them,
 * and `materializeUnsynced` requests one backfill per asset over exactly those partitions — a range
 * when they are consecutive (a new code version) — and leaves out an asset unsynced only through
 * its upstream.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { Workspace } from "@flyt/workspace";
import { startWebserver, type Webserver } from "../server.js";
import { queueRunController } from "./controller.js";
import { createApiHandler } from "./http.js";
import { FORWARDED_AUTH, AS_OPERATOR, AS_VIEWER } from "../auth/test-support.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

const FORWARDED = FORWARDED_AUTH;
const OPERATOR = AS_OPERATOR;
const VIEWER = AS_VIEWER;

/**
 * p/up (daily) → p/down (daily, identity) and p/month (monthly, the month's days); p/base
 * (unpartitioned, code version from the test) → p/late (daily).
 */
const DEFINITIONS = (downVersion: string, baseVersion: string) => `
import { asset, dailyPartitions, defineDefinitions, monthlyPartitions } from "@flyt/sdk";
const daily = dailyPartitions({ start: "2024-01-01", timezone: "UTC" });
export default defineDefinitions({ assets: [
  asset({ key: "p/up", partitions: daily, compute: () => ({}) }),
  asset({ key: "p/down", deps: ["p/up"], codeVersion: "${downVersion}", partitions: daily, compute: () => ({}) }),
  asset({ key: "p/month", deps: ["p/up"], partitions: monthlyPartitions({ start: "2024-01-01", timezone: "UTC" }), compute: () => ({}) }),
  asset({ key: "p/base", codeVersion: "${baseVersion}", compute: () => ({}) }),
  asset({ key: "p/late", deps: ["p/base"], partitions: daily, compute: () => ({}) }),
] });
`;

const DAYS = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, "0")}`);

/** Writes a materialization as a run does; `dataVersion`: the producer's. */
async function materialize(storage: Storage, assetKey: string, partition: string | null, dataVersion?: string): Promise<void> {
  const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], partitionKey: partition, location: "p" });
  await storage.appendEvents([{
    runId: run.runId, seq: null, timestamp: Date.now(), stepKey: assetKey,
    body: { type: "ASSET_MATERIALIZATION", assetKey, partition, metadata: {}, ...(dataVersion ? { dataVersion } : {}) },
  }]);
}

describeEachBackend((backend) => `staleness per partition over HTTP (${backend})`, ({ backend, storage }) => {
  const work = join(REPO, ".flyt-test", `webserver-partition-staleness-${backend}-${process.pid}`);
  const file = join(work, "definitions.ts");
  let workspace: Workspace;
  let web: Webserver;

  const gql = async (query: string, variables: Record<string, unknown> = {}, as: Record<string, string> = OPERATOR): Promise<any> => {
    const response = await fetch(`${web.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...as },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json()) as { data?: any; errors?: unknown };
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  };
  const rest = async (method: string, path: string, body?: unknown, as: Record<string, string> = OPERATOR): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const MATERIALIZE = `mutation($selection: String) { materializeUnsynced(selection: $selection) {
    __typename ... on MaterializeUnsyncedSuccess { message launched backfills { id assetKey partitionCount } skipped { key reason } runs { runId } }
  } }`;
  const unsyncedOf = async (key: string): Promise<any> =>
    (await gql(`query($key: String!) { asset(key: $key) { unsyncedPartitions(first: 50) { materialized unsynced ranges { startKey endKey count } partitions { key moreCauses causes { kind upstream message } } } } }`, { key }, VIEWER)).asset.unsyncedPartitions;
  const backfillCount = async (): Promise<number> => (await storage.listBackfills({}, { limit: 500 })).items.length;

  const reload = async (downVersion: string, baseVersion: string): Promise<void> => {
    writeFileSync(file, DEFINITIONS(downVersion, baseVersion));
    assert.equal((await workspace.reload("p")).status, "LOADED");
    await workspace.definitionsRegistered();
  };

  before(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(file, DEFINITIONS("1", "1"));
    workspace = await Workspace.start({ locations: [{ name: "p", file }], pollIntervalMs: 0, storage });
    assert.equal(workspace.get("p")?.status, "LOADED", JSON.stringify(workspace.get("p")?.error));
    await workspace.definitionsRegistered();
    const runs = queueRunController(storage);
    const api = createApiHandler({ storage, definitions: workspace, runs, log: () => undefined });
    web = await startWebserver({ storage, workspace, runs, api, auth: FORWARDED, port: 0, host: "127.0.0.1", log: () => undefined });

    for (const day of DAYS) await materialize(storage, "p/up", day, `up-${day}-v1`);
    for (const day of DAYS) await materialize(storage, "p/down", day);
    await materialize(storage, "p/month", "2024-01");
    await materialize(storage, "p/base", null);
    for (const day of DAYS.slice(0, 3)) await materialize(storage, "p/late", day);
  });

  after(async () => {
    await web?.close();
    await workspace?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("lists no unsynced partition while nothing changed, and materializeUnsynced requests nothing", async () => {
    assert.deepEqual(await unsyncedOf("p/down"), { materialized: 10, unsynced: 0, ranges: [], partitions: [] });
    assert.equal((await gql(`{ asset(key: "p/base") { unsyncedPartitions { unsynced } } }`)).asset.unsyncedPartitions, null, "unpartitioned: null");
    const before = await backfillCount();
    const result = (await gql(MATERIALIZE, {})).materializeUnsynced;
    assert.deepEqual([result.backfills, result.runs, result.skipped], [[], [], []]);
    assert.match(result.message, /No asset is unsynced/);
    assert.equal(await backfillCount(), before);
  });

  it("marks exactly the partitions that read a re-materialized upstream day and backfills exactly those", async () => {
    // The upstream's Jan 3 gets new data; a day no one has read yet (Jan 11) is new, not a change.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await materialize(storage, "p/up", "2024-01-03", "up-2024-01-03-v2");
    await materialize(storage, "p/up", "2024-01-11", "up-2024-01-11-v1");

    const down = await unsyncedOf("p/down");
    assert.deepEqual([down.materialized, down.unsynced, down.ranges], [10, 1, [{ startKey: "2024-01-03", endKey: "2024-01-03", count: 1 }]]);
    assert.deepEqual(down.partitions.map((p: any) => [p.key, p.causes.map((c: any) => [c.kind, c.upstream])]), [["2024-01-03", [["upstream_data_version_changed", "p/up"]]]]);
    assert.match(down.partitions[0].causes[0].message, /upstream p\/up has a newer data version/);
    assert.deepEqual((await unsyncedOf("p/month")).partitions.map((p: any) => p.key), ["2024-01"]);

    const viaRest = await rest("GET", "/api/v1/assets/p%2Fdown/unsynced-partitions?limit=5", undefined, VIEWER);
    assert.equal(viaRest.status, 200, JSON.stringify(viaRest.body));
    assert.deepEqual([viaRest.body.assetKey, viaRest.body.unsynced, viaRest.body.partitions.map((p: any) => p.key)], ["p/down", 1, ["2024-01-03"]]);
    assert.equal((await rest("GET", "/api/v1/assets/p%2Fnope/unsynced-partitions")).status, 404);
    assert.equal((await rest("GET", "/api/v1/assets/p%2Fbase/unsynced-partitions")).status, 400);

    const viewer = (await gql(MATERIALIZE, {}, VIEWER)).materializeUnsynced;
    assert.equal(viewer.__typename, "UnauthorizedError");
    const before = await backfillCount();
    const result = (await gql(MATERIALIZE, { selection: "p/up+" })).materializeUnsynced;
    assert.equal(result.__typename, "MaterializeUnsyncedSuccess", JSON.stringify(result));
    assert.deepEqual(result.backfills.map((b: any) => [b.assetKey, b.partitionCount]), [["p/down", 1], ["p/month", 1]]);
    assert.deepEqual(result.runs, []);
    assert.match(result.message, /Launched 2 backfills over 2 unsynced partitions of 2 partitioned assets of "p\/up\+"/);
    assert.equal(await backfillCount(), before + 2, "one backfill per asset, nothing else");
    const requests = await Promise.all(result.backfills.map(async (b: any) => (await storage.getBackfill(b.id))!.request));
    assert.deepEqual(requests.map((r) => [r.selection, r.partitions, r.requestedBy]), [
      ["p/down", { kind: "keys", keys: ["2024-01-03"] }, "materialize unsynced (otto)"],
      ["p/month", { kind: "keys", keys: ["2024-01"] }, "materialize unsynced (otto)"],
    ]);

    // Rebuilt (as the backfills' runs would): synced again.
    await materialize(storage, "p/down", "2024-01-03");
    await materialize(storage, "p/month", "2024-01");
    assert.equal((await unsyncedOf("p/down")).unsynced, 0);
    assert.equal((await unsyncedOf("p/month")).unsynced, 0);
  });

  it("backfills a range of consecutive partitions after a code version change, and skips an asset unsynced only through its upstream", async () => {
    await reload("2", "2");
    const down = await unsyncedOf("p/down");
    assert.deepEqual([down.unsynced, down.ranges], [10, [{ startKey: "2024-01-01", endKey: "2024-01-10", count: 10 }]]);
    assert.deepEqual(down.partitions[0].causes.map((c: any) => c.kind), ["code_version_changed"]);
    assert.equal((await unsyncedOf("p/late")).unsynced, 0, "p/base's data version did not change: p/late's partitions read the same");

    const result = (await rest("POST", "/api/v1/assets/materialize-unsynced", { selection: "p/down, p/base+" })).body;
    assert.deepEqual(result.launched, ["p/base"], "the unpartitioned upstream gets a run");
    assert.deepEqual(result.backfills.map((b: any) => [b.assetKey, b.partitionCount]), [["p/down", 10]]);
    assert.deepEqual((await storage.getBackfill(result.backfills[0].id))?.request.partitions, { kind: "range", from: "2024-01-01", to: "2024-01-10" });
    assert.deepEqual(result.skipped.map((s: any) => s.key), ["p/late"]);
    assert.match(result.skipped[0].reason, /unsynced only through its upstream \(upstream p\/base is unsynced\)/);
    assert.match(result.message, /Launched 1 run over 1 unsynced asset and 1 backfill over 10 unsynced partitions of 1 partitioned asset .*; 1 asset left out/);
  });
});
