/**
 * What a step reports while it runs (`ctx.reportMaterialization`, `ctx.reportCheck`), on every
 * storage backend: each materialization is stored while the step is still running; a failure
 * after some assets were built leaves those materialized, fails only the rest, and skips only what
 * is downstream of the rest; reported checks carry their declared severity, and a failed blocking
 * one skips the downstream steps; evaluated checks of reported assets still run; a report that
 * names an asset or check the step does not own is refused with a message saying what it may report.
 * In process, and once through a real worker subprocess.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describeEachBackend } from "@flyt/storage/testing";
import type { Storage } from "@flyt/storage";
import { InProcessLauncher } from "./in-process-launcher.js";
import { SubprocessLauncher } from "./subprocess-launcher.js";
import { allEvents, createRun, fixtureJs, launchAndWait, ofType, scratch } from "./test-support.js";

const inProcess = new InProcessLauncher();
const ALL = ["built/a", "built/b", "built/c", "report/downstream", "report/after_a"];

function withEnv<T>(values: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const set = (entries: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(values);
  return fn().finally(() => set(previous));
}

async function materializedKeys(storage: Storage, runId: string): Promise<string[]> {
  return ofType(await allEvents(storage, runId), "ASSET_MATERIALIZATION").map((e) => e.body.assetKey);
}

describeEachBackend((backend) => `assets and checks a step reports while it runs (${backend})`, ({ storage }) => {
  void it("stores each reported materialization while the step still runs, with its checks, and materializes nothing twice", async () => {
    using dir = scratch();
    const gates = mkdtempSync(join(tmpdir(), "flyt-gates-"));
    try {
      await withEnv({ FLYT_FIXTURE_GATE_DIR: gates, FLYT_FIXTURE_FAIL_AT: undefined, FLYT_FIXTURE_BLOCK: undefined }, async () => {
        const run = await createRun(storage, { assetKeys: ["built/a", "built/b", "built/c"] });
        const handle = inProcess.launch({ run, storage, definitionsFile: fixtureJs("reported") });
        writeFileSync(join(gates, "built_a"), "");
        // built/a is in storage while built/b waits for its gate: reported, not held until the step ends.
        const deadline = Date.now() + 10_000;
        while (!(await materializedKeys(storage, run.runId)).includes("built/a")) {
          assert.ok(Date.now() < deadline, "built/a's materialization was not stored while the step ran");
          await sleep(20);
        }
        assert.deepEqual(await materializedKeys(storage, run.runId), ["built/a"]);
        assert.equal(ofType(await allEvents(storage, run.runId), "STEP_SUCCESS").length, 0, "the step is still running");
        writeFileSync(join(gates, "built_b"), "");
        writeFileSync(join(gates, "built_c"), "");
        const done = await handle.done;
        assert.equal(done.status, "SUCCESS");
      });
      const [run] = (await storage.listRuns({}, { limit: 1 })).items;
      const events = await allEvents(storage, run!.runId);
      assert.deepEqual(dir.executions(), ["built"]);
      const materializations = ofType(events, "ASSET_MATERIALIZATION");
      assert.deepEqual(materializations.map((e) => e.body.assetKey), ["built/a", "built/b", "built/c"], "one each, in build order");
      assert.equal(materializations[0]?.body.description, "built built/a");
      assert.deepEqual(materializations[0]?.body.metadata, { rows: { type: "int", value: 7 } });
      const checks = ofType(events, "ASSET_CHECK_EVALUATION");
      assert.deepEqual(
        checks.map((e) => [e.body.assetKey, e.body.checkName, e.body.passed, e.body.severity]),
        [
          ["built/a", "not_null", true, "error"],
          ["built/b", "not_null", true, "error"],
          ["built/c", "not_null", true, "warn"],
          ["built/a", "evaluated", true, "error"],
        ],
      );
      assert.equal(checks[1]?.body.description, "no nulls in b", "a reported check without a description gets the declared one");
    } finally {
      rmSync(gates, { recursive: true, force: true });
    }
  });

  void it("a failure after some assets were built keeps them materialized, fails only the rest, and skips only their downstream", async () => {
    using dir = scratch();
    const { run, events } = await withEnv({ FLYT_FIXTURE_GATE_DIR: undefined, FLYT_FIXTURE_FAIL_AT: "built/b", FLYT_FIXTURE_BLOCK: undefined }, () =>
      launchAndWait(inProcess, storage, { assetKeys: ALL }, { definitionsFile: fixtureJs("reported"), parallelism: 1 }),
    );
    assert.equal(run.status, "FAILURE");
    assert.deepEqual(ofType(events, "ASSET_MATERIALIZATION").map((e) => e.body.assetKey), ["built/a"]);
    const failure = ofType(events, "STEP_FAILURE")[0];
    assert.equal(failure?.stepKey, "built");
    assert.deepEqual(failure?.body.assetKeys, ["built/b", "built/c"], "built/a was built before the failure: not a failed asset");
    assert.match(failure?.body.error.message ?? "", /building built\/b failed/);
    // The evaluated check of the reported asset still ran.
    assert.ok(ofType(events, "ASSET_CHECK_EVALUATION").some((e) => e.body.assetKey === "built/a" && e.body.checkName === "evaluated"));
    // Step-level skipping: every step downstream of the failed step is skipped, after_a included.
    assert.deepEqual(ofType(events, "STEP_SKIPPED").map((e) => e.stepKey).sort(), ["report/after_a", "report/downstream"]);
    assert.deepEqual(dir.executions(), ["built"]);
  });

  void it("a failed blocking check the step reported skips the downstream steps and fails the run", async () => {
    using dir = scratch();
    const { run, events } = await withEnv({ FLYT_FIXTURE_GATE_DIR: undefined, FLYT_FIXTURE_FAIL_AT: undefined, FLYT_FIXTURE_BLOCK: "fail" }, () =>
      launchAndWait(inProcess, storage, { assetKeys: ALL }, { definitionsFile: fixtureJs("reported") }),
    );
    assert.equal(run.status, "FAILURE");
    assert.ok(ofType(events, "STEP_SUCCESS").some((e) => e.stepKey === "built"), "the step itself succeeded");
    assert.deepEqual(ofType(events, "ASSET_MATERIALIZATION").map((e) => e.body.assetKey), ["built/a", "built/b", "built/c"]);
    const skipped = ofType(events, "STEP_SKIPPED");
    assert.ok(skipped.length >= 1);
    assert.match(skipped[0]?.body.reason ?? "", /blocking check built\/b:not_null of upstream step built failed/);
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /Blocking check failed: built\/b:not_null/);
    assert.deepEqual(dir.executions(), ["built"]);
  });

  void it("a failed result reported with severity warn is a warning: recorded, blocking nothing, the run SUCCESS", async () => {
    using dir = scratch();
    const { run, events } = await withEnv({ FLYT_FIXTURE_GATE_DIR: undefined, FLYT_FIXTURE_FAIL_AT: undefined, FLYT_FIXTURE_BLOCK: "warn" }, () =>
      launchAndWait(inProcess, storage, { assetKeys: ALL }, { definitionsFile: fixtureJs("reported") }),
    );
    assert.equal(run.status, "SUCCESS");
    const b = ofType(events, "ASSET_CHECK_EVALUATION").find((e) => e.body.assetKey === "built/b");
    assert.equal(b?.body.passed, false);
    assert.equal(b?.body.severity, "warn", "the result's own severity, not the declared error");
    assert.equal(ofType(events, "STEP_SKIPPED").length, 0);
    assert.deepEqual([...dir.executions()].sort(), ["built", "report/after_a", "report/downstream"], "every downstream step ran");
  });

  void it("refuses a report of an asset or check the step does not own, or a second one, naming what it may report", async () => {
    using _dir = scratch();
    const cases: Array<[string, RegExp]> = [
      ["asset", /reportMaterialization\(\) of step built names asset "report\/downstream", which this run does not materialize in this step \(selected: built\/a, built\/b, built\/c\)/],
      ["check", /reportCheck\(\) of step built: built\/a:unique is not a check this step reports .*: built\/a:not_null, built\/b:not_null, built\/c:not_null/],
      ["twice", /asset built\/a was already reported in this attempt/],
    ];
    for (const [misreport, message] of cases) {
      const { run, events } = await withEnv({ FLYT_FIXTURE_GATE_DIR: undefined, FLYT_FIXTURE_FAIL_AT: undefined, FLYT_FIXTURE_BLOCK: undefined, FLYT_FIXTURE_MISREPORT: misreport }, () =>
        launchAndWait(inProcess, storage, { assetKeys: ["built/a", "built/b", "built/c"] }, { definitionsFile: fixtureJs("reported") }),
      );
      assert.equal(run.status, "FAILURE", misreport);
      assert.match(ofType(events, "STEP_FAILURE")[0]?.body.error.message ?? "", message);
    }
  });

  void it("through a worker subprocess, a partial subset reports only its selected assets", async () => {
    using dir = scratch();
    const { run, events } = await withEnv({ FLYT_FIXTURE_GATE_DIR: undefined, FLYT_FIXTURE_FAIL_AT: undefined, FLYT_FIXTURE_BLOCK: undefined }, () =>
      launchAndWait(new SubprocessLauncher(), storage, { assetKeys: ["built/b"] }, { definitionsFile: fixtureJs("reported"), environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir } }),
    );
    assert.equal(run.status, "SUCCESS");
    assert.deepEqual(ofType(events, "ASSET_MATERIALIZATION").map((e) => e.body.assetKey), ["built/b"]);
    assert.deepEqual(ofType(events, "ASSET_CHECK_EVALUATION").map((e) => `${e.body.assetKey}:${e.body.checkName}`), ["built/b:not_null"]);
  });
});
