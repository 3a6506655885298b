/**
 * Partition status kept on write, dynamic partitions and backfills, on every backend (real SQLite
 * files and PostgreSQL databases): bits placed by materializations and run failures, rebuilt when
 * a definition changes, a million positions read back, parallel appends that lose no bit, and
 * backfills fenced like the daemon's other writes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  LeaseLostError,
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  type EventBody,
  type EventRecord,
  type PartitionsSnapshot,
} from "@flyt/core";
import { StorageInputError } from "./errors.js";
import { openStorage } from "./open.js";
import { MAX_BACKFILL_REQUEST_BYTES } from "./shared/partitions.js";
import { describeEachBackend } from "./testing/index.js";

let counter = 0;
/** A name unique to one test, so tests sharing a database never see each other's rows. */
function unique(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function ev(runId: string, seq: number | null, body: EventBody): EventRecord {
  return { runId, seq, timestamp: Date.now(), stepKey: null, body };
}

function mat(assetKey: string, partition: string | null): EventBody {
  return { type: "ASSET_MATERIALIZATION", assetKey, partition, metadata: {}, codeVersion: null };
}

const FAILURE: EventBody = { type: "RUN_FAILURE", message: "boom" };

/** Expands "0-2,5" into [0, 1, 2, 5] (small sets only). */
function positions(encoded: string): number[] {
  if (encoded === "") return [];
  return encoded.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
}

/** How many positions an encoded set holds, and its interval count, without expanding it. */
function sizeOf(encoded: string): { size: number; intervals: number } {
  if (encoded === "") return { size: 0, intervals: 0 };
  let size = 0;
  const parts = encoded.split(",");
  for (const part of parts) {
    const dash = part.indexOf("-");
    size += dash < 0 ? 1 : Number(part.slice(dash + 1)) - Number(part.slice(0, dash)) + 1;
  }
  return { size, intervals: parts.length };
}

function staticKeys(keys: string[]): PartitionsSnapshot {
  return { kind: "static", keys };
}

describeEachBackend((backend) => `partition status, dynamic partitions and backfills: ${backend}`, ({ backend, storage, fixture }) => {
  /** A run of `assetKeys` that appends `bodies` (seq 1..n). */
  async function runWith(assetKeys: string[], bodies: EventBody[], extra: { partitionKey?: string; tags?: Record<string, string> } = {}): Promise<string> {
    const { run } = await storage.createRun({ selection: "*", assetKeys, ...extra });
    await storage.appendEvents(bodies.map((body, i) => ev(run.runId, i + 1, body)));
    return run.runId;
  }

  describe("partition status", () => {
    it("places a partitioned materialization by the asset's registered definition", async () => {
      const asset = unique("static");
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(["a", "b", "c", "d"]) }]);
      await runWith([asset], [mat(asset, "c"), mat(asset, "a"), mat(asset, "zzz")]);
      const status = await storage.getPartitionStatus(asset);
      assert.deepEqual(status, { assetKey: asset, partitions: staticKeys(["a", "b", "c", "d"]), materialized: "0,2", failed: "" });
    });

    it("reads many assets' statuses in one call, in the order asked, like one call each", async () => {
      const assets = Array.from({ length: 3 }, (_, i) => unique(`many${i}`));
      const unknown = unique("unknown");
      await storage.putPartitionsDefinitions(assets.map((assetKey) => ({ assetKey, partitions: staticKeys(["a", "b", "c"]) })));
      await runWith([assets[0]!], [mat(assets[0]!, "a"), mat(assets[0]!, "c")]);
      await runWith([assets[2]!], [mat(assets[2]!, "b"), FAILURE], { partitionKey: "c" });
      const asked = [assets[2]!, unknown, assets[0]!, assets[1]!];
      const batch = await storage.getPartitionStatuses(asked);
      assert.deepEqual(batch, await Promise.all(asked.map((key) => storage.getPartitionStatus(key))));
      assert.deepEqual(batch.map((s) => [s.materialized, s.failed]), [["1", "2"], ["", ""], ["0,2", ""], ["", ""]]);
      await assert.rejects(storage.getPartitionStatuses(Array.from({ length: 10_001 }, (_, i) => `k${i}`)), StorageInputError);
    });

    it("leaves an asset without a registered definition empty, and places its keys once it is registered", async () => {
      const asset = unique("late");
      await runWith([asset], [mat(asset, "b")]);
      assert.deepEqual(await storage.getPartitionStatus(asset), { assetKey: asset, partitions: null, materialized: "", failed: "" });
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(["a", "b"]) }]);
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "1");
    });

    it("places time-window keys at their window's position, including the window that just ended", async () => {
      const asset = unique("daily");
      const today = new Date();
      const yesterday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1)).toISOString().slice(0, 10);
      const snapshot: PartitionsSnapshot = { kind: "time-window", cadence: "daily", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM-dd" };
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: snapshot }]);
      await runWith([asset], [mat(asset, "2024-01-03"), mat(asset, "2024-02-01"), mat(asset, yesterday), mat(asset, "not-a-day")]);
      const expected = Math.round((Date.parse(yesterday) - Date.parse("2024-01-01")) / 86_400_000);
      assert.deepEqual(positions((await storage.getPartitionStatus(asset)).materialized), [2, 31, expected]);
    });

    it("sets FAILED for the targets of a failed range run that it did not materialize, and a later materialization clears it", async () => {
      const [x, y, unpartitioned] = [unique("x"), unique("y"), unique("plain")];
      const keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
      await storage.putPartitionsDefinitions([
        { assetKey: x, partitions: staticKeys(keys) },
        { assetKey: y, partitions: staticKeys(keys) },
      ]);
      const tags = { [PARTITION_RANGE_START_TAG]: "k1", [PARTITION_RANGE_END_TAG]: "k4" };
      const runId = await runWith([x, y, unpartitioned], [mat(x, "k2"), mat(x, "k1")], { tags });
      await storage.appendEvents([ev(runId, 3, FAILURE)]);
      assert.deepEqual(await storage.getPartitionStatus(x), { assetKey: x, partitions: staticKeys(keys), materialized: "1-2", failed: "3-4" });
      assert.equal((await storage.getPartitionStatus(y)).failed, "1-4");
      // A redelivered failure inserts nothing and changes nothing; a retry that materializes k3 clears its FAILED bit.
      await storage.appendEvents([ev(runId, 3, FAILURE)]);
      await runWith([x], [mat(x, "k3")], { partitionKey: "k3" });
      assert.deepEqual(await storage.getPartitionStatus(x), { assetKey: x, partitions: staticKeys(keys), materialized: "1-3", failed: "4" });
    });

    it("sets FAILED for a single-partition run's key, in the same batch as its materialization of another asset", async () => {
      const [a, b] = [unique("a"), unique("b")];
      await storage.putPartitionsDefinitions([
        { assetKey: a, partitions: staticKeys(["p", "q"]) },
        { assetKey: b, partitions: staticKeys(["p", "q"]) },
      ]);
      await runWith([a, b], [mat(a, "q"), FAILURE], { partitionKey: "q" });
      assert.deepEqual([(await storage.getPartitionStatus(a)).failed, (await storage.getPartitionStatus(a)).materialized], ["", "1"]);
      assert.equal((await storage.getPartitionStatus(b)).failed, "1");
    });

    it("rebuilds an asset's bitmaps when its definition changes: materialized from the asset index, failed carried by key", async () => {
      const asset = unique("rebuild");
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(["a", "b", "c", "d"]) }]);
      await runWith([asset], [mat(asset, "a"), mat(asset, "c")]);
      await runWith([asset], [FAILURE], { partitionKey: "d" });
      await runWith([asset], [FAILURE], { partitionKey: "b" });
      assert.deepEqual(await storage.getPartitionStatus(asset), { assetKey: asset, partitions: staticKeys(["a", "b", "c", "d"]), materialized: "0,2", failed: "1,3" });
      // New order, "b" gone, "e" new: c → 0, a → 2; d's failure moves to 1, b's is dropped.
      const next = staticKeys(["c", "d", "a", "e"]);
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: next }]);
      assert.deepEqual(await storage.getPartitionStatus(asset), { assetKey: asset, partitions: next, materialized: "0,2", failed: "1" });
      // The same definition again changes nothing; null removes it and its status.
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: { keys: ["c", "d", "a", "e"], kind: "static" } }]);
      assert.equal((await storage.getPartitionStatus(asset)).failed, "1");
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: null }]);
      assert.deepEqual(await storage.getPartitionStatus(asset), { assetKey: asset, partitions: null, materialized: "", failed: "" });
    });

    it("honours a definition another storage instance registered after this one cached the old one", async () => {
      const asset = unique("two-processes");
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(["a", "b"]) }]);
      await runWith([asset], [mat(asset, "a")]);
      const { url, sqlitePath } = fixture();
      const other = await openStorage(url !== null ? { databaseUrl: url, sqlitePath: "" } : { sqlitePath: sqlitePath! });
      try {
        await other.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(["z", "b", "a"]) }]);
      } finally {
        await other.close();
      }
      await runWith([asset], [mat(asset, "z")]);
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "0,2");
    });

    it("refuses invalid definitions with the asset named, writing none of the call", async () => {
      const [good, bad] = [unique("good"), unique("bad")];
      await assert.rejects(
        storage.putPartitionsDefinitions([
          { assetKey: good, partitions: staticKeys(["a"]) },
          { assetKey: bad, partitions: { kind: "weekly" } as unknown as PartitionsSnapshot },
        ]),
        (error: unknown) => error instanceof StorageInputError && error.message.includes(JSON.stringify(bad)),
      );
      await assert.rejects(
        storage.putPartitionsDefinitions([
          { assetKey: good, partitions: staticKeys(["a"]) },
          { assetKey: bad, partitions: { kind: "time-window", cadence: "daily", start: "2024-01-01", end: null, timezone: "Mars/Olympus", format: "yyyy-MM-dd" } },
        ]),
        (error: unknown) => error instanceof StorageInputError && error.message.includes(JSON.stringify(bad)),
      );
      assert.equal((await storage.getPartitionStatus(good)).partitions, null);
      await assert.rejects(storage.putPartitionsDefinitions([{ assetKey: "", partitions: null }]), StorageInputError);
      await assert.rejects(storage.getPartitionStatus(""), StorageInputError);
    });

    it("loses no bit when appends of many runs set bits of one bucket in parallel", async () => {
      const asset = unique("parallel");
      const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: staticKeys(keys) }]);
      const runs = await Promise.all(keys.map(() => storage.createRun({ selection: "*", assetKeys: [asset] })));
      await Promise.all(runs.map(({ run }, i) => storage.appendEvents([ev(run.runId, 1, mat(asset, keys[i]!))])));
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "0-63");
      // Failures of half of them (other runs) in parallel with materializations of the rest again.
      const failing = await Promise.all(keys.slice(0, 32).map((key) => storage.createRun({ selection: "*", assetKeys: [asset], partitionKey: key })));
      await Promise.all([
        ...failing.map(({ run }) => storage.appendEvents([ev(run.runId, 1, FAILURE)])),
        ...runs.slice(32).map(({ run }, i) => storage.appendEvents([ev(run.runId, 2, mat(asset, keys[32 + i]!))])),
      ]);
      const status = await storage.getPartitionStatus(asset);
      assert.deepEqual([status.materialized, status.failed], ["0-63", "0-31"]);
    });

    it("reads a million positions with scattered gaps back quickly", async () => {
      const asset = unique("million");
      // Hourly since 1910: a little over a million partitions.
      const snapshot: PartitionsSnapshot = { kind: "time-window", cadence: "hourly", start: "1910-01-01T00:00", end: null, timezone: "UTC", format: "yyyy-MM-dd-HH:mm" };
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: snapshot }]);
      const keyAt = (i: number): string => {
        const d = new Date(Date.UTC(1910, 0, 1) + i * 3_600_000);
        const pad = (n: number) => String(n).padStart(2, "0");
        return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:00`;
      };
      const N = 1_000_000;
      // One range run over the first million hours that materializes every 997th and fails.
      const done = Array.from({ length: Math.floor(N / 997) + 1 }, (_, i) => i * 997).filter((p) => p < N);
      const tags = { [PARTITION_RANGE_START_TAG]: keyAt(0), [PARTITION_RANGE_END_TAG]: keyAt(N - 1) };
      const { run } = await storage.createRun({ selection: "*", assetKeys: [asset], tags });
      await storage.appendEvents(done.map((p, i) => ev(run.runId, i + 1, mat(asset, keyAt(p)))));
      const failStarted = performance.now();
      await storage.appendEvents([ev(run.runId, done.length + 1, FAILURE)]);
      const failMs = performance.now() - failStarted;
      const timings: number[] = [];
      let status = await storage.getPartitionStatus(asset);
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        status = await storage.getPartitionStatus(asset);
        timings.push(performance.now() - started);
      }
      timings.sort((a, b) => a - b);
      const materialized = sizeOf(status.materialized);
      const failed = sizeOf(status.failed);
      assert.equal(materialized.size, done.length);
      assert.equal(failed.size, N - done.length);
      assert.equal(failed.intervals, done.length, "one failed interval between each two materialized positions");
      assert.deepEqual(positions(status.materialized).slice(0, 3), [0, 997, 1994]);
      console.log(`# ${backend}: status of 1,000,000 positions (${failed.intervals} gaps): median ${timings[2]!.toFixed(1)} ms, max ${timings[4]!.toFixed(1)} ms; failure append over the range ${failMs.toFixed(1)} ms`);
      assert.ok(timings[2]! < 200, `status read took ${timings[2]} ms`);
    });
  });

  describe("dynamic partitions", () => {
    it("adds, lists by position with pagination, deletes leaving holes, and never reuses a position", async () => {
      const name = unique("tenants");
      assert.deepEqual(await storage.addDynamicPartitions(name, ["a", "b", "c", "a", "d", "e"]), { added: 5, deleted: 0 });
      assert.deepEqual(await storage.addDynamicPartitions(name, ["c", "f"]), { added: 1, deleted: 0 });
      assert.deepEqual(await storage.deleteDynamicPartitions(name, ["c", "nope", "e"]), { added: 0, deleted: 2 });
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 4, indices: "0-1,3,5" });
      assert.deepEqual(await storage.addDynamicPartitions(name, ["c"]), { added: 1, deleted: 0 });
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 5, indices: "0-1,3,5-6" });

      const seen: Array<[string, number]> = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await storage.listDynamicPartitions(name, { limit: 2, cursor });
        seen.push(...page.items.map((item): [string, number] => [item.key, item.index]));
        for (const item of page.items) assert.ok(item.createdAt > 0);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null);
      assert.deepEqual(seen, [["a", 0], ["b", 1], ["d", 3], ["f", 5], ["c", 6]]);
      assert.equal(pages, 3);

      assert.deepEqual((await storage.getDynamicPartitionsAt(name, [6, 2, 0, 99])).map((k) => [k.key, k.index]), [["a", 0], ["c", 6]]);
      assert.deepEqual((await storage.getDynamicPartitions(name, ["f", "e", "b"])).map((k) => [k.key, k.index]), [["b", 1], ["f", 5]]);
      assert.deepEqual(await storage.getDynamicPartitionsIndex(unique("never")), { count: 0, indices: "" });
      assert.deepEqual((await storage.listDynamicPartitions(unique("never"))).items, []);
    });

    it("refuses bad names, keys and cursors with the culprit named", async () => {
      const name = unique("bad");
      await assert.rejects(storage.addDynamicPartitions(name, ["ok", "a/b"]), (e: unknown) => e instanceof StorageInputError && /a\/b/.test(e.message) && /'\/'/.test(e.message));
      await assert.rejects(storage.addDynamicPartitions("", ["a"]), StorageInputError);
      await assert.rejects(storage.addDynamicPartitions(name, Array.from({ length: 10_001 }, (_, i) => `k${i}`)), /at most 10000/);
      await assert.rejects(storage.getDynamicPartitionsAt(name, [-1]), StorageInputError);
      await assert.rejects(storage.listDynamicPartitions(name, { cursor: "bm9wZQ" }), StorageInputError);
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 0, indices: "" }, "nothing of the refused call was written");
    });

    it("keeps a dynamic asset's status: keys materialized before they were added are placed, deleted ones cleared", async () => {
      const name = unique("ids");
      const asset = unique("dyn-asset");
      await storage.addDynamicPartitions(name, ["x", "y"]);
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: { kind: "dynamic", name } }]);
      await runWith([asset], [mat(asset, "y"), mat(asset, "later")]);
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "1");
      await storage.addDynamicPartitions(name, ["later"]);
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "1-2");
      await runWith([asset], [FAILURE], { partitionKey: "x" });
      assert.equal((await storage.getPartitionStatus(asset)).failed, "0");
      await storage.deleteDynamicPartitions(name, ["x", "y"]);
      const status = await storage.getPartitionStatus(asset);
      assert.deepEqual([status.materialized, status.failed], ["2", ""]);
    });

    it("applies DYNAMIC_PARTITIONS_CHANGED events in the append's transaction, before the batch's materializations", async () => {
      const name = unique("from-asset");
      const asset = unique("dyn-asset");
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: { kind: "dynamic", name } }]);
      const runId = await runWith([asset], [
        { type: "DYNAMIC_PARTITIONS_CHANGED", name, added: ["p", "q", "r"], deleted: [] },
        mat(asset, "q"),
        { type: "DYNAMIC_PARTITIONS_CHANGED", name, added: [], deleted: ["p"] },
      ]);
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 2, indices: "1-2" });
      assert.equal((await storage.getPartitionStatus(asset)).materialized, "1");
      // Redelivered: nothing applied twice.
      await storage.appendEvents([ev(runId, 1, { type: "DYNAMIC_PARTITIONS_CHANGED", name, added: ["p", "q", "r"], deleted: [] })]);
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 2, indices: "1-2" });
      // A key that cannot be a partition key refuses the batch, naming it; nothing of it is written.
      const { run } = await storage.createRun({ selection: "*", assetKeys: [asset] });
      await assert.rejects(
        storage.appendEvents([ev(run.runId, 1, mat(asset, "r")), ev(run.runId, 2, { type: "DYNAMIC_PARTITIONS_CHANGED", name, added: ["s", "bad/key"], deleted: [] })]),
        (e: unknown) => e instanceof StorageInputError && e.message.includes("bad/key"),
      );
      assert.deepEqual(await storage.getEvents(run.runId, { types: ["ASSET_MATERIALIZATION"] }), []);
      assert.deepEqual(await storage.getDynamicPartitionsIndex(name), { count: 2, indices: "1-2" });
    });

    it("sets FAILED only for live keys between a failed dynamic range run's ends", async () => {
      const name = unique("range");
      const asset = unique("dyn-range");
      await storage.addDynamicPartitions(name, ["a", "b", "c", "d", "e"]);
      await storage.deleteDynamicPartitions(name, ["c"]);
      await storage.putPartitionsDefinitions([{ assetKey: asset, partitions: { kind: "dynamic", name } }]);
      await runWith([asset], [mat(asset, "b"), FAILURE], { tags: { [PARTITION_RANGE_START_TAG]: "a", [PARTITION_RANGE_END_TAG]: "e" } });
      assert.equal((await storage.getPartitionStatus(asset)).failed, "0,3-4");
    });

    it("keeps adds of one name in parallel consistent: every key once, positions distinct", async () => {
      const name = unique("parallel-names");
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 50 }, (_, i) => `k${(b * 37 + i) % 200}`));
      await Promise.all(batches.map((keys) => storage.addDynamicPartitions(name, keys)));
      const distinct = new Set(batches.flat());
      const index = await storage.getDynamicPartitionsIndex(name);
      assert.equal(index.count, distinct.size);
      assert.equal(sizeOf(index.indices).size, distinct.size);
      const listed = await storage.listDynamicPartitions(name, { limit: 1000 });
      assert.equal(new Set(listed.items.map((k) => k.key)).size, distinct.size);
      assert.equal(new Set(listed.items.map((k) => k.index)).size, distinct.size);
    });
  });

  describe("backfills", () => {
    const request = { selection: "atlas/*", partitions: { kind: "range" as const, from: "2000", to: "2024" } };

    it("creates a REQUESTED backfill with empty progress, and refuses a duplicate id", async () => {
      const before = Date.now();
      const created = await storage.createBackfill({ request: { ...request, tags: { team: "data" }, maxConcurrentRuns: 4, requestedBy: "cli" } });
      assert.match(created.backfillId, /^[0-9a-f-]{36}$/);
      assert.equal(created.status, "REQUESTED");
      assert.deepEqual(created.request, { ...request, tags: { team: "data" }, maxConcurrentRuns: 4, requestedBy: "cli" });
      assert.equal(created.plan, null);
      assert.deepEqual(created.progress, []);
      assert.deepEqual(created.counts, { total: 0, requested: 0, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 });
      assert.ok(created.createdAt >= before && created.updatedAt === created.createdAt && created.endedAt === null);
      assert.deepEqual(await storage.getBackfill(created.backfillId), created);
      assert.equal(await storage.getBackfill("no-such-backfill"), null);
      await assert.rejects(storage.createBackfill({ backfillId: created.backfillId, request }), (e: unknown) => e instanceof StorageInputError && /already exists/.test(e.message));
    });

    it("validates the request: shape, reserved tags, size", async () => {
      await assert.rejects(storage.createBackfill({ request: { ...request, partitions: { kind: "some" } } as never }), /partitions/);
      await assert.rejects(storage.createBackfill({ request: { ...request, tags: { "flyt/backfill": "x" } } }), /flyt\//);
      await assert.rejects(storage.createBackfill({ request: { ...request, selection: "" } }), StorageInputError);
      await assert.rejects(storage.createBackfill({ request: { ...request, partitions: { kind: "keys", keys: ["a/b"] } } }), /'\/'/);
      const keys = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);
      await assert.rejects(storage.createBackfill({ request: { ...request, partitions: { kind: "keys", keys } } }), (e: unknown) =>
        e instanceof StorageInputError && e.message.includes(String(MAX_BACKFILL_REQUEST_BYTES)),
      );
    });

    it("lists newest first, by status, a page at a time", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await storage.createBackfill({ backfillId: unique("list"), request })).backfillId);
      await storage.requestBackfillCancel(ids[1]!);
      await storage.requestBackfillCancel(ids[3]!);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await storage.listBackfills({ statuses: ["CANCELING"] }, { limit: 1, cursor });
        seen.push(...page.items.map((b) => b.backfillId));
        cursor = page.nextCursor;
      } while (cursor !== null && seen.length < 100);
      assert.deepEqual(seen.filter((id) => ids.includes(id)), [ids[3], ids[1]]);
      const newest = await storage.listBackfills(undefined, { limit: 2 });
      assert.deepEqual(newest.items.map((b) => b.backfillId), [ids[4], ids[3]]);
      assert.deepEqual((await storage.listBackfills({ statuses: [] })).items, []);
      await assert.rejects(storage.listBackfills({ statuses: ["DONE" as never] }), StorageInputError);
      await assert.rejects(storage.listBackfills(undefined, { cursor: newest.nextCursor!.replace(/./, "x") }), StorageInputError);
    });

    it("applies the daemon's updates, fenced: refused after the lease changed hands; a terminal backfill is not changed", async () => {
      const lease = unique("daemon-lease");
      const first = await storage.acquireLease(lease, "daemon-a", 60_000);
      assert.ok(first);
      const fence = { leaseName: lease, holder: "daemon-a", fencingToken: first.fencingToken };
      const { backfillId } = await storage.createBackfill({ request });
      const progress = [{ assetKey: "atlas/x", partitions: "partitioned" as const, targets: "0-24", launched: "0-4", materialized: "0-2", failed: "3", skipped: "", canceled: "" }];
      const counts = { total: 25, requested: 20, queued: 1, inProgress: 0, materialized: 3, failed: 1, skipped: 0, canceled: 0 };
      const updated = await storage.updateBackfill(backfillId, { status: "IN_PROGRESS", plan: { units: [{ id: "u1" }] }, progress, counts }, { fence });
      assert.equal(updated?.status, "IN_PROGRESS");
      assert.deepEqual(updated?.plan, { units: [{ id: "u1" }] });
      assert.deepEqual(updated?.progress, progress);
      assert.deepEqual(updated?.counts, counts);
      assert.deepEqual(await storage.getBackfill(backfillId), updated);

      await storage.releaseLease(lease, "daemon-a");
      const second = await storage.acquireLease(lease, "daemon-b", 60_000);
      assert.ok(second && second.fencingToken > first.fencingToken);
      await assert.rejects(storage.updateBackfill(backfillId, { error: "stale" }, { fence }), LeaseLostError);
      assert.equal((await storage.getBackfill(backfillId))?.error, null, "the refused update wrote nothing");

      const done = await storage.updateBackfill(backfillId, { status: "COMPLETED_FAILED", error: "1 target failed" }, { fence: { leaseName: lease, holder: "daemon-b", fencingToken: second.fencingToken } });
      assert.equal(done?.status, "COMPLETED_FAILED");
      assert.ok(done.endedAt !== null && done.endedAt >= done.createdAt);
      assert.deepEqual(await storage.updateBackfill(backfillId, { status: "IN_PROGRESS", error: null }), done, "terminal: unchanged");
      assert.equal(await storage.updateBackfill("no-such-backfill", { status: "IN_PROGRESS" }), null);
      await assert.rejects(storage.updateBackfill(backfillId, { counts: { total: -1 } as never }), StorageInputError);
      await assert.rejects(storage.updateBackfill(backfillId, { progress: [{ ...progress[0]!, targets: "0-x" }] }), /encoded ranges/);
      await assert.rejects(storage.updateBackfill(backfillId, { plan: "text" }), StorageInputError);
    });

    it("cancels: REQUESTED or IN_PROGRESS → CANCELING, which a stale daemon update does not undo", async () => {
      const { backfillId } = await storage.createBackfill({ request });
      const canceling = await storage.requestBackfillCancel(backfillId);
      assert.equal(canceling?.status, "CANCELING");
      const stale = await storage.updateBackfill(backfillId, { status: "IN_PROGRESS", counts: { total: 1, requested: 1, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 } });
      assert.equal(stale?.status, "CANCELING");
      assert.equal(stale?.counts.total, 1);
      const canceled = await storage.updateBackfill(backfillId, { status: "CANCELED" });
      assert.equal(canceled?.status, "CANCELED");
      assert.equal((await storage.requestBackfillCancel(backfillId))?.status, "CANCELED", "a terminal backfill stays as it is");
      assert.equal(await storage.requestBackfillCancel("no-such-backfill"), null);
    });
  });
});
