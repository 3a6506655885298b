/**
 * A child process for the million-partition test: the GraphQL API over HTTP on a SQLite file,
 * serving one asset partitioned hourly since 1910 (about a million partitions), of which a few are
 * materialized and one failed. The test starts it under a small heap (`--max-old-space-size`), so
 * an answer that listed the keys (tens of MB of strings, more with a state per key) would run out
 * of memory instead of answering. With `--list` it lists them first, which must run out under the
 * same heap: the limit has teeth. Prints `{"url": …}` once it serves.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { hourlyPartitions, partitionsFromSnapshot } from "@flyt/partitions";
import type { Snapshot } from "@flyt/protocol";
import { SqliteStorage } from "@flyt/storage";
import { mergeSnapshots } from "@flyt/workspace";
import { queueRunController } from "../controller.js";
import type { DefinitionsProvider, LocationEntry } from "../context.js";
import { createApiHandler } from "../http.js";

const PROBE_ASSET = "hist/hourly";
/** Materialized by the probe before it serves. */
const PROBE_MATERIALIZED = ["1910-01-01-00:00", "1910-01-01-01:00", "1950-06-01-12:00"];
const PROBE_FAILED = "1910-01-01-03:00";

const [file, ...flags] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: partition-status-probe.js <sqlite file> [--list]");

const partitions = hourlyPartitions({ start: "1910-01-01T00:00", timezone: "UTC" }).snapshot();
if (flags.includes("--list")) {
  // What the status query did before key spaces: every key, and a state object per key.
  const states = partitionsFromSnapshot(partitions).keys().map((key) => ({ key, status: "MISSING", runId: null, timestamp: null }));
  process.stderr.write(`listed ${states.length}\n`);
}

const snapshot: Snapshot = {
  location: "hist",
  assets: [
    {
      key: PROBE_ASSET, deps: [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null,
      partitions, retryPolicy: null, stepKey: PROBE_ASSET, metadata: {}, checks: [], freshnessPolicy: null,
    },
  ],
  externalAssets: [],
  schedules: [],
  sensors: [],
  metadata: { sdkVersion: "0.1.0", runtime: "test" },
};
const entry: LocationEntry = { name: "hist", status: "LOADED", source: "probe", error: null, snapshot, loadedAt: Date.now(), updatedAt: Date.now() };
const merged = mergeSnapshots([snapshot]);
const definitions: DefinitionsProvider = { list: () => [entry], graph: () => merged, reload: async () => entry };

const storage = await SqliteStorage.open(file);
await storage.putPartitionsDefinitions([{ assetKey: PROBE_ASSET, partitions }]);
for (const key of PROBE_MATERIALIZED) {
  const { run } = await storage.createRun({ selection: PROBE_ASSET, assetKeys: [PROBE_ASSET], partitionKey: key, location: "hist" });
  await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: PROBE_ASSET, body: { type: "ASSET_MATERIALIZATION", assetKey: PROBE_ASSET, partition: key, metadata: {} } }]);
}
const { run: failed } = await storage.createRun({ selection: PROBE_ASSET, assetKeys: [PROBE_ASSET], partitionKey: PROBE_FAILED, location: "hist" });
await storage.appendEvents([{ runId: failed.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_FAILURE", message: "probe failure" } }]);

const api = createApiHandler({ storage, definitions, runs: queueRunController(storage), log: () => undefined });
const server = createServer((req, res) => {
  void api.handle(req, res).then((handled) => {
    if (!handled) res.writeHead(404).end();
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on("SIGTERM", () => {
  api.close();
  server.close();
  void storage.close().then(() => process.exit(0));
});
