/**
 * Asset definitions across the workspace: each location's assets are registered in real storage
 * (SQLite) with their dependencies (an asset reading its own partitions excluded) and code version
 * when its snapshot loads, and again only for what a reload changed; storage then records the
 * provenance of a materialization by them. A storage error is logged and retried, never a failed load.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { SqliteStorage, type AssetDefinitionEntry, type Storage } from "@flyt/storage";
import { Workspace } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `workspace-asset-definitions-${process.pid}`);

const DEFINITIONS = (version: string) => `
import { asset, dailyPartitions, defineDefinitions, timeWindowPartitionMapping } from "@flyt/sdk";
export default defineDefinitions({ assets: [
  asset({ key: "v/raw", codeVersion: "1", compute: () => ({}) }),
  asset({ key: "v/clean", deps: ["v/raw"], codeVersion: "${version}", compute: () => ({}) }),
  asset({
    key: "v/rolling",
    deps: ["v/rolling", "v/clean"],
    partitions: dailyPartitions({ start: "2024-01-01", timezone: "UTC" }),
    partitionMappings: { "v/rolling": timeWindowPartitionMapping({ startOffset: -1, endOffset: -1 }) },
    compute: () => ({}),
  }),
] });
`;

/** Storage whose putAssetDefinitions is recorded and can be made to fail. */
function recording(storage: Storage): { sink: Pick<Storage, "putPartitionsDefinitions" | "putAssetDefinitions">; calls: AssetDefinitionEntry[][]; failNext: { count: number } } {
  const calls: AssetDefinitionEntry[][] = [];
  const failNext = { count: 0 };
  return {
    calls,
    failNext,
    sink: {
      putPartitionsDefinitions: (entries) => storage.putPartitionsDefinitions(entries),
      async putAssetDefinitions(entries) {
        if (failNext.count > 0) {
          failNext.count -= 1;
          throw new Error("storage is down (test)");
        }
        calls.push(entries);
        await storage.putAssetDefinitions(entries);
      },
    },
  };
}

const sorted = (entries: AssetDefinitionEntry[]) => [...entries].sort((a, b) => (a.assetKey < b.assetKey ? -1 : 1));

describe("workspace asset definitions", () => {
  let storage: Storage;
  before(async () => {
    mkdirSync(work, { recursive: true });
    storage = await SqliteStorage.open(join(work, "flyt.db"));
  });
  after(async () => {
    await storage.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("registers deps (itself excluded) and code versions on load, and on reload only what changed", { timeout: 60_000 }, async () => {
    const file = join(work, "defs.ts");
    writeFileSync(file, DEFINITIONS("1"));
    const { sink, calls } = recording(storage);
    const workspace = await Workspace.start({ locations: [{ name: "v", file }], pollIntervalMs: 0, storage: sink });
    try {
      assert.equal(workspace.get("v")?.status, "LOADED", JSON.stringify(workspace.get("v")?.error));
      await workspace.definitionsRegistered();
      assert.deepEqual(calls.map(sorted), [
        [
          { assetKey: "v/clean", deps: ["v/raw"], codeVersion: "1" },
          { assetKey: "v/raw", deps: [], codeVersion: "1" },
          { assetKey: "v/rolling", deps: ["v/clean"], codeVersion: null },
        ],
      ]);

      // Unchanged definitions: nothing to register.
      await workspace.reload("v");
      await workspace.definitionsRegistered();
      assert.equal(calls.length, 1);

      writeFileSync(file, DEFINITIONS("2"));
      assert.equal((await workspace.reload("v")).status, "LOADED");
      await workspace.definitionsRegistered();
      assert.deepEqual(calls.slice(1), [[{ assetKey: "v/clean", deps: ["v/raw"], codeVersion: "2" }]]);

      // Storage records a materialization's provenance by what was registered.
      for (const assetKey of ["v/raw", "v/clean"]) {
        const { run } = await storage.createRun({ selection: assetKey, assetKeys: [assetKey], location: "v" });
        await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey, partition: null, metadata: {} } }]);
      }
      const latest = new Map((await storage.getLatestMaterializations(["v/raw", "v/clean"])).map((e) => [e.assetKey, e]));
      const raw = latest.get("v/raw")!;
      const clean = latest.get("v/clean")!;
      assert.equal(clean.codeVersion, "2", "the registered code version");
      assert.ok(raw.dataVersion, "a derived data version");
      assert.deepEqual(clean.inputDataVersions, { "v/raw": raw.dataVersion });
    } finally {
      await workspace.close();
    }
  });

  it("never fails a load on a storage error: it logs once and registers on a later poll", { timeout: 60_000 }, async () => {
    const file = join(work, "defs-retry.ts");
    writeFileSync(file, DEFINITIONS("1"));
    const { sink, calls, failNext } = recording(storage);
    failNext.count = 2;
    const logs: Array<Record<string, unknown>> = [];
    const workspace = await Workspace.start({ locations: [{ name: "v", file }], pollIntervalMs: 100, storage: sink, log: (r) => logs.push(r) });
    try {
      assert.equal(workspace.get("v")?.status, "LOADED");
      const deadline = Date.now() + 20_000;
      while (calls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(calls.length, 1, "registered once storage answered");
      assert.equal(calls[0]!.length, 3);
      const warnings = logs.filter((l) => l.level === "warn" && /could not register asset definitions/.test(String(l.msg)));
      assert.equal(warnings.length, 1, "one warning for the outage, not one per attempt");
      assert.match(String(warnings[0]!.error), /storage is down/);
      assert.ok(logs.some((l) => l.level === "info" && /asset definitions registered after an earlier failure/.test(String(l.msg))));
    } finally {
      await workspace.close();
    }
  });
});
