/**
 * The ingest API's own limits, on a real webserver and real storage, with a valid run token —
 * what a hostile token holder tried: a 15 MiB log message and a 10 MiB output chunk in one request
 * each (both were stored), a step of another location's asset (also by sending a plan of its own),
 * seq 2^60, protocol version 2, and more output than a run may store (beyond it: dropped, one
 * notice, materializations still land).
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { EVENT_LIMITS, type EventBody, type EventRecord } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { mintRunToken } from "@flyt/workspace";
import { startWebserver, type Webserver } from "../server.js";
import { RUN_OUTPUT_BUDGET } from "./ingest.js";

describeEachBackend((backend) => `ingest API limits (${backend})`, ({ storage }) => {
  let web: Webserver;
  let runId: string;
  let token: string;
  let seq = 0;

  const event = (body: EventBody, stepKey: string | null = null): EventRecord => ({ runId, seq: ++seq, timestamp: Date.now(), stepKey, body });
  const post = async (events: unknown[], headers: Record<string, string> = {}) => {
    const response = await fetch(`${web.ingestUrl}/runs/${runId}/events`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ events }),
    });
    return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string; field: string | null }; inserted?: number } };
  };

  before(async () => {
    web = await startWebserver({ storage: storage, port: 0, log: () => undefined });
    const { run } = await storage.createRun({ selection: "*", assetKeys: ["loc/a"], location: "loc", status: "STARTING" });
    runId = run.runId;
    const minted = mintRunToken();
    token = minted.token;
    await storage.createRunToken({ tokenHash: minted.hash, runId, location: "loc", assetKeys: ["loc/a"], expiresAt: Date.now() + 3_600_000 });
    const ok = await post([event({ type: "RUN_STARTED" }), event({ type: "RUN_PLANNED", steps: [{ stepKey: "loc/a", assetKeys: ["loc/a"] }] })]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
  after(async () => {
    await web.close();
  });

  void it("refuses oversized events with 413 naming the event and field, storing nothing", async () => {
    const before = (await storage.getEvents(runId)).length;
    const log = await post([event({ type: "LOG", level: "info", message: "x".repeat(EVENT_LIMITS.logMessageBytes + 1) })]);
    assert.equal(log.status, 413);
    assert.equal(log.body.error?.field, "events.0.body.message");
    assert.match(log.body.error?.message ?? "", /log message of 65537 bytes is over the limit of 64 KiB/);
    const output = await post([event({ type: "STEP_OUTPUT", stream: "stdout", text: "y".repeat(10 * 1024 * 1024) }, "loc/a")]);
    assert.equal(output.status, 413, "a 10 MiB output chunk is refused (over the 8 MiB body limit and the 64 KiB chunk limit)");
    const metadata = await post([event({ type: "ASSET_MATERIALIZATION", assetKey: "loc/a", partition: null, metadata: { blob: { type: "text", value: "z".repeat(600 * 1024) } } }, "loc/a")]);
    assert.equal(metadata.status, 413);
    assert.match(metadata.body.error?.message ?? "", /metadata of \d+ bytes for loc\/a is over the limit of 512 KiB/);
    assert.equal((await storage.getEvents(runId)).length, before);
  });

  void it("refuses steps outside the run's plan, seqs out of range and other protocol versions", async () => {
    const foreign = await post([event({ type: "LOG", level: "info", message: "hi" }, "other-location/b")]);
    assert.equal(foreign.status, 400);
    assert.match(foreign.body.error?.message ?? "", /step "other-location\/b" is not a step of run .* plan/);
    const huge = await post([{ ...event({ type: "LOG", level: "info", message: "hi" }), seq: 2 ** 60 }]);
    assert.equal(huge.status, 400);
    assert.match(huge.body.error?.message ?? "", /outside the range/);
    const version = await post([event({ type: "LOG", level: "info", message: "hi" })], { "flyt-protocol-version": "2" });
    assert.equal(version.status, 400);
    assert.equal(version.body.error?.code, "UNSUPPORTED_VERSION");
  });

  void it("refuses a second plan, and a plan or step start naming another location's asset: a batch cannot widen the run's steps", async () => {
    const before = (await storage.getEvents(runId)).length;
    // A second plan in the same batch as a step event must not widen the steps that event is checked against.
    const replanned = await post([
      event({ type: "RUN_PLANNED", steps: [{ stepKey: "other-location/b", assetKeys: ["loc/a"] }] }),
      event({ type: "LOG", level: "info", message: "hi" }, "other-location/b"),
    ]);
    assert.equal(replanned.status, 400, JSON.stringify(replanned.body));
    assert.match(replanned.body.error?.message ?? "", /already has a plan; a run is planned once/);
    const foreignPlan = await post([event({ type: "RUN_PLANNED", steps: [{ stepKey: "loc/a", assetKeys: ["other-location/b"] }] })]);
    assert.equal(foreignPlan.status, 403);
    assert.match(foreignPlan.body.error?.message ?? "", /RUN_PLANNED names asset other-location\/b, which is not an asset of run/);
    const foreignStart = await post([event({ type: "STEP_START", attempt: 1, assetKeys: ["other-location/b"] }, "loc/a")]);
    assert.equal(foreignStart.status, 403);
    const twice = await post([
      event({ type: "RUN_PLANNED", steps: [{ stepKey: "loc/a", assetKeys: ["loc/a"] }] }),
      event({ type: "RUN_PLANNED", steps: [{ stepKey: "loc/a", assetKeys: ["loc/a"] }] }),
    ]);
    assert.equal(twice.status, 400);
    assert.match(twice.body.error?.message ?? "", /a second RUN_PLANNED in one batch/);
    assert.equal((await storage.getEvents(runId)).length, before, "nothing of the refused batches is stored");
  });

  void it("stores output up to the run's budget, then drops it with one notice while materializations still land", async () => {
    // Spend the budget in one go (a hostile or broken worker), then keep sending.
    await storage.addRunOutputUsage(runId, RUN_OUTPUT_BUDGET.bytes - 10, 0);
    const batch = [
      event({ type: "LOG", level: "info", message: "fits" }, "loc/a"),
      event({ type: "LOG", level: "info", message: "does not fit: over the byte budget" }, "loc/a"),
      event({ type: "ASSET_MATERIALIZATION", assetKey: "loc/a", partition: null, metadata: {} }, "loc/a"),
    ];
    const first = await post(batch);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await post([event({ type: "LOG", level: "info", message: "later" }, "loc/a")]);
    assert.equal(second.status, 200);
    const events = await storage.getEvents(runId);
    const messages = events.flatMap((e) => (e.body.type === "LOG" ? [e.body.message] : []));
    assert.ok(messages.includes("fits"));
    assert.ok(!messages.includes("does not fit: over the byte budget") && !messages.includes("later"));
    assert.equal(messages.filter((m) => /stopped storing this run's log lines/.test(m)).length, 1, "exactly one notice");
    assert.equal(events.filter((e) => e.body.type === "ASSET_MATERIALIZATION").length, 1, "the materialization landed");
  });
});
