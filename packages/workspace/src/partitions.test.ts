/**
 * Partitions across the workspace: each location's partitions definitions are registered in real
 * storage (SQLite) when its snapshot loads and again only for what a reload changed (an asset that
 * stopped being partitioned is registered as null); a storage error is logged and retried, never a
 * failed load; and partition mappings on dependencies between locations are checked on the merged
 * graph, where only they can be.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";
import { dailyPartitions, monthlyPartitions, staticPartitions } from "@flyt/partitions";
import type { Snapshot } from "@flyt/protocol";
import { SqliteStorage, type PartitionsDefinitionEntry, type Storage } from "@flyt/storage";
import { mergeSnapshots, Workspace } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `workspace-partitions-${process.pid}`);

interface TestAsset {
  key: string;
  deps?: string[];
  partitions?: PartitionsSnapshot | null;
  partitionMappings?: Record<string, PartitionMappingSnapshot>;
}

function snapshot(location: string, assets: TestAsset[], externalAssets: Snapshot["externalAssets"] = []): Snapshot {
  return {
    location,
    assets: assets.map((a) => ({
      key: a.key, deps: a.deps ?? [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null,
      partitions: a.partitions ?? null, retryPolicy: null, stepKey: a.key, metadata: {}, checks: [], freshnessPolicy: null,
      ...(a.partitionMappings ? { partitionMappings: a.partitionMappings } : {}),
    })),
    externalAssets,
    schedules: [],
    sensors: [],
    metadata: { sdkVersion: "0.1.0", runtime: "test" },
  };
}

const DEFINITIONS = (partitioned: boolean) => `
import { asset, dailyPartitions, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({ assets: [
  asset({ key: "p/daily", partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }), compute: () => ({}) }),
  asset({ key: "p/changing", ${partitioned ? `partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }), ` : ""}compute: () => ({}) }),
  asset({ key: "p/plain", compute: () => ({}) }),
] });
`;

/** Storage whose putPartitionsDefinitions is recorded and can be made to fail. */
function recording(storage: Storage): { sink: Pick<Storage, "putPartitionsDefinitions" | "putAssetDefinitions">; calls: PartitionsDefinitionEntry[][]; failNext: { count: number } } {
  const calls: PartitionsDefinitionEntry[][] = [];
  const failNext = { count: 0 };
  return {
    calls,
    failNext,
    sink: {
      async putPartitionsDefinitions(entries) {
        if (failNext.count > 0) {
          failNext.count -= 1;
          throw new Error("storage is down (test)");
        }
        calls.push(entries);
        await storage.putPartitionsDefinitions(entries);
      },
      // Asset definitions (asset-definitions.test.ts) go through untouched.
      putAssetDefinitions: (entries) => storage.putAssetDefinitions(entries),
    },
  };
}

describe("workspace partitions", () => {
  let storage: Storage;
  before(async () => {
    mkdirSync(work, { recursive: true });
    storage = await SqliteStorage.open(join(work, "flyt.db"));
  });
  after(async () => {
    await storage.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("registers definitions when a location loads, and on reload only what changed (an asset no longer partitioned as null)", { timeout: 60_000 }, async () => {
    const file = join(work, "defs.ts");
    writeFileSync(file, DEFINITIONS(true));
    const { sink, calls } = recording(storage);
    const workspace = await Workspace.start({ locations: [{ name: "p", file }], pollIntervalMs: 0, storage: sink });
    try {
      assert.equal(workspace.get("p")?.status, "LOADED", JSON.stringify(workspace.get("p")?.error));
      await workspace.partitionsRegistered();
      const daily = workspace.graph().assets.get("p/daily")!.partitions;
      assert.deepEqual(calls.map((c) => c.map((e) => [e.assetKey, e.partitions === null ? null : e.partitions.kind]).sort()), [[["p/changing", "time-window"], ["p/daily", "time-window"], ["p/plain", null]]]);
      assert.deepEqual((await storage.getPartitionStatus("p/daily")).partitions, daily);
      assert.deepEqual((await storage.getPartitionStatus("p/changing")).partitions, daily);

      // The same definitions again: nothing to register.
      await workspace.reload("p");
      await workspace.partitionsRegistered();
      assert.equal(calls.length, 1);

      writeFileSync(file, DEFINITIONS(false));
      assert.equal((await workspace.reload("p")).status, "LOADED");
      await workspace.partitionsRegistered();
      assert.deepEqual(calls.slice(1), [[{ assetKey: "p/changing", partitions: null }]]);
      assert.equal((await storage.getPartitionStatus("p/changing")).partitions, null);
    } finally {
      await workspace.close();
    }
  });

  it("never fails a load on a storage error: it logs once and registers on a later poll", { timeout: 60_000 }, async () => {
    const file = join(work, "defs-retry.ts");
    writeFileSync(file, DEFINITIONS(true));
    const { sink, calls, failNext } = recording(storage);
    failNext.count = 2;
    const logs: Array<Record<string, unknown>> = [];
    const workspace = await Workspace.start({ locations: [{ name: "p", file }], pollIntervalMs: 100, storage: sink, log: (r) => logs.push(r) });
    try {
      assert.equal(workspace.get("p")?.status, "LOADED");
      const deadline = Date.now() + 20_000;
      while (calls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(calls.length, 1, "registered once storage answered");
      assert.equal(calls[0]!.length, 3);
      const warnings = logs.filter((l) => l.level === "warn" && /could not register partitions definitions/.test(String(l.msg)));
      assert.equal(warnings.length, 1, "one warning for the outage, not one per attempt");
      assert.match(String(warnings[0]!.error), /storage is down/);
      assert.equal(workspace.get("p")?.status, "LOADED");
    } finally {
      await workspace.close();
    }
  });

  it("checks partition mappings of dependencies between locations on the merged graph", () => {
    const regions = staticPartitions(["north", "south"]).snapshot();
    const daily = dailyPartitions({ start: "2024-01-01", timezone: "UTC" }).snapshot();
    const monthly = monthlyPartitions({ start: "2024-01", timezone: "UTC" }).snapshot();
    const external = [
      { key: "up/regions", location: "up" },
      { key: "up/daily", location: "up" },
    ];
    const merged = mergeSnapshots([
      snapshot("up", [
        { key: "up/regions", partitions: regions },
        { key: "up/daily", partitions: daily },
        // Within one location the SDK checks the pair at load; the merge does not repeat it.
        { key: "up/local_mismatch", deps: ["up/regions"], partitions: daily },
      ]),
      snapshot(
        "down",
        [
          { key: "down/monthly", deps: ["up/daily"], partitions: monthly },
          { key: "down/lagged", deps: ["up/daily"], partitions: daily, partitionMappings: { "up/daily": { kind: "time-window", startOffset: -1, endOffset: -1 } } },
          { key: "down/summary", deps: ["up/daily", "up/regions"] },
          { key: "down/by_day", deps: ["up/regions"], partitions: daily },
          { key: "down/regions", deps: ["up/regions"], partitions: staticPartitions(["north", "west"]).snapshot(), partitionMappings: { "up/regions": { kind: "identity" } } },
          { key: "down/window", deps: ["up/regions"], partitions: regions, partitionMappings: { "up/regions": { kind: "time-window", startOffset: 0, endOffset: 0 } } },
        ],
        external,
      ),
    ]);
    const problems = new Map(merged.partitionMappingProblems.map((p) => [`${p.location}:${p.asset}<-${p.dep}`, p.reason]));
    assert.deepEqual([...problems.keys()].sort(), ["down:down/by_day<-up/regions", "down:down/regions<-up/regions", "down:down/window<-up/regions"]);
    assert.match(problems.get("down:down/by_day<-up/regions")!, /no default partition mapping.*\(up\/regions is defined by location up\)/);
    assert.match(problems.get("down:down/regions<-up/regions")!, /its identity partition mapping does not fit: .*"west"/);
    assert.match(problems.get("down:down/window<-up/regions")!, /time-window mapping needs time-window partitions on both sides/);
    // The mappings travel into the merged graph's nodes (the planner and the API read them there).
    assert.deepEqual(merged.graph.get("down/lagged")?.partitionMappings, { "up/daily": { kind: "time-window", startOffset: -1, endOffset: -1 } });
  });
});
