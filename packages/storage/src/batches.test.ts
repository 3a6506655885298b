/**
 * Conformance of the batch methods (`getRuns`, `createScheduledRuns`, `claimQueuedRuns`) on every
 * backend, on real databases: same results as the one-at-a-time methods, run-key deduplication
 * inside a batch and against storage, all-or-nothing writes, and races between two storages.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import type { NewRun } from "@flyt/core";
import { StorageInputError } from "./errors.js";
import { PostgresStorage } from "./postgres/postgres-storage.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import type { ScheduledRun, Storage } from "./storage.js";
import { describeEachBackend } from "./testing/index.js";

let counter = 0;
function unique(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

const scheduled = (instigatorId: string, tickTime: number, extra: Partial<NewRun> = {}): ScheduledRun => ({
  instigatorId,
  tickTime,
  run: { selection: "a", assetKeys: ["a", "b"], origin: "schedule", location: "loc", tags: { "flyt/schedule": instigatorId, source: "ssb" }, runKey: String(tickTime), ...extra },
});

describeEachBackend((backend) => `storage batches: ${backend}`, ({ storage, fixture }) => {
  const openSecond = async (): Promise<Storage> => {
    const { url, sqlitePath } = fixture();
    return url !== null ? PostgresStorage.open(url, { max: 4 }) : SqliteStorage.open(sqlitePath ?? "");
  };

  it("creates runs, RUN_QUEUED events and SUCCESS ticks for many schedules in order", async () => {
    const ids = Array.from({ length: 120 }, () => unique("sched"));
    const tickTime = Date.UTC(2030, 0, 1, 6);
    const seen: string[] = [];
    const watch = await storage.watchRuns((c) => seen.push(`${c.status} ${c.runId}`));
    const results = await storage.createScheduledRuns(ids.map((id) => scheduled(id, tickTime)));
    assert.equal(results.length, ids.length);
    for (const [i, r] of results.entries()) {
      assert.equal(r.created, true);
      assert.equal(r.tick.instigatorId, ids[i]);
      assert.equal(r.tick.status, "SUCCESS");
      assert.equal(r.tick.tickTime, tickTime);
      assert.deepEqual(r.tick.runIds, [r.run.runId]);
      assert.equal(r.run.status, "QUEUED");
      assert.equal(r.run.instigator, ids[i]);
      assert.equal(r.run.runKey, String(tickTime));
      assert.deepEqual(await storage.getRun(r.run.runId), r.run);
      const ticks = await storage.listTicks(ids[i]!);
      assert.deepEqual(ticks.items, [r.tick]);
    }
    const first = results[0]!.run;
    assert.deepEqual((await storage.getEvents(first.runId)).map((e) => e.body.type), ["RUN_QUEUED"]);
    // The tag and asset indexes are written too.
    const byTag = await storage.listRuns({ tags: { "flyt/schedule": ids[0]! } });
    assert.deepEqual(byTag.items.map((r) => r.runId), [first.runId]);
    const byAsset = await storage.listRuns({ assetKey: "b", origin: "schedule", createdAfter: first.createdAt - 1 }, { limit: 1000 });
    assert.ok(byAsset.items.some((r) => r.runId === first.runId));
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !results.every((r) => seen.includes(`QUEUED ${r.run.runId}`))) await new Promise((ok) => setTimeout(ok, 20));
    await watch.close();
    assert.ok(results.every((r) => seen.includes(`QUEUED ${r.run.runId}`)), "watchers hear of every created run");
  });

  it("reports the existing run for a taken run key, in storage or earlier in the batch", async () => {
    const id = unique("dup");
    const other = unique("dup-other");
    const t = Date.UTC(2030, 0, 2);
    const { run: earlier } = await storage.createRun({ selection: "a", assetKeys: ["a"], instigator: id, runKey: String(t) });
    const results = await storage.createScheduledRuns([scheduled(id, t), scheduled(other, t), scheduled(other, t), scheduled(id, t + 60_000)]);
    assert.deepEqual(results.map((r) => r.created), [false, true, false, true]);
    assert.equal(results[0]!.run.runId, earlier.runId);
    assert.deepEqual(results[0]!.tick.runIds, [earlier.runId]);
    assert.equal(results[2]!.run.runId, results[1]!.run.runId);
    assert.deepEqual(results[2]!.tick.runIds, [results[1]!.run.runId]);
    assert.equal((await storage.listRuns({ tags: { "flyt/schedule": other } })).items.length, 1);
    assert.equal((await storage.listTicks(other)).items.length, 2, "every item records a tick");
    assert.deepEqual((await storage.getEvents(earlier.runId)).map((e) => e.body.type), ["RUN_QUEUED"], "no second event for a duplicate");
  });

  it("two storages creating the same batch at once create each run once", async () => {
    const second = await openSecond();
    try {
      const ids = Array.from({ length: 40 }, () => unique("race"));
      const t = Date.UTC(2030, 0, 3);
      const batch = ids.map((id) => scheduled(id, t));
      const [a, b] = await Promise.all([storage.createScheduledRuns(batch), second.createScheduledRuns(batch)]);
      for (let i = 0; i < ids.length; i += 1) {
        assert.equal(a[i]!.run.runId, b[i]!.run.runId, `schedule #${i} has one run`);
        assert.equal(Number(a[i]!.created) + Number(b[i]!.created), 1);
      }
    } finally {
      await second.close();
    }
  });

  it("rejects bad items naming them, and writes nothing of a failed batch", async () => {
    const id = unique("bad");
    await assert.rejects(storage.createScheduledRuns([scheduled(id, 1, { runKey: null })]), (e: unknown) => e instanceof StorageInputError && /#0.*run key/.test(e.message));
    await assert.rejects(storage.createScheduledRuns([scheduled(id, 1), scheduled("", 1)]), (e: unknown) => e instanceof StorageInputError && /#1/.test(e.message));
    await assert.rejects(storage.createScheduledRuns([scheduled(id, 1, { instigator: "someone-else" })]), /differs/);
    await assert.rejects(storage.createScheduledRuns([scheduled(id, -5)]), /tick time/);
    await assert.rejects(storage.createScheduledRuns("nope" as unknown as ScheduledRun[]), /array/);
    // A run id that already exists fails the whole batch: the first item is not written either.
    const { run: taken } = await storage.createRun({ selection: "a", assetKeys: ["a"] });
    await assert.rejects(storage.createScheduledRuns([scheduled(id, 2), scheduled(unique("bad2"), 2, { runId: taken.runId })]), /already exists/);
    assert.equal((await storage.listTicks(id)).items.length, 0);
    assert.equal((await storage.listRuns({ tags: { "flyt/schedule": id } })).items.length, 0);
    assert.deepEqual(await storage.createScheduledRuns([]), []);
  });

  it("gets many runs by id in the order asked, leaving out unknown ids", async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => storage.createRun({ selection: "a", assetKeys: ["a"] })));
    const ids = runs.map((r) => r.run.runId).reverse();
    const got = await storage.getRuns([ids[0]!, "no-such-run", ...ids.slice(1), ids[0]!]);
    assert.deepEqual(got.map((r) => r.runId), ids);
    assert.deepEqual(got[0], await storage.getRun(ids[0]!));
    assert.deepEqual(await storage.getRuns([]), []);
    await assert.rejects(storage.getRuns([""]), /run id/);
  });

  it("claims many QUEUED runs at once, skipping the ones not QUEUED", async () => {
    const runs = (await Promise.all(Array.from({ length: 6 }, () => storage.createRun({ selection: "a", assetKeys: ["a"] })))).map((r) => r.run);
    assert.notEqual(await storage.claimQueuedRun(runs[1]!.runId), null);
    const asked = runs.map((r) => r.runId);
    const claimed = await storage.claimQueuedRuns([...asked, "no-such-run"]);
    assert.deepEqual(claimed.map((r) => r.runId), asked.filter((_, i) => i !== 1));
    assert.ok(claimed.every((r) => r.status === "STARTING"));
    for (const run of runs) {
      assert.equal((await storage.getRun(run.runId))?.status, "STARTING");
      assert.deepEqual((await storage.getEvents(run.runId)).map((e) => e.body.type), ["RUN_QUEUED", "RUN_STARTING"]);
    }
    assert.deepEqual(await storage.claimQueuedRuns(asked), [], "nothing is claimed twice");
    assert.deepEqual(await storage.claimQueuedRuns([]), []);
    await assert.rejects(storage.claimQueuedRuns([""]), /run id/);
  });

  it("lets exactly one of two storages claim each run when batches race", async () => {
    const second = await openSecond();
    try {
      const runs = (await Promise.all(Array.from({ length: 30 }, () => storage.createRun({ selection: "a", assetKeys: ["a"] })))).map((r) => r.run.runId);
      const [a, b] = await Promise.all([storage.claimQueuedRuns(runs), second.claimQueuedRuns([...runs].reverse())]);
      const all = [...a, ...b].map((r) => r.runId).sort();
      assert.deepEqual(all, [...runs].sort(), "every run claimed exactly once");
      for (const id of runs) {
        assert.equal((await storage.getEvents(id)).filter((e) => e.body.type === "RUN_STARTING").length, 1);
      }
    } finally {
      await second.close();
    }
  });
});
