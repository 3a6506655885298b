/**
 * Data versions, provenance and the automation loop's storage, on every backend (real SQLite files
 * and PostgreSQL databases): each materialization's data version derived from its code version and
 * its inputs' data versions (or kept as the producer gave it), recorded in the append's
 * transaction; what was materialized since a moment; automation ticks stored whole, fenced, once;
 * and the automation on/off switches as instigator states.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import {
  derivedDataVersionInput,
  LeaseLostError,
  type AutomationAssetEvaluation,
  type AutomationNodeResult,
  type EventBody,
  type EventRecord,
  type NewRun,
} from "@flyt/core";
import { StorageInputError } from "./errors.js";
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from "./generated/migrations.js";
import { automationSwitchId, setInstigatorStatus } from "./instigators.js";
import { openStorage } from "./open.js";
import { migratePostgres } from "./postgres/postgres-migrator.js";
import { PostgresStorage } from "./postgres/postgres-storage.js";
import { MAX_EVALUATION_BYTES } from "./shared/automation.js";
import { migrateSqlite } from "./sqlite/sqlite-migrator.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import { describeEachBackend } from "./testing/index.js";

let counter = 0;
/** An asset key unique to one test (tests share a database): `t<n>x<random>/<label>`. */
function unique(label: string): string {
  counter += 1;
  return `t${counter}x${Math.random().toString(36).slice(2, 8)}/${label}`;
}

function ev(runId: string, seq: number, body: EventBody, timestamp = Date.now()): EventRecord {
  return { runId, seq, timestamp, stepKey: null, body };
}

function mat(assetKey: string, extra: { partition?: string | null; codeVersion?: string | null; dataVersion?: string | null } = {}): EventBody {
  return { type: "ASSET_MATERIALIZATION", assetKey, partition: extra.partition ?? null, metadata: {}, codeVersion: extra.codeVersion ?? null, dataVersion: extra.dataVersion };
}

/** The data version storage must derive (computed here independently of storage's code). */
function expectedVersion(codeVersion: string | null, inputs: Record<string, string | null>): string {
  return createHash("sha256").update(derivedDataVersionInput(codeVersion, inputs)).digest("hex");
}

function node(kind: AutomationNodeResult["kind"], trueCount: number, children: AutomationNodeResult[] = []): AutomationNodeResult {
  return { kind, description: `${kind} description`, trueCount, truePartitions: trueCount > 0 ? "0" : "", detail: trueCount > 0 ? null : `${kind} was false`, children };
}

function evaluation(assetKey: string, tickId: number, requested: boolean): AutomationAssetEvaluation {
  return {
    assetKey,
    tickId,
    evaluatedAt: 1_700_000_000_000 + tickId,
    requestedCount: requested ? 1 : 0,
    requestedPartitions: requested ? "0" : "",
    runIds: [],
    root: node("and", requested ? 1 : 0, [node("missing", 1), node("in_progress", requested ? 1 : 0)]),
  };
}

describeEachBackend((backend) => `data versions and automation storage: ${backend}`, ({ storage, fixture }) => {
  /** A run that appends `bodies` (seq 1..n) in one batch; returns its id. */
  async function materialize(bodies: EventBody[], timestamp = Date.now()): Promise<string> {
    const { run } = await storage.createRun({ selection: "*", assetKeys: ["x"] });
    await storage.appendEvents(bodies.map((body, i) => ev(run.runId, i + 1, body, timestamp)));
    return run.runId;
  }
  const latestOf = async (assetKey: string) => {
    const [entry] = await storage.getLatestMaterializations([assetKey]);
    assert.ok(entry, `${assetKey} should have a materialization`);
    return entry;
  };

  describe("provenance", () => {
    it("derives the data version from the code version and the inputs' data versions, and changes it exactly when one of them changes", async () => {
      const a = unique("a");
      const b = unique("b");
      await storage.putAssetDefinitions([
        { assetKey: a, deps: [], codeVersion: "1" },
        { assetKey: b, deps: [a], codeVersion: "7" },
      ]);
      await materialize([mat(a)]);
      const a1 = await latestOf(a);
      // A registered code version stands in for the event's missing one.
      assert.equal(a1.codeVersion, "1");
      assert.deepEqual(a1.inputDataVersions, {});
      assert.equal(a1.dataVersion, expectedVersion("1", {}));
      assert.equal(a1.dataVersionUserProvided, false);

      await materialize([mat(b)]);
      const b1 = await latestOf(b);
      assert.deepEqual(b1.inputDataVersions, { [a]: a1.dataVersion });
      assert.equal(b1.dataVersion, expectedVersion("7", { [a]: a1.dataVersion }));

      // Nothing changed: the same data version again.
      await materialize([mat(b)]);
      assert.equal((await latestOf(b)).dataVersion, b1.dataVersion);

      // The event's code version wins over the registered one, and changes the data version.
      await materialize([mat(b, { codeVersion: "8" })]);
      const b2 = await latestOf(b);
      assert.equal(b2.codeVersion, "8");
      assert.equal(b2.dataVersion, expectedVersion("8", { [a]: a1.dataVersion }));
      assert.notEqual(b2.dataVersion, b1.dataVersion);

      // A new code version of the upstream changes its data version, and so the downstream's.
      await storage.putAssetDefinitions([{ assetKey: a, deps: [], codeVersion: "2" }]);
      await materialize([mat(a)]);
      const a2 = await latestOf(a);
      assert.notEqual(a2.dataVersion, a1.dataVersion);
      await materialize([mat(b)]);
      const b3 = await latestOf(b);
      assert.deepEqual(b3.inputDataVersions, { [a]: a2.dataVersion });
      assert.equal(b3.dataVersion, expectedVersion("7", { [a]: a2.dataVersion }));
      assert.notEqual(b3.dataVersion, b1.dataVersion);
    });

    it("keeps a producer's data version, and a downstream records it as its input", async () => {
      const a = unique("a");
      const b = unique("b");
      await storage.putAssetDefinitions([{ assetKey: b, deps: [a], codeVersion: null }]);
      await materialize([mat(a, { dataVersion: "etag-1" })]);
      const a1 = await latestOf(a);
      assert.equal(a1.dataVersion, "etag-1");
      assert.equal(a1.dataVersionUserProvided, true);
      // No registered definition: no provenance, the version derived from the code version alone.
      assert.equal(a1.inputDataVersions, null);
      await materialize([mat(b)]);
      assert.deepEqual((await latestOf(b)).inputDataVersions, { [a]: "etag-1" });
      // The same etag again: the downstream's inputs did not change.
      const before = (await latestOf(b)).dataVersion;
      await materialize([mat(a, { dataVersion: "etag-1" })]);
      await materialize([mat(b)]);
      assert.equal((await latestOf(b)).dataVersion, before);
      await materialize([mat(a, { dataVersion: "etag-2" })]);
      await materialize([mat(b)]);
      assert.notEqual((await latestOf(b)).dataVersion, before);
      // Without a code version or registration, a derived version is still there.
      const c = unique("c");
      await materialize([mat(c)]);
      const c1 = await latestOf(c);
      assert.equal(c1.dataVersion, expectedVersion(null, {}));
      assert.equal(c1.inputDataVersions, null);
    });

    it("lets a later materialization in one batch see an earlier one's new data version (a chain materialized in one run)", async () => {
      const a = unique("a");
      const b = unique("b");
      const c = unique("c");
      const never = unique("never");
      await storage.putAssetDefinitions([
        { assetKey: a, deps: [], codeVersion: "1" },
        { assetKey: b, deps: [a, never], codeVersion: "1" },
        { assetKey: c, deps: [b], codeVersion: "1" },
      ]);
      await materialize([mat(a, { dataVersion: "old" })]);
      // One batch: a (new data version), then b, then c, then a again.
      await materialize([mat(a, { dataVersion: "new" }), mat(b), mat(c), mat(a, { dataVersion: "newest" })]);
      const b1 = await latestOf(b);
      assert.deepEqual(b1.inputDataVersions, { [a]: "new", [never]: null }, "b read a's version from the same batch; a never-materialized dep is null");
      const c1 = await latestOf(c);
      assert.deepEqual(c1.inputDataVersions, { [b]: b1.dataVersion });
      assert.equal(c1.dataVersion, expectedVersion("1", { [b]: b1.dataVersion }));
      assert.equal((await latestOf(a)).dataVersion, "newest");
    });

    it("records provenance per partition, and a partitioned upstream's data version is its latest partition's", async () => {
      const up = unique("daily");
      const down = unique("monthly");
      await storage.putAssetDefinitions([{ assetKey: down, deps: [up], codeVersion: "1" }]);
      await materialize([mat(up, { partition: "2024-01-01", dataVersion: "d1" }), mat(up, { partition: "2024-01-02", dataVersion: "d2" })]);
      await materialize([mat(down, { partition: "2024-01" })]);
      const partitions = await storage.getPartitionMaterializations(up);
      assert.deepEqual(partitions.map((p) => [p.partition, p.dataVersion, p.dataVersionUserProvided]), [["2024-01-01", "d1", true], ["2024-01-02", "d2", true]]);
      const [monthly] = await storage.getPartitionMaterializations(down);
      assert.deepEqual(monthly?.inputDataVersions, { [up]: "d2" });
      assert.equal(monthly?.dataVersion, expectedVersion("1", { [up]: "d2" }));
      assert.deepEqual((await latestOf(down)).inputDataVersions, { [up]: "d2" });
    });

    it("records inputs from the materialization after the deps are registered, not before", async () => {
      const a = unique("a");
      const b = unique("b");
      await materialize([mat(a, { dataVersion: "v" })]);
      await materialize([mat(b)]);
      assert.equal((await latestOf(b)).inputDataVersions, null);
      const unregistered = (await latestOf(b)).dataVersion;
      await storage.putAssetDefinitions([{ assetKey: b, deps: [a], codeVersion: null }]);
      await materialize([mat(b)]);
      const registered = await latestOf(b);
      assert.deepEqual(registered.inputDataVersions, { [a]: "v" });
      assert.notEqual(registered.dataVersion, unregistered);
      // A dependency removed later: no longer an input.
      await storage.putAssetDefinitions([{ assetKey: b, deps: [], codeVersion: null }]);
      await materialize([mat(b)]);
      assert.deepEqual((await latestOf(b)).inputDataVersions, {});
    });

    it("validates definitions, drops a self-dependency and duplicate deps, and writes nothing for an unchanged entry", async () => {
      const a = unique("a");
      const b = unique("b");
      await storage.putAssetDefinitions([{ assetKey: b, deps: [a, a, b], codeVersion: "1" }]);
      await materialize([mat(a, { dataVersion: "x" })]);
      await materialize([mat(b)]);
      assert.deepEqual((await latestOf(b)).inputDataVersions, { [a]: "x" });
      // Re-registered unchanged (deps in another order, the self-dependency again): its row is not rewritten.
      const updatedAt = async (): Promise<number> => {
        const { storage: real } = fixture();
        const text = "SELECT updated_at FROM asset_definitions WHERE asset_key = ";
        if (real instanceof SqliteStorage) return Number((real.connection.prepare(`${text}?`).get(b) as { updated_at: number }).updated_at);
        return Number((await (real as PostgresStorage).connection.query<{ updated_at: string }>(`${text}$1`, [b])).rows[0]!.updated_at);
      };
      const written = await updatedAt();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await storage.putAssetDefinitions([]);
      await storage.putAssetDefinitions([{ assetKey: b, deps: [b, a], codeVersion: "1" }]);
      assert.equal(await updatedAt(), written);
      await storage.putAssetDefinitions([{ assetKey: b, deps: [a], codeVersion: "2" }]);
      assert.ok((await updatedAt()) > written, "a changed entry is written");
      const invalid = (pattern: RegExp) => (error: unknown) => error instanceof StorageInputError && pattern.test(error.message);
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: "a//b", deps: [], codeVersion: null }]), invalid(/asset definition #0: assetKey/));
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: a, deps: ["bad key"], codeVersion: null }]), invalid(/deps #0/));
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: a, deps: "b" as never, codeVersion: null }]), invalid(/deps must be an array/));
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: a, deps: [], codeVersion: 3 as never }]), invalid(/codeVersion/));
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: a, deps: [], codeVersion: "x".repeat(256) }]), invalid(/codeVersion/));
      await assert.rejects(
        storage.putAssetDefinitions(Array.from({ length: 10_001 }, (_, i) => ({ assetKey: `k${i}`, deps: [], codeVersion: null }))),
        invalid(/at most 10000 per call/),
      );
      await assert.rejects(storage.putAssetDefinitions([{ assetKey: a, deps: Array.from({ length: 10_001 }, (_, i) => `d${i}`), codeVersion: null }]), invalid(/at most 10000 deps/));
      // 10,000 definitions in one call are fine (the limit, not less), and re-registering them writes nothing.
      const many = Array.from({ length: 10_000 }, (_, i) => ({ assetKey: `${a}/many/k${i}`, deps: i === 0 ? [] : [`${a}/many/k${i - 1}`], codeVersion: "1" }));
      await storage.putAssetDefinitions(many);
      await storage.putAssetDefinitions(many);
      await materialize([mat(`${a}/many/k0`, { dataVersion: "root" }), mat(`${a}/many/k1`)]);
      assert.deepEqual((await latestOf(`${a}/many/k1`)).inputDataVersions, { [`${a}/many/k0`]: "root" });
    });
  });

  describe("materializations since a moment", () => {
    it("lists the latest materialization of each asset and partition after `since`, oldest first, at most `limit`", async () => {
      const plain = unique("plain");
      const parts = unique("parts");
      const other = unique("other");
      const t0 = 1_800_000_000_000;
      const r1 = await materialize([mat(plain), mat(parts, { partition: "p1" }), mat(parts, { partition: "p2" })], t0);
      const r2 = await materialize([mat(parts, { partition: "p1" }), mat(other)], t0 + 10);
      const since = await storage.getMaterializationsSince([plain, parts, other], t0 - 1);
      assert.deepEqual(since, [
        { assetKey: parts, partition: "p2", timestamp: t0, runId: r1 },
        { assetKey: plain, partition: null, timestamp: t0, runId: r1 },
        { assetKey: other, partition: null, timestamp: t0 + 10, runId: r2 },
        { assetKey: parts, partition: "p1", timestamp: t0 + 10, runId: r2 },
      ].sort((a, b) => a.timestamp - b.timestamp || (a.assetKey < b.assetKey ? -1 : a.assetKey > b.assetKey ? 1 : 0)));
      // Exclusive bound, asset filter, limit.
      assert.deepEqual((await storage.getMaterializationsSince([plain, parts, other], t0)).map((m) => [m.assetKey, m.partition]), [[other, null], [parts, "p1"]].sort());
      assert.deepEqual(await storage.getMaterializationsSince([plain], t0 + 10), []);
      assert.deepEqual((await storage.getMaterializationsSince([parts], t0 - 1)).map((m) => m.partition), ["p2", "p1"]);
      assert.equal((await storage.getMaterializationsSince([plain, parts, other], t0 - 1, 2)).length, 2);
      assert.deepEqual(await storage.getMaterializationsSince([], 0), []);
      await assert.rejects(storage.getMaterializationsSince([plain], -1), StorageInputError);
      await assert.rejects(storage.getMaterializationsSince([plain], 0, 0), /limit of getMaterializationsSince/);
      await assert.rejects(storage.getMaterializationsSince("x" as never, 0), StorageInputError);
    });
  });

  describe("automation ticks", () => {
    const plannedRun = (tickId: number, n: number, assetKeys: string[]): NewRun => ({
      selection: assetKeys.join(","),
      assetKeys,
      origin: "automation",
      instigator: "automation",
      runKey: `${tickId}:${n}`,
      tags: { "flyt/automation_tick": String(tickId) },
    });

    it("stores a tick's evaluations, the latest per asset, the cursor and the plan, and pages an asset's evaluations newest first", async () => {
      const a = unique("a");
      const b = unique("b");
      const before = await storage.getAutomationCursor();
      const t1 = await storage.createTick("automation", 1_000);
      await storage.recordAutomationTick(t1.tickId, {
        evaluations: [evaluation(a, t1.tickId, true), evaluation(b, t1.tickId, false)],
        cursor: JSON.stringify({ tick: 1 }),
        plannedRuns: [plannedRun(t1.tickId, 0, [a])],
      });
      assert.notEqual(before, JSON.stringify({ tick: 1 }));
      assert.equal(await storage.getAutomationCursor(), JSON.stringify({ tick: 1 }));
      assert.deepEqual(await storage.getAutomationTickPlan(t1.tickId), [plannedRun(t1.tickId, 0, [a])]);
      assert.deepEqual(await storage.getAutomationEvaluationsOfTick(t1.tickId), [evaluation(a, t1.tickId, true), evaluation(b, t1.tickId, false)].sort((x, y) => (x.assetKey < y.assetKey ? -1 : 1)));

      const t2 = await storage.createTick("automation", 2_000);
      await storage.recordAutomationTick(t2.tickId, { evaluations: [evaluation(a, t2.tickId, false)], cursor: "c2", plannedRuns: [] });
      assert.equal(await storage.getAutomationCursor(), "c2");
      assert.deepEqual(await storage.getAutomationTickPlan(t2.tickId), []);
      const latest = await storage.getLatestAutomationEvaluations([a, b, unique("none")]);
      assert.deepEqual(latest.map((e) => [e.assetKey, e.tickId]), [[a, t2.tickId], [b, t1.tickId]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
      assert.deepEqual(latest.find((e) => e.assetKey === a), evaluation(a, t2.tickId, false));
      assert.ok((await storage.getLatestAutomationEvaluations()).length >= 2);
      assert.deepEqual(await storage.getLatestAutomationEvaluations([]), []);

      const t3 = await storage.createTick("automation", 3_000);
      await storage.recordAutomationTick(t3.tickId, { evaluations: [evaluation(a, t3.tickId, true)], cursor: "c3", plannedRuns: [] });
      const first = await storage.listAutomationEvaluations(a, { limit: 2 });
      assert.deepEqual(first.items.map((e) => e.tickId), [t3.tickId, t2.tickId]);
      const second = await storage.listAutomationEvaluations(a, { limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second.items.map((e) => e.tickId), [t1.tickId]);
      assert.equal(second.nextCursor, null);
      await assert.rejects(storage.listAutomationEvaluations(a, { cursor: Buffer.from("runs:3").toString("base64url") }), /cannot page evaluations/);
      assert.equal(await storage.getAutomationTickPlan(987_654_321), null);
      assert.deepEqual(await storage.getAutomationEvaluationsOfTick(987_654_321), []);
    });

    it("records a tick's decision once, only for an automation tick, and refuses bad decisions writing nothing", async () => {
      const a = unique("a");
      const tick = await storage.createTick("automation", 5_000);
      const cursor = await storage.getAutomationCursor();
      const refused = (pattern: RegExp) => (error: unknown) => error instanceof StorageInputError && pattern.test(error.message);
      const record = (decision: Partial<Parameters<typeof storage.recordAutomationTick>[1]>, tickId = tick.tickId) =>
        storage.recordAutomationTick(tickId, { evaluations: [], cursor: "bad", plannedRuns: [], ...decision });
      await assert.rejects(record({}, 987_654_321), refused(/tick 987654321: no such tick/));
      const scheduleTick = await storage.createTick(`${unique("loc").replace("/", "-")}:daily`, 1);
      await assert.rejects(record({}, scheduleTick.tickId), refused(/not of the automation loop/));
      await assert.rejects(record({ evaluations: [evaluation(a, tick.tickId + 1, true)] }), refused(/tickId: must be the tick it is recorded with/));
      await assert.rejects(record({ evaluations: [evaluation(a, tick.tickId, true), evaluation(a, tick.tickId, false)] }), refused(/is listed twice/));
      await assert.rejects(record({ evaluations: [{ ...evaluation(a, tick.tickId, true), root: { kind: "and" } as never }] }), refused(/root.description/));
      await assert.rejects(record({ evaluations: [{ ...evaluation(a, tick.tickId, true), requestedCount: -1 }] }), refused(/requestedCount/));
      const huge = { ...evaluation(a, tick.tickId, true), root: { ...node("missing", 0), detail: "x".repeat(MAX_EVALUATION_BYTES) } };
      await assert.rejects(record({ evaluations: [huge] }), refused(/over the limit of 262144/));
      await assert.rejects(record({ plannedRuns: [{ selection: "*", assetKeys: [a] }] }), refused(/needs an instigator and a runKey/));
      await assert.rejects(record({ plannedRuns: [plannedRun(tick.tickId, 0, [a]), plannedRun(tick.tickId, 0, [a])] }), refused(/planned twice/));
      await assert.rejects(record({ cursor: 5 as never }), refused(/cursor must be a string/));
      await assert.rejects(
        record({ evaluations: Array.from({ length: 100_001 }, () => evaluation(a, tick.tickId, false)) }),
        refused(/at most 100000 evaluations per tick/),
      );
      // Nothing of those landed.
      assert.equal(await storage.getAutomationCursor(), cursor);
      assert.equal(await storage.getAutomationTickPlan(tick.tickId), null);
      assert.deepEqual(await storage.getLatestAutomationEvaluations([a]), []);

      await record({ evaluations: [evaluation(a, tick.tickId, true)], cursor: "once", plannedRuns: [plannedRun(tick.tickId, 0, [a])] });
      await assert.rejects(record({ cursor: "twice" }), refused(/already recorded its decision/));
      assert.equal(await storage.getAutomationCursor(), "once");
      assert.equal((await storage.getAutomationTickPlan(tick.tickId))?.length, 1);
    });

    it("stores a tick of 10,000 evaluations in one call", async () => {
      const tick = await storage.createTick("automation", 6_000);
      const prefix = unique("bulk");
      const evaluations = Array.from({ length: 10_000 }, (_, i) => evaluation(`${prefix}/k${i}`, tick.tickId, i % 10 === 0));
      const started = performance.now();
      await storage.recordAutomationTick(tick.tickId, { evaluations, cursor: "bulk", plannedRuns: [] });
      const ms = performance.now() - started;
      assert.equal((await storage.getAutomationEvaluationsOfTick(tick.tickId)).length, 10_000);
      const latest = await storage.getLatestAutomationEvaluations(evaluations.map((e) => e.assetKey));
      assert.equal(latest.length, 10_000);
      assert.equal(latest.filter((e) => e.requestedCount === 1).length, 1_000);
      assert.ok(ms < 10_000, `recording 10,000 evaluations took ${Math.round(ms)} ms`);
    });

    it("refuses a deposed leader's tick with LeaseLostError and stores nothing of it", async () => {
      const lease = unique("lease");
      const a = unique("a");
      const old = await storage.acquireLease(lease, "leader-a", 100);
      assert.ok(old);
      const oldFence = { leaseName: lease, holder: "leader-a", fencingToken: old.fencingToken };
      const tick = await storage.createTick("automation", 7_000, { fence: oldFence });
      const cursor = await storage.getAutomationCursor();
      await new Promise((resolve) => setTimeout(resolve, 250));
      const current = await storage.acquireLease(lease, "leader-b", 60_000);
      assert.ok(current && current.fencingToken > old.fencingToken);
      const decision = { evaluations: [evaluation(a, tick.tickId, true)], cursor: "deposed", plannedRuns: [plannedRun(tick.tickId, 0, [a])] };
      await assert.rejects(storage.recordAutomationTick(tick.tickId, decision, { fence: oldFence }), LeaseLostError);
      assert.equal(await storage.getAutomationCursor(), cursor);
      assert.equal(await storage.getAutomationTickPlan(tick.tickId), null);
      assert.deepEqual(await storage.getAutomationEvaluationsOfTick(tick.tickId), []);
      assert.deepEqual(await storage.getLatestAutomationEvaluations([a]), []);
      // The current leader's write goes through.
      await storage.recordAutomationTick(tick.tickId, { ...decision, cursor: "current" }, { fence: { leaseName: lease, holder: "leader-b", fencingToken: current.fencingToken } });
      assert.equal(await storage.getAutomationCursor(), "current");
      assert.equal((await storage.getAutomationTickPlan(tick.tickId))?.length, 1);
    });
  });

  describe("automation switches", () => {
    it("stores the global and per-location switches as instigators of kind automation, with ticks of id automation", async () => {
      const location = unique("loc").replace("/", "-");
      const global = await storage.upsertInstigatorState({ id: "automation", kind: "automation", status: "RUNNING", cursor: null, startedAt: 1 });
      assert.equal(global.kind, "automation");
      assert.equal(automationSwitchId(location), `automation:${location}`);
      await setInstigatorStatus(storage, automationSwitchId(location), "automation", "STOPPED");
      const listed = await storage.listInstigatorStates("automation");
      assert.ok(listed.some((s) => s.id === "automation" && s.status === "RUNNING"));
      assert.ok(listed.some((s) => s.id === `automation:${location}` && s.status === "STOPPED"));
      assert.ok(listed.every((s) => s.kind === "automation"));
      assert.ok(!(await storage.listInstigatorStates("schedule")).some((s) => s.kind === "automation"));
      await assert.rejects(storage.upsertInstigatorState({ id: `${location}:daily`, kind: "automation", status: "RUNNING", cursor: null, startedAt: null }), /automation switch is "automation"/);
      await assert.rejects(storage.upsertInstigatorState({ id: "automation:", kind: "automation", status: "RUNNING", cursor: null, startedAt: null }), StorageInputError);
      await assert.rejects(storage.listInstigatorStates("cron" as never), /instigator kind: must be one of "schedule", "sensor", "automation"/);
      const tick = await storage.createTick("automation", 9_000);
      assert.ok((await storage.listTicks("automation")).items.some((t) => t.tickId === tick.tickId));
    });
  });
});

describeEachBackend(
  (backend) => `data versions after migration 0008: ${backend}`,
  ({ backend, location }) => {
    it("reads a materialization stored before 0008 with no data version, not user provided, no provenance", async () => {
      const { url, sqlitePath } = location();
      const insert = `INSERT INTO runs (run_id, status, selection, asset_keys, step_keys, partition_key, tags, origin, parent_run_id, root_run_id, location, instigator, run_key, created_at, updated_at, started_at, ended_at)
        VALUES ('old-run', 'SUCCESS', '*', '["old"]', NULL, NULL, '{}', 'manual', NULL, NULL, 'default', NULL, NULL, 1, 1, 1, 1);
        INSERT INTO asset_latest (asset_key, partition, run_id, event_id, timestamp, metadata, code_version) VALUES ('old', 'p', 'old-run', 1, 1, '{}', 'v0');
        INSERT INTO asset_partitions (asset_key, partition, run_id, event_id, timestamp, metadata, code_version) VALUES ('old', 'p', 'old-run', 1, 1, '{}', 'v0');`;
      if (backend === "sqlite") {
        const db = new Database(sqlitePath!);
        migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 7));
        db.exec(insert);
        db.close();
      } else {
        const pool = new pg.Pool({ connectionString: url! });
        await migratePostgres(pool, POSTGRES_MIGRATIONS.slice(0, 7));
        await pool.query(insert);
        await pool.end();
      }
      const storage = await openStorage({ databaseUrl: url, sqlitePath: sqlitePath ?? "" });
      try {
        const [latest] = await storage.getLatestMaterializations(["old"]);
        assert.deepEqual([latest?.codeVersion, latest?.dataVersion, latest?.dataVersionUserProvided, latest?.inputDataVersions], ["v0", null, false, null]);
        const [partition] = await storage.getPartitionMaterializations("old");
        assert.deepEqual([partition?.dataVersion, partition?.dataVersionUserProvided, partition?.inputDataVersions], [null, false, null]);
      } finally {
        await storage.close();
      }
    });
  },
  { per: "test", open: false },
);
