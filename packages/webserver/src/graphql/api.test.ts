/**
 * GraphQL API over HTTP against a real server (node:http + the API handler), real storage
 * (SQLite and PostgreSQL via @flyt/storage/testing) and real runs (the in-process launcher
 * executing the fixture definitions).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { InProcessLauncher } from "@flyt/run-worker";
import { encodeCursor } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { launcherRunController } from "./controller.js";
import { createApiHandler, type ApiHandler } from "./http.js";
import { aliasFlood, fragmentBomb } from "./test-fixtures/hostile-queries.js";
import { LocalDefinitions } from "./test-fixtures/local-definitions.js";
import { printFlytSchema } from "./schema.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));

interface GqlResponse {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function waitFor<T>(what: string, read: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("schema.graphql is the printed schema (run `npx tsc -b && node scripts/generate-graphql.mjs` after changing type-defs.ts)", () => {
  const committed = readFileSync(fileURLToPath(new URL("../../schema.graphql", import.meta.url)), "utf8");
  assert.equal(committed, printFlytSchema());
});

describeEachBackend((backend) => `GraphQL API over HTTP (${backend})`, ({ storage }) => {
  let server: Server;
  let api: ApiHandler;
  let url: string;
  let canMutate = true;

  const gql = async (query: string, variables: Record<string, unknown> = {}, init: RequestInit = {}): Promise<GqlResponse> => {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
      ...init,
    });
    return (await response.json()) as GqlResponse;
  };

  before(async () => {
    const definitions = await LocalDefinitions.load("shop", FIXTURE);
    api = createApiHandler({
      storage: storage,
      definitions,
      runs: launcherRunController({ storage: storage, launcher: new InProcessLauncher(), definitionsFile: () => FIXTURE }),
      viewer: () => ({ canMutate }),
      log: () => undefined,
      streamPollMs: 50,
    });
    server = createServer((req, res) => {
      void api.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end("not found");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("lists, filters, searches and paginates assets", async () => {
    const all = await gql(`{ assets { totalCount nodes { key location group status } } }`);
    assert.equal(all.errors, undefined);
    assert.deepEqual(all.data.assets.nodes.map((a: any) => a.key), ["shop/clean_orders", "shop/flaky", "shop/raw_orders", "shop/regional"]);
    assert.ok(all.data.assets.nodes.every((a: any) => a.location === "shop" && a.status === "NEVER_MATERIALIZED"));

    const group = await gql(`{ assets(filter: { group: "ingest" }) { nodes { key owners kinds tags { key value } } } }`);
    assert.deepEqual(group.data.assets.nodes, [{ key: "shop/raw_orders", owners: ["team:shop"], kinds: ["csv"], tags: [{ key: "tier", value: "bronze" }] }]);
    const tag = await gql(`{ assets(filter: { tag: "tier=bronze", owner: "team:shop", kind: "csv" }) { totalCount } }`);
    assert.equal(tag.data.assets.totalCount, 1);
    const search = await gql(`{ assets(filter: { search: "ORDERS" }) { nodes { key } } }`);
    assert.deepEqual(search.data.assets.nodes.map((a: any) => a.key), ["shop/clean_orders", "shop/raw_orders"]);

    const page1 = await gql(`{ assets(first: 3) { nodes { key } endCursor hasNextPage } }`);
    assert.equal(page1.data.assets.hasNextPage, true);
    const page2 = await gql(`query($after: String) { assets(first: 3, after: $after) { nodes { key } hasNextPage } }`, { after: page1.data.assets.endCursor });
    assert.deepEqual(page2.data.assets.nodes.map((a: any) => a.key), ["shop/regional"]);
    assert.equal(page2.data.assets.hasNextPage, false);
  });

  it("returns the asset graph, whole and around a selection", async () => {
    const whole = await gql(`{ assetGraph { nodes { key } edges { from to } } }`);
    assert.equal(whole.data.assetGraph.nodes.length, 4);
    assert.deepEqual(
      whole.data.assetGraph.edges.map((e: any) => `${e.from}>${e.to}`).sort(),
      ["shop/clean_orders>shop/flaky", "shop/raw_orders>shop/clean_orders"],
    );
    const around = await gql(`{ assetGraph(selection: "+shop/clean_orders") { nodes { key } } }`);
    assert.deepEqual(around.data.assetGraph.nodes.map((n: any) => n.key).sort(), ["shop/clean_orders", "shop/raw_orders"]);
  });

  it("launches a run, streams its events over SSE, and shows materializations, steps and logs", async () => {
    const launched = await gql(`mutation { launchRun(selection: "shop/raw_orders+") { __typename ... on LaunchRunSuccess { run { runId status assetKeys } } ... on Error { message } } }`);
    assert.equal(launched.data.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    const runId: string = launched.data.launchRun.run.runId;
    assert.deepEqual(launched.data.launchRun.run.assetKeys, ["shop/clean_orders", "shop/flaky", "shop/raw_orders"]);

    // Live events: read the SSE stream until the end message.
    const response = await fetch(`${url}/api/runs/${runId}/events`);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const decoder = new TextDecoder();
    let text = "";
    const reader = response.body!.getReader();
    const deadline = Date.now() + 20_000;
    while (!text.includes("event: end") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    assert.match(text, /event: end\ndata: \{"status":"SUCCESS"\}/);
    const streamed = text.split("\n\n").filter((b) => b.includes("event: events")).flatMap((b) => JSON.parse(b.slice(b.indexOf("data: ") + 6)) as Array<{ type: string; message: string }>);
    assert.ok(streamed.some((e) => e.type === "LOG" && e.message === "fetched orders"), "the log line is streamed");
    assert.ok(streamed.some((e) => e.type === "STEP_OUTPUT" && e.message.includes("stdout line from raw_orders")), "captured stdout is streamed");

    const run = await gql(`query($id: String!) { run(runId: $id) { status durationMs steps { stepKey status } events(types: ["LOG"]) { message level stepKey } } }`, { id: runId });
    assert.equal(run.data.run.status, "SUCCESS");
    assert.deepEqual(run.data.run.steps.map((s: any) => `${s.stepKey}:${s.status}`).sort(), ["shop/clean_orders:SUCCESS", "shop/flaky:SUCCESS", "shop/raw_orders:SUCCESS"]);
    assert.deepEqual(run.data.run.events.find((e: any) => e.message === "fetched orders"), { message: "fetched orders", level: "info", stepKey: "shop/raw_orders" });

    const asset = await gql(`{ asset(key: "shop/raw_orders") { status dependents latestMaterialization { runId } materializations { nodes { runId metadata { label number } } } latestRun { runId } schedules { name } sensors { name } } }`);
    const a = asset.data.asset;
    assert.equal(a.status, "MATERIALIZED");
    assert.deepEqual(a.dependents, ["shop/clean_orders"]);
    assert.equal(a.latestMaterialization.runId, runId);
    assert.deepEqual(a.materializations.nodes[0].metadata.find((m: any) => m.label === "row_count"), { label: "row_count", number: 42 });
    assert.equal(a.latestRun.runId, runId);
    assert.deepEqual(a.schedules.map((s: any) => s.name), ["nightly"]);
    assert.deepEqual(a.sensors.map((s: any) => s.name), ["watch_files"]);

    const runs = await gql(`{ runs(filter: { statuses: [SUCCESS], assetKey: "shop/flaky" }) { nodes { runId } } }`);
    assert.deepEqual(runs.data.runs.nodes.map((r: any) => r.runId), [runId]);
  });

  it("records a failed run, shows the asset FAILED, and re-executes it from failure", async () => {
    process.env.FLYT_TEST_FAIL = "1";
    let runId: string;
    try {
      const launched = await gql(`mutation { launchRun(selection: "shop/flaky") { ... on LaunchRunSuccess { run { runId } } } }`);
      runId = launched.data.launchRun.run.runId;
      await waitFor("the run to fail", async () => (await storage.getRun(runId))?.status === "FAILURE");
    } finally {
      delete process.env.FLYT_TEST_FAIL;
    }
    const failed = await gql(`{ overview { failedAssets { key } failedRuns24h { runId message } } assets(filter: { status: FAILED }) { nodes { key } } }`);
    assert.deepEqual(failed.data.overview.failedAssets.map((a: any) => a.key), ["shop/flaky"]);
    assert.deepEqual(failed.data.assets.nodes.map((a: any) => a.key), ["shop/flaky"]);
    assert.equal(failed.data.overview.failedRuns24h[0].runId, runId);
    const steps = await gql(`query($id: String!) { run(runId: $id) { steps { stepKey status errorMessage } } }`, { id: runId });
    assert.match(steps.data.run.steps[0].errorMessage, /flaky failed on purpose/);

    const again = await gql(`mutation($id: String!) { reexecuteRun(runId: $id, fromFailure: true) { __typename ... on LaunchRunSuccess { run { runId parentRunId } } } }`, { id: runId });
    assert.equal(again.data.reexecuteRun.__typename, "LaunchRunSuccess");
    assert.equal(again.data.reexecuteRun.run.parentRunId, runId);
    const childId: string = again.data.reexecuteRun.run.runId;
    await waitFor("the re-execution to succeed", async () => (await storage.getRun(childId))?.status === "SUCCESS");
    const after = await gql(`{ asset(key: "shop/flaky") { status } }`);
    assert.equal(after.data.asset.status, "MATERIALIZED");
  });

  it("answers expected failures of mutations with union results", async () => {
    const bad = await gql(`mutation { launchRun(selection: "shop/nope") { __typename ... on Error { message } } }`);
    assert.equal(bad.data.launchRun.__typename, "InvalidSelectionError");
    assert.match(bad.data.launchRun.message, /unknown asset key/);
    const needsPartition = await gql(`mutation { launchRun(selection: "shop/regional") { __typename ... on Error { message } } }`);
    assert.equal(needsPartition.data.launchRun.__typename, "InvalidPartitionError");
    const wrongPartition = await gql(`mutation { launchRun(selection: "shop/regional", partition: "east") { __typename } }`);
    assert.equal(wrongPartition.data.launchRun.__typename, "InvalidPartitionError");
    const missingRun = await gql(`mutation { cancelRun(runId: "nope") { __typename } reexecuteRun(runId: "nope") { __typename } }`);
    assert.deepEqual(missingRun.data, { cancelRun: { __typename: "RunNotFoundError" }, reexecuteRun: { __typename: "RunNotFoundError" } });
    canMutate = false;
    try {
      const denied = await gql(`mutation { launchRun(selection: "*") { __typename } setInstigatorStatus(id: "shop:nightly", status: STOPPED) { __typename } }`);
      assert.deepEqual(denied.data, { launchRun: { __typename: "UnauthorizedError" }, setInstigatorStatus: { __typename: "UnauthorizedError" } });
    } finally {
      canMutate = true;
    }
  });

  it("launches a partition and reports partition status", async () => {
    const launched = await gql(`mutation { launchRun(selection: "shop/regional", partition: "south") { ... on LaunchRunSuccess { run { runId partition } } } }`);
    const runId: string = launched.data.launchRun.run.runId;
    assert.equal(launched.data.launchRun.run.partition, "south");
    await waitFor("the partition run", async () => (await storage.getRun(runId))?.status === "SUCCESS");
    const status = await gql(`{ asset(key: "shop/regional") { partitions { kind keys } partitionStatus { total materialized partitions { nodes { key status runId } } } } }`);
    assert.deepEqual(status.data.asset.partitions, { kind: "static", keys: ["north", "south"] });
    assert.deepEqual(status.data.asset.partitionStatus, { total: 2, materialized: 1, partitions: { nodes: [{ key: "north", status: "MISSING", runId: null }, { key: "south", status: "MATERIALIZED", runId }] } });
  });

  it("cancels a queued run", async () => {
    const { run } = await storage.createRun({ selection: "shop/raw_orders", assetKeys: ["shop/raw_orders"], location: "shop" });
    const canceled = await gql(`mutation($id: String!) { cancelRun(runId: $id) { __typename ... on CancelRunSuccess { run { status canCancel } } } }`, { id: run.runId });
    assert.deepEqual(canceled.data.cancelRun, { __typename: "CancelRunSuccess", run: { status: "CANCELED", canCancel: false } });
    const again = await gql(`mutation($id: String!) { cancelRun(runId: $id) { __typename } }`, { id: run.runId });
    assert.equal(again.data.cancelRun.__typename, "RunNotCancelableError");
  });

  it("starts and stops schedules and sensors, and lists ticks and next tick times", async () => {
    const before = await gql(`{ schedules { id status defaultStatus cron timezone nextTicks(count: 2) } sensors { id status } }`);
    assert.equal(before.data.schedules[0].id, "shop:nightly");
    assert.equal(before.data.schedules[0].status, "RUNNING");
    assert.equal(before.data.schedules[0].nextTicks.length, 2);
    assert.ok(before.data.schedules[0].nextTicks[0] > Date.now());
    assert.equal(before.data.sensors[0].status, "STOPPED");

    const stopped = await gql(`mutation { setInstigatorStatus(id: "shop:nightly", status: STOPPED) { __typename ... on Schedule { status } } }`);
    assert.deepEqual(stopped.data.setInstigatorStatus, { __typename: "Schedule", status: "STOPPED" });
    assert.equal((await storage.getInstigatorState("shop:nightly"))?.status, "STOPPED");
    const overview = await gql(`{ overview { stoppedSchedules { id } stoppedSensors { id } } }`);
    assert.deepEqual(overview.data.overview, { stoppedSchedules: [{ id: "shop:nightly" }], stoppedSensors: [{ id: "shop:watch_files" }] });

    const tick = await storage.createTick("shop:watch_files", Date.now());
    await storage.updateTick(tick.tickId, { status: "SKIPPED", skipReason: "nothing new" });
    const ticks = await gql(`{ instigator(id: "shop:watch_files") { __typename ticks { status skipReason } } }`);
    assert.deepEqual(ticks.data.instigator, { __typename: "Sensor", ticks: [{ status: "SKIPPED", skipReason: "nothing new" }] });
    const unknown = await gql(`mutation { setInstigatorStatus(id: "shop:nope", status: RUNNING) { __typename } }`);
    assert.equal(unknown.data.setInstigatorStatus.__typename, "InstigatorNotFoundError");
  });

  it("lists and reloads code locations, and reports daemon status", async () => {
    const listed = await gql(`{ locations { name status assetCount scheduleCount sensorCount errorMessage } daemon { healthy loops { loop } } }`);
    assert.deepEqual(listed.data.locations, [{ name: "shop", status: "LOADED", assetCount: 4, scheduleCount: 1, sensorCount: 1, errorMessage: null }]);
    assert.deepEqual(listed.data.daemon, { healthy: false, loops: [] });
    await storage.recordDaemonHeartbeat({ daemonId: "d1", loop: "scheduler", at: Date.now(), info: null });
    const daemon = await gql(`{ daemon { healthy loops { loop healthy } } }`);
    assert.deepEqual(daemon.data.daemon, { healthy: true, loops: [{ loop: "scheduler", healthy: true }] });
    const reloaded = await gql(`mutation { reloadLocation(name: "shop") { __typename ... on CodeLocation { status } } }`);
    assert.deepEqual(reloaded.data.reloadLocation, { __typename: "CodeLocation", status: "LOADED" });
    const missing = await gql(`mutation { reloadLocation(name: "nope") { __typename } }`);
    assert.equal(missing.data.reloadLocation.__typename, "LocationNotFoundError");
  });

  it("refuses deep, expensive and oversized requests, and bad page sizes, without leaking internals", async () => {
    const deep = await gql(`{ assets { nodes { upstream { upstream { upstream { upstream { upstream { upstream { upstream { upstream { upstream { upstream { key } } } } } } } } } } } } }`);
    assert.match(deep.errors?.[0]?.message ?? "", /too deep/);
    const costly = await gql(`{ runs(first: 500) { nodes { events(first: 1000) { message } steps { stepKey } } } }`);
    assert.match(costly.errors?.[0]?.message ?? "", /too expensive/);
    const big = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ assets { totalCount } }`, pad: "x".repeat(300_000) }) });
    assert.equal(big.status, 413);
    const page = await gql(`{ runs(first: 5000) { nodes { runId } } }`);
    assert.match(page.errors?.[0]?.message ?? "", /at most 500/);
    const syntax = await gql(`{ assets { `);
    assert.ok(syntax.errors && syntax.errors.length > 0);
    for (const error of [...(deep.errors ?? []), ...(costly.errors ?? []), ...(page.errors ?? []), ...(syntax.errors ?? [])]) {
      assert.doesNotMatch(JSON.stringify(error), /at .*\.js:\d+/, "no stack trace reaches the client");
    }
  });

  it("answers a fragment bomb, a 1,000-alias query and a token flood with an error while /healthz-like requests keep answering", async () => {
    const started = Date.now();
    const bomb = gql(fragmentBomb(30));
    const aliases = gql(aliasFlood(1000));
    const tokens = gql(`{ ${"assets { totalCount } ".repeat(5_000)} }`);
    // Meanwhile an ordinary query is served (the event loop is not held by the bad ones).
    const ordinary = await gql(`{ assets { totalCount } }`);
    assert.equal(typeof ordinary.data?.assets?.totalCount, "number");
    const [b, a, t] = await Promise.all([bomb, aliases, tokens]);
    assert.match(b.errors?.map((e) => e.message).join(" ") ?? "", /too expensive|fields once its fragments are expanded/);
    assert.match(a.errors?.[0]?.message ?? "", /1000 aliases/);
    assert.match(t.errors?.[0]?.message ?? "", /token limit|maxTokens|tokens/i);
    // Before the limits were linear, the bomb alone held the process for minutes.
    assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
  });

  it("answers bad cursors and page sizes as the caller's fault, saying what to pass", async () => {
    const garbage = await gql(`{ runs(after: "garbage!") { nodes { runId } } }`);
    assert.equal(garbage.errors?.[0]?.extensions?.code, "INVALID_INPUT");
    assert.match(garbage.errors?.[0]?.message ?? "", /not a valid cursor; pass the nextCursor of a previous runs page unchanged/);
    const foreign = await gql(`query($after: String) { runs(after: $after) { nodes { runId } } }`, { after: encodeCursor("ticks", 7) });
    assert.equal(foreign.errors?.[0]?.extensions?.code, "INVALID_INPUT");
    assert.match(foreign.errors?.[0]?.message ?? "", /a ticks cursor cannot page runs/);
    const zero = await gql(`{ runs(first: 0) { nodes { runId } } }`);
    assert.equal(zero.errors?.[0]?.extensions?.code, "INVALID_INPUT");
    assert.match(zero.errors?.[0]?.message ?? "", /'first': must be at least 1/);
    for (const answer of [garbage, foreign, zero]) assert.doesNotMatch(answer.errors?.[0]?.message ?? "", /Internal error/);
  });

  it("search finds assets and schedules", async () => {
    const hits = await gql(`{ search(text: "night") { kind label path } }`);
    assert.deepEqual(hits.data.search, [{ kind: "schedule", label: "nightly (shop)", path: "/schedules/shop%3Anightly" }]);
    const assets = await gql(`{ search(text: "raw") { kind path } }`);
    assert.deepEqual(assets.data.search, [{ kind: "asset", path: "/assets/shop/raw_orders" }]);
    // Words separated by a space each match (in any part of the key); the closer match ranks first, not the alphabet.
    const words = await gql(`{ search(text: "raw orders") { label } }`);
    assert.deepEqual(words.data.search, [{ label: "shop/raw_orders" }]);
    const ranked = await gql(`{ search(text: "r") { kind label } }`);
    assert.deepEqual(
      ranked.data.search.filter((h: any) => h.kind === "asset").map((h: any) => h.label),
      ["shop/regional", "shop/raw_orders", "shop/clean_orders"],
      "names starting with the text before names containing it (alphabetical order would put clean_orders first)",
    );
    const flaky = await gql(`{ search(text: "flaky") { label } }`);
    assert.equal(flaky.data.search[0].label, "shop/flaky", "the exact name first");
    // A run by the first 8 characters of its id (what the UI shows).
    const { data } = await gql(`{ runs(first: 1) { nodes { runId } } }`);
    const runId: string = data.runs.nodes[0].runId;
    const byPrefix = await gql(`query($t: String!) { search(text: $t) { kind path } }`, { t: runId.slice(0, 8) });
    assert.deepEqual(byPrefix.data.search[0], { kind: "run", path: `/runs/${runId}` });
  });
});
