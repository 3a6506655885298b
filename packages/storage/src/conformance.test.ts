/**
 * The storage conformance suite: one set of behaviours, run against every backend
 * (`FLYT_TEST_BACKENDS=sqlite,postgres`, default both) on real databases: a temp SQLite file and a
 * fresh PostgreSQL database (on FLYT_TEST_DATABASE_URL, or an embedded server started for this file).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { LeaseLostError, StorageError, type EventBody, type EventRecord, type NewRun, type RunRecord } from "@flyt/core";
import { StorageInputError } from "./errors.js";
import { SQLITE_MIGRATIONS } from "./generated/migrations.js";
import { PostgresStorage } from "./postgres/postgres-storage.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";
import { createTestStorage, describeEachBackend } from "./testing/index.js";

let counter = 0;
/** A prefix unique to one test, so tests sharing a database never see each other's rows. */
function unique(label: string): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

function ev(runId: string, seq: number | null, body: EventBody, stepKey: string | null = null, timestamp = Date.now()): EventRecord {
  return { runId, seq, timestamp, stepKey, body };
}

function mat(assetKey: string, partition: string | null, rows: number, codeVersion: string | null = null): EventBody {
  return { type: "ASSET_MATERIALIZATION", assetKey, partition, metadata: { rows: { type: "int", value: rows } }, codeVersion };
}

function log(message: string): EventBody {
  return { type: "LOG", level: "info", message };
}

/** Runs raw SQL on the backend behind a Storage (tests only: triggers that force failures). */
async function rawExec(storage: Storage, sqliteSql: string, postgresSql: string): Promise<void> {
  if (storage instanceof SqliteStorage) storage.connection.exec(sqliteSql);
  else if (storage instanceof PostgresStorage) await storage.connection.query(postgresSql);
  else throw new Error("unknown backend");
}

describeEachBackend((backend) => `storage conformance: ${backend}`, ({ backend, storage, fixture }) => {

  const newRun = (extra: Partial<NewRun> = {}): NewRun => ({ selection: "*", assetKeys: ["a"], ...extra });

  it("states the schema version it expects, which an opened database has", async () => {
    assert.ok(storage.expectedSchemaVersion >= 1);
    assert.equal(await storage.schemaVersion(), storage.expectedSchemaVersion);
    assert.equal(typeof storage.capabilities.crossProcessChangeFeed, "boolean");
    assert.equal(typeof storage.capabilities.multiHostLease, "boolean");
  });

  describe("runs", () => {
    it("creates a run with defaults and writes a RUN_QUEUED event without seq", async () => {
      const before = Date.now();
      const { run, created } = await storage.createRun({ selection: "a+", assetKeys: ["a", "b/c"] });
      assert.equal(created, true);
      assert.match(run.runId, /^[0-9a-f-]{36}$/);
      assert.equal(run.status, "QUEUED");
      assert.equal(run.origin, "manual");
      assert.equal(run.location, "default");
      assert.deepEqual(run.tags, {});
      assert.equal(run.stepKeys, null);
      assert.ok(run.createdAt >= before && run.createdAt <= Date.now());
      assert.equal(run.startedAt, null);
      assert.equal(run.endedAt, null);
      assert.deepEqual(await storage.getRun(run.runId), run);
      const events = await storage.getEvents(run.runId);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.body.type, "RUN_QUEUED");
      assert.equal(events[0]?.seq, null);
      assert.equal(await storage.getRun("no-such-run"), null);
    });

    it("round-trips every field of a run exactly", async () => {
      const runId = unique("run");
      const { run } = await storage.createRun({
        runId,
        selection: "tag:x",
        assetKeys: ["x/y"],
        stepKeys: ["x/y"],
        partitionKey: "2024-01-01",
        tags: { team: "atlas", "flyt/retry": "1" },
        origin: "backfill",
        parentRunId: "p1",
        rootRunId: "r1",
        location: "atlas",
        instigator: "atlas:daily",
        runKey: "k1",
      });
      assert.equal(run.runId, runId);
      const stored = await storage.getRun(runId);
      assert.deepEqual(stored, run);
      assert.deepEqual(stored?.stepKeys, ["x/y"]);
      assert.deepEqual(stored?.tags, { team: "atlas", "flyt/retry": "1" });
    });

    it("creates a run in a given status with the matching lifecycle event", async () => {
      const { run } = await storage.createRun(newRun({ status: "STARTED" }));
      assert.equal(run.status, "STARTED");
      assert.equal(run.startedAt, run.createdAt);
      const events = await storage.getEvents(run.runId);
      assert.deepEqual(events.map((e) => e.body.type), ["RUN_STARTED"]);
      const failed = await storage.createRun(newRun({ status: "FAILURE" }));
      assert.equal(failed.run.endedAt, failed.run.createdAt);
      assert.deepEqual((await storage.getRun(failed.run.runId))?.status, "FAILURE");
    });

    it("rejects a duplicate run id and invalid runs with errors naming them", async () => {
      const runId = unique("dup");
      await storage.createRun(newRun({ runId }));
      await assert.rejects(storage.createRun(newRun({ runId })), (error: unknown) => {
        assert.ok(error instanceof StorageInputError);
        assert.match(error.message, new RegExp(runId));
        assert.match(error.message, /already exists/);
        return true;
      });
      await assert.rejects(storage.createRun({ selection: "*" } as NewRun), StorageInputError);
      await assert.rejects(storage.createRun(newRun({ origin: "nope" as never })), /origin/);
      await assert.rejects(storage.createRun(newRun({ runKey: "k" })), /runKey needs an instigator/);
    });

    it("lists runs newest first with every filter, paginating across pages", async () => {
      const location = unique("loc");
      const created: string[] = [];
      const specs: Partial<NewRun>[] = [
        { origin: "manual", tags: { team: "a", env: "prod" }, assetKeys: ["x"] },
        { origin: "schedule", tags: { team: "a" }, assetKeys: ["y"], status: "STARTED" },
        { origin: "sensor", tags: { team: "b", env: "prod" }, assetKeys: ["x", "y"], parentRunId: "P", rootRunId: "R" },
        { origin: "manual", tags: { team: "a", env: "dev" }, assetKeys: ["z"], status: "SUCCESS", rootRunId: "R" },
        { origin: "backfill", tags: {}, assetKeys: ["x"], status: "FAILURE", parentRunId: "P" },
        { origin: "manual", tags: { env: "prod" }, assetKeys: ["y"] },
        { origin: "automation", tags: { team: "a", env: "prod" }, assetKeys: ["x"], status: "CANCELED" },
      ];
      for (const spec of specs) {
        const { run } = await storage.createRun(newRun({ ...spec, location }));
        created.push(run.runId);
        await sleep(3); // distinct created_at values for the time-range filter
      }
      const ids = async (filter: Parameters<Storage["listRuns"]>[0]) =>
        (await storage.listRuns({ location, ...filter }, { limit: 100 })).items.map((r) => r.runId);
      const pick = (...indexes: number[]) => indexes.map((i) => created[i]).reverse();

      assert.deepEqual(await ids({}), pick(0, 1, 2, 3, 4, 5, 6));
      assert.deepEqual(await ids({ statuses: ["QUEUED"] }), pick(0, 2, 5));
      assert.deepEqual(await ids({ statuses: ["SUCCESS", "FAILURE", "CANCELED"] }), pick(3, 4, 6));
      assert.deepEqual(await ids({ statuses: [] }), []);
      assert.deepEqual(await ids({ origin: "manual" }), pick(0, 3, 5));
      assert.deepEqual(await ids({ tags: { team: "a" } }), pick(0, 1, 3, 6));
      assert.deepEqual(await ids({ tags: { team: "a", env: "prod" } }), pick(0, 6));
      assert.deepEqual(await ids({ assetKey: "x" }), pick(0, 2, 4, 6));
      assert.deepEqual(await ids({ assetKey: "y", tags: { env: "prod" } }), pick(2, 5));
      assert.deepEqual(await ids({ parentRunId: "P" }), pick(2, 4));
      assert.deepEqual(await ids({ rootRunId: "R" }), pick(2, 3));
      const runs = (await storage.listRuns({ location }, { limit: 100 })).items.reverse();
      const third = runs[2]!.createdAt;
      const fifth = runs[4]!.createdAt;
      assert.deepEqual(await ids({ createdAfter: third, createdBefore: fifth }), pick(3));
      assert.deepEqual(await ids({ createdAfter: third }), pick(3, 4, 5, 6));
      assert.deepEqual((await storage.listRuns({ location: unique("empty") })).items, []);

      // Pagination: 3 + 3 + 1, newest first, no overlap, null cursor at the end.
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await storage.listRuns({ location }, { limit: 3, cursor });
        seen.push(...page.items.map((r) => r.runId));
        cursor = page.nextCursor;
        pages += 1;
        assert.ok(pages <= 3, "pagination must end");
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.deepEqual(seen, pick(0, 1, 2, 3, 4, 5, 6));
      // A filter plus pagination.
      const first = await storage.listRuns({ location, assetKey: "x" }, { limit: 2 });
      const second = await storage.listRuns({ location, assetKey: "x" }, { limit: 2, cursor: first.nextCursor });
      assert.deepEqual([...first.items, ...second.items].map((r) => r.runId), pick(0, 2, 4, 6));
      assert.equal(second.nextCursor, null);
    });

    it("rejects bad cursors, limits and filters with clear errors", async () => {
      await assert.rejects(storage.listRuns({}, { cursor: "not a cursor!" }), /cursor .*not a valid cursor/);
      await assert.rejects(storage.listRuns({}, { cursor: Buffer.from("runs:abc").toString("base64url") }), StorageInputError);
      const ticksCursor = Buffer.from("ticks:5").toString("base64url");
      await assert.rejects(storage.listRuns({}, { cursor: ticksCursor }), /a ticks cursor cannot page runs/);
      await assert.rejects(storage.listRuns({}, { limit: 0 }), /limit: must be a positive integer/);
      await assert.rejects(storage.listRuns({}, { limit: 1.5 }), StorageInputError);
      await assert.rejects(storage.listRuns({ statuses: ["DONE" as never] }), /run filter/);
      await assert.rejects(storage.listRuns({ bogus: 1 } as never), /run filter/);
      // Over the maximum is clamped, not an error.
      const page = await storage.listRuns({}, { limit: 5000 });
      assert.ok(page.items.length <= 1000);
    });

    it("replaces a run's tags, and tag filters follow", async () => {
      const location = unique("tags");
      const { run } = await storage.createRun(newRun({ location, tags: { a: "1", b: "2" } }));
      await storage.setRunTags(run.runId, { b: "3", c: "4" });
      assert.deepEqual((await storage.getRun(run.runId))?.tags, { b: "3", c: "4" });
      assert.equal((await storage.listRuns({ location, tags: { a: "1" } })).items.length, 0);
      assert.equal((await storage.listRuns({ location, tags: { b: "3", c: "4" } })).items.length, 1);
      await assert.rejects(storage.setRunTags("missing-run", {}), /missing-run/);
      await assert.rejects(storage.setRunTags(run.runId, { x: 1 } as never), StorageInputError);
    });

    it("deduplicates runs on (instigator, runKey), also when created concurrently", async () => {
      const instigator = unique("sched");
      const first = await storage.createRun(newRun({ instigator, runKey: "2024-01-01" }));
      const again = await storage.createRun(newRun({ instigator, runKey: "2024-01-01", tags: { other: "x" } }));
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.deepEqual(again.run, first.run);
      // The losing attempt wrote no index rows: its tags find nothing.
      assert.equal((await storage.listRuns({ tags: { other: "x" } })).items.filter((r) => r.instigator === instigator).length, 0);
      assert.equal((await storage.listRuns({ tags: {} })).items.filter((r) => r.instigator === instigator).length, 1);
      // Same key, other instigator: a different run.
      const other = await storage.createRun(newRun({ instigator: `${instigator}-2`, runKey: "2024-01-01" }));
      assert.equal(other.created, true);

      const racing = await Promise.all(
        Array.from({ length: 6 }, () => storage.createRun(newRun({ instigator, runKey: "2024-01-02" }))),
      );
      assert.equal(racing.filter((r) => r.created).length, 1);
      assert.equal(new Set(racing.map((r) => r.run.runId)).size, 1);
      const runs = await storage.listRuns({ statuses: ["QUEUED"] }, { limit: 1000 });
      assert.equal(runs.items.filter((r) => r.instigator === instigator && r.runKey === "2024-01-02").length, 1);
      const events = await storage.getEvents(racing[0]!.run.runId);
      assert.equal(events.length, 1, "only the created run writes a RUN_QUEUED event");
    });
  });

  describe("events", () => {
    it("appends idempotently on (runId, seq)", async () => {
      const { run } = await storage.createRun(newRun());
      const batch = [1, 2, 3, 4, 5].map((seq) => ev(run.runId, seq, log(`line ${seq}`), "a"));
      assert.equal(await storage.appendEvents(batch), 5);
      assert.equal(await storage.appendEvents(batch), 0);
      const overlap = [4, 5, 6, 7].map((seq) => ev(run.runId, seq, log(`line ${seq}`), "a"));
      assert.equal(await storage.appendEvents(overlap), 2);
      // A duplicate inside one batch counts once.
      assert.equal(await storage.appendEvents([ev(run.runId, 8, log("x")), ev(run.runId, 8, log("x"))]), 1);
      const events = await storage.getEvents(run.runId);
      assert.deepEqual(events.map((e) => e.seq), [null, 1, 2, 3, 4, 5, 6, 7, 8]);
      // Platform events without seq are never deduplicated.
      assert.equal(await storage.appendEvents([ev(run.runId, null, log("p")), ev(run.runId, null, log("p"))]), 2);
      assert.equal(await storage.appendEvents([]), 0);
      // Ids increase in write order.
      const all = await storage.getEvents(run.runId);
      assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((a, b) => a - b));
    });

    it("stores events exactly and filters them by id, type, step and limit", async () => {
      const { run } = await storage.createRun(newRun());
      const timestamp = 1_700_000_000_123;
      const failure: EventBody = {
        type: "STEP_FAILURE",
        durationMs: 12.5,
        error: { name: "Error", message: "boom", stack: "at x", cause: { name: "TypeError", message: "inner" } },
        assetKeys: ["a"],
      };
      await storage.appendEvents([
        ev(run.runId, 1, { type: "STEP_START", attempt: 1, assetKeys: ["a"] }, "a", timestamp),
        ev(run.runId, 2, { type: "STEP_OUTPUT", stream: "stdout", text: "héllo\n\u0000end" }, "a", timestamp),
        ev(run.runId, 3, failure, "a", timestamp),
        ev(run.runId, 4, { type: "STEP_START", attempt: 1, assetKeys: ["b"] }, "b", timestamp),
      ]);
      const events = await storage.getEvents(run.runId);
      assert.equal(events.length, 5);
      const stored = events.find((e) => e.seq === 3)!;
      assert.deepEqual({ ...stored, id: 0 }, { id: 0, runId: run.runId, seq: 3, timestamp, stepKey: "a", body: failure });
      const output = events.find((e) => e.seq === 2)!.body;
      assert.equal(output.type, "STEP_OUTPUT");
      assert.match((output as { text: string }).text, /^héllo\n.end$/);

      const afterSecond = await storage.getEvents(run.runId, { afterId: events[2]!.id });
      assert.deepEqual(afterSecond.map((e) => e.seq), [3, 4]);
      assert.deepEqual((await storage.getEvents(run.runId, { types: ["STEP_START"] })).map((e) => e.seq), [1, 4]);
      assert.deepEqual((await storage.getEvents(run.runId, { stepKey: "b" })).map((e) => e.seq), [4]);
      assert.deepEqual((await storage.getEvents(run.runId, { limit: 2 })).map((e) => e.seq), [null, 1]);
      assert.deepEqual(await storage.getEvents(run.runId, { types: [] }), []);
      assert.deepEqual(await storage.getEvents("unknown-run"), []);
    });

    it("lets a reader tail a run with afterId without missing events written concurrently", async () => {
      const { run } = await storage.createRun(newRun());
      let writing = true;
      const writers = Array.from({ length: 6 }, async (_, w) => {
        for (let b = 0; b < 5; b++) {
          const base = w * 1000 + b * 20;
          await storage.appendEvents(Array.from({ length: 20 }, (_, i) => ev(run.runId, base + i, log(`w${w}`))));
        }
      });
      const seen: number[] = [];
      let lastId = 0;
      const tail = async (): Promise<void> => {
        const events = await storage.getEvents(run.runId, { afterId: lastId });
        for (const e of events) {
          seen.push(e.id);
          lastId = e.id;
        }
      };
      const tailer = (async () => {
        while (writing) {
          await tail();
          await sleep(1);
        }
      })();
      await Promise.all(writers);
      writing = false;
      await tailer;
      await tail();
      const all = (await storage.getEvents(run.runId)).map((e) => e.id);
      assert.equal(all.length, 1 + 6 * 5 * 20);
      assert.deepEqual(seen, all, "the tail saw every event exactly once, in id order");
    });

    it("rejects events of unknown runs, writing nothing of the batch", async () => {
      const { run } = await storage.createRun(newRun());
      const asset = unique("asset");
      const batch = [ev(run.runId, 1, mat(asset, null, 1)), ev("ghost-run", 1, log("x"))];
      await assert.rejects(storage.appendEvents(batch), (error: unknown) => {
        assert.ok(error instanceof StorageInputError);
        assert.match(error.message, /run "ghost-run": unknown run id/);
        return true;
      });
      assert.equal((await storage.getEvents(run.runId)).length, 1);
      assert.deepEqual(await storage.getLatestMaterializations([asset]), []);
    });

    it("rejects malformed events naming the event", async () => {
      const { run } = await storage.createRun(newRun());
      await assert.rejects(
        storage.appendEvents([ev(run.runId, 1, log("ok")), { runId: run.runId, seq: -1, timestamp: 1, stepKey: null, body: log("x") }]),
        /event #1 of run ".*".*seq/,
      );
      await assert.rejects(
        storage.appendEvents([ev(run.runId, 1, { type: "NOPE" } as never)]),
        (error: unknown) => error instanceof StorageInputError && /event #0/.test(error.message),
      );
      await assert.rejects(storage.appendEvents("x" as never), StorageInputError);
      assert.equal((await storage.getEvents(run.runId)).length, 1);
    });

    it("rolls back events and index changes when a batch fails midway", async () => {
      const asset = unique("atomic");
      const { run } = await storage.createRun(newRun());
      await storage.appendEvents([ev(run.runId, 1, mat(asset, "p1", 1))]);
      const before = await storage.getLatestMaterializations([asset]);
      // A trigger makes the database itself fail on the third event of the batch.
      const trigger = unique("t").replace(/-/g, "_");
      await rawExec(
        fixture().storage,
        `CREATE TRIGGER ${trigger} BEFORE INSERT ON event_log WHEN NEW.step_key = '${trigger}' BEGIN SELECT RAISE(ABORT, 'forced failure'); END;`,
        `CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           IF NEW.step_key = '${trigger}' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER ${trigger} BEFORE INSERT ON event_log FOR EACH ROW EXECUTE FUNCTION ${trigger}();`,
      );
      try {
        await assert.rejects(
          storage.appendEvents([
            ev(run.runId, 2, mat(asset, "p1", 2)),
            ev(run.runId, 3, mat(asset, "p2", 3)),
            ev(run.runId, 4, log("explode"), trigger),
            ev(run.runId, 5, { type: "RUN_SUCCESS" }),
          ]),
          (error: unknown) => error instanceof StorageError && /forced failure/.test(error.message),
        );
      } finally {
        await rawExec(fixture().storage, `DROP TRIGGER ${trigger};`, `DROP TRIGGER ${trigger} ON event_log; DROP FUNCTION ${trigger}();`);
      }
      assert.deepEqual((await storage.getEvents(run.runId)).map((e) => e.seq), [null, 1]);
      assert.deepEqual(await storage.getLatestMaterializations([asset]), before);
      assert.deepEqual((await storage.getPartitionMaterializations(asset)).map((e) => e.partition), ["p1"]);
      assert.equal((await storage.getRun(run.runId))?.status, "QUEUED");
      // The same batch succeeds once the failure is gone: nothing of the failed attempt remained.
      assert.equal(await storage.appendEvents([ev(run.runId, 2, mat(asset, "p1", 2)), ev(run.runId, 3, mat(asset, "p2", 3))]), 2);
    });
  });

  describe("run status derivation", () => {
    it("moves status and times with lifecycle events", async () => {
      const { run } = await storage.createRun(newRun());
      const t0 = run.createdAt;
      await storage.appendEvents([ev(run.runId, null, { type: "RUN_STARTING" }, null, t0 + 10)]);
      assert.equal((await storage.getRun(run.runId))?.status, "STARTING");
      await storage.appendEvents([ev(run.runId, 1, { type: "RUN_STARTED", pid: 42 }, null, t0 + 20), ev(run.runId, 2, log("hi"), "a", t0 + 25)]);
      let current = await storage.getRun(run.runId);
      assert.equal(current?.status, "STARTED");
      assert.equal(current?.startedAt, t0 + 20);
      assert.equal(current?.updatedAt, t0 + 20);
      assert.equal(current?.endedAt, null);
      await storage.appendEvents([ev(run.runId, 3, { type: "RUN_SUCCESS" }, null, t0 + 30)]);
      current = await storage.getRun(run.runId);
      assert.equal(current?.status, "SUCCESS");
      assert.equal(current?.endedAt, t0 + 30);
      assert.equal(current?.startedAt, t0 + 20);
    });

    it("never overwrites a terminal status", async () => {
      const { run } = await storage.createRun(newRun());
      const t0 = run.createdAt;
      await storage.appendEvents([
        ev(run.runId, null, { type: "RUN_CANCELING" }, null, t0 + 1),
        ev(run.runId, null, { type: "RUN_CANCELED" }, null, t0 + 2),
      ]);
      // A late worker start, then a late failure: both recorded, neither changes the run.
      await storage.appendEvents([ev(run.runId, 1, { type: "RUN_STARTED" }, null, t0 + 5)]);
      await storage.appendEvents([ev(run.runId, 2, { type: "RUN_FAILURE", message: "late" }, null, t0 + 6)]);
      const current = await storage.getRun(run.runId);
      assert.equal(current?.status, "CANCELED");
      assert.equal(current?.endedAt, t0 + 2);
      assert.equal(current?.startedAt, null);
      assert.equal((await storage.getEvents(run.runId)).length, 5);
      // Within one batch too.
      const other = (await storage.createRun(newRun())).run;
      await storage.appendEvents([
        ev(other.runId, 1, { type: "RUN_STARTED" }, null, t0 + 1),
        ev(other.runId, 2, { type: "RUN_FAILURE", message: "x" }, null, t0 + 2),
        ev(other.runId, 3, { type: "RUN_STARTING" }, null, t0 + 3),
      ]);
      assert.equal((await storage.getRun(other.runId))?.status, "FAILURE");
    });

    it("derives state only from events actually inserted", async () => {
      const { run } = await storage.createRun(newRun());
      const t0 = run.createdAt;
      await storage.appendEvents([ev(run.runId, 1, { type: "RUN_STARTING" }, null, t0 + 1)]);
      await storage.appendEvents([ev(run.runId, 2, { type: "RUN_STARTED" }, null, t0 + 2)]);
      // Redelivering the STARTING event is ignored: it must not move the run back.
      assert.equal(await storage.appendEvents([ev(run.runId, 1, { type: "RUN_STARTING" }, null, t0 + 1)]), 0);
      assert.equal((await storage.getRun(run.runId))?.status, "STARTED");
      // Same for the asset index: a redelivered older materialization does not win.
      const asset = unique("redeliver");
      await storage.appendEvents([ev(run.runId, 3, mat(asset, null, 1))]);
      await storage.appendEvents([ev(run.runId, 4, mat(asset, null, 2))]);
      await storage.appendEvents([ev(run.runId, 3, mat(asset, null, 1))]);
      const [latest] = await storage.getLatestMaterializations([asset]);
      assert.deepEqual(latest?.metadata, { rows: { type: "int", value: 2 } });
    });

    it("keeps concurrent lifecycle writers consistent", async () => {
      const { run } = await storage.createRun(newRun());
      const t0 = run.createdAt;
      await Promise.all([
        storage.appendEvents([ev(run.runId, 1, { type: "RUN_STARTED" }, null, t0 + 1)]),
        storage.appendEvents([ev(run.runId, null, { type: "RUN_FAILURE", message: "monitor" }, null, t0 + 2)]),
        storage.appendEvents([ev(run.runId, 2, log("x"))]),
      ]);
      const current = await storage.getRun(run.runId);
      // Whichever order they committed in, the terminal status wins and stays.
      assert.equal(current?.status, "FAILURE");
      assert.equal(current?.endedAt, t0 + 2);
    });
  });

  describe("asset index", () => {
    it("keeps the latest materialization per asset and per partition", async () => {
      const a = unique("asset/a");
      const b = unique("asset/b");
      const { run: r1 } = await storage.createRun(newRun());
      const { run: r2 } = await storage.createRun(newRun());
      await storage.appendEvents([
        ev(r1.runId, 1, mat(a, null, 1, "v1")),
        ev(r1.runId, 2, mat(b, "2024-01", 10)),
        ev(r1.runId, 3, mat(b, "2024-02", 20)),
        ev(r1.runId, 4, { type: "ASSET_OBSERVATION", assetKey: a, partition: null, metadata: {} }),
      ]);
      await storage.appendEvents([ev(r2.runId, 1, mat(b, "2024-01", 11)), ev(r2.runId, 2, mat(a, null, 2, "v2"))]);

      const latest = await storage.getLatestMaterializations([a, b, "never-materialized"]);
      assert.deepEqual(latest.map((e) => e.assetKey), [a, b].sort());
      const latestA = latest.find((e) => e.assetKey === a)!;
      assert.equal(latestA.runId, r2.runId);
      assert.equal(latestA.codeVersion, "v2");
      assert.equal(latestA.partition, null);
      assert.deepEqual(latestA.metadata, { rows: { type: "int", value: 2 } });
      const latestB = latest.find((e) => e.assetKey === b)!;
      assert.equal(latestB.partition, "2024-01");
      assert.equal(latestB.runId, r2.runId);

      const partitions = await storage.getPartitionMaterializations(b);
      assert.deepEqual(
        partitions.map((e) => [e.partition, e.runId, e.metadata.rows]),
        [
          ["2024-01", r2.runId, { type: "int", value: 11 }],
          ["2024-02", r1.runId, { type: "int", value: 20 }],
        ],
      );
      assert.deepEqual(await storage.getPartitionMaterializations(a), []);
      // The event id in the index points at the stored event.
      const history = await storage.getMaterializationHistory(a);
      assert.equal(history.items[0]?.id, latestA.eventId);
      assert.ok((await storage.getLatestMaterializations()).some((e) => e.assetKey === a));
      assert.deepEqual(await storage.getLatestMaterializations([]), []);
    });

    it("pages materialization history newest first, only that asset's materializations", async () => {
      const asset = unique("hist");
      const { run } = await storage.createRun(newRun());
      await storage.appendEvents([
        ev(run.runId, 1, mat(asset, null, 1)),
        ev(run.runId, 2, mat(asset, null, 2)),
        ev(run.runId, 3, { type: "ASSET_OBSERVATION", assetKey: asset, partition: null, metadata: {} }),
        ev(run.runId, 4, mat(`${asset}-other`, null, 99)),
      ]);
      await storage.appendEvents([ev(run.runId, 5, mat(asset, "p", 3)), ev(run.runId, 6, mat(asset, null, 4)), ev(run.runId, 7, mat(asset, null, 5))]);
      const values: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await storage.getMaterializationHistory(asset, { limit: 2, cursor });
        values.push(...page.items.map((e) => (e.body as unknown as { metadata: { rows: { value: number } } }).metadata.rows.value));
        cursor = page.nextCursor;
        pages += 1;
        assert.ok(pages <= 3);
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.deepEqual(values, [5, 4, 3, 2, 1]);
      await assert.rejects(storage.getMaterializationHistory(asset, { cursor: Buffer.from("runs:3").toString("base64url") }), /cannot page events/);
    });

    it("keeps the latest result per check", async () => {
      const asset = unique("checked");
      const { run } = await storage.createRun(newRun());
      const check = (name: string, passed: boolean, severity: "warn" | "error" = "error"): EventBody => ({
        type: "ASSET_CHECK_EVALUATION",
        assetKey: asset,
        checkName: name,
        passed,
        severity,
        metadata: {},
      });
      await storage.appendEvents([ev(run.runId, 1, check("not_empty", true)), ev(run.runId, 2, check("fresh", true, "warn"))]);
      await storage.appendEvents([ev(run.runId, 3, check("not_empty", false))]);
      const results = await storage.getLatestCheckResults([asset]);
      assert.deepEqual(
        results.map((r) => [r.checkName, r.passed, r.severity, r.runId]),
        [
          ["fresh", true, "warn", run.runId],
          ["not_empty", false, "error", run.runId],
        ],
      );
      assert.ok((await storage.getLatestCheckResults()).length >= 2);
      assert.deepEqual(await storage.getLatestCheckResults(["nothing-here"]), []);
    });
  });

  describe("instigators and ticks", () => {
    it("upserts and lists instigator state", async () => {
      const id = `${unique("loc")}:daily`;
      assert.equal(await storage.getInstigatorState(id), null);
      const before = Date.now();
      const created = await storage.upsertInstigatorState({ id, kind: "schedule", status: "RUNNING", cursor: null, startedAt: 1000 });
      assert.equal(created.status, "RUNNING");
      assert.ok(created.updatedAt >= before);
      const updated = await storage.upsertInstigatorState({ id, kind: "schedule", status: "STOPPED", cursor: "c1", startedAt: null });
      assert.deepEqual(await storage.getInstigatorState(id), updated);
      assert.equal(updated.cursor, "c1");
      const sensorId = `${id}-sensor`;
      await storage.upsertInstigatorState({ id: sensorId, kind: "sensor", status: "RUNNING", cursor: null, startedAt: null });
      assert.ok((await storage.listInstigatorStates("schedule")).some((s) => s.id === id));
      assert.ok(!(await storage.listInstigatorStates("schedule")).some((s) => s.id === sensorId));
      assert.ok((await storage.listInstigatorStates()).some((s) => s.id === sensorId));
      await assert.rejects(
        storage.upsertInstigatorState({ id, kind: "cron" as never, status: "RUNNING", cursor: null, startedAt: null }),
        /instigator state .*kind/,
      );
    });

    it("creates, updates and pages ticks newest first", async () => {
      const instigator = `${unique("loc")}:hourly`;
      const tick = await storage.createTick(instigator, 1_700_000_000_000);
      assert.equal(tick.status, "STARTED");
      assert.deepEqual(tick.runIds, []);
      const done = await storage.updateTick(tick.tickId, { status: "SUCCESS", runIds: ["r1", "r2"], cursor: "c" });
      assert.deepEqual([done.status, done.runIds, done.cursor, done.skipReason], ["SUCCESS", ["r1", "r2"], "c", null]);
      // Fields not given are kept; fields given as null are cleared.
      const kept = await storage.updateTick(tick.tickId, { status: "SUCCESS", error: "e" });
      assert.deepEqual([kept.runIds, kept.cursor, kept.error], [["r1", "r2"], "c", "e"]);
      const cleared = await storage.updateTick(tick.tickId, { status: "SUCCESS", cursor: null });
      assert.equal(cleared.cursor, null);
      assert.ok(cleared.updatedAt >= tick.updatedAt);

      for (let i = 1; i <= 4; i++) await storage.createTick(instigator, 1_700_000_000_000 + i * 1000);
      await storage.createTick(`${instigator}-other`, 1);
      const first = await storage.listTicks(instigator, { limit: 3 });
      const second = await storage.listTicks(instigator, { limit: 3, cursor: first.nextCursor });
      const times = [...first.items, ...second.items].map((t) => t.tickTime - 1_700_000_000_000);
      assert.deepEqual(times, [4000, 3000, 2000, 1000, 0]);
      assert.equal(second.nextCursor, null);
      assert.deepEqual(await storage.getTick(cleared.tickId), cleared);
      assert.equal(await storage.getTick(987654321), null);
      await assert.rejects(storage.getTick(-1), StorageInputError);
      await assert.rejects(storage.updateTick(987654321, { status: "SKIPPED" }), /tick 987654321: no such tick/);
      await assert.rejects(storage.updateTick(tick.tickId, { status: "DONE" as never }), StorageInputError);
      await assert.rejects(storage.createTick(instigator, -5), StorageInputError);
    });
  });

  describe("leases", () => {
    it("acquires, refuses, renews, releases and increments the fencing token", async () => {
      const name = unique("leader");
      const a = await storage.acquireLease(name, "daemon-a", 60_000);
      assert.equal(a?.holder, "daemon-a");
      assert.equal(a?.fencingToken, 1);
      assert.equal(await storage.acquireLease(name, "daemon-b", 60_000), null);
      await sleep(5);
      const renewed = await storage.acquireLease(name, "daemon-a", 60_000);
      assert.equal(renewed?.fencingToken, 1, "renewing keeps the token");
      assert.ok(renewed.expiresAt > a.expiresAt);
      assert.deepEqual(await storage.getLease(name), renewed);
      // Releasing by a non-holder does nothing.
      await storage.releaseLease(name, "daemon-b");
      assert.equal((await storage.getLease(name))?.holder, "daemon-a");
      await storage.releaseLease(name, "daemon-a");
      assert.equal(await storage.getLease(name), null);
      const b = await storage.acquireLease(name, "daemon-b", 60_000);
      assert.equal(b?.fencingToken, 2);
    });

    it("lets another holder steal an expired lease", async () => {
      const name = unique("monitor");
      const a = await storage.acquireLease(name, "a", 150);
      assert.equal(a?.fencingToken, 1);
      assert.equal(await storage.acquireLease(name, "b", 10_000), null);
      await sleep(400);
      assert.equal(await storage.getLease(name), null);
      const b = await storage.acquireLease(name, "b", 10_000);
      assert.equal(b?.holder, "b");
      assert.equal(b?.fencingToken, 2);
      // The old holder cannot renew what it lost.
      assert.equal(await storage.acquireLease(name, "a", 10_000), null);
      await assert.rejects(storage.acquireLease(name, "a", 0), /ttl of lease/);
      await assert.rejects(storage.acquireLease("", "a", 10), /lease name/);
    });

    it("grants a free lease to exactly one of many concurrent contenders", async () => {
      const name = unique("race");
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => storage.acquireLease(name, `h${i}`, 60_000)));
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      assert.equal((await storage.getLease(name))?.holder, winners[0]?.holder);
    });
  });

  describe("run output usage (the ingest API's per-run budget)", () => {
    it("adds up per run, from any storage object, and rejects unknown runs and bad numbers", async () => {
      const { run } = await storage.createRun(newRun());
      assert.deepEqual(await storage.addRunOutputUsage(run.runId, 100, 2), { bytes: 100, events: 2 });
      assert.deepEqual(await storage.addRunOutputUsage(run.runId, 50, 1), { bytes: 150, events: 3 });
      const results = await Promise.all(Array.from({ length: 10 }, () => storage.addRunOutputUsage(run.runId, 10, 1)));
      assert.deepEqual(results.map((r) => r.events).sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13], "concurrent additions never lose one");
      await assert.rejects(storage.addRunOutputUsage("no-such-run", 1, 1), StorageInputError);
      await assert.rejects(storage.addRunOutputUsage(run.runId, -1, 0), StorageInputError);
      await assert.rejects(storage.addRunOutputUsage(run.runId, 1.5, 0), StorageInputError);
    });
  });

  describe("fenced writes", () => {
    /** Takes a lease for `holder` and returns its fence. */
    const fenceFor = async (name: string, holder: string, ttlMs = 60_000) => {
      const lease = await storage.acquireLease(name, holder, ttlMs);
      assert.ok(lease, `${holder} should get lease ${name}`);
      return { leaseName: name, holder, fencingToken: lease.fencingToken };
    };

    it("lets the current holder write ticks, runs, claims, scheduled runs and instigator state", async () => {
      const name = unique("fence-ok");
      const fence = await fenceFor(name, "leader-a");
      const instigator = unique("sched");
      const tick = await storage.createTick(instigator, 1_000, { fence });
      const updated = await storage.updateTick(tick.tickId, { status: "SKIPPED", skipReason: "x" }, { fence });
      assert.equal(updated.status, "SKIPPED");
      const { run } = await storage.createRun(newRun({ instigator, runKey: "k1" }), { fence });
      assert.deepEqual((await storage.claimQueuedRuns([run.runId], { fence })).map((r) => r.runId), [run.runId]);
      const [item] = await storage.createScheduledRuns([{ instigatorId: instigator, tickTime: 2_000, run: newRun({ instigator, runKey: "2000" }) }], { fence });
      assert.equal(item?.created, true);
      const state = await storage.upsertInstigatorState({ id: instigator, kind: "sensor", status: "RUNNING", cursor: "c1", startedAt: null }, { fence });
      assert.equal(state.cursor, "c1");
      // Nothing queued to claim is an empty answer, not a fence failure.
      assert.deepEqual(await storage.claimQueuedRuns([run.runId], { fence }), []);
    });

    it("refuses every fenced write of a deposed holder with LeaseLostError and writes nothing", async () => {
      const name = unique("fence-lost");
      const old = await fenceFor(name, "leader-a", 100);
      await sleep(250);
      const current = await fenceFor(name, "leader-b");
      assert.ok(current.fencingToken > old.fencingToken);
      const instigator = unique("sched");
      const { run } = await storage.createRun(newRun());
      const tick = await storage.createTick(instigator, 5_000);
      const lost = (error: unknown) => error instanceof LeaseLostError && error.code === "LEASE_LOST" && /leader-a/.test(error.message);
      await assert.rejects(storage.createTick(instigator, 6_000, { fence: old }), lost);
      await assert.rejects(storage.updateTick(tick.tickId, { status: "SUCCESS" }, { fence: old }), lost);
      await assert.rejects(storage.createRun(newRun({ instigator, runKey: "late" }), { fence: old }), lost);
      await assert.rejects(storage.claimQueuedRuns([run.runId], { fence: old }), lost);
      await assert.rejects(
        storage.createScheduledRuns([{ instigatorId: instigator, tickTime: 7_000, run: newRun({ instigator, runKey: "7000" }) }], { fence: old }),
        lost,
      );
      await assert.rejects(storage.upsertInstigatorState({ id: instigator, kind: "sensor", status: "RUNNING", cursor: "z", startedAt: null }, { fence: old }), lost);
      // Nothing of it landed.
      assert.deepEqual((await storage.listTicks(instigator)).items.map((t) => [t.tickTime, t.status]), [[5_000, "STARTED"]]);
      assert.equal((await storage.getRun(run.runId))?.status, "QUEUED");
      assert.equal((await storage.listRuns({ tags: {} }, { limit: 1000 })).items.filter((r) => r.instigator === instigator).length, 0);
      assert.equal(await storage.getInstigatorState(instigator), null);
      // The same holder re-acquiring after expiry gets a new token; its old one is refused too.
      assert.equal((await storage.claimQueuedRuns([run.runId], { fence: current })).length, 1);
      await assert.rejects(storage.createTick(instigator, 8_000, { fence: { ...current, fencingToken: current.fencingToken - 1 } }), LeaseLostError);
      await assert.rejects(storage.createTick(instigator, 8_000, { fence: { leaseName: unique("no-lease"), holder: "x", fencingToken: 1 } }), LeaseLostError);
      await assert.rejects(storage.createTick(instigator, 8_000, { fence: { ...current, fencingToken: 0 } }), StorageInputError);
    });
  });

  describe("runs a dead leader claimed", () => {
    it("re-claims for the new leader, once, the runs an earlier leader claimed whose worker never started", async () => {
      const name = unique("reclaim");
      const first = await storage.acquireLease(name, "leader-a", 100);
      assert.ok(first);
      const old = { leaseName: name, holder: "leader-a", fencingToken: first.fencingToken };
      const created = await Promise.all(Array.from({ length: 5 }, () => storage.createRun(newRun())));
      const [neverLaunched, beating, started, excepted, cliRun] = created.map((c) => c.run.runId) as [string, string, string, string, string];
      assert.equal((await storage.claimQueuedRuns([neverLaunched, beating, started, excepted], { fence: old })).length, 4);
      assert.equal((await storage.claimQueuedRuns([cliRun])).length, 1, "a claim without a fence (the CLI's way)");
      await storage.recordRunHeartbeat(beating);
      await storage.appendEvents([{ runId: started, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
      await sleep(250);
      const second = await storage.acquireLease(name, "leader-b", 60_000);
      assert.ok(second && second.fencingToken > old.fencingToken);
      const fence = { leaseName: name, holder: "leader-b", fencingToken: second.fencingToken };
      const own = (await storage.createRun(newRun())).run.runId;
      assert.equal((await storage.claimQueuedRuns([own], { fence })).length, 1);
      const ours = new Set([...created.map((c) => c.run.runId), own]);
      const reclaim = async (claimedBefore: number, except?: string[]) =>
        (await storage.reclaimStartingRuns({ claimedBefore, ...(except ? { except } : {}) }, { fence })).filter((r) => ours.has(r.runId));

      assert.deepEqual(await reclaim(Date.now() - 60_000), [], "claims younger than the cutoff are left alone");
      const now = Date.now();
      const reclaimed = await reclaim(now, [excepted]);
      assert.deepEqual(reclaimed.map((r) => [r.runId, r.status]), [[neverLaunched, "STARTING"]]);
      assert.ok(reclaimed[0]!.updatedAt >= now, "its STARTING clock restarts");
      const log = (await storage.getEvents(neverLaunched, { types: ["LOG"] })).map((e) => e.body);
      assert.deepEqual(log, [
        {
          type: "LOG",
          level: "warn",
          message: `Relaunched by the daemon leader with fencing token ${fence.fencingToken}: the leader that claimed this run (fencing token ${old.fencingToken}) stopped before its worker started.`,
        },
      ]);
      assert.deepEqual(await reclaim(Date.now()).then((runs) => runs.map((r) => r.runId)), [excepted], "once each; the excepted run on a later pass");
      assert.deepEqual(await reclaim(Date.now() + 60_000), [], "the new leader's own claims, a beating worker, a started run and the CLI's run are never re-claimed");
      assert.equal((await storage.getRun(cliRun))?.status, "STARTING");

      await assert.rejects(storage.reclaimStartingRuns({ claimedBefore: Date.now() }, { fence: old }), LeaseLostError);
      await assert.rejects(storage.reclaimStartingRuns({ claimedBefore: Date.now() }, {}), /options\.fence/);
      await assert.rejects(storage.reclaimStartingRuns({ claimedBefore: Date.now(), limit: 0 }, { fence }), /limit/);
      await assert.rejects(storage.reclaimStartingRuns({ claimedBefore: Number.NaN }, { fence }), /claimedBefore/);
    });
  });

  describe("daemon support: claims, run changes, heartbeats", () => {
    /** A second Storage on the same database, as another daemon process would have. */
    const openSecond = async (): Promise<Storage> => {
      const { url, sqlitePath } = fixture();
      return url !== null ? PostgresStorage.open(url, { max: 4 }) : SqliteStorage.open(sqlitePath ?? "");
    };

    it("claims a QUEUED run exactly once, writing RUN_STARTING", async () => {
      const { run } = await storage.createRun(newRun());
      const claimed = await storage.claimQueuedRun(run.runId);
      assert.equal(claimed?.status, "STARTING");
      assert.equal(claimed?.runId, run.runId);
      assert.equal(await storage.claimQueuedRun(run.runId), null, "a STARTING run cannot be claimed again");
      const events = await storage.getEvents(run.runId);
      assert.deepEqual(events.map((e) => e.body.type), ["RUN_QUEUED", "RUN_STARTING"]);
      assert.equal((await storage.getRun(run.runId))?.status, "STARTING");
      assert.equal(await storage.claimQueuedRun("no-such-run"), null);
      await assert.rejects(storage.claimQueuedRun(""), /run id/);
    });

    it("lets exactly one of two storages claim each run when they race", async () => {
      const other = await openSecond();
      try {
        const runs = await Promise.all(Array.from({ length: 20 }, () => storage.createRun(newRun())));
        const results = await Promise.all(
          runs.flatMap(({ run }) => [storage.claimQueuedRun(run.runId), other.claimQueuedRun(run.runId)]),
        );
        for (let i = 0; i < runs.length; i += 1) {
          const pair = [results[2 * i], results[2 * i + 1]].filter((r) => r !== null);
          assert.equal(pair.length, 1, `run #${i} claimed by exactly one`);
          const starting = (await storage.getEvents(runs[i]!.run.runId)).filter((e) => e.body.type === "RUN_STARTING");
          assert.equal(starting.length, 1);
        }
      } finally {
        await other.close();
      }
    });

    it("tells watchers about created runs and status changes, from another storage too", async () => {
      const other = await openSecond();
      const seen: string[] = [];
      const records = new Map<string, RunRecord>();
      const watch = await storage.watchRuns((change) => {
        seen.push(`${change.status} ${change.runId}`);
        if (change.run !== undefined) records.set(`${change.status} ${change.runId}`, change.run);
      });
      try {
        const { run } = await other.createRun(newRun({ tags: { source: "ssb", "flyt/priority": "2" }, location: "west" }));
        // A big run (tags past a notification's size) is still announced, without its record.
        const { run: big } = await other.createRun(newRun({ tags: { blob: "x".repeat(9_000) } }));
        await other.claimQueuedRun(run.runId);
        await other.appendEvents([ev(run.runId, null, { type: "RUN_STARTED" }), ev(run.runId, null, { type: "RUN_SUCCESS" })]);
        // Non-lifecycle events and no-op transitions say nothing.
        await other.appendEvents([ev(run.runId, 1, log("after the end"))]);
        const expected = [`QUEUED ${run.runId}`, `STARTING ${run.runId}`, `SUCCESS ${run.runId}`];
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline && !expected.every((e) => seen.includes(e))) await sleep(20);
        for (const e of expected) assert.ok(seen.includes(e), `saw ${e} (got ${seen.join(", ")})`);
        // The created run comes with its record, as stored (a dispatcher need not read it).
        assert.deepEqual(records.get(`QUEUED ${run.runId}`), run);
        assert.ok(seen.includes(`QUEUED ${big.runId}`), "the big run is announced (before the first run's later changes)");
        if (backend === "postgres") assert.equal(records.has(`QUEUED ${big.runId}`), false);
        else assert.deepEqual(records.get(`QUEUED ${big.runId}`)?.tags, big.tags);
        assert.ok(!seen.includes(`STARTED ${run.runId}`), "the batch's intermediate status is not reported");
        await watch.close();
        const count = seen.length;
        await other.createRun(newRun());
        await sleep(200);
        assert.equal(seen.length, count, "no calls after close");
      } finally {
        await watch.close();
        await other.close();
      }
      await assert.rejects(storage.watchRuns(null as never), /listener/);
    });

    it("records run heartbeats, keeping the newest, ignoring unknown runs", async () => {
      const { run } = await storage.createRun(newRun());
      const { run: other } = await storage.createRun(newRun());
      assert.deepEqual(await storage.getRunHeartbeats([run.runId]), []);
      await storage.recordRunHeartbeat(run.runId, 5_000);
      await storage.recordRunHeartbeat(run.runId, 9_000);
      await storage.recordRunHeartbeat(run.runId, 7_000);
      await storage.recordRunHeartbeat("no-such-run", 1_000);
      const before = Date.now();
      await storage.recordRunHeartbeat(other.runId);
      const beats = await storage.getRunHeartbeats([run.runId, other.runId, "no-such-run", run.runId]);
      const byId = new Map(beats.map((b) => [b.runId, b.at]));
      assert.equal(beats.length, 2);
      assert.equal(byId.get(run.runId), 9_000);
      assert.ok((byId.get(other.runId) ?? 0) >= before);
      assert.deepEqual(await storage.getRunHeartbeats([]), []);
      await assert.rejects(storage.recordRunHeartbeat(run.runId, -1), /heartbeat time/);
    });

    it("upserts daemon heartbeats and lists them newest first", async () => {
      const daemon = unique("daemon");
      await storage.recordDaemonHeartbeat({ daemonId: daemon, loop: "scheduler", at: 1_000, info: null });
      await storage.recordDaemonHeartbeat({ daemonId: daemon, loop: "scheduler", at: 3_000, info: "leader" });
      await storage.recordDaemonHeartbeat({ daemonId: daemon, loop: "run-queue", at: 2_000, info: "3 running" });
      const mine = (await storage.listDaemonHeartbeats()).filter((h) => h.daemonId === daemon);
      assert.deepEqual(mine, [
        { daemonId: daemon, loop: "scheduler", at: 3_000, info: "leader" },
        { daemonId: daemon, loop: "run-queue", at: 2_000, info: "3 running" },
      ]);
      const recent = (await storage.listDaemonHeartbeats(2_500)).filter((h) => h.daemonId === daemon);
      assert.deepEqual(recent.map((h) => h.loop), ["scheduler"]);
      await assert.rejects(storage.recordDaemonHeartbeat({ daemonId: "", loop: "x", at: 1, info: null }), /daemon heartbeat/);
    });

    it("filters runs that ended after a moment", async () => {
      const tag = { batch: unique("ended") };
      const { run: early } = await storage.createRun(newRun({ tags: tag }));
      const { run: late } = await storage.createRun(newRun({ tags: tag }));
      const { run: open } = await storage.createRun(newRun({ tags: tag }));
      await storage.appendEvents([ev(early.runId, null, { type: "RUN_SUCCESS" }, null, 10_000)]);
      await storage.appendEvents([ev(late.runId, null, { type: "RUN_FAILURE", message: "x" }, null, 20_000)]);
      const page = await storage.listRuns({ tags: tag, endedAfter: 15_000 });
      assert.deepEqual(page.items.map((r) => r.runId), [late.runId]);
      const all = await storage.listRuns({ tags: tag, endedAfter: 0 });
      assert.deepEqual(new Set(all.items.map((r) => r.runId)), new Set([early.runId, late.runId]));
      assert.ok(!all.items.some((r) => r.runId === open.runId));
    });
  });

  describe("run tokens", () => {
    const hash = (n: string) => createHash("sha256").update(n).digest("hex");

    it("stores a token's hash bound to a run, its location and asset keys; revokes per run", async () => {
      const { run } = await storage.createRun(newRun());
      const tokenHash = hash(unique("token"));
      const created = await storage.createRunToken({ tokenHash, runId: run.runId, location: "atlas", assetKeys: ["a/b", "a/c"], expiresAt: Date.now() + 60_000 });
      assert.equal(created.revokedAt, null);
      const read = await storage.getRunToken(tokenHash);
      assert.deepEqual(read, created);
      assert.deepEqual(read?.assetKeys, ["a/b", "a/c"]);
      assert.equal(read?.location, "atlas");
      assert.equal(await storage.getRunToken(hash("never issued")), null);
      assert.equal(await storage.revokeRunTokens(run.runId), 1);
      assert.equal(await storage.revokeRunTokens(run.runId), 0);
      assert.ok(((await storage.getRunToken(tokenHash))?.revokedAt ?? 0) > 0);
    });

    it("refuses a token for an unknown run, and anything that is not a sha256 hash", async () => {
      await assert.rejects(
        storage.createRunToken({ tokenHash: hash(unique("t")), runId: "no-such-run", location: "x", assetKeys: [], expiresAt: Date.now() + 1000 }),
        /no run "no-such-run"/,
      );
      const { run } = await storage.createRun(newRun());
      await assert.rejects(
        storage.createRunToken({ tokenHash: "plain-token-value", runId: run.runId, location: "x", assetKeys: [], expiresAt: Date.now() + 1000 }),
        /sha256/,
      );
      await assert.rejects(storage.getRunToken("ABC"), /sha256/);
    });
  });

  describe("API tokens", () => {
    const hash = (n: string) => createHash("sha256").update(n).digest("hex");
    const newToken = (name: string, role: "viewer" | "operator" | "admin" = "operator", expiresAt: number | null = null) => ({
      id: unique("tok").replace(/[^A-Za-z0-9_-]/g, "_"),
      name,
      tokenHash: hash(unique("secret")),
      role,
      createdBy: "tester",
      expiresAt,
    });

    it("stores a token's hash with its role and expiry, finds it by hash, lists and revokes by id or name", async () => {
      const a = newToken(unique("ci"), "operator", Date.now() + 3_600_000);
      const created = await storage.createApiToken(a);
      assert.equal(created.role, "operator");
      assert.equal(created.revokedAt, null);
      assert.equal(created.lastUsedAt, null);
      assert.equal(created.createdBy, "tester");
      assert.equal(created.expiresAt, a.expiresAt);
      assert.deepEqual(await storage.getApiTokenByHash(a.tokenHash), created);
      assert.equal(await storage.getApiTokenByHash(hash("never issued")), null);
      const b = await storage.createApiToken(newToken(unique("viewer"), "viewer"));
      assert.equal(b.expiresAt, null);
      const listed = (await storage.listApiTokens()).filter((t) => t.id === a.id || t.id === b.id);
      assert.deepEqual(listed.map((t) => t.id).sort(), [a.id, b.id].sort());

      const revoked = await storage.revokeApiToken(a.name);
      assert.equal(revoked?.id, a.id);
      assert.ok((revoked?.revokedAt ?? 0) > 0);
      assert.equal(await storage.revokeApiToken(a.name), null, "a revoked token is not revoked twice");
      assert.ok(((await storage.getApiTokenByHash(a.tokenHash))?.revokedAt ?? 0) > 0, "revoked tokens are still found (the caller refuses them)");
      assert.equal((await storage.revokeApiToken(b.id))?.name, b.name);
      assert.equal(await storage.revokeApiToken("no-such-token"), null);
    });

    it("keeps live names unique but lets a revoked token's name be reused", async () => {
      const name = unique("deploy");
      const first = await storage.createApiToken(newToken(name));
      await assert.rejects(storage.createApiToken(newToken(name)), (error: unknown) => error instanceof StorageInputError && /live token named/.test(error.message));
      await storage.revokeApiToken(first.id);
      const second = await storage.createApiToken(newToken(name, "admin"));
      assert.equal(second.role, "admin");
    });

    it("records use at most once a minute", async () => {
      const token = await storage.createApiToken(newToken(unique("touch")));
      const t0 = Date.now();
      await storage.touchApiToken(token.id, t0);
      await storage.touchApiToken(token.id, t0 + 30_000);
      assert.equal((await storage.getApiTokenByHash(token.tokenHash))?.lastUsedAt, t0);
      await storage.touchApiToken(token.id, t0 + 61_000);
      assert.equal((await storage.getApiTokenByHash(token.tokenHash))?.lastUsedAt, t0 + 61_000);
    });

    it("refuses plain tokens, unknown roles and bad names", async () => {
      await assert.rejects(storage.createApiToken({ ...newToken(unique("p")), tokenHash: "flyt_plaintext" }), /sha256/);
      await assert.rejects(storage.createApiToken({ ...newToken(unique("r")), role: "root" as "admin" }), /role/);
      await assert.rejects(storage.createApiToken(newToken("has spaces")), /API token name/);
      await assert.rejects(storage.getApiTokenByHash("ABC"), /sha256/);
    });
  });

  describe("lifecycle", () => {
    it("reports the schema version", async () => {
      assert.equal(await storage.schemaVersion(), SQLITE_MIGRATIONS.length);
    });

    it("fails clearly after close", async () => {
      const extra = await createTestStorage(backend);
      try {
        await extra.storage.close();
        await extra.storage.close(); // idempotent
        await assert.rejects(extra.storage.getRun("x"), (error: unknown) => error instanceof StorageError && /closed/.test(error.message));
      } finally {
        await extra[Symbol.asyncDispose]();
      }
    });
  });
});

