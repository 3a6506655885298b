/**
 * Staleness and declarative automation over GraphQL and REST against a real Webserver (forwarded
 * auth: an operator and a viewer), a real Workspace over a file code location whose definitions the
 * test rewrites (a new code version), and real storage (SQLite and PostgreSQL). Materializations
 * are written into storage as a run writes them; storage records their data versions and
 * provenance by the definitions the workspace registered. The daemon is not part of this test:
 * automation ticks and evaluations are written through storage as its loop writes them, and read
 * back through the API.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { AUTOMATION_INSTIGATOR_ID, type AutomationAssetEvaluation } from "@flyt/core";
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
type As = Record<string, string>;

/**
 * s/raw → s/clean (code version from the test) → s/report (eager automation), and s/daily
 * (partitioned) reading s/raw; s/other is unrelated.
 */
const DEFINITIONS = (cleanVersion: string) => `
import { asset, AutomationCondition, dailyPartitions, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({ assets: [
  asset({ key: "s/raw", codeVersion: "1", compute: () => ({}) }),
  asset({ key: "s/clean", deps: ["s/raw"], codeVersion: "${cleanVersion}", compute: () => ({}) }),
  asset({ key: "s/report", deps: ["s/clean"], automationCondition: AutomationCondition.eager(), compute: () => ({}) }),
  asset({ key: "s/daily", deps: ["s/raw"], partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }), compute: () => ({}) }),
  asset({ key: "s/other", compute: () => ({}) }),
] });
`;

/** Writes a materialization as a run does; `dataVersion`: the producer's (Pipes, ctx). */
async function materialize(storage: Storage, assetKey: string, options: { partition?: string; dataVersion?: string } = {}): Promise<string> {
  const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], partitionKey: options.partition ?? null, location: "s" });
  await storage.appendEvents([{
    runId: run.runId, seq: null, timestamp: Date.now(), stepKey: assetKey,
    body: { type: "ASSET_MATERIALIZATION", assetKey, partition: options.partition ?? null, metadata: {}, ...(options.dataVersion ? { dataVersion: options.dataVersion } : {}) },
  }]);
  return run.runId;
}

describeEachBackend((backend) => `staleness and automation over HTTP (${backend})`, ({ backend, storage }) => {
  const work = join(REPO, ".flyt-test", `webserver-automation-${backend}-${process.pid}`);
  const file = join(work, "definitions.ts");
  let workspace: Workspace;
  let web: Webserver;

  const gql = async (query: string, variables: Record<string, unknown> = {}, as: As = OPERATOR): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> => {
    const response = await fetch(`${web.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...as },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any };
  };
  const ok = async (query: string, variables: Record<string, unknown> = {}, as: As = OPERATOR): Promise<any> => {
    const answer = await gql(query, variables, as);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  };
  const rest = async (method: string, path: string, body?: unknown, as: As = OPERATOR): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const syncStates = async (): Promise<Record<string, string>> => {
    const data = await ok(`{ assets { nodes { key sync { state } } } }`);
    return Object.fromEntries(data.assets.nodes.map((a: { key: string; sync: { state: string } }) => [a.key, a.sync.state]));
  };

  before(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(file, DEFINITIONS("1"));
    workspace = await Workspace.start({ locations: [{ name: "s", file }], pollIntervalMs: 0, storage });
    assert.equal(workspace.get("s")?.status, "LOADED", JSON.stringify(workspace.get("s")?.error));
    await workspace.definitionsRegistered();
    const runs = queueRunController(storage);
    const api = createApiHandler({ storage, definitions: workspace, runs, log: () => undefined });
    web = await startWebserver({ storage, workspace, runs, api, auth: FORWARDED, port: 0, host: "127.0.0.1", log: () => undefined });
  });

  after(async () => {
    await web?.close();
    await workspace?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("reads never-materialized assets as such, and materialized ones as synced with a data version", async () => {
    assert.deepEqual(await syncStates(), { "s/clean": "NEVER_MATERIALIZED", "s/daily": "NEVER_MATERIALIZED", "s/other": "NEVER_MATERIALIZED", "s/raw": "NEVER_MATERIALIZED", "s/report": "NEVER_MATERIALIZED" });
    assert.deepEqual((await ok(`{ unsyncedAssets { key } }`)).unsyncedAssets, []);
    await materialize(storage, "s/raw", { dataVersion: "raw-v1" });
    for (const key of ["s/clean", "s/report", "s/other"]) await materialize(storage, key);
    await materialize(storage, "s/daily", { partition: "2024-01-01" });
    assert.deepEqual(await syncStates(), { "s/clean": "SYNCED", "s/daily": "SYNCED", "s/other": "SYNCED", "s/raw": "SYNCED", "s/report": "SYNCED" });
    const data = await ok(`{ raw: asset(key: "s/raw") { dataVersion } clean: asset(key: "s/clean") { dataVersion sync { state causes { kind } } } }`);
    assert.equal(data.raw.dataVersion, "raw-v1", "the producer's data version");
    assert.match(data.clean.dataVersion, /^[0-9a-f]{16,}$/, "a derived data version");
    assert.deepEqual(data.clean.sync, { state: "SYNCED", causes: [] });
  });

  it("marks downstream unsynced when an upstream gets a new data version, with the causes, on assets and graph nodes", async () => {
    await materialize(storage, "s/raw", { dataVersion: "raw-v2" });
    const data = await ok(`{
      clean: asset(key: "s/clean") { sync { state causes { kind message upstream } } }
      report: asset(key: "s/report") { sync { state causes { kind message upstream } } }
      raw: asset(key: "s/raw") { sync { state } }
      assetGraph { nodes { key sync { state causes { kind upstream } } } }
      unsyncedAssets { key location partitioned causes { kind upstream } }
    }`);
    assert.equal(data.raw.sync.state, "SYNCED");
    assert.equal(data.clean.sync.state, "UNSYNCED");
    assert.deepEqual(data.clean.sync.causes.map((c: any) => [c.kind, c.upstream]), [["upstream_data_version_changed", "s/raw"]]);
    assert.match(data.clean.sync.causes[0].message, /s\/raw/);
    assert.deepEqual(data.report.sync.causes.map((c: any) => [c.kind, c.upstream]), [["upstream_unsynced", "s/clean"]]);
    const nodes = new Map(data.assetGraph.nodes.map((n: any) => [n.key, n.sync]));
    assert.deepEqual(nodes.get("s/clean"), { state: "UNSYNCED", causes: [{ kind: "upstream_data_version_changed", upstream: "s/raw" }] });
    assert.deepEqual(nodes.get("s/other"), { state: "SYNCED", causes: [] });
    assert.deepEqual(data.unsyncedAssets.map((a: any) => [a.key, a.location, a.partitioned]), [["s/clean", "s", false], ["s/daily", "s", true], ["s/report", "s", false]]);

    // A selection narrows the list; a bad one is the caller's error, naming the expression.
    assert.deepEqual((await ok(`{ unsyncedAssets(selection: "s/clean+") { key } }`)).unsyncedAssets, [{ key: "s/clean" }, { key: "s/report" }]);
    const bad = await gql(`{ unsyncedAssets(selection: "s/nope") { key } }`);
    assert.match(bad.errors?.[0]?.message ?? "", /unknown asset key "s\/nope"/);
    const viaRest = await rest("GET", "/api/v1/assets/unsynced?selection=s%2Fclean%2B", undefined, VIEWER);
    assert.equal(viaRest.status, 200);
    assert.deepEqual(viaRest.body.assets.map((a: any) => a.key), ["s/clean", "s/report"]);
    assert.equal(viaRest.body.assets[0].causes[0].kind, "upstream_data_version_changed");
    assert.equal((await rest("GET", "/api/v1/assets/unsynced?selection=s%2Fnope")).status, 400);
  });

  it("launches the unsynced unpartitioned assets in one run per location and a backfill of the unsynced partitions, and refuses viewers", async () => {
    const mutation = `mutation($selection: String) { materializeUnsynced(selection: $selection) {
      __typename
      ... on MaterializeUnsyncedSuccess { message launched backfills { id assetKey partitionCount } skipped { key reason } runs { runId status assetKeys location origin } }
      ... on Error { message }
    } }`;
    const viewer = await ok(mutation, {}, VIEWER);
    assert.equal(viewer.materializeUnsynced.__typename, "UnauthorizedError");
    assert.equal((await rest("POST", "/api/v1/assets/materialize-unsynced", {}, VIEWER)).status, 403);
    const badSelection = await ok(mutation, { selection: "s/nope" });
    assert.equal(badSelection.materializeUnsynced.__typename, "InvalidSelectionError");

    const before = (await storage.listRuns({}, { limit: 500 })).items.length;
    const result = (await ok(mutation, {})).materializeUnsynced;
    assert.equal(result.__typename, "MaterializeUnsyncedSuccess", JSON.stringify(result));
    assert.deepEqual(result.launched, ["s/clean", "s/report"]);
    assert.equal(result.runs.length, 1);
    assert.deepEqual(result.runs[0].assetKeys, ["s/clean", "s/report"]);
    assert.equal(result.runs[0].status, "QUEUED");
    assert.equal(result.runs[0].location, "s");
    // s/daily's one partition read s/raw's raw-v1: a backfill of exactly that partition.
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.backfills.map((b: any) => [b.assetKey, b.partitionCount]), [["s/daily", 1]]);
    const backfill = await storage.getBackfill(result.backfills[0].id);
    assert.deepEqual([backfill?.request.selection, backfill?.request.partitions, backfill?.status], ["s/daily", { kind: "keys", keys: ["2024-01-01"] }, "REQUESTED"]);
    assert.match(backfill?.request.requestedBy ?? "", /^materialize unsynced \(otto\)$/);
    assert.match(result.message, /Launched 1 run over 2 unsynced assets and 1 backfill over 1 unsynced partition of 1 partitioned asset\./);
    assert.equal((await storage.listRuns({}, { limit: 500 })).items.length, before + 1, "one run, nothing else");

    // The run materializes them (as its worker would): nothing unsynced is left but the partitioned one.
    for (const key of ["s/clean", "s/report"]) await materialize(storage, key);
    assert.deepEqual((await ok(`{ unsyncedAssets { key } }`)).unsyncedAssets, [{ key: "s/daily" }]);
    const nothing = await rest("POST", "/api/v1/assets/materialize-unsynced", { selection: "s/clean+" });
    assert.equal(nothing.status, 200);
    assert.deepEqual([nothing.body.runs, nothing.body.launched, nothing.body.skipped], [[], [], []]);
    assert.match(nothing.body.message, /No asset of "s\/clean\+" is unsynced/);
    assert.equal((await rest("POST", "/api/v1/assets/materialize-unsynced", { selection: 3 })).status, 400);
  });

  it("marks an asset unsynced when its code version changes in a new snapshot, and launches it over REST", async () => {
    await materialize(storage, "s/daily", { partition: "2024-01-02" });
    writeFileSync(file, DEFINITIONS("2"));
    assert.equal((await workspace.reload("s")).status, "LOADED");
    await workspace.definitionsRegistered();
    const data = await ok(`{ asset(key: "s/clean") { codeVersion sync { state causes { kind message upstream } } } unsyncedAssets { key causes { kind } } }`);
    assert.equal(data.asset.codeVersion, "2");
    assert.deepEqual(data.asset.sync, { state: "UNSYNCED", causes: [{ kind: "code_version_changed", message: data.asset.sync.causes[0].message, upstream: null }] });
    assert.match(data.asset.sync.causes[0].message, /code version 1 → 2/);
    assert.deepEqual(data.unsyncedAssets, [{ key: "s/clean", causes: [{ kind: "code_version_changed" }] }, { key: "s/report", causes: [{ kind: "upstream_unsynced" }] }]);

    const launched = await rest("POST", "/api/v1/assets/materialize-unsynced", { selection: "group:default" });
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    assert.deepEqual(launched.body.launched, ["s/clean", "s/report"]);
    assert.deepEqual(launched.body.runs.map((r: any) => r.assetKeys), [["s/clean", "s/report"]]);
    // s/daily is synced as a whole (its newest partition read raw-v2), not its older partition:
    // compared partition by partition, 2024-01-01 is backfilled.
    assert.equal(data.unsyncedAssets.some((a: any) => a.key === "s/daily"), false);
    assert.deepEqual(launched.body.backfills.map((b: any) => [b.assetKey, b.partitionCount]), [["s/daily", 1]]);
    assert.deepEqual((await storage.getBackfill(launched.body.backfills[0].id))?.request.partitions, { kind: "keys", keys: ["2024-01-01"] });
    // Materialized with the new code version: in sync again.
    for (const key of ["s/clean", "s/report"]) await materialize(storage, key);
    assert.deepEqual((await ok(`{ unsyncedAssets { key } }`)).unsyncedAssets, []);
  });

  it("shows the declared condition, evaluations written through storage, ticks and one tick", async () => {
    const tick = await storage.createTick(AUTOMATION_INSTIGATOR_ID, Date.now());
    const evaluation = (assetKey: string, requested: boolean): AutomationAssetEvaluation => ({
      assetKey,
      tickId: tick.tickId,
      evaluatedAt: tick.tickTime,
      requestedCount: requested ? 1 : 0,
      requestedPartitions: requested ? "0" : "",
      runIds: [],
      root: {
        kind: "and", description: "eager", trueCount: requested ? 1 : 0, truePartitions: requested ? "0" : "", detail: null,
        children: [
          { kind: "any_deps_match", description: "any upstream updated", trueCount: 1, truePartitions: "0", detail: "s/clean was materialized", children: [] },
          { kind: "not", description: "not any upstream in progress", trueCount: requested ? 1 : 0, truePartitions: requested ? "0" : "", detail: requested ? null : "upstream s/clean is in progress", children: [] },
        ],
      },
    });
    await storage.recordAutomationTick(tick.tickId, { evaluations: [evaluation("s/report", true), evaluation("s/other", false)], cursor: "{}", plannedRuns: [] });
    const { run } = await storage.createRun({ selection: "s/report", assetKeys: ["s/report"], location: "s", origin: "automation" });
    await storage.updateTick(tick.tickId, { status: "SUCCESS", runIds: [run.runId] });

    const asset = await ok(`{ asset(key: "s/report") {
      automationCondition { id parentId depth kind description }
      automationEvaluations(first: 5) { nodes { tickId requestedCount partitioned runIds result { id parentId depth kind description trueCount detail } } hasNextPage }
    } plain: asset(key: "s/raw") { automationCondition { id } automationEvaluations { nodes { tickId } } } }`, {}, VIEWER);
    const condition = asset.asset.automationCondition;
    assert.ok(condition.length > 1, JSON.stringify(condition));
    assert.deepEqual([condition[0].id, condition[0].parentId, condition[0].depth], [0, null, 0]);
    assert.equal(condition[0].description, "eager");
    for (const node of condition.slice(1)) assert.equal(condition[node.parentId].depth, node.depth - 1, "each node's parent is one level up");
    assert.deepEqual(asset.plain, { automationCondition: null, automationEvaluations: { nodes: [] } });
    const [latest] = asset.asset.automationEvaluations.nodes;
    assert.equal(latest.tickId, tick.tickId);
    assert.equal(latest.requestedCount, 1);
    assert.equal(latest.partitioned, false);
    assert.deepEqual(latest.result.map((n: any) => [n.id, n.parentId, n.depth, n.kind, n.trueCount, n.detail]), [
      [0, null, 0, "and", 1, null],
      [1, 0, 1, "any_deps_match", 1, "s/clean was materialized"],
      [2, 0, 1, "not", 1, null],
    ]);

    const ticks = await ok(`{ automationTicks(first: 10) { nodes { tickId status runIds evaluatedCount requestedCount } hasNextPage } }`, {}, VIEWER);
    assert.deepEqual(ticks.automationTicks.nodes, [{ tickId: tick.tickId, status: "SUCCESS", runIds: [run.runId], evaluatedCount: 2, requestedCount: 1 }]);
    const one = await ok(`query($id: Float!) { automationTick(id: $id) { tickId evaluations { assetKey requestedCount } requested: evaluations(requestedOnly: true) { assetKey result { detail } } } }`, { id: tick.tickId }, VIEWER);
    assert.deepEqual(one.automationTick.evaluations, [{ assetKey: "s/other", requestedCount: 0 }, { assetKey: "s/report", requestedCount: 1 }]);
    assert.deepEqual(one.automationTick.requested.map((e: any) => e.assetKey), ["s/report"]);
    assert.equal((await ok(`{ automationTick(id: 987654) { tickId } }`)).automationTick, null);
    // A schedule's tick is not an automation tick.
    const other = await storage.createTick("s:some_schedule", Date.now());
    assert.equal((await ok(`query($id: Float!) { automationTick(id: $id) { tickId } }`, { id: other.tickId })).automationTick, null);

    const viaRest = await rest("GET", "/api/v1/automation/ticks?limit=5", undefined, VIEWER);
    assert.equal(viaRest.status, 200);
    assert.deepEqual(viaRest.body.ticks.map((t: any) => [t.tickId, t.status, t.evaluatedCount, t.requestedCount]), [[tick.tickId, "SUCCESS", 2, 1]]);
    assert.equal((await rest("GET", "/api/v1/automation/ticks?limit=0")).status, 400);
  });

  it("turns automation off and on globally and per location, for operators only", async () => {
    const status = `{ automationStatus { status locations { location status running assetsWithCondition } } }`;
    assert.deepEqual((await ok(status, {}, VIEWER)).automationStatus, { status: "RUNNING", locations: [{ location: "s", status: "RUNNING", running: true, assetsWithCondition: 1 }] });
    const set = `mutation($location: String, $status: InstigatorStatus!) { setAutomationStatus(location: $location, status: $status) {
      __typename ... on AutomationStatus { status locations { location status running } } ... on Error { message } } }`;
    assert.equal((await ok(set, { location: null, status: "STOPPED" }, VIEWER)).setAutomationStatus.__typename, "UnauthorizedError");
    assert.equal((await storage.getInstigatorState(AUTOMATION_INSTIGATOR_ID)), null, "a viewer changed nothing");

    const off = (await ok(set, { location: null, status: "STOPPED" })).setAutomationStatus;
    assert.deepEqual(off, { __typename: "AutomationStatus", status: "STOPPED", locations: [{ location: "s", status: "RUNNING", running: false }] });
    assert.equal((await storage.getInstigatorState(AUTOMATION_INSTIGATOR_ID))?.status, "STOPPED");
    assert.equal((await storage.getInstigatorState(AUTOMATION_INSTIGATOR_ID))?.kind, "automation");

    await ok(set, { location: null, status: "RUNNING" });
    const locationOff = (await ok(set, { location: "s", status: "STOPPED" })).setAutomationStatus;
    assert.deepEqual(locationOff.locations, [{ location: "s", status: "STOPPED", running: false }]);
    assert.equal((await storage.getInstigatorState("automation:s"))?.status, "STOPPED");
    const unknown = (await ok(set, { location: "nope", status: "STOPPED" })).setAutomationStatus;
    assert.equal(unknown.__typename, "LocationNotFoundError");
    assert.match(unknown.message, /No code location "nope"/);
  });
});
