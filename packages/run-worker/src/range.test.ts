/**
 * Runs over a range of partitions (the `flyt/partition_range_start` / `_end` tags a single-run
 * backfill sets), through a real worker subprocess on every storage backend: the compute sees
 * every key, the range and the whole time window; a partition reported as it goes stays
 * materialized when the step fails later (20 years failing at the 17th keep exactly 16); on
 * success the partitions not reported are materialized with the returned metadata; reports
 * outside the run's partitions are refused; `ctx.partitionKey` in a range run fails with a message
 * pointing at `ctx.partitionKeys`; `ctx.addDynamicPartitions` records its change, which storage applies.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { SubprocessLauncher } from "./subprocess-launcher.js";
import { fixtureTs, launchAndWait, ofType, scratch } from "./test-support.js";

const launcher = new SubprocessLauncher();
const range = (start: string, end: string): Record<string, string> => ({ [PARTITION_RANGE_START_TAG]: start, [PARTITION_RANGE_END_TAG]: end });

describeEachBackend((backend) => `runs over a range of partitions (${backend})`, ({ storage }) => {
  const run = async (assetKeys: string[], tags: Record<string, string>, env: Record<string, string> = {}) => {
    using dir = scratch();
    return await launchAndWait(launcher, storage, { assetKeys, tags }, {
      definitionsFile: fixtureTs("ranged"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir, ...env },
    });
  };

  void it("keeps the 16 partitions reported before a single-run backfill of 20 failed at the 17th", async () => {
    const { run: done, events } = await run(["range/yearly"], range("2000", "2019"), { FLYT_FIXTURE_FAIL_AT: "2016" });
    assert.equal(done.status, "FAILURE");
    const materialized = ofType(events, "ASSET_MATERIALIZATION");
    assert.deepEqual(
      materialized.map((e) => e.body.partition),
      Array.from({ length: 16 }, (_, i) => String(2000 + i)),
      "exactly 2000…2015, once each",
    );
    assert.deepEqual(materialized[3]?.body.metadata, { year: { type: "int", value: 2003 } });
    const failure = ofType(events, "STEP_FAILURE")[0];
    assert.match(failure?.body.error.message ?? "", /loading 2016 failed/);
    assert.deepEqual(failure?.body.assetKeys, ["range/yearly"], "the asset is failed: 2016…2019 were not materialized");
    // What was reported is in the asset index as well: a retry covers only 2016…2019.
    const latest = await storage.getMaterializationHistory("range/yearly", { limit: 100 });
    assert.equal(latest.items.filter((e) => e.runId === done.runId).length, 16);
    // Each reported partition's checks ran for that partition.
    assert.deepEqual(
      ofType(events, "ASSET_CHECK_EVALUATION").map((e) => e.body.partition),
      Array.from({ length: 16 }, (_, i) => String(2000 + i)),
    );
  });

  void it("materializes the partitions not reported when the step succeeds, with the returned metadata", async () => {
    const { run: done, events } = await run(["range/yearly", "range/plain"], range("2000", "2004"), { FLYT_FIXTURE_REPORT_UNTIL: "2001" });
    assert.equal(done.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")));
    const yearly = ofType(events, "ASSET_MATERIALIZATION").filter((e) => e.body.assetKey === "range/yearly");
    assert.deepEqual(yearly.map((e) => e.body.partition), ["2000", "2001", "2002", "2003", "2004"]);
    assert.deepEqual(yearly[1]?.body.metadata, { year: { type: "int", value: 2001 } }, "reported: its own metadata");
    assert.deepEqual(yearly[2]?.body.metadata, { rest: { type: "bool", value: true } }, "not reported: the returned metadata");
    const plain = ofType(events, "ASSET_MATERIALIZATION").filter((e) => e.body.assetKey === "range/plain");
    assert.deepEqual(plain.map((e) => e.body.partition), [null], "an unpartitioned step in a range run materializes once");
    const log = ofType(events, "LOG").find((e) => e.body.message === "plain");
    assert.deepEqual(log?.body.fields, { keys: [], range: null, key: null });
  });

  void it("gives the compute every key, the range and the window from the first start to the last end", async () => {
    const { run: done, events } = await run(["range/monthly"], range("2023-11", "2024-04"));
    assert.equal(done.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")));
    const log = ofType(events, "LOG").find((e) => e.body.message === "context");
    assert.deepEqual(log?.body.fields, {
      keys: ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04"],
      range: { start: "2023-11", end: "2024-04" },
      // Oslo: 2023-11-01 00:00 is UTC+1; 2024-05-01 00:00 is UTC+2 (summer time).
      start: "2023-10-31T23:00:00.000Z",
      end: "2024-04-30T22:00:00.000Z",
    });
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").length, 6);
  });

  void it("refuses ctx.partitionKey in a run over several partitions, naming what to read instead", async () => {
    const { run: done, events } = await run(["range/reads_key"], range("2000", "2011"));
    assert.equal(done.status, "FAILURE");
    assert.match(
      ofType(events, "STEP_FAILURE")[0]?.body.error.message ?? "",
      /this run covers 12 partitions \(2000…2011\): read ctx\.partitionKeys \/ ctx\.partitionKeyRange/,
    );
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").length, 0);
    // A range of one key is a run of that partition.
    const one = await run(["range/reads_key"], range("2005", "2005"));
    assert.equal(one.run.status, "SUCCESS");
    assert.deepEqual(ofType(one.events, "LOG").find((e) => e.body.message === "key")?.body.fields, { key: "2005" });
  });

  void it("refuses reports of partitions the run does not cover", async () => {
    const cases: Array<[string, string[], RegExp]> = [
      ["outside", ["range/misreport"], /names partition "1999", which is not one of this run's 3 partitions \(2000…2002\)/],
      ["unnamed", ["range/misreport"], /this run covers 3 partitions \(2000…2002\); name the one reported with \{ partition \}/],
      ["twice", ["range/misreport"], /partition "2000" was already reported in this attempt/],
      ["unpartitioned", ["range/plain"], /names partition "2000", but step range\/plain is not partitioned/],
    ];
    for (const [what, assetKeys, message] of cases) {
      const { run: done, events } = await run(assetKeys, range("2000", "2002"), { FLYT_FIXTURE_MISREPORT: what });
      assert.equal(done.status, "FAILURE", what);
      assert.match(ofType(events, "STEP_FAILURE")[0]?.body.error.message ?? "", message, what);
    }
  });

  void it("fails a run whose range does not fit its assets before any step starts", async () => {
    const { run: done, events } = await run(["range/yearly"], range("2010", "2003"));
    assert.equal(done.status, "FAILURE");
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /Could not plan the run: Invalid partition range 2010…2003 for asset range\/yearly: the start key comes after the end key/);
    assert.equal(ofType(events, "STEP_START").length, 0);
  });

  void it("records ctx.addDynamicPartitions / deleteDynamicPartitions as events of the step, split to stay small", async () => {
    const { run: done, events } = await run(["range/dynamic"], {}, { FLYT_FIXTURE_DYNAMIC_KEYS: "3" });
    assert.equal(done.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")));
    const changes = ofType(events, "DYNAMIC_PARTITIONS_CHANGED");
    assert.deepEqual(
      changes.map((e) => [e.stepKey, e.body.name, e.body.added, e.body.deleted]),
      [
        ["range/dynamic", "customers", ["c0", "c1", "c2"], []],
        ["range/dynamic", "customers", [], ["c1"]],
      ],
    );
    // Storage applied them as it stored the events.
    assert.deepEqual((await storage.listDynamicPartitions("customers")).items.map((k) => k.key), ["c0", "c2"]);
    const large = await run(["range/dynamic"], {}, { FLYT_FIXTURE_DYNAMIC_KEYS: "10000" });
    assert.equal(large.run.status, "SUCCESS", JSON.stringify(ofType(large.events, "RUN_FAILURE")));
    const added = ofType(large.events, "DYNAMIC_PARTITIONS_CHANGED").flatMap((e) => e.body.added);
    assert.equal(added.length, 10_000);
    assert.equal(new Set(added).size, 10_000);
    const bad = await run(["range/dynamic"], {}, { FLYT_FIXTURE_MISREPORT: "dynamic" });
    assert.equal(bad.run.status, "FAILURE");
    assert.match(ofType(bad.events, "STEP_FAILURE")[0]?.body.error.message ?? "", /addDynamicPartitions\(\) of step range\/dynamic: keys\[0\] "a\/b" must not contain '\/'/);
  });
});
