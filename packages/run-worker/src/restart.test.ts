/**
 * Runs through a PostgreSQL restart (issue 11), on a real server of the test's own that is stopped
 * and started again on the same data. A SubprocessLauncher run loses its storage right after its
 * first step starts; the worker finishes and exits while the database is still down (what an
 * operator saw end as "The run worker exited with code 0, before the run finished"). The launcher
 * must keep the events, store every one exactly once and in order when the database is back, and
 * the run must end SUCCESS. Then the sink's memory bound: with storage down, a flood of log
 * events beyond MAX_BUFFERED_EVENTS drops only log events, and says so in a stored warning.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { EventRecord, StoredEvent } from "@flyt/core";
import { openStorage, type Storage } from "@flyt/storage";
import { startRestartablePostgres, testBackends, type RestartablePostgres } from "@flyt/storage/testing";
import { MAX_BUFFERED_EVENTS, RunEventSink } from "./event-sink.js";
import { SubprocessLauncher } from "./subprocess-launcher.js";
import { allEvents, createRun, fixtureTs, isAlive, ofType, scratch, waitFor } from "./test-support.js";

const STEPS = ["outage/a", "outage/b", "outage/c"];
const LINES = 20;
const DOWN_MS = 3_000;

void describe("runs across a PostgreSQL restart", { skip: !testBackends().includes("postgres") }, () => {
  let server: RestartablePostgres;
  let storage: Storage;
  before(async () => {
    server = await startRestartablePostgres();
    const database = await server.createDatabase();
    storage = await openStorage({ databaseUrl: database.url, sqlitePath: "" });
  });
  after(async () => {
    await storage?.close().catch(() => undefined);
    await server?.close();
  });

  void it("a subprocess run whose storage goes down mid-run, and whose worker exits meanwhile, ends SUCCESS with every event stored once", { timeout: 60_000 }, async () => {
    using dir = scratch();
    const run = await createRun(storage, { assetKeys: STEPS });
    const forwarded: number[] = [];
    let firstStepStored = false;
    const handle = new SubprocessLauncher().launch({
      run,
      storage,
      definitionsFile: fixtureTs("outage"),
      environment: { ...process.env, FLYT_FIXTURE_DIR: dir.dir, FLYT_FIXTURE_LOGS: String(LINES), FLYT_FIXTURE_STEP_MS: "400" },
      onEvent: (event) => {
        if (event.seq !== null) forwarded.push(event.seq);
        if (event.body.type === "STEP_START") firstStepStored = true;
      },
    });
    await waitFor(() => firstStepStored, 20_000, "the first step to start");
    await server.stop();
    const stoppedAt = Date.now();
    const pid = (handle as { pid?: number | null }).pid ?? null;
    assert.ok(pid !== null, "the worker was forked");
    // The whole run takes ~1.2 s: the worker finishes while storage is down.
    await waitFor(() => !isAlive(pid), DOWN_MS, "the worker to exit while storage is down");
    const workerExitedAfter = Date.now() - stoppedAt;
    await sleep(Math.max(0, DOWN_MS - (Date.now() - stoppedAt)));
    await server.start();
    const startedAt = Date.now();
    const final = await handle.done;
    const storedAfter = Date.now() - startedAt;

    const events = await allEvents(storage, run.runId);
    assert.equal(final.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE").map((e) => e.body.message)));
    const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), "worker events 1…N, each once, in order");
    const expected = 1 + 1 + STEPS.length * (1 + LINES + 1 + 1) + 1; // RUN_STARTED, RUN_PLANNED; per step START, lines, MATERIALIZATION, SUCCESS; RUN_SUCCESS
    assert.equal(seqs.length, expected, "every event the worker sent is stored");
    assert.equal(ofType(events, "LOG").filter((e) => e.seq !== null).length, STEPS.length * LINES);
    assert.equal(ofType(events, "ASSET_MATERIALIZATION").length, STEPS.length);
    assert.equal(ofType(events, "STEP_SUCCESS").length, STEPS.length);
    assert.equal(ofType(events, "RUN_SUCCESS").length, 1);
    assert.equal(ofType(events, "RUN_FAILURE").length, 0);
    assert.equal(ofType(events, "RUN_STARTING").length, 1, "platform events once too");
    assert.deepEqual(forwarded, seqs, "onEvent saw each stored event once, in order");
    process.stderr.write(
      `# subprocess run across a restart: worker exited ${workerExitedAfter} ms into a ${startedAt - stoppedAt} ms outage; ${expected} events stored within ${storedAfter} ms of the restart\n`,
    );
  });

  void it("while storage is down, the sink holds at most MAX_BUFFERED_EVENTS and drops only log events, then stores a warning", { timeout: 60_000 }, async () => {
    const run = await createRun(storage, { assetKeys: ["x"] });
    const sink = new RunEventSink(storage, run.runId);
    let seq = 0;
    const event = (body: EventRecord["body"]): EventRecord => ({ runId: run.runId, seq: ++seq, timestamp: Date.now(), stepKey: null, body });
    await sink.send([event({ type: "RUN_STARTED", pid: process.pid })]);
    await server.stop();
    const sent: Promise<void>[] = [];
    const flood = MAX_BUFFERED_EVENTS + 2_000;
    for (let i = 0; i < flood; i += 500) {
      sent.push(sink.send(Array.from({ length: 500 }, (_, j) => event({ type: "LOG", level: "info", message: `line ${i + j}` }))));
    }
    sent.push(sink.send([event({ type: "RUN_SUCCESS" })]));
    assert.ok(sink.pendingEvents <= MAX_BUFFERED_EVENTS + 1, `bounded: ${sink.pendingEvents} waiting`);
    assert.equal(sink.droppedEvents, flood - MAX_BUFFERED_EVENTS, "what did not fit was dropped");
    await sleep(1_000);
    await server.start();
    await Promise.all(sent);
    await sink.drain();
    assert.equal(sink.error, null);
    const events: StoredEvent[] = await allEvents(storage, run.runId);
    const logs = ofType(events, "LOG");
    assert.equal(logs.filter((e) => e.seq !== null).length, MAX_BUFFERED_EVENTS, "the logs that fit are stored");
    const warnings = logs.filter((e) => e.seq === null);
    assert.equal(warnings.length, 1, "one warning for the gap");
    assert.match(warnings[0]!.body.message, new RegExp(`^${flood - MAX_BUFFERED_EVENTS} LOG/STEP_OUTPUT event\\(s\\) of this run were dropped`));
    assert.equal(ofType(events, "RUN_SUCCESS").length, 1, "the terminal event is never dropped");
    assert.equal((await storage.getRun(run.runId))?.status, "SUCCESS");
  });
});
