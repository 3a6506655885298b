/**
 * evaluateAutomationTick against real storage (SQLite and PostgreSQL, FLYT_TEST_BACKENDS): the
 * facts come from the asset index, partition status, recent materializations and live runs as
 * storage keeps them, with a handful of queries whatever the number of assets.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AssetGraph, type NewRun } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { createTestStorage, testBackends } from "@flyt/storage/testing";
import { eagerCondition } from "./conditions.js";
import { evaluateAutomationTick } from "./tick.js";
import { DAILY, node, withCondition } from "./test-support.js";

const graph = new AssetGraph([
  node("atlas/ingest/raw", [], { codeVersion: "1" }),
  withCondition(node("atlas/dbt/stg", ["atlas/ingest/raw"], { codeVersion: "1" }), eagerCondition()),
  withCondition(node("atlas/frost/daily", [], { partitions: DAILY }), eagerCondition()),
  withCondition(node("atlas/frost/daily_agg", ["atlas/frost/daily"], { partitions: DAILY }), eagerCondition()),
]);

async function materialize(storage: Storage, assetKey: string, partition: string | null, at: number): Promise<void> {
  const run: NewRun = { selection: assetKey, assetKeys: [assetKey], partitionKey: partition };
  const { run: created } = await storage.createRun(run);
  await storage.appendEvents([
    { runId: created.runId, seq: 1, timestamp: at, stepKey: assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey, partition, metadata: {} } },
    { runId: created.runId, seq: 2, timestamp: at, stepKey: null, body: { type: "RUN_SUCCESS" } },
  ]);
}

for (const backend of testBackends()) {
  test(`${backend}: a tick reads storage in a few queries and decides as the pure evaluator does`, async () => {
    await using fixture = await createTestStorage(backend);
    const storage = fixture.storage;
    await storage.putAssetDefinitions([...graph.nodes.values()].map((n) => ({ assetKey: n.key, deps: n.deps, codeVersion: n.codeVersion })));
    await storage.putPartitionsDefinitions([...graph.nodes.values()].map((n) => ({ assetKey: n.key, partitions: n.partitions })));
    let now = Date.now();
    await materialize(storage, "atlas/ingest/raw", null, now - 5000);
    await materialize(storage, "atlas/dbt/stg", null, now - 4000);
    const options = { tickId: 1, locationOf: () => "atlas" };

    const first = await evaluateAutomationTick(storage, graph, { ...options, now, cursor: null });
    assert.equal(first.stats.assets, 3);
    assert.ok(first.stats.queries <= 6, `queries: ${first.stats.queries}`);
    const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(first.output.runRequests.map((r) => [r.partitionKey, r.assetKeys]), [[yesterday, ["atlas/frost/daily", "atlas/frost/daily_agg"]]]);
    assert.equal(first.output.requested.has("atlas/dbt/stg"), false);

    // The daily run is under way; raw lands again.
    const planned = first.output.runRequests[0]!;
    await storage.createRun({ selection: planned.selection, assetKeys: planned.assetKeys, partitionKey: planned.partitionKey, tags: planned.tags, origin: "automation", instigator: planned.instigator, runKey: planned.runKey });
    now += 30_000;
    await materialize(storage, "atlas/ingest/raw", null, now - 1000);
    const second = await evaluateAutomationTick(storage, graph, { ...options, tickId: 2, now, cursor: first.output.cursor });
    assert.deepEqual(second.output.runRequests.map((r) => r.assetKeys), [["atlas/dbt/stg"]]);
    const daily = second.output.evaluations.find((e) => e.assetKey === "atlas/frost/daily")!;
    assert.equal(daily.requestedCount, 0);
    assert.match(daily.root.detail ?? "", /^not requested: /);
    assert.ok(second.stats.databaseMs >= 0 && second.stats.evaluationMs >= 0);

    // Storage's batch status read (getPartitionStatuses) gives the same decision as one
    // getPartitionStatus per partitioned asset, in fewer queries.
    const unbatched = Object.assign(Object.create(storage) as Storage, { getPartitionStatuses: undefined });
    const oneByOne = await evaluateAutomationTick(unbatched, graph, { ...options, tickId: 2, now, cursor: first.output.cursor });
    assert.deepEqual(oneByOne.output.runRequests, second.output.runRequests);
    assert.deepEqual(oneByOne.output.evaluations.map((e) => e.root), second.output.evaluations.map((e) => e.root));
    assert.equal(second.stats.queries, oneByOne.stats.queries - 1);

    // Automation off for the location: nothing is read per asset, nothing evaluated.
    const off = await evaluateAutomationTick(storage, graph, { ...options, tickId: 3, now: now + 30_000, cursor: second.output.cursor, enabled: () => false });
    assert.deepEqual(off.output.evaluations, []);
  });
}
