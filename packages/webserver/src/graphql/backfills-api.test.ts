/**
 * Backfills, partition status, partition mappings on lineage and dynamic partitions, over GraphQL
 * and REST against a real Webserver (forwarded auth: an operator and a viewer), a real Workspace
 * over a code-location server, and real storage (SQLite and PostgreSQL). The daemon is not part
 * of this test: where it would plan and drive a backfill, the test writes its progress into storage
 * as the daemon does, and reads it back through the API. A million-partition asset's status is
 * also asked of a webserver under a small heap (a child process), where listing its keys runs out.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { BACKFILL_TAG, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type PartitionsSnapshot } from "@flyt/core";
import { startCodeLocationServer } from "@flyt/code-location-server";
import { partitionKeySpace } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { mintRunToken, Workspace } from "@flyt/workspace";
import { startWebserver, type Webserver } from "../server.js";
import { queueRunController } from "./controller.js";
import { createApiHandler } from "./http.js";
import { FORWARDED_AUTH, AS_OPERATOR, AS_VIEWER } from "../auth/test-support.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/backfill-definitions.js", import.meta.url));
const PROBE = fileURLToPath(new URL("./test-fixtures/partition-status-probe.js", import.meta.url));

const FORWARDED = FORWARDED_AUTH;
const OPERATOR = AS_OPERATOR;
const VIEWER = AS_VIEWER;

type As = Record<string, string>;

/** Materializes `keys` of `assetKey` as a run would (one run per key), and returns the run ids. */
async function materialize(storage: Storage, assetKey: string, keys: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of keys) {
    const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], partitionKey: key, location: "hist" });
    await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey, partition: key, metadata: {} } }]);
    ids.push(run.runId);
  }
  return ids;
}

async function failRun(storage: Storage, assetKey: string, key: string): Promise<string> {
  const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], partitionKey: key, location: "hist" });
  await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_FAILURE", message: "failed on purpose" } }]);
  return run.runId;
}

/** Reads a server-sent event stream until `until` appears in it (or 20 s pass). */
async function readEvents(url: string, headers: As, until: string, during?: () => Promise<void>): Promise<Array<{ event: string; data: any }>> {
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let started = false;
  const deadline = Date.now() + 20_000;
  while (!text.includes(until) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (!started && during && text.includes("event: backfill")) {
      started = true;
      await during();
    }
  }
  await reader.cancel();
  return text
    .split("\n\n")
    .filter((block) => block.includes("event: "))
    .map((block) => ({ event: /event: (\S+)/.exec(block)![1]!, data: JSON.parse(block.slice(block.indexOf("data: ") + 6)) }));
}

describeEachBackend((backend) => `backfills, partition status and dynamic partitions over HTTP (${backend})`, ({ storage }) => {
  let codeServer: Awaited<ReturnType<typeof startCodeLocationServer>>;
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
  const rest = async (method: string, path: string, body?: unknown, as: As = OPERATOR): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${web.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const partitionsOf = (key: string): PartitionsSnapshot => workspace.graph().assets.get(key)!.partitions!;

  before(async () => {
    codeServer = await startCodeLocationServer({ definitionsFile: FIXTURE, name: "hist", port: 0, log: () => undefined });
    workspace = await Workspace.start({ locations: [{ name: "hist", url: codeServer.url }], pollIntervalMs: 0, storage });
    assert.equal(workspace.get("hist")?.status, "LOADED", JSON.stringify(workspace.get("hist")?.error));
    await workspace.partitionsRegistered();
    const runs = queueRunController(storage);
    const api = createApiHandler({ storage, definitions: workspace, runs, log: () => undefined, backfillStreamPollMs: 50 });
    web = await startWebserver({ storage, workspace, runs, api, auth: FORWARDED, port: 0, host: "127.0.0.1", log: () => undefined });
  });

  after(async () => {
    await web?.close();
    await workspace?.close();
    await codeServer?.close();
  });

  it("registers the loaded partitions definitions in storage when the location loads", async () => {
    for (const key of ["hist/hourly", "hist/daily", "dyn/customers"]) {
      assert.deepEqual((await storage.getPartitionStatus(key)).partitions, partitionsOf(key), key);
    }
  });

  it("counts and pages the status of an hourly asset since 1910 (a million partitions) by position", async () => {
    const space = partitionKeySpace(partitionsOf("hist/hourly"), new Date());
    assert.ok(space.count > 1_000_000, `hourly since 1910 has ${space.count} partitions`);
    const keyOf = (i: number) => space.keyAt(i);
    const done = [keyOf(0), keyOf(1), "1950-06-01-12:00"];
    await materialize(storage, "hist/hourly", done);
    const failedRun = await failRun(storage, "hist/hourly", keyOf(3));
    const mid = space.indexOf("1950-06-01-12:00");
    const answer = await gql(`{ asset(key: "hist/hourly") { partitionStatus {
      total materialized failed missing
      missingRanges(first: 3) { startKey endKey count }
      page: partitions(first: 5) { nodes { key status } endCursor hasNextPage }
      newest: partitions(first: 2, newestFirst: true) { nodes { key status } }
      failedOnly: partitions(status: FAILED) { nodes { key status runId } hasNextPage }
      done: partitions(status: MATERIALIZED, first: 2) { nodes { key } endCursor }
    } } }`);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    const status = answer.data.asset.partitionStatus;
    // An hour may have ended between the two reads.
    assert.ok(Math.abs(status.total - space.count) <= 1, `${status.total} vs ${space.count}`);
    assert.deepEqual([status.materialized, status.failed, status.missing], [3, 1, status.total - 4]);
    assert.deepEqual(status.missingRanges, [
      { startKey: keyOf(2), endKey: keyOf(2), count: 1 },
      { startKey: keyOf(4), endKey: keyOf(mid - 1), count: mid - 4 },
      { startKey: keyOf(mid + 1), endKey: keyOf(status.total - 1), count: status.total - mid - 1 },
    ]);
    assert.deepEqual(status.page.nodes, [
      { key: "1910-01-01-00:00", status: "MATERIALIZED" },
      { key: "1910-01-01-01:00", status: "MATERIALIZED" },
      { key: "1910-01-01-02:00", status: "MISSING" },
      { key: "1910-01-01-03:00", status: "FAILED" },
      { key: "1910-01-01-04:00", status: "MISSING" },
    ]);
    assert.equal(status.page.hasNextPage, true);
    assert.deepEqual(status.newest.nodes, [{ key: keyOf(status.total - 1), status: "MISSING" }, { key: keyOf(status.total - 2), status: "MISSING" }]);
    assert.deepEqual(status.failedOnly, { nodes: [{ key: keyOf(3), status: "FAILED", runId: failedRun }], hasNextPage: false });

    const next = await gql(`query($after: String) { asset(key: "hist/hourly") { partitionStatus {
      page: partitions(first: 2, after: $after) { nodes { key } }
    } } }`, { after: status.page.endCursor });
    assert.deepEqual(next.data.asset.partitionStatus.page.nodes, [{ key: "1910-01-01-05:00" }, { key: "1910-01-01-06:00" }]);
    const doneNext = await gql(`query($after: String) { asset(key: "hist/hourly") { partitionStatus { partitions(status: MATERIALIZED, after: $after) { nodes { key } hasNextPage } } } }`, { after: status.done.endCursor });
    assert.deepEqual(doneNext.data.asset.partitionStatus.partitions, { nodes: [{ key: "1950-06-01-12:00" }], hasNextPage: false });
    const bad = await gql(`{ asset(key: "hist/hourly") { partitionStatus { partitions(after: "garbage") { nodes { key } } } } }`);
    assert.equal(bad.errors?.[0]?.extensions?.code, "INVALID_INPUT");
    assert.match(bad.errors?.[0]?.message ?? "", /'after': not a valid cursor/);
  });

  it("shows each lineage edge's partition mapping with a description", async () => {
    const graph = await gql(`{ assetGraph(selection: "hist/daily+") { edges { from to partitionMapping { kind description declared startOffset endOffset } } } }`);
    const byEdge = new Map((graph.data.assetGraph.edges as Array<{ from: string; to: string; partitionMapping: unknown }>).map((e) => [`${e.from}>${e.to}`, e.partitionMapping]));
    assert.deepEqual(byEdge.get("hist/daily>hist/monthly"), { kind: "time-window", description: "daily → monthly: the month's days", declared: false, startOffset: 0, endOffset: 0 });
    assert.deepEqual(byEdge.get("hist/daily>hist/daily_change"), { kind: "time-window", description: "previous partition", declared: true, startOffset: -1, endOffset: -1 });
    assert.deepEqual(byEdge.get("hist/daily>hist/summary"), { kind: "all", description: "all partitions: reads every upstream partition", declared: false, startOffset: null, endOffset: null });
    const asset = await gql(`{ asset(key: "hist/monthly") { upstreamDependencies { key asset { key } partitionMapping { description } } } }`);
    assert.deepEqual(asset.data.asset.upstreamDependencies, [{ key: "hist/daily", asset: { key: "hist/daily" }, partitionMapping: { description: "daily → monthly: the month's days" } }]);
    const locations = await gql(`{ locations { name warnings } }`);
    assert.deepEqual(locations.data.locations, [{ name: "hist", warnings: [] }]);
  });

  it("launches a backfill, refuses bad ones naming the field, and refuses viewers", async () => {
    const launch = `mutation($input: LaunchBackfillInput!) { launchBackfill(input: $input) {
      __typename
      ... on LaunchBackfillSuccess { backfill { id status selection partitions { kind from to } policy { kind maxPartitionsPerRun } tags { key value } maxConcurrentRuns requestedBy counts { total } assets { assetKey } } }
      ... on InvalidBackfillError { field message }
      ... on Error { message }
    } }`;
    const good = await gql(launch, {
      input: { selection: "hist/daily", partitions: { kind: "RANGE", from: "2024-01-01", to: "2024-01-10" }, policy: { kind: "MULTI_RUN", maxPartitionsPerRun: 2 }, tags: [{ key: "team", value: "data" }], maxConcurrentRuns: 3 },
    });
    assert.equal(good.data?.launchBackfill.__typename, "LaunchBackfillSuccess", JSON.stringify(good));
    const backfill = good.data.launchBackfill.backfill;
    assert.deepEqual({ ...backfill, id: "x" }, {
      id: "x", status: "REQUESTED", selection: "hist/daily", partitions: { kind: "range", from: "2024-01-01", to: "2024-01-10" },
      policy: { kind: "multi-run", maxPartitionsPerRun: 2 }, tags: [{ key: "team", value: "data" }], maxConcurrentRuns: 3, requestedBy: "otto", counts: { total: 0 }, assets: [],
    });
    assert.equal((await storage.getBackfill(backfill.id))?.request.partitions.kind, "range");

    const refused: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ selection: "hist/daily", partitions: { kind: "RANGE", from: "2024-01-01" } }, "partitions.to", /must be a partition key/],
      [{ selection: "hist/daily", partitions: { kind: "RANGE", from: "2024-01-10", to: "2024-01-01" } }, "partitions.from", /comes after/],
      [{ selection: "hist/daily", partitions: { kind: "RANGE", from: "2023-12-31", to: "2024-01-01" } }, "partitions.from", /not a partition of any selected asset/],
      [{ selection: "hist/daily", partitions: { kind: "KEYS", keys: ["2024-01-01"], from: "2024-01-01" } }, "partitions.from", /unknown field/],
      [{ selection: "hist/daily", partitions: { kind: "ALL" }, tags: [{ key: "flyt/priority2", value: "1" }] }, "tags.flyt/priority2", /reserved/],
      [{ selection: "hist/nope", partitions: { kind: "ALL" } }, "selection", /unknown asset key/],
      [{ selection: "hist/daily", partitions: { kind: "FAILED", backfillId: "no-such-backfill" } }, "partitions.backfillId", /no backfill with id/],
      [{ selection: "hist/monthly", partitions: { kind: "FAILED" } }, "partitions.backfillId", /no earlier backfill of selection/],
      [{ selection: "hist/daily", partitions: { kind: "ALL" }, policy: { kind: "MULTI_RUN", maxPartitionsPerRun: 0 } }, "policy.maxPartitionsPerRun", /integer from 1/],
    ];
    for (const [input, field, message] of refused) {
      const answer = await gql(launch, { input });
      assert.equal(answer.data?.launchBackfill.__typename, "InvalidBackfillError", JSON.stringify({ input, answer }));
      assert.equal(answer.data.launchBackfill.field, field, JSON.stringify(input));
      assert.match(answer.data.launchBackfill.message, message);
    }

    const viewer = await gql(`mutation { launchBackfill(input: { selection: "hist/daily", partitions: { kind: ALL } }) { __typename }
      cancelBackfill(id: "${backfill.id}") { __typename } retryBackfill(id: "${backfill.id}") { __typename }
      addDynamicPartitions(name: "customers", keys: ["x"]) { __typename } deleteDynamicPartitions(name: "customers", keys: ["x"]) { __typename } }`, {}, VIEWER);
    assert.deepEqual(Object.values(viewer.data).map((v: any) => v.__typename), Array(5).fill("UnauthorizedError"));
    const read = await gql(`{ backfill(id: "${backfill.id}") { status } backfills(statuses: [REQUESTED]) { nodes { id } } }`, {}, VIEWER);
    assert.equal(read.data.backfill.status, "REQUESTED");
    assert.ok(read.data.backfills.nodes.some((b: { id: string }) => b.id === backfill.id));
    assert.equal((await storage.getBackfill(backfill.id))?.status, "REQUESTED", "the viewer's cancel changed nothing");

    // REST: the same validation, 400 naming the field; 403 for a viewer; 201 with the record.
    const missingTo = await rest("POST", "/api/v1/backfills", { selection: "hist/daily", partitions: { kind: "range", from: "2024-01-01" } });
    assert.equal(missingTo.status, 400);
    assert.deepEqual([missingTo.body.error.code, missingTo.body.error.field], ["BAD_REQUEST", "partitions.to"]);
    const unknownField = await rest("POST", "/api/v1/backfills", { selection: "hist/daily", partitions: { kind: "all" }, priority: 3 });
    assert.equal(unknownField.body.error.field, "priority");
    const notJson = await fetch(`${web.url}/api/v1/backfills`, { method: "POST", headers: { "content-type": "application/json", ...OPERATOR }, body: "{" });
    assert.equal(notJson.status, 400);
    const denied = await rest("POST", "/api/v1/backfills", { selection: "hist/daily", partitions: { kind: "all" } }, VIEWER);
    assert.equal(denied.status, 403);
    const created = await rest("POST", "/api/v1/backfills", { selection: "hist/daily+", partitions: { kind: "keys", keys: ["2024-01-02", "2024-01-05"] }, policy: { kind: "single-run" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.backfill.status, "REQUESTED");
    assert.equal(created.body.backfill.request.requestedBy, "otto");
    assert.equal("plan" in created.body.backfill, false);
  });

  it("decodes a backfill's range-encoded progress page by page, lists its runs, streams its progress, cancels and retries", async () => {
    const { backfill: created } = (await rest("POST", "/api/v1/backfills", { selection: "hist/daily", partitions: { kind: "range", from: "2024-01-01", to: "2024-01-10" } })).body;
    const id: string = created.backfillId;
    // What the daemon writes as it plans and drives the backfill: positions 0-9 are 2024-01-01..10.
    const counts = { total: 10, requested: 4, queued: 1, inProgress: 1, materialized: 3, failed: 1, skipped: 0, canceled: 0 };
    await storage.updateBackfill(id, {
      status: "IN_PROGRESS",
      progress: [{ assetKey: "hist/daily", partitions: "partitioned", targets: "0-9", launched: "0-5", materialized: "0-2", failed: "3", skipped: "", canceled: "" }],
      counts,
    });
    const { run } = await storage.createRun({ selection: "hist/daily", assetKeys: ["hist/daily"], location: "hist", tags: { [BACKFILL_TAG]: id, [PARTITION_RANGE_START_TAG]: "2024-01-05", [PARTITION_RANGE_END_TAG]: "2024-01-06" } });
    await storage.createRun({ selection: "hist/daily", assetKeys: ["hist/daily"], location: "hist", partitionKey: "2024-01-01" });

    const query = `query($id: String!, $after: String) { backfill(id: $id) {
      status canCancel counts { total requested queued inProgress materialized failed skipped canceled }
      assets { assetKey partitioned total requested inProgress materialized failed skipped canceled
        page: partitions(first: 4, after: $after) { nodes { key status } endCursor hasNextPage }
        failedOnly: partitions(status: FAILED) { nodes { key status } }
        requestedOnly: partitions(status: REQUESTED) { nodes { key } } }
      runs { nodes { runId } }
    } }`;
    const first = await gql(query, { id }, VIEWER);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    const b = first.data.backfill;
    assert.deepEqual([b.status, b.canCancel, b.counts], ["IN_PROGRESS", true, counts]);
    const asset = b.assets[0];
    assert.deepEqual(
      [asset.assetKey, asset.partitioned, asset.total, asset.requested, asset.inProgress, asset.materialized, asset.failed, asset.skipped, asset.canceled],
      ["hist/daily", true, 10, 4, 2, 3, 1, 0, 0],
    );
    assert.deepEqual(asset.page.nodes, [
      { key: "2024-01-01", status: "MATERIALIZED" },
      { key: "2024-01-02", status: "MATERIALIZED" },
      { key: "2024-01-03", status: "MATERIALIZED" },
      { key: "2024-01-04", status: "FAILED" },
    ]);
    assert.equal(asset.page.hasNextPage, true);
    assert.deepEqual(asset.failedOnly.nodes, [{ key: "2024-01-04", status: "FAILED" }]);
    assert.deepEqual(asset.requestedOnly.nodes.map((n: { key: string }) => n.key), ["2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10"]);
    assert.deepEqual(b.runs.nodes, [{ runId: run.runId }], "only the runs tagged with the backfill");
    const second = await gql(query, { id, after: asset.page.endCursor }, VIEWER);
    assert.deepEqual(second.data.backfill.assets[0].page.nodes, [
      { key: "2024-01-05", status: "LAUNCHED" },
      { key: "2024-01-06", status: "LAUNCHED" },
      { key: "2024-01-07", status: "REQUESTED" },
      { key: "2024-01-08", status: "REQUESTED" },
    ]);

    const one = await rest("GET", `/api/v1/backfills/${id}`, undefined, VIEWER);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.backfill.assets, [{ assetKey: "hist/daily", partitioned: true, total: 10, requested: 4, inProgress: 2, materialized: 3, failed: 1, skipped: 0, canceled: 0 }]);
    assert.equal(one.body.backfill.progress[0].targets, "0-9");
    const listed = await rest("GET", "/api/v1/backfills?status=IN_PROGRESS&limit=10", undefined, VIEWER);
    assert.deepEqual(listed.body.backfills.map((x: { backfillId: string }) => x.backfillId), [id]);
    assert.equal((await rest("GET", "/api/v1/backfills?status=RUNNING", undefined, VIEWER)).body.error.field, "status");
    assert.equal((await rest("GET", "/api/v1/backfills?limit=0", undefined, VIEWER)).body.error.field, "limit");
    const badCursor = await rest("GET", "/api/v1/backfills?cursor=garbage", undefined, VIEWER);
    assert.deepEqual([badCursor.status, badCursor.body.error.field], [400, "cursor"]);
    const nextPage = await rest("GET", `/api/v1/backfills?limit=1`, undefined, VIEWER);
    assert.equal((await rest("GET", `/api/v1/backfills?limit=1&cursor=${nextPage.body.nextCursor}`, undefined, VIEWER)).status, 200);
    assert.equal((await rest("GET", "/api/v1/backfills/no-such", undefined, VIEWER)).status, 404);

    // Live progress: the current state at once, then the change the daemon writes, then the end.
    const events = await readEvents(`${web.url}/api/backfills/${encodeURIComponent(id)}/events`, VIEWER, "event: end", async () => {
      await storage.updateBackfill(id, {
        status: "COMPLETED_FAILED",
        progress: [{ assetKey: "hist/daily", partitions: "partitioned", targets: "0-9", launched: "0-9", materialized: "0-2,4-9", failed: "3", skipped: "", canceled: "" }],
        counts: { ...counts, requested: 0, queued: 0, inProgress: 0, materialized: 9 },
        endedAt: Date.now(),
      });
    });
    assert.equal(events[0]?.event, "backfill");
    assert.equal(events[0]?.data.status, "IN_PROGRESS");
    const last = events.filter((e) => e.event === "backfill").at(-1)!;
    assert.equal(last.data.status, "COMPLETED_FAILED");
    assert.deepEqual(last.data.assets[0], { assetKey: "hist/daily", partitioned: true, total: 10, requested: 0, inProgress: 0, materialized: 9, failed: 1, skipped: 0, canceled: 0 });
    assert.deepEqual(events.at(-1), { event: "end", data: { status: "COMPLETED_FAILED" } });
    assert.equal((await fetch(`${web.url}/api/backfills/no-such/events`, { headers: VIEWER })).status, 404);

    // Retry: a new backfill over what failed; it cannot itself be retried while it runs.
    const retried = await gql(`mutation($id: String!) { retryBackfill(id: $id) { __typename ... on LaunchBackfillSuccess { backfill { id status selection partitions { kind backfillId } } } } }`, { id });
    assert.equal(retried.data.retryBackfill.__typename, "LaunchBackfillSuccess", JSON.stringify(retried));
    const retry = retried.data.retryBackfill.backfill;
    assert.deepEqual({ ...retry, id: "x" }, { id: "x", status: "REQUESTED", selection: "hist/daily", partitions: { kind: "failed", backfillId: id } });
    const tooEarly = await rest("POST", `/api/v1/backfills/${retry.id}/retry`);
    assert.equal(tooEarly.status, 409);
    assert.match(tooEarly.body.error.message, /is REQUESTED; retry it once it has ended/);

    // Cancel: CANCELING (again: the same), an ended one is not cancelable, an unknown one not found.
    const cancel = `mutation($id: String!) { cancelBackfill(id: $id) { __typename ... on CancelBackfillSuccess { backfill { status canCancel } } ... on BackfillNotCancelableError { status } } }`;
    assert.deepEqual((await gql(cancel, { id: retry.id })).data.cancelBackfill, { __typename: "CancelBackfillSuccess", backfill: { status: "CANCELING", canCancel: false } });
    assert.deepEqual((await gql(cancel, { id: retry.id })).data.cancelBackfill, { __typename: "CancelBackfillSuccess", backfill: { status: "CANCELING", canCancel: false } });
    assert.deepEqual((await gql(cancel, { id })).data.cancelBackfill, { __typename: "BackfillNotCancelableError", status: "COMPLETED_FAILED" });
    assert.equal((await gql(cancel, { id: "no-such" })).data.cancelBackfill.__typename, "BackfillNotFoundError");
    assert.equal((await rest("POST", `/api/v1/backfills/${id}/cancel`)).status, 409);
    assert.equal((await rest("POST", "/api/v1/backfills/no-such/cancel")).status, 404);
    assert.equal((await rest("POST", `/api/v1/backfills/${id}/cancel`, undefined, VIEWER)).status, 403);
    const restRetry = await rest("POST", `/api/v1/backfills/${id}/retry`);
    assert.equal(restRetry.status, 201);
    assert.deepEqual(restRetry.body.backfill.request.partitions, { kind: "failed", backfillId: id });
  });

  it("adds, lists, deletes and launches dynamic partitions, with status by their stored positions", async () => {
    const add = `mutation($name: String!, $keys: [String!]!) { addDynamicPartitions(name: $name, keys: $keys) { __typename ... on DynamicPartitionsChange { name added deleted count } ... on Error { message } } }`;
    const del = `mutation($name: String!, $keys: [String!]!) { deleteDynamicPartitions(name: $name, keys: $keys) { __typename ... on DynamicPartitionsChange { added deleted count } ... on Error { message } } }`;
    assert.deepEqual((await gql(add, { name: "customers", keys: ["c1", "c2", "c3"] })).data.addDynamicPartitions, { __typename: "DynamicPartitionsChange", name: "customers", added: 3, deleted: 0, count: 3 });
    assert.deepEqual((await gql(add, { name: "customers", keys: ["c3", "c4", "c4"] })).data.addDynamicPartitions.added, 1);
    assert.deepEqual((await gql(del, { name: "customers", keys: ["c2", "zz"] })).data.deleteDynamicPartitions, { __typename: "DynamicPartitionsChange", added: 0, deleted: 1, count: 3 });
    const undeclared = (await gql(add, { name: "suppliers", keys: ["s1"] })).data.addDynamicPartitions;
    assert.equal(undeclared.__typename, "InvalidPartitionError");
    assert.match(undeclared.message, /No loaded asset has dynamic partitions "suppliers"; the dynamic partitions definitions are "customers"/);
    const badKey = (await gql(add, { name: "customers", keys: ["ok", "a/b"] })).data.addDynamicPartitions;
    assert.match(badKey.message, /"a\/b" \(keys\[1\]\) must not contain '\/'/);
    assert.equal((await storage.getDynamicPartitions("customers", ["ok"])).length, 0, "a refused request adds nothing");

    const page1 = await gql(`{ dynamicPartitions(name: "customers", first: 2) { name totalCount nodes { key index } endCursor hasNextPage } }`, {}, VIEWER);
    const p1 = page1.data.dynamicPartitions;
    assert.deepEqual([p1.totalCount, p1.nodes.map((n: { key: string }) => n.key), p1.hasNextPage], [3, ["c1", "c3"], true]);
    const page2 = await gql(`query($after: String) { dynamicPartitions(name: "customers", first: 2, after: $after) { nodes { key } hasNextPage } }`, { after: p1.endCursor }, VIEWER);
    assert.deepEqual(page2.data.dynamicPartitions, { nodes: [{ key: "c4" }], hasNextPage: false });

    await materialize(storage, "dyn/customers", ["c3"]);
    const status = await gql(`{ asset(key: "dyn/customers") { partitions { kind name } partitionStatus { total materialized missing missingRanges { startKey endKey count } partitions { nodes { key status } } } } }`);
    assert.deepEqual(status.data.asset.partitions, { kind: "dynamic", name: "customers" });
    assert.deepEqual(status.data.asset.partitionStatus, {
      total: 3, materialized: 1, missing: 2,
      missingRanges: [{ startKey: "c1", endKey: "c1", count: 1 }, { startKey: "c4", endKey: "c4", count: 1 }],
      partitions: { nodes: [{ key: "c1", status: "MISSING" }, { key: "c3", status: "MATERIALIZED" }, { key: "c4", status: "MISSING" }] },
    });

    const launch = `mutation($p: String) { launchRun(selection: "dyn/customers", partition: $p) { __typename ... on LaunchRunSuccess { run { partition status } } ... on Error { message } } }`;
    const deleted = (await gql(launch, { p: "c2" })).data.launchRun;
    assert.equal(deleted.__typename, "InvalidPartitionError");
    assert.match(deleted.message, /Invalid partition "c2" for asset dyn\/customers: not a partition of this asset \(dynamic partitions "customers" has no such key\)/);
    assert.deepEqual((await gql(launch, { p: "c3" })).data.launchRun, { __typename: "LaunchRunSuccess", run: { partition: "c3", status: "QUEUED" } });

    // REST: the same operations for automation.
    const listed = await rest("GET", "/api/v1/dynamic-partitions/customers?limit=2", undefined, VIEWER);
    assert.deepEqual([listed.status, listed.body.count, listed.body.keys.map((k: { key: string }) => k.key)], [200, 3, ["c1", "c3"]]);
    const rest2 = await rest("GET", `/api/v1/dynamic-partitions/customers?limit=2&cursor=${listed.body.nextCursor}`, undefined, VIEWER);
    assert.deepEqual(rest2.body.keys.map((k: { key: string }) => k.key), ["c4"]);
    assert.equal((await rest("GET", "/api/v1/dynamic-partitions/customers?cursor=nope", undefined, VIEWER)).body.error.field, "cursor");
    assert.equal((await rest("GET", "/api/v1/dynamic-partitions/bad%20name", undefined, VIEWER)).body.error.field, "name");
    assert.deepEqual((await rest("POST", "/api/v1/dynamic-partitions/customers", { keys: ["c5"] })).body, { name: "customers", added: 1, deleted: 0, count: 4 });
    assert.deepEqual((await rest("DELETE", "/api/v1/dynamic-partitions/customers", { keys: ["c5"] })).body, { name: "customers", added: 0, deleted: 1, count: 3 });
    const restBadKey = await rest("POST", "/api/v1/dynamic-partitions/customers", { keys: ["c6", "bad/key"] });
    assert.deepEqual([restBadKey.status, restBadKey.body.error.field], [400, "keys.1"]);
    assert.equal((await rest("POST", "/api/v1/dynamic-partitions/suppliers", { keys: ["s1"] })).body.error.field, "name");
    assert.equal((await rest("POST", "/api/v1/dynamic-partitions/customers", { keys: "c6" })).body.error.field, "keys");
    assert.equal((await rest("POST", "/api/v1/dynamic-partitions/customers", { keys: ["c6"] }, VIEWER)).status, 403);
    assert.equal((await storage.getDynamicPartitions("customers", ["c6"])).length, 0);
  });

  it("launches one run over a partition range, checking both keys by position", async () => {
    const launch = `mutation($selection: String!, $p: String, $range: PartitionRangeInput) { launchRun(selection: $selection, partition: $p, partitionRange: $range) {
      __typename ... on LaunchRunSuccess { run { runId partition tags { key value } } } ... on Error { message } } }`;
    const ok = (await gql(launch, { selection: "hist/daily", range: { start: "2024-01-03", end: "2024-01-05" } })).data.launchRun;
    assert.equal(ok.__typename, "LaunchRunSuccess", JSON.stringify(ok));
    assert.equal(ok.run.partition, null);
    const tags = Object.fromEntries(ok.run.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    assert.deepEqual([tags[PARTITION_RANGE_START_TAG], tags[PARTITION_RANGE_END_TAG]], ["2024-01-03", "2024-01-05"]);
    const reversed = (await gql(launch, { selection: "hist/daily", range: { start: "2024-01-05", end: "2024-01-03" } })).data.launchRun;
    assert.match(reversed.message, /Invalid partition "2024-01-05" for asset hist\/daily: the range starts after its end "2024-01-03"; swap them/);
    const both = (await gql(launch, { selection: "hist/daily", p: "2024-01-01", range: { start: "2024-01-03", end: "2024-01-05" } })).data.launchRun;
    assert.match(both.message, /not both/);
    const outside = (await gql(launch, { selection: "hist/daily", range: { start: "2023-12-30", end: "2024-01-05" } })).data.launchRun;
    assert.match(outside.message, /Invalid partition "2023-12-30" for asset hist\/daily: the start of the range is not a partition of this asset/);
    // A key of the million-partition asset is found by position, not by listing.
    const hour = (await gql(launch, { selection: "hist/hourly", p: "1999-12-31-23:00" })).data.launchRun;
    assert.equal(hour.__typename, "LaunchRunSuccess", JSON.stringify(hour));
    const badHour = (await gql(launch, { selection: "hist/hourly", p: "1909-12-31-23:00" })).data.launchRun;
    assert.equal(badHour.__typename, "InvalidPartitionError");
    // REST takes the same range.
    const restRun = await rest("POST", "/api/v1/runs", { location: "hist", selection: "hist/daily", partitionRange: { start: "2024-01-01", end: "2024-01-02" } });
    assert.equal(restRun.status, 201, JSON.stringify(restRun.body));
    assert.deepEqual((await storage.getRun(restRun.body.runId))?.tags[PARTITION_RANGE_END_TAG], "2024-01-02");
    const restReversed = await rest("POST", "/api/v1/runs", { location: "hist", selection: "hist/daily", partitionRange: { start: "2024-01-02", end: "2024-01-01" } });
    assert.deepEqual([restReversed.status, restReversed.body.error.field], [400, "partitionKey"]);
  });

  it("accepts DYNAMIC_PARTITIONS_CHANGED from a run's step for its location's definitions only", async () => {
    const { run } = await storage.createRun({ selection: "dyn/customers", assetKeys: ["dyn/customers"], location: "hist", status: "STARTING" });
    const minted = mintRunToken();
    await storage.createRunToken({ tokenHash: minted.hash, runId: run.runId, location: "hist", assetKeys: run.assetKeys, expiresAt: Date.now() + 60_000 });
    let seq = 0;
    const event = (body: unknown, stepKey: string | null = "dyn/customers") => ({ runId: run.runId, seq: ++seq, timestamp: Date.now(), stepKey, body });
    const post = async (events: unknown[]) => {
      const response = await fetch(`${web.ingestUrl}/runs/${run.runId}/events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${minted.token}` }, body: JSON.stringify({ events }) });
      return { status: response.status, body: (await response.json()) as any };
    };
    assert.equal((await post([event({ type: "RUN_PLANNED", steps: [{ stepKey: "dyn/customers", assetKeys: ["dyn/customers"] }] }, null)])).status, 200);
    const change = (name: string, added: string[]) => ({ type: "DYNAMIC_PARTITIONS_CHANGED", name, added, deleted: [] });
    const before = (await storage.getEvents(run.runId)).length;
    const noStep = await post([event(change("customers", ["w1"]), null)]);
    assert.deepEqual([noStep.status, noStep.body.error.field], [400, "events.0.stepKey"]);
    const badKey = await post([event(change("customers", ["w1", "w/2"]))]);
    assert.deepEqual([badKey.status, badKey.body.error.field], [400, "events.0.body.added.1"]);
    const twice = await post([event(change("customers", ["w1", "w1"]))]);
    assert.deepEqual([twice.status, twice.body.error.field], [400, "events.0.body.added.1"]);
    const foreign = await post([event(change("suppliers", ["s1"]))]);
    assert.deepEqual([foreign.status, foreign.body.error.field], [403, "events.0.body.name"]);
    assert.match(foreign.body.error.message, /no asset of location hist has dynamic partitions "suppliers"; this run may change "customers"/);
    assert.equal((await storage.getEvents(run.runId)).length, before, "nothing of the refused batches is stored");
    assert.equal((await storage.getDynamicPartitions("customers", ["w1"])).length, 0);
    const ok = await post([event(change("customers", ["w1"]))]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((await storage.getDynamicPartitions("customers", ["w1"])).map((p) => p.key), ["w1"], "storage applied the change");
    const shown = await gql(`query($id: String!) { run(runId: $id) { events(types: ["DYNAMIC_PARTITIONS_CHANGED"]) { message } } }`, { id: run.runId }, VIEWER);
    assert.deepEqual(shown.data.run.events, [{ message: "dynamic partitions customers: added 1" }]);
  });
});

describe("a million-partition asset's status under a small heap", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyt-partition-probe-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the probe under `heapMb` and resolves with its URL, or with its exit when it dies first. */
  const startProbe = (file: string, heapMb: number, extra: string[] = []) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, PROBE, file, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<{ url: string } | { exit: number | null; stderr: string }>((resolve) => {
      createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as { url: string }));
      child.once("exit", (code) => resolve({ exit: code, stderr }));
    });
    return { child, ready };
  };

  it("answers counts, missing ranges and a page without listing keys (listing them runs out of memory there)", async () => {
    const HEAP_MB = 48;
    const listing = startProbe(join(dir, "listing.db"), HEAP_MB, ["--list"]);
    const listed = await listing.ready;
    listing.child.kill();
    assert.ok("exit" in listed && listed.exit !== 0 && /heap out of memory|Allocation failed/i.test(listed.stderr), `listing a million keys under ${HEAP_MB} MB must fail: ${JSON.stringify(listed).slice(0, 500)}`);

    const probe = startProbe(join(dir, "status.db"), HEAP_MB);
    try {
      const ready = await probe.ready;
      assert.ok("url" in ready, JSON.stringify(ready).slice(0, 2000));
      const response = await fetch(`${ready.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ asset(key: "hist/hourly") { partitionStatus { total materialized failed missing missingRanges(first: 2) { startKey count } partitions(first: 500, newestFirst: true) { nodes { key status } } } } }` }),
      });
      const body = (await response.json()) as any;
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const status = body.data.asset.partitionStatus;
      assert.ok(status.total > 1_000_000);
      assert.deepEqual([status.materialized, status.failed, status.missing], [3, 1, status.total - 4]);
      assert.deepEqual(status.missingRanges, [{ startKey: "1910-01-01-02:00", count: 1 }, { startKey: "1910-01-01-04:00", count: status.missingRanges[1].count }]);
      assert.equal(status.partitions.nodes.length, 500);
    } finally {
      probe.child.kill("SIGTERM");
    }
  });
});
