/**
 * Execution semantics through the InProcessLauncher against real storage on every backend:
 * event flow, ordering and the parallelism bound, metadata, failure → skip, retries with
 * backoff, partitions, cancellation, bounded output capture, redaction, re-execution.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RunNotFoundError } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { InProcessLauncher } from "./in-process-launcher.js";
import { createReexecution } from "@flyt/contracts";
import { summarizeRun } from "@flyt/contracts";
import {
  allEvents,
  createRun,
  fixtureJs,
  launchAndWait,
  maxConcurrency,
  ofType,
  scratch,
  waitFor,
} from "./test-support.js";

const launcher = new InProcessLauncher();

describeEachBackend((backend) => `InProcessLauncher on ${backend}`, ({ storage }) => {

  void it("writes RUN_STARTING (seq null), then worker events with seq 1..n, one terminal event", async () => {
    const seen: string[] = [];
    const { run, events } = await launchAndWait(
      launcher,
      storage,
      { assetKeys: ["chain/x", "chain/y", "chain/z"] },
      { definitionsFile: fixtureJs("basic"), onEvent: (event) => seen.push(event.body.type) },
    );
    assert.equal(run.status, "SUCCESS");
    const starting = events.find((event) => event.body.type === "RUN_STARTING");
    assert.equal(starting?.seq, null);
    const workerEvents = events.filter((event) => event.seq !== null);
    assert.deepEqual(
      workerEvents.map((event) => event.seq),
      workerEvents.map((_, index) => index + 1),
    );
    assert.equal(workerEvents[0]?.body.type, "RUN_STARTED");
    const terminal = events.filter((event) => ["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"].includes(event.body.type));
    assert.deepEqual(terminal.map((event) => event.body.type), ["RUN_SUCCESS"]);
    assert.ok(seen.includes("STEP_START") && seen.at(-1) === "RUN_SUCCESS", `onEvent saw ${seen.join(",")}`);
    const starts = ofType(events, "STEP_START").map((event) => event.stepKey);
    assert.deepEqual(starts, ["chain/x", "chain/y", "chain/z"]);
    // y starts only after x succeeded.
    const xDone = events.findIndex((event) => event.stepKey === "chain/x" && event.body.type === "STEP_SUCCESS");
    const yStart = events.findIndex((event) => event.stepKey === "chain/y" && event.body.type === "STEP_START");
    assert.ok(xDone >= 0 && xDone < yStart);
  });

  void it("never runs more steps at once than the parallelism, and reaches it", async () => {
    const wide = ["1", "2", "3", "4", "5", "6"].map((n) => `wide/w${n}`);
    for (const parallelism of [2, 4]) {
      const { run, events } = await launchAndWait(launcher, storage, { assetKeys: wide }, {
        definitionsFile: fixtureJs("basic"),
        parallelism,
      });
      assert.equal(run.status, "SUCCESS");
      assert.equal(maxConcurrency(events), parallelism);
      assert.equal(ofType(events, "STEP_SUCCESS").length, 6);
    }
  });

  void it("merges addMetadata calls and the returned metadata into typed materializations", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["chain/x", "chain/y", "m/one", "m/two"] }, {
      definitionsFile: fixtureJs("basic"),
    });
    assert.equal(run.status, "SUCCESS");
    const byAsset = new Map(ofType(events, "ASSET_MATERIALIZATION").map((event) => [event.body.assetKey, event.body]));
    assert.deepEqual(byAsset.get("chain/y")?.metadata, {
      rows: { type: "int", value: 3 },
      source: { type: "text", value: "second" },
      url: { type: "url", value: "https://example.org/y" },
      ratio: { type: "float", value: 0.5 },
    });
    assert.equal(byAsset.get("chain/y")?.codeVersion, "v7");
    assert.equal(byAsset.get("chain/y")?.partition, null);
    assert.deepEqual(byAsset.get("m/one")?.metadata, { shared: { type: "bool", value: true }, only: { type: "text", value: "one" } });
    assert.deepEqual(byAsset.get("m/two")?.metadata, { shared: { type: "bool", value: true }, count: { type: "int", value: 2 } });
    const latest = await storage.getLatestMaterializations(["chain/y"]);
    assert.equal(latest[0]?.runId, run.runId);
  });

  void it("fails a step whose metadata is invalid, with a message naming the asset", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["meta/bad"] }, { definitionsFile: fixtureJs("basic") });
    assert.equal(run.status, "FAILURE");
    const failure = ofType(events, "STEP_FAILURE")[0];
    assert.match(failure?.body.error.message ?? "", /Invalid metadata for asset meta\/bad/);
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").length, 0);
  });

  void it("skips everything downstream of a failure, keeps independent branches, and re-executes from failure", async () => {
    using dir = scratch();
    const all = ["f/root", "f/bad", "f/after_bad", "f/after_after", "f/independent", "f/independent_down"];
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: all, tags: { team: "atlas" } }, {
      definitionsFile: fixtureJs("failing"),
    });
    assert.equal(run.status, "FAILURE");
    const summary = summarizeRun(events);
    const status = Object.fromEntries(summary.steps.map((step) => [step.stepKey, step.status]));
    assert.deepEqual(status, {
      "f/root": "SUCCESS",
      "f/bad": "FAILURE",
      "f/after_bad": "SKIPPED",
      "f/after_after": "SKIPPED",
      "f/independent": "SUCCESS",
      "f/independent_down": "SUCCESS",
    });
    const skipped = ofType(events, "STEP_SKIPPED");
    assert.ok(skipped.every((event) => event.body.reason === "upstream step f/bad failed"));
    const failure = ofType(events, "STEP_FAILURE")[0]!;
    assert.equal(failure.body.error.message, "bad input in f/bad");
    assert.deepEqual(failure.body.assetKeys, ["f/bad"]);
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /f\/bad/);
    assert.equal(summary.steps.find((step) => step.stepKey === "f/bad")?.error?.message, "bad input in f/bad");

    // Fix the input, re-execute from failure: only the failed and skipped steps run again.
    writeFileSync(join(dir.dir, "fixed"), "");
    const child = await createReexecution(storage, run.runId, { fromFailure: true });
    assert.deepEqual(new Set(child.stepKeys), new Set(["f/bad", "f/after_bad", "f/after_after"]));
    assert.equal(child.parentRunId, run.runId);
    assert.equal(child.rootRunId, run.runId);
    assert.deepEqual(child.tags, { team: "atlas" });
    assert.deepEqual(child.assetKeys, all);
    const rerun = await launchAndWait(launcher, storage, child, {
      definitionsFile: fixtureJs("failing"),
    });
    assert.equal(rerun.run.status, "SUCCESS");
    const counts = new Map<string, number>();
    for (const key of dir.executions()) counts.set(key, (counts.get(key) ?? 0) + 1);
    assert.equal(counts.get("f/root"), 1, "successful upstream not re-run");
    assert.equal(counts.get("f/independent"), 1);
    assert.equal(counts.get("f/independent_down"), 1);
    assert.equal(counts.get("f/bad"), 2);
    assert.equal(counts.get("f/after_bad"), 1);
    assert.equal(counts.get("f/after_after"), 1);

    // A grandchild keeps the root; a succeeded run has nothing to re-execute from failure.
    const full = await createReexecution(storage, rerun.run.runId, { fromFailure: false });
    assert.equal(full.rootRunId, run.runId);
    assert.equal(full.parentRunId, rerun.run.runId);
    await assert.rejects(createReexecution(storage, rerun.run.runId, { fromFailure: true }), /succeeded/);
    await assert.rejects(createReexecution(storage, "no-such-run", { fromFailure: true }), RunNotFoundError);
    const queued = await createRun(storage, { assetKeys: ["f/root"] });
    await assert.rejects(createReexecution(storage, queued.runId, { fromFailure: false }), /still QUEUED/);
  });

  void it("retries with backoff and reports each retry", async () => {
    using dir = scratch();
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["r/flaky", "r/always"] }, {
      definitionsFile: fixtureJs("retry"),
    });
    assert.equal(run.status, "FAILURE");
    const flaky = events.filter((event) => event.stepKey === "r/flaky");
    const retries = ofType(flaky, "STEP_RETRY");
    assert.deepEqual(retries.map((event) => [event.body.attempt, event.body.delayMs]), [[1, 200], [2, 400]]);
    assert.match(retries[0]!.body.error.message, /flaky attempt 1/);
    const starts = ofType(flaky, "STEP_START");
    assert.deepEqual(starts.map((event) => event.body.attempt), [1, 2, 3]);
    for (let i = 0; i < retries.length; i++) {
      const waited = starts[i + 1]!.timestamp - retries[i]!.timestamp;
      const expected = retries[i]!.body.delayMs;
      assert.ok(waited >= expected - 5 && waited < expected + 3000, `retry ${i + 1} waited ${waited} ms, expected ~${expected}`);
    }
    assert.equal(ofType(flaky, "STEP_SUCCESS").length, 1);
    assert.deepEqual(dir.executions(), ["r/flaky#1", "r/flaky#2", "r/flaky#3"]);
    assert.deepEqual(ofType(flaky, "ASSET_MATERIALIZATION")[0]?.body.metadata, { attempt: { type: "int", value: 3 } });

    const always = events.filter((event) => event.stepKey === "r/always");
    assert.deepEqual(ofType(always, "STEP_RETRY").map((event) => event.body.delayMs), [100, 100]);
    assert.equal(ofType(always, "STEP_START").length, 3);
    assert.match(ofType(always, "STEP_FAILURE")[0]?.body.error.message ?? "", /attempt 3/);
    const summary = summarizeRun(events).steps.find((step) => step.stepKey === "r/flaky");
    assert.equal(summary?.attempts, 3);
    assert.equal(summary?.status, "SUCCESS");
  });

  void it("passes the partition and its time window to partitioned steps only", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["p/yearly", "p/plain"], partitionKey: "2023" }, {
      definitionsFile: fixtureJs("partitioned"),
    });
    assert.equal(run.status, "SUCCESS");
    const logs = ofType(events, "LOG");
    assert.deepEqual(logs.find((event) => event.body.message === "window")?.body.fields, {
      partitionKey: "2023",
      start: "2023-01-01T00:00:00.000Z",
      end: "2024-01-01T00:00:00.000Z",
    });
    assert.deepEqual(logs.find((event) => event.body.message === "plain")?.body.fields, { partitionKey: null });
    const materializations = ofType(events, "ASSET_MATERIALIZATION");
    assert.deepEqual(
      materializations.map((event) => [event.body.assetKey, event.body.partition]),
      [["p/yearly", "2023"], ["p/plain", null]],
    );
    const partitions = await storage.getPartitionMaterializations("p/yearly");
    assert.deepEqual(partitions.map((entry) => entry.partition), ["2023"]);
  });

  void it("fails a run with an invalid partition with a clear message", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["p/yearly"], partitionKey: "1999" }, {
      definitionsFile: fixtureJs("partitioned"),
    });
    assert.equal(run.status, "FAILURE");
    const message = ofType(events, "RUN_FAILURE")[0]?.body.message ?? "";
    assert.match(message, /Invalid partition "1999" for asset p\/yearly/);
    assert.equal(ofType(events, "STEP_START").length, 0);
  });

  void it("cancels: aborts the signal, marks the running step canceled and pending ones skipped", async () => {
    using dir = scratch();
    const created = await createRun(storage, { assetKeys: ["c/cooperative", "c/after"] });
    const handle = launcher.launch({ run: created, storage, definitionsFile: fixtureJs("cancel") });
    await waitFor(() => existsSync(join(dir.dir, "cooperative-started")), 10_000, "the step to start");
    await handle.cancel("operator asked");
    const run = await handle.done;
    assert.equal(run.status, "CANCELED");
    const events = await allEvents(storage, run.runId);
    const canceling = ofType(events, "RUN_CANCELING")[0];
    assert.equal(canceling?.seq, null);
    assert.equal(canceling?.body.message, "operator asked");
    assert.deepEqual(ofType(events, "STEP_CANCELED").map((event) => event.stepKey), ["c/cooperative"]);
    assert.deepEqual(ofType(events, "STEP_SKIPPED").map((event) => event.stepKey), ["c/after"]);
    assert.equal(ofType(events, "RUN_CANCELED")[0]?.body.message, "operator asked");
    assert.equal(ofType(events, "RUN_CANCELED").length, 1);
  });

  void it("records a step that ignores cancellation as canceled after the grace period, and drops its later events", async () => {
    using dir = scratch();
    const created = await createRun(storage, { assetKeys: ["c/stubborn", "c/after"] });
    const handle = launcher.launch({ run: created, storage, definitionsFile: fixtureJs("cancel"), cancelGraceMs: 300 });
    const pidsFile = join(dir.dir, "pids.json");
    await waitFor(() => existsSync(pidsFile), 10_000, "the stubborn step to start");
    const { grandchild } = JSON.parse(readFileSync(pidsFile, "utf8")) as { grandchild: number };
    try {
      await handle.cancel();
      const run = await handle.done;
      assert.equal(run.status, "CANCELED");
      const events = await allEvents(storage, run.runId);
      const canceled = ofType(events, "RUN_CANCELED");
      assert.equal(canceled.length, 1);
      assert.equal(canceled[0]?.seq, null);
      assert.match(canceled[0]?.body.message ?? "", /did not stop within 300 ms and were abandoned/);
      assert.deepEqual(ofType(events, "STEP_CANCELED").map((event) => [event.stepKey, event.seq]), [["c/stubborn", null]]);
      assert.deepEqual(ofType(events, "STEP_SKIPPED").map((event) => event.stepKey), ["c/after"]);
    } finally {
      process.kill(grandchild, "SIGKILL"); // in-process runs cannot reap what user code spawned
    }
  });

  void it("cuts a retry wait short on cancel", async () => {
    const created = await createRun(storage, { assetKeys: ["r/slow_retry"] });
    const started = Date.now();
    const handle = launcher.launch({
      run: created,
      storage,
      definitionsFile: fixtureJs("retry"),
      onEvent: (event) => {
        if (event.body.type === "STEP_RETRY") void handle.cancel();
      },
    });
    const run = await handle.done;
    assert.equal(run.status, "CANCELED");
    assert.ok(Date.now() - started < 20_000, "did not wait out the 60 s retry delay");
    const events = await allEvents(storage, run.runId);
    assert.equal(ofType(events, "STEP_CANCELED").length, 1);
  });

  void it("captures step output attributed to the step, coalesced", async () => {
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["o/chatty"] }, { definitionsFile: fixtureJs("output") });
    assert.equal(run.status, "SUCCESS");
    const output = ofType(events, "STEP_OUTPUT");
    assert.ok(output.every((event) => event.stepKey === "o/chatty"));
    const stdout = output.filter((event) => event.body.stream === "stdout");
    assert.ok(stdout.length <= 5, `1000 lines should be a few chunks, got ${stdout.length} events`);
    const text = stdout.map((event) => event.body.text).join("");
    const expected = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join("") + "bytes too\n";
    assert.equal(text, expected);
    assert.equal(output.filter((event) => event.body.stream === "stderr").map((event) => event.body.text).join(""), "an error line\n");
  });

  void it("bounds captured output: 50 MiB written, at most the cap stored, one truncation marker, modest memory", async () => {
    process.env.FLYT_FIXTURE_FLOOD_MB = "50";
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["o/flood"] }, { definitionsFile: fixtureJs("output") });
    clearInterval(sampler);
    assert.equal(run.status, "SUCCESS");
    const output = ofType(events, "STEP_OUTPUT");
    const stored = output.filter((event) => !event.body.truncated).reduce((sum, event) => sum + Buffer.byteLength(event.body.text), 0);
    assert.ok(stored <= 1024 * 1024, `stored ${stored} bytes`);
    assert.ok(stored >= 1024 * 1024 - 64 * 1024, `cap should be filled, stored ${stored}`);
    const markers = output.filter((event) => event.body.truncated === true);
    assert.equal(markers.length, 1);
    assert.equal(output.at(-1), markers[0], "the marker is the last output");
    assert.match(markers[0]!.body.text, /49\.0 MiB .*dropped/);
    const growthMiB = (peak - rssBefore) / (1024 * 1024);
    assert.ok(growthMiB < 100, `RSS grew by ${growthMiB.toFixed(1)} MiB while 50 MiB were written`);
  });

  void it("redacts secret resource values from logs, fields, output, errors and stacks", async () => {
    const token = "s3cr3t-t0ken-9f8e7d";
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["s/leaky"] }, {
      definitionsFile: fixtureJs("secrets"),
      environment: { ...process.env, FLYT_FIXTURE_TOKEN: token },
    });
    assert.equal(run.status, "FAILURE");
    const dump = JSON.stringify(events);
    assert.ok(!dump.includes(token), "the secret leaked into stored events");
    const log = ofType(events, "LOG")[0]!;
    assert.equal(log.body.message, "calling with token [REDACTED]");
    assert.deepEqual(log.body.fields, { header: "Bearer [REDACTED]", nested: { list: ["[REDACTED]"] } });
    const output = ofType(events, "STEP_OUTPUT").map((event) => event.body.text).join("");
    assert.match(output, /stdout token=\[REDACTED\]/);
    assert.match(output, /stderr token=\[REDACTED\]/);
    const error = ofType(events, "STEP_FAILURE")[0]!.body.error;
    assert.equal(error.message, "request failed for token [REDACTED]");
    assert.match(error.stack ?? "", /request failed for token \[REDACTED\]/);
  });

  void it("fails the run when a secret's environment variable is missing, skipping its steps", async () => {
    const environment = { ...process.env };
    delete environment.FLYT_FIXTURE_TOKEN;
    const { run, events } = await launchAndWait(launcher, storage, { assetKeys: ["s/leaky"] }, {
      definitionsFile: fixtureJs("secrets"),
      environment,
    });
    assert.equal(run.status, "FAILURE");
    assert.match(ofType(events, "RUN_FAILURE")[0]?.body.message ?? "", /FLYT_FIXTURE_TOKEN/);
    assert.deepEqual(ofType(events, "STEP_SKIPPED").map((event) => event.stepKey), ["s/leaky"]);
  });
});
