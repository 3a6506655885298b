/**
 * Asset checks executed by the run worker after their asset, on every storage backend:
 * ASSET_CHECK_EVALUATION events with metadata and descriptions, the check index, a throwing
 * check recorded as failed, and a failing blocking check skipping downstream steps with a
 * reason naming it (in process, and across a real worker subprocess).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestStorage, describeEachBackend } from "@flyt/storage/testing";
import { InProcessLauncher } from "./in-process-launcher.js";
import { SubprocessLauncher } from "./subprocess-launcher.js";
import { fixtureJs, launchAndWait, ofType, scratch } from "./test-support.js";

const inProcess = new InProcessLauncher();

function withBlock<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.FLYT_FIXTURE_BLOCK;
  if (value === undefined) delete process.env.FLYT_FIXTURE_BLOCK;
  else process.env.FLYT_FIXTURE_BLOCK = value;
  return fn().finally(() => {
    if (previous === undefined) delete process.env.FLYT_FIXTURE_BLOCK;
    else process.env.FLYT_FIXTURE_BLOCK = previous;
  });
}

describeEachBackend((backend) => `asset checks on ${backend}`, ({ storage }) => {

  void it("runs every check of the asset after its materialization, before STEP_SUCCESS, and indexes the results", async () => {
    using dir = scratch();
    const { run, events } = await withBlock(undefined, () =>
      launchAndWait(inProcess, storage, { assetKeys: ["checked/source", "checked/downstream"] }, { definitionsFile: fixtureJs("checks") }),
    );
    assert.equal(run.status, "SUCCESS");
    assert.deepEqual(dir.executions(), ["checked/source", "checked/downstream"]);
    const checks = ofType(events, "ASSET_CHECK_EVALUATION");
    assert.deepEqual(
      checks.map((e) => [e.stepKey, e.body.checkName, e.body.passed, e.body.severity]),
      [
        ["checked/source", "row_count", true, "error"],
        ["checked/source", "freshness_hint", false, "warn"],
        ["checked/source", "gate", true, "error"],
      ],
    );
    assert.deepEqual(checks[0]?.body.metadata, { rows: { type: "int", value: 3 } });
    assert.equal(checks[0]?.body.description, "at least minRows rows");
    assert.equal(checks[2]?.body.description, "the gate");
    const order = events.filter((e) => e.stepKey === "checked/source").map((e) => e.body.type);
    assert.ok(order.indexOf("ASSET_MATERIALIZATION") < order.indexOf("ASSET_CHECK_EVALUATION"), order.join(","));
    assert.ok(order.lastIndexOf("ASSET_CHECK_EVALUATION") < order.indexOf("STEP_SUCCESS"), order.join(","));
    assert.ok(
      ofType(events, "LOG").some((e) => e.body.message === "[check row_count] counted" && (e.body.fields as { rows?: number }).rows === 3),
      "the check's log line is a LOG event of the step",
    );
    const index = await storage.getLatestCheckResults(["checked/source"]);
    assert.deepEqual(
      index.map((c) => [c.checkName, c.passed, c.runId]).sort(),
      [
        ["freshness_hint", false, run.runId],
        ["gate", true, run.runId],
        ["row_count", true, run.runId],
      ],
    );
  });

  void it("a failing blocking check skips downstream steps naming the check and fails the run", async () => {
    using dir = scratch();
    const { run, events } = await withBlock("fail", () =>
      launchAndWait(inProcess, storage, { assetKeys: ["checked/source", "checked/downstream"] }, { definitionsFile: fixtureJs("checks") }),
    );
    assert.equal(run.status, "FAILURE");
    assert.deepEqual(dir.executions(), ["checked/source"]);
    assert.ok(ofType(events, "STEP_SUCCESS").some((e) => e.stepKey === "checked/source"), "the checked step itself succeeded");
    const skipped = ofType(events, "STEP_SKIPPED");
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]?.stepKey, "checked/downstream");
    assert.match(skipped[0].body.reason, /blocking check checked\/source:gate of upstream step checked\/source failed/);
    const failure = ofType(events, "RUN_FAILURE")[0];
    assert.match(failure?.body.message ?? "", /Blocking check failed: checked\/source:gate/);
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").filter((e) => e.body.assetKey === "checked/downstream").length, 0);
  });

  void it("a throwing check is recorded as failed with the error as description; a non-blocking failure keeps the run green", async () => {
    using _dir = scratch();
    const { run, events } = await launchAndWait(inProcess, storage, { assetKeys: ["checked/thrower"] }, { definitionsFile: fixtureJs("checks") });
    assert.equal(run.status, "SUCCESS");
    const [evaluation] = ofType(events, "ASSET_CHECK_EVALUATION");
    assert.equal(evaluation?.body.passed, false);
    assert.match(evaluation?.body.description ?? "", /check checked\/thrower:explodes threw: no table/);
  });
});

void describe("asset checks in a worker subprocess", () => {
  void it("evaluates checks in the child and blocks downstream there too", async () => {
    await using test = await createTestStorage("sqlite");
    using dir = scratch();
    const { run, events } = await launchAndWait(
      new SubprocessLauncher(),
      test.storage,
      { assetKeys: ["checked/source", "checked/downstream"] },
      { definitionsFile: fixtureJs("checks"), environment: { ...process.env, FLYT_FIXTURE_BLOCK: "fail", FLYT_FIXTURE_DIR: dir.dir } },
    );
    assert.equal(run.status, "FAILURE");
    assert.equal(ofType(events, "ASSET_CHECK_EVALUATION").length, 3);
    assert.match(ofType(events, "STEP_SKIPPED")[0]?.body.reason ?? "", /checked\/source:gate/);
  });
});
