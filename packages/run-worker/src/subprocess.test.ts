/**
 * The SubprocessLauncher with real worker processes and real storage on every backend: a
 * TypeScript definitions file (bundled with esbuild), the worker's environment (no database credentials),
 * crash isolation (process.exit, an uncaught exception in a timer, process.abort), cancellation
 * without orphans, and reaping of stray grandchildren.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeEachBackend } from "@flyt/storage/testing";
import { workerEnvironment } from "@flyt/contracts";
import { SubprocessLauncher, type SubprocessRunHandle } from "./subprocess-launcher.js";
import {
  allEvents,
  createRun,
  fixtureJs,
  fixtureTs,
  isAlive,
  launchAndWait,
  ofType,
  scratch,
  waitFor,
} from "./test-support.js";

const launcher = new SubprocessLauncher();

void describe("workerEnvironment", () => {
  void it("strips the platform's database credentials and keeps the rest", () => {
    const env = workerEnvironment({ FLYT_DATABASE_URL: "postgres://u:p@h/db", FLYT_TEST_DATABASE_URL: "x", PATH: "/bin", FLYT_OTHER: "1" });
    assert.deepEqual(env, { PATH: "/bin", FLYT_OTHER: "1" });
  });
});

describeEachBackend((backend) => `SubprocessLauncher on ${backend}`, ({ storage }) => {

  void it("runs a TypeScript definitions file in a separate process, reporting over IPC", async () => {
    using dir = scratch();
    const seen: number[] = [];
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["chain/x", "chain/y", "chain/z", "m/one"] }, {
      definitionsFile: fixtureTs("basic"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir },
      onEvent: (event) => {
        if (event.seq !== null) seen.push(event.seq);
      },
    });
    assert.equal(run.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")));
    const started = ofType(events, "RUN_STARTED")[0];
    assert.ok(started?.body.pid !== undefined && started.body.pid !== process.pid, "ran in another process");
    const workerSeqs = events.filter((event) => event.seq !== null).map((event) => event.seq);
    assert.deepEqual(workerSeqs, workerSeqs.map((_, index) => index + 1));
    assert.deepEqual(seen, workerSeqs, "onEvent saw every worker event in order");
    assert.deepEqual(
      new Set(ofType(events, "ASSET_MATERIALIZATION").map((event) => event.body.assetKey)),
      new Set(["chain/x", "chain/y", "chain/z", "m/one"]),
    );
    assert.deepEqual(new Set(dir.executions()), new Set(["chain/x", "chain/y", "chain/z", "pair"]));
    assert.equal(ofType(events, "RUN_SUCCESS").length, 1);
  });

  void it("maps user stack traces to the TypeScript source, not to the cached bundle", async () => {
    using dir = scratch();
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["f/root", "f/bad"] }, {
      definitionsFile: fixtureTs("failing"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir },
    });
    assert.equal(run.status, "FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0];
    const stack = failure?.body.error.stack ?? "";
    assert.match(stack, /bad input in f\/bad/);
    // The frame of the throw names the fixture's own file and line (source maps are on for user code).
    assert.match(stack, /test-fixtures\/failing\.ts:21:\d+/, stack);
    assert.doesNotMatch(stack.split("\n")[1] ?? "", /flyt-definitions-cache/, stack);
  });

  void it("receives heartbeats from the worker while a step runs", async () => {
    const created = await createRun(storage, { assetKeys: ["wide/w1"] });
    const handle = new SubprocessLauncher({ heartbeatIntervalMs: 50 }).launch({
      run: created,
      storage,
      definitionsFile: fixtureJs("basic"),
      environment: { ...process.env, FLYT_FIXTURE_STEP_MS: "600" },
    }) as SubprocessRunHandle;
    const run = await handle.done;
    assert.equal(run.status, "SUCCESS");
    assert.ok(handle.heartbeats >= 3, `got ${handle.heartbeats} heartbeats in a 600 ms step`);
    assert.ok(handle.lastHeartbeatAt !== null && handle.lastHeartbeatAt <= Date.now());
  });

  void it("never gives the worker the database credentials", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["probe/env"] }, {
      definitionsFile: fixtureJs("basic"),
      environment: {
        ...process.env,
        FLYT_DATABASE_URL: "postgres://flyt:hunter2@db/flyt",
        FLYT_TEST_DATABASE_URL: "postgres://flyt:hunter2@db/test",
        FLYT_VISIBLE: "yes",
      },
    });
    assert.equal(run.status, "SUCCESS");
    const fields = ofType(events, "LOG").find((event) => event.body.message === "env")?.body.fields as { names: string[]; pid: number };
    assert.ok(fields.names.includes("FLYT_VISIBLE"), "ordinary variables reach the worker");
    assert.ok(!fields.names.includes("FLYT_DATABASE_URL"));
    assert.ok(!fields.names.includes("FLYT_TEST_DATABASE_URL"));
    assert.notEqual(fields.pid, process.pid);
  });

  void it("survives an asset calling process.exit(1): FAILURE naming the step", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["x/exit"] }, { definitionsFile: fixtureJs("crash") });
    assert.equal(run.status, "FAILURE");
    const message = ofType(events, "RUN_FAILURE")[0]?.body.message ?? "";
    assert.match(message, /exited with code 1 while step x\/exit was running/);
    const stepFailure = ofType(events, "STEP_FAILURE")[0];
    assert.equal(stepFailure?.stepKey, "x/exit");
    assert.equal(stepFailure?.seq, null, "written by the launcher");
    assert.equal(ofType(events, "RUN_FAILURE").length, 1);
  });

  void it("survives an uncaught exception in a timer: the step fails with the error", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["x/timer"] }, { definitionsFile: fixtureJs("crash") });
    assert.equal(run.status, "FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0];
    assert.equal(failure?.stepKey, "x/timer");
    assert.equal(failure?.body.error.message, "boom from a timer");
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /Uncaught exception .*x\/timer.*boom from a timer/);
  });

  void it("survives process.abort(): FAILURE with the signal and the step", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["x/abort"] }, { definitionsFile: fixtureJs("crash") });
    assert.equal(run.status, "FAILURE");
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /killed by SIGABRT while step x\/abort was running/);
  });

  void it("fails the run with the load error when the definitions cannot be loaded", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["a"] }, {
      definitionsFile: join(fixtureJs("basic"), "..", "does-not-exist.ts"),
    });
    assert.equal(run.status, "FAILURE");
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /does-not-exist\.ts: the file does not exist/);
  });

  void it("cancels a stubborn step by killing the process group after the grace period: no orphans", async () => {
    using dir = scratch();
    const created = await createRun(storage, { assetKeys: ["c/stubborn", "c/after"] });
    const handle = launcher.launch({
      run: created,
      storage,
      definitionsFile: fixtureJs("cancel"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir },
      cancelGraceMs: 1000,
    }) as SubprocessRunHandle;
    const pidsFile = join(dir.dir, "pids.json");
    await waitFor(() => existsSync(pidsFile) && readFileSync(pidsFile, "utf8").length > 0, 15_000, "the stubborn step to start");
    const pids = JSON.parse(readFileSync(pidsFile, "utf8")) as { worker: number; grandchild: number };
    assert.equal(pids.worker, handle.pid);
    assert.ok(isAlive(pids.worker) && isAlive(pids.grandchild));
    const started = Date.now();
    await handle.cancel("stop it");
    const run = await handle.done;
    assert.equal(run.status, "CANCELED");
    assert.ok(Date.now() - started >= 900, "waited for the grace period");
    await waitFor(() => !isAlive(pids.worker) && !isAlive(pids.grandchild), 5_000, "worker and grandchild to be gone");
    const events = await allEvents(storage, run.runId);
    assert.equal(ofType(events, "RUN_CANCELING")[0]?.seq, null);
    assert.deepEqual(ofType(events, "STEP_CANCELED").map((event) => event.stepKey), ["c/stubborn"]);
    assert.deepEqual(ofType(events, "STEP_SKIPPED").map((event) => event.stepKey), ["c/after"]);
    const canceled = ofType(events, "RUN_CANCELED");
    assert.equal(canceled.length, 1);
    assert.match(canceled[0]!.body.message ?? "", /stop it; the worker did not stop within 1000 ms and was killed/);
  });

  void it("cancels a cooperative step gracefully: the worker reports RUN_CANCELED itself", async () => {
    using dir = scratch();
    const created = await createRun(storage, { assetKeys: ["c/cooperative", "c/after"] });
    const handle = launcher.launch({
      run: created,
      storage,
      definitionsFile: fixtureJs("cancel"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir },
    });
    await waitFor(() => existsSync(join(dir.dir, "cooperative-started")), 15_000, "the step to start");
    await handle.cancel();
    const run = await handle.done;
    assert.equal(run.status, "CANCELED");
    const events = await allEvents(storage, run.runId);
    const canceled = ofType(events, "RUN_CANCELED");
    assert.equal(canceled.length, 1);
    assert.notEqual(canceled[0]?.seq, null, "reported by the worker");
    assert.notEqual(ofType(events, "STEP_CANCELED")[0]?.seq, null);
  });

  void it("reaps grandchildren a step left behind when the worker exits normally", async () => {
    using dir = scratch();
    const { run } = await launchAndWait(launcher, storage, { assetKeys: ["c/leaves_child"] }, {
      definitionsFile: fixtureJs("cancel"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir },
    });
    assert.equal(run.status, "SUCCESS");
    const pids = JSON.parse(readFileSync(join(dir.dir, "stray.json"), "utf8")) as { grandchild: number };
    await waitFor(() => !isAlive(pids.grandchild), 5_000, "the stray grandchild to be killed");
  });
});
