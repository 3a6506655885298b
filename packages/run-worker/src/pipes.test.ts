/**
 * ctx.pipes through the executor (InProcessLauncher, real SQLite storage, real child
 * processes): Pipes materializations merge into one materialization per asset, unreported
 * selected assets are materialized implicitly, a failing child fails the step with its
 * exception, and the child's output goes through the step's capped capture.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Storage } from "@flyt/storage";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { InProcessLauncher } from "./in-process-launcher.js";
import { fixtureJs, launchAndWait, ofType } from "./test-support.js";

const launcher = new InProcessLauncher();

void describe("ctx.pipes in the executor", () => {
  let test: TestStorage;
  let storage: Storage;
  before(async () => {
    test = await createTestStorage("sqlite");
    storage = test.storage;
  });
  after(async () => {
    await test[Symbol.asyncDispose]();
  });

  void it("merges the child's materialization with addMetadata and the return value: one event, with data version", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["pipes/reported"] }, { definitionsFile: fixtureJs("pipes") });
    assert.equal(run.status, "SUCCESS");
    const mats = ofType(events, "ASSET_MATERIALIZATION");
    assert.equal(mats.length, 1);
    assert.equal(mats[0]?.body.dataVersion, "ts-1");
    assert.equal(mats[0]?.body.codeVersion, "c1");
    assert.deepEqual(mats[0]?.body.metadata, {
      before: { type: "int", value: 1 },
      rows: { type: "int", value: 144 },
      schema: { type: "table_schema", value: { columns: [{ name: "year", type: "int" }] } },
      custom: { type: "int", value: 1 },
    });
    const checks = ofType(events, "ASSET_CHECK_EVALUATION");
    assert.equal(checks.length, 1);
    assert.equal(checks[0]?.stepKey, "pipes/reported");
    const logs = ofType(events, "LOG").map((e) => e.body.message);
    assert.ok(logs.includes("client child for pipes/reported"), logs.join("\n"));
  });

  void it("materializes a selected asset the child did not report, once, and the reported one once", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["pipes/a", "pipes/b"] }, { definitionsFile: fixtureJs("pipes") });
    assert.equal(run.status, "SUCCESS");
    const mats = ofType(events, "ASSET_MATERIALIZATION").map((e) => [e.body.assetKey, e.body.dataVersion ?? null, e.body.metadata]);
    assert.deepEqual(mats, [
      ["pipes/a", "dv-a", { rows: { type: "int", value: 5 } }],
      ["pipes/b", null, {}],
    ]);
  });

  void it("a failing child fails the step with its exception", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["pipes/failing"] }, { definitionsFile: fixtureJs("pipes") });
    assert.equal(run.status, "FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0];
    assert.equal(failure?.body.error.name, "PipesProcessError");
    assert.match(failure?.body.error.message ?? "", /RangeError: thrown from the client child/);
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").length, 0);
  });

  void it("the child's stdout/stderr land in the step's capture, under its cap", async () => {
    const { run, events } = await launchAndWait(
      launcher,
      storage,
      { assetKeys: ["pipes/noisy"] },
      { definitionsFile: fixtureJs("pipes"), outputCapBytes: 100_000 },
    );
    assert.equal(run.status, "SUCCESS");
    const outputs = ofType(events, "STEP_OUTPUT").filter((e) => e.stepKey === "pipes/noisy");
    const stderr = outputs.filter((e) => e.body.stream === "stderr");
    const stored = stderr.filter((e) => !e.body.truncated).reduce((n, e) => n + e.body.text.length, 0);
    assert.equal(stored, 100_000);
    assert.match(stderr.at(-1)?.body.text ?? "", /stderr truncated/);
    assert.ok(outputs.some((e) => e.body.stream === "stdout" && e.body.text === "done\n"));
  });
});
