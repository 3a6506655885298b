/**
 * Unit tests of the pure helpers both backends share: cursors, page limits, URL masking and the
 * derived-state decisions (lifecycle folding, index reduction).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventBody } from "@flyt/core";
import { StorageInputError } from "../errors.js";
import { decodeCursor, encodeCursor, pageLimit } from "./cursor.js";
import { applyLifecycle, creationEventBody, indexUpdates, type InsertedEvent } from "./derive.js";
import { maskDatabaseUrl, scrubSecret } from "./url.js";
import { validateNewRun } from "./validate.js";

describe("cursors", () => {
  it("round-trips ids and is opaque", () => {
    for (const id of [1, 42, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const cursor = encodeCursor("runs", id);
      assert.match(cursor, /^[A-Za-z0-9_-]+$/);
      assert.equal(decodeCursor("runs", cursor), id);
    }
  });

  it("rejects tampered, foreign and malformed cursors", () => {
    const bad = ["", "!!!", Buffer.from("runs:0").toString("base64url"), Buffer.from("runs:-1").toString("base64url"),
      Buffer.from("runs:1e3").toString("base64url"), Buffer.from("runs:99999999999999999").toString("base64url")];
    for (const cursor of bad) assert.throws(() => decodeCursor("runs", cursor), StorageInputError, cursor);
    assert.throws(() => decodeCursor("ticks", encodeCursor("runs", 5)), /a runs cursor cannot page ticks/);
  });

  it("defaults, validates and clamps limits", () => {
    assert.equal(pageLimit(undefined), 50);
    assert.equal(pageLimit(7), 7);
    assert.equal(pageLimit(10_000), 1000);
    for (const limit of [0, -1, 1.5, Number.NaN]) assert.throws(() => pageLimit(limit), /must be a positive integer/);
  });
});

describe("database URLs", () => {
  it("masks passwords wherever they appear", () => {
    assert.equal(maskDatabaseUrl("postgres://flyt:s3cret@db:5432/flyt"), "postgres://flyt:***@db:5432/flyt");
    assert.equal(maskDatabaseUrl("postgresql://flyt@db/flyt"), "postgresql://flyt@db/flyt");
    assert.doesNotMatch(maskDatabaseUrl("postgres://db/flyt?user=u&password=s3cret"), /s3cret/);
    assert.doesNotMatch(maskDatabaseUrl("postgres://u:s3cret@[bad"), /s3cret/);
    assert.equal(scrubSecret("auth failed for s3cret", "postgres://u:s3cret@h/d"), "auth failed for ***");
  });
});

describe("derived state", () => {
  const at = (timestamp: number, body: EventBody) => ({ timestamp, body });
  const queued = { status: "QUEUED" as const, updatedAt: 100, startedAt: null, endedAt: null };

  it("folds lifecycle events and ignores everything else", () => {
    assert.equal(applyLifecycle(queued, [at(200, { type: "LOG", level: "info", message: "x" })]), null);
    const next = applyLifecycle(queued, [at(200, { type: "RUN_STARTED" }), at(300, { type: "RUN_SUCCESS" })]);
    assert.deepEqual(next, { status: "SUCCESS", updatedAt: 300, startedAt: 200, endedAt: 300 });
  });

  it("keeps terminal statuses and never moves updatedAt backwards", () => {
    const done = { status: "CANCELED" as const, updatedAt: 500, startedAt: null, endedAt: 500 };
    assert.equal(applyLifecycle(done, [at(600, { type: "RUN_STARTED" }), at(700, { type: "RUN_SUCCESS" })]), null);
    const late = applyLifecycle({ ...queued, updatedAt: 1000 }, [at(10, { type: "RUN_STARTING" })]);
    assert.equal(late?.updatedAt, 1000);
  });

  it("has a creation event for every status", () => {
    for (const status of ["QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"] as const) {
      const body = creationEventBody(status);
      assert.equal(applyLifecycle({ ...queued, status: "STARTING" }, [at(1, body)])?.status ?? "STARTING", status);
    }
  });

  it("reduces a batch to the newest index row per key", () => {
    const m = (id: number, assetKey: string, partition: string | null, rows: number): InsertedEvent => ({
      id,
      runId: "r",
      seq: id,
      timestamp: id * 10,
      stepKey: null,
      body: { type: "ASSET_MATERIALIZATION", assetKey, partition, metadata: { rows: { type: "int", value: rows } } },
    });
    const updates = indexUpdates([m(1, "a", "p1", 1), m(2, "a", "p2", 2), m(3, "a", "p1", 3), m(4, "b", null, 4)]);
    assert.deepEqual(updates.latest.map((e) => [e.assetKey, e.eventId, e.partition]), [["a", 3, "p1"], ["b", 4, null]]);
    assert.deepEqual(updates.partitions.map((e) => [e.partition, e.eventId]), [["p1", 3], ["p2", 2]]);
    assert.deepEqual(updates.checks, []);
  });
});

describe("validateNewRun", () => {
  it("accepts valid runs with a copy of known keys only (the scheduler's fast path and the schema agree)", () => {
    const tags = { a: "1" };
    const run = { selection: "a+", assetKeys: ["a", "b"], tags, instigator: "loc:s", runKey: "1", origin: "schedule" as const, partitionKey: null, location: "loc" };
    const valid = validateNewRun(run);
    assert.deepEqual(valid, run);
    assert.notEqual(valid.tags, tags, "tags are copied");
    assert.notEqual(valid.assetKeys, run.assetKeys);
    // An unknown key is dropped (the schema strips it), not an error.
    assert.deepEqual(validateNewRun({ ...run, extra: 1 } as never), run);
    assert.deepEqual(validateNewRun({ selection: "*", assetKeys: [] }), { selection: "*", assetKeys: [] });
    // A re-execution of every step passes stepKeys: null explicitly (it threw "not iterable").
    assert.deepEqual(validateNewRun({ selection: "*", assetKeys: ["a"], stepKeys: null }), { selection: "*", assetKeys: ["a"], stepKeys: null });
  });

  it("rejects what the schema rejects, with its message", () => {
    const base = { selection: "*", assetKeys: ["a"] };
    for (const [bad, message] of [
      [{ ...base, runKey: "k" }, /runKey needs an instigator/],
      [{ ...base, assetKeys: [""] }, /assetKeys\.0/],
      [{ ...base, tags: { x: 1 } }, /tags\.x/],
      [{ ...base, origin: "nowhere" }, /origin/],
      [{ ...base, status: "DONE" }, /status/],
      [{ ...base, runId: "x".repeat(201) }, /runId/],
      [{ ...base, location: "" }, /location/],
      [{ assetKeys: ["a"] }, /selection/],
      [null, /invalid/],
    ] as const) {
      assert.throws(() => validateNewRun(bad as never), (e: unknown) => e instanceof StorageInputError && message.test(e.message), JSON.stringify(bad)?.slice(0, 80));
    }
  });
});
