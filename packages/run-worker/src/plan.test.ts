/**
 * Tests of planRun: step selection, dependency order, multi-asset selection, from-failure
 * restriction, the partition rules, and runs over a range of partitions (the range tags: both
 * or none, no partition key beside them, keys of every partitioned asset in order, found by
 * position over a million hourly partitions; dynamic partitions only as a one-key range).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidPartitionError, InvalidSelectionError, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG } from "@flyt/core";
import { asset, defineDefinitions, dynamicPartitions, hourlyPartitions } from "@flyt/sdk";
import { dynamicPartitionsEvents, MAX_DYNAMIC_PARTITION_KEYS_PER_CALL } from "./executor.js";
import { loadDefinitions } from "./load-definitions.js";
import { PartitionRangeError, PartitionRequiredError, planRun, runPartitionRange } from "./plan.js";
import { fixtureJs } from "./test-support.js";

const basic = await loadDefinitions(fixtureJs("basic"));
const partitioned = await loadDefinitions(fixtureJs("partitioned"));
const ranged = await loadDefinitions(fixtureJs("ranged"));
const range = (start: string, end: string): Record<string, string> => ({ [PARTITION_RANGE_START_TAG]: start, [PARTITION_RANGE_END_TAG]: end });

const keys = (plan: ReturnType<typeof planRun>): string[] => plan.steps.map((step) => step.stepKey);

void describe("planRun", () => {
  void it("orders steps upstream first whatever the selection order", () => {
    const plan = planRun(basic, { assetKeys: ["chain/z", "chain/x", "chain/y"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["chain/x", "chain/y", "chain/z"]);
    assert.deepEqual(plan.steps[2]?.upstream, ["chain/y"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("treats unselected upstream steps as satisfied", () => {
    const plan = planRun(basic, { assetKeys: ["chain/z"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["chain/z"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("runs a multi-asset step for any selected asset and materializes only the selected ones", () => {
    const plan = planRun(basic, { assetKeys: ["m/two"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["pair"]);
    assert.deepEqual(plan.steps[0]?.assetKeys, ["m/two"]);
    const both = planRun(basic, { assetKeys: ["m/two", "m/one"], stepKeys: null, partitionKey: null });
    assert.deepEqual(both.steps[0]?.assetKeys, ["m/one", "m/two"]);
  });

  void it("restricts to stepKeys (from failure) and drops their satisfied upstream", () => {
    const plan = planRun(basic, {
      assetKeys: ["chain/x", "chain/y", "chain/z"],
      stepKeys: ["chain/y", "chain/z"],
      partitionKey: null,
    });
    assert.deepEqual(keys(plan), ["chain/y", "chain/z"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("rejects unknown asset keys and step keys", () => {
    assert.throws(
      () => planRun(basic, { assetKeys: ["chain/nope"], stepKeys: null, partitionKey: null }),
      (error: unknown) => error instanceof InvalidSelectionError && /chain\/nope/.test(error.message),
    );
    assert.throws(
      () => planRun(basic, { assetKeys: ["chain/x"], stepKeys: ["gone"], partitionKey: null }),
      (error: unknown) => error instanceof InvalidSelectionError && /gone/.test(error.message),
    );
  });

  void it("gives partitioned steps the run's partition and its time window", () => {
    const plan = planRun(partitioned, { assetKeys: ["p/yearly", "p/plain"], stepKeys: null, partitionKey: "2023" });
    const [yearly, plain] = plan.steps;
    assert.equal(yearly?.stepKey, "p/yearly");
    assert.equal(yearly?.partitionKey, "2023");
    assert.equal(yearly?.partitionTimeWindow?.start.toISOString(), "2023-01-01T00:00:00.000Z");
    assert.equal(yearly?.partitionTimeWindow?.end.toISOString(), "2024-01-01T00:00:00.000Z");
    assert.equal(plain?.partitionKey, null, "unpartitioned steps in a partitioned run run normally");
    assert.equal(plain?.partitionTimeWindow, null);
  });

  void it("rejects an invalid partition naming the asset", () => {
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/yearly"], stepKeys: null, partitionKey: "1999" }),
      (error: unknown) =>
        error instanceof InvalidPartitionError && error.assetKey === "p/yearly" && /"1999"/.test(error.message),
    );
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/regions"], stepKeys: null, partitionKey: "2023" }),
      (error: unknown) => error instanceof InvalidPartitionError && /oslo, bergen/.test(error.message),
    );
  });

  void it("asks for --partition when partitioned assets run without one", () => {
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/yearly"], stepKeys: null, partitionKey: null }),
      (error: unknown) =>
        error instanceof PartitionRequiredError &&
        error.code === "INVALID_PARTITION" &&
        /p\/yearly/.test(error.message) &&
        /pass --partition <key>, e\.g\. 20\d\d/.test(error.message),
    );
    // Unpartitioned assets alone need no partition.
    assert.deepEqual(keys(planRun(partitioned, { assetKeys: ["p/plain"], stepKeys: null, partitionKey: null })), ["p/plain"]);
  });

  void it("gives every partitioned step the range's keys, its range and the whole window", () => {
    const plan = planRun(ranged, { assetKeys: ["range/yearly", "range/plain"], stepKeys: null, partitionKey: null, tags: range("2000", "2011") });
    assert.deepEqual(plan.partitionKeyRange, { start: "2000", end: "2011" });
    const [yearly, plain] = plan.steps;
    assert.equal(yearly?.partitionKeys.length, 12);
    assert.equal(yearly?.partitionKeys[11], "2011");
    assert.equal(yearly?.partitionKey, null, "no single key for a range of several");
    assert.deepEqual(yearly?.partitionKeyRange, { start: "2000", end: "2011" });
    assert.equal(yearly?.partitionTimeWindow?.start.toISOString(), "2000-01-01T00:00:00.000Z");
    assert.equal(yearly?.partitionTimeWindow?.end.toISOString(), "2012-01-01T00:00:00.000Z");
    assert.deepEqual([plain?.partitionKeys, plain?.partitionKeyRange, plain?.partitionKey], [[], null, null]);
    // A range of one key is that partition.
    const one = planRun(ranged, { assetKeys: ["range/yearly"], stepKeys: null, partitionKey: null, tags: range("2005", "2005") }).steps[0];
    assert.deepEqual([one?.partitionKey, one?.partitionKeys], ["2005", ["2005"]]);
    // A run of one partition has it as a range too.
    const single = planRun(ranged, { assetKeys: ["range/yearly"], stepKeys: null, partitionKey: "2005" }).steps[0];
    assert.deepEqual([single?.partitionKeys, single?.partitionKeyRange], [["2005"], { start: "2005", end: "2005" }]);
  });

  void it("refuses range tags that do not make a range, naming the fault", () => {
    const refuses = (run: { partitionKey?: string | null; tags: Record<string, string> }, pattern: RegExp, assetKeys = ["range/yearly"]) =>
      assert.throws(
        () => planRun(ranged, { assetKeys, stepKeys: null, partitionKey: run.partitionKey ?? null, tags: run.tags }),
        (error: unknown) => error instanceof PartitionRangeError && error.code === "INVALID_PARTITION" && pattern.test(error.message),
        pattern.source,
      );
    refuses({ tags: { [PARTITION_RANGE_START_TAG]: "2000" } }, /has tag flyt\/partition_range_start but not flyt\/partition_range_end/);
    refuses({ tags: { [PARTITION_RANGE_END_TAG]: "2000" } }, /has tag flyt\/partition_range_end but not flyt\/partition_range_start/);
    refuses({ partitionKey: "2001", tags: range("2000", "2002") }, /also names partition "2001"; a run covers one partition or a range, not both/);
    refuses({ tags: range("2010", "2003") }, /2010…2003 for asset range\/yearly: the start key comes after the end key/);
    refuses({ tags: range("1990", "2003") }, /the start key "1990" is not a partition of this asset; valid keys run from 2000 to/);
    refuses({ tags: range("2000", "2999") }, /the end key "2999" is not a partition/);
    refuses({ tags: range("2000", "a/b") }, /the end key must not contain '\/'/);
    // Both keys must be partitions of every partitioned asset of the run.
    refuses({ tags: range("2000", "2001") }, /for asset range\/monthly: the start key "2000" is not a partition/, ["range/yearly", "range/monthly"]);
    assert.equal(runPartitionRange({ partitionKey: null, tags: {} }), null);
  });

  void it("finds a range's keys by position among a million hourly partitions", () => {
    const hourly = defineDefinitions({
      assets: [asset({ key: "h/hourly", partitions: hourlyPartitions({ start: "1910-01-01T00:00", timezone: "UTC" }), compute: () => undefined })],
    });
    const started = performance.now();
    const plan = planRun(hourly, { assetKeys: ["h/hourly"], stepKeys: null, partitionKey: null, tags: range("2024-03-01-00:00", "2024-03-02-23:00") });
    const elapsed = performance.now() - started;
    const step = plan.steps[0]!;
    assert.equal(step.partitionKeys.length, 48);
    assert.equal(step.partitionKeys[47], "2024-03-02-23:00");
    assert.equal(step.partitionTimeWindow?.end.toISOString(), "2024-03-03T00:00:00.000Z");
    assert.ok(elapsed < 2000, `planning took ${elapsed.toFixed(0)} ms: keys must not be listed`);
  });

  void it("runs dynamic partitions one key at a time: a wider range is refused", () => {
    const customers = dynamicPartitions({ name: "customers" });
    const defs = defineDefinitions({ assets: [asset({ key: "d/customer", partitions: customers, compute: () => undefined })] });
    const one = planRun(defs, { assetKeys: ["d/customer"], stepKeys: null, partitionKey: null, tags: range("acme", "acme") }).steps[0];
    assert.deepEqual([one?.partitionKey, one?.partitionKeys, one?.partitionTimeWindow], ["acme", ["acme"], null]);
    assert.equal(planRun(defs, { assetKeys: ["d/customer"], stepKeys: null, partitionKey: "globex" }).steps[0]?.partitionKey, "globex");
    assert.throws(
      () => planRun(defs, { assetKeys: ["d/customer"], stepKeys: null, partitionKey: null, tags: range("acme", "globex") }),
      (error: unknown) => error instanceof PartitionRangeError && /dynamic \("customers"\).*covers one key \(start = end\): launch one run per key/.test(error.message),
    );
    assert.throws(
      () => planRun(defs, { assetKeys: ["d/customer"], stepKeys: null, partitionKey: "a/b" }),
      (error: unknown) => error instanceof InvalidPartitionError && /must not contain/.test(error.message),
    );
  });

  void it("checks the keys of ctx.addDynamicPartitions and splits large calls into small events", () => {
    const what = "addDynamicPartitions() of step s";
    const long = Array.from({ length: MAX_DYNAMIC_PARTITION_KEYS_PER_CALL }, (_, i) => `${"k".repeat(100)}${i}`);
    const events = dynamicPartitionsEvents(what, "customers", long, "added");
    assert.ok(events.length > 1, "10,000 keys of 100+ characters do not fit one event");
    const added = events.flatMap((e) => (e.type === "DYNAMIC_PARTITIONS_CHANGED" ? e.added : []));
    assert.deepEqual(added, long, "every key once, in order");
    for (const event of events) assert.ok(Buffer.byteLength(JSON.stringify(event)) < 300 * 1024);
    assert.throws(() => dynamicPartitionsEvents(what, "customers", [...long, "x"], "added"), /10001 keys in one call, over the limit of 10000/);
    assert.throws(() => dynamicPartitionsEvents(what, "", ["x"], "added"), /name "" must not be empty \(the name of a dynamicPartitions\(\{ name \}\) definition\)/);
    assert.throws(() => dynamicPartitionsEvents(what, "customers", "x", "deleted"), /expects an array of partition keys, got a string/);
    assert.throws(() => dynamicPartitionsEvents(what, "customers", ["ok", ""], "deleted"), /keys\[1\] "" must not be empty/);
    assert.throws(() => dynamicPartitionsEvents(what, "my customers", ["x"], "added"), /name "my customers" may only contain letters/);
    assert.deepEqual(dynamicPartitionsEvents(what, "customers", [], "deleted"), []);
    assert.deepEqual(dynamicPartitionsEvents(what, "customers", ["b", "a", "b"], "deleted"), [{ type: "DYNAMIC_PARTITIONS_CHANGED", name: "customers", added: [], deleted: ["b", "a"] }]);
  });
});
