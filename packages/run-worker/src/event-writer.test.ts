/**
 * Tests of the EventWriter: seq assignment, batching by size and time, urgent flushes,
 * redaction, ordered delivery and delivery errors.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EVENT_LIMITS, eventLimitProblem, type EventRecord } from "@flyt/core";
import { EventWriter, type EventTransport } from "./event-writer.js";
import { Redactor } from "./redact.js";

class MemoryTransport implements EventTransport {
  batches: EventRecord[][] = [];
  fail = false;
  async send(batch: EventRecord[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.fail) throw new Error("transport down");
    this.batches.push(batch);
  }
}

void describe("EventWriter", () => {
  void it("numbers events 1, 2, 3… and batches them on size", async () => {
    const transport = new MemoryTransport();
    const writer = new EventWriter({ runId: "r1", transport, maxBatchSize: 3, flushIntervalMs: 10_000 });
    for (let i = 0; i < 7; i++) writer.emit("s", { type: "LOG", level: "info", message: `m${i}` });
    await writer.close();
    assert.deepEqual(transport.batches.map((batch) => batch.length), [3, 3, 1]);
    assert.deepEqual(transport.batches.flat().map((event) => event.seq), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(transport.batches.flat().every((event) => event.runId === "r1" && event.stepKey === "s"));
    assert.throws(() => writer.emit(null, { type: "RUN_SUCCESS" }), /closed/);
  });

  void it("flushes after the interval, and at once for urgent events", async () => {
    const transport = new MemoryTransport();
    const writer = new EventWriter({ runId: "r1", transport, flushIntervalMs: 30 });
    writer.emit(null, { type: "LOG", level: "info", message: "a" });
    assert.equal(transport.batches.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(transport.batches.length, 1);
    writer.emit(null, { type: "LOG", level: "info", message: "b" });
    writer.emit("s", { type: "STEP_START", attempt: 1, assetKeys: ["s"] }, { urgent: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(transport.batches[1]?.map((event) => event.body.type), ["LOG", "STEP_START"]);
    await writer.close();
  });

  void it("redacts every string of the body", async () => {
    const transport = new MemoryTransport();
    const writer = new EventWriter({ runId: "r1", transport, redactor: new Redactor(["topsecret"]) });
    writer.emit("s", { type: "LOG", level: "warn", message: "x topsecret y", fields: { k: ["topsecret"], topsecret: 1 } });
    await writer.close();
    assert.deepEqual(transport.batches[0]?.[0]?.body, {
      type: "LOG",
      level: "warn",
      message: "x [REDACTED] y",
      fields: { k: ["[REDACTED]"], "[REDACTED]": 1 },
    });
  });

  void it("surfaces delivery errors from flush", async () => {
    const transport = new MemoryTransport();
    transport.fail = true;
    const writer = new EventWriter({ runId: "r1", transport });
    writer.emit(null, { type: "RUN_SUCCESS" });
    await assert.rejects(writer.flush(), /transport down/);
    assert.match(writer.error?.message ?? "", /transport down/);
  });

  void it("cuts over-long log messages, fields, output and errors to the event limits every receiver enforces", async () => {
    const transport = new MemoryTransport();
    const writer = new EventWriter({ runId: "r1", transport });
    writer.emit("s", { type: "LOG", level: "info", message: "é".repeat(EVENT_LIMITS.logMessageBytes), fields: { blob: "x".repeat(EVENT_LIMITS.logFieldsBytes) } });
    writer.emit("s", { type: "STEP_OUTPUT", stream: "stdout", text: "y".repeat(EVENT_LIMITS.outputChunkBytes * 2) });
    writer.emit("s", { type: "STEP_FAILURE", durationMs: 1, assetKeys: ["a"], error: { name: "E", message: "m".repeat(EVENT_LIMITS.errorBytes), stack: "s".repeat(EVENT_LIMITS.errorBytes) } });
    await writer.flush();
    const events = transport.batches.flat();
    assert.equal(events.length, 3);
    for (const event of events) assert.equal(eventLimitProblem(event.body), null, `${event.body.type} fits`);
    const log = events[0]!.body;
    assert.ok(log.type === "LOG" && log.message.endsWith("… [truncated]") && !log.message.includes("\uFFFD"), "cut on a character boundary, marked");
    assert.ok(log.type === "LOG" && typeof log.fields?.truncated === "string");
  });

  void it("drops output beyond the run's budget after one notice, and never drops lifecycle or materialization events", async () => {
    const transport = new MemoryTransport();
    const writer = new EventWriter({ runId: "r1", transport, maxBatchSize: 10_000 });
    for (let i = 0; i < EVENT_LIMITS.runOutputEvents + 50; i += 1) writer.emit("s", { type: "LOG", level: "info", message: `line ${i}` });
    writer.emit("s", { type: "ASSET_MATERIALIZATION", assetKey: "a", partition: null, metadata: {} });
    writer.emit(null, { type: "RUN_SUCCESS" });
    await writer.flush();
    const events = transport.batches.flat();
    const lines = events.filter((e) => e.body.type === "LOG" && e.body.message.startsWith("line "));
    assert.equal(lines.length, EVENT_LIMITS.runOutputEvents);
    assert.equal(events.filter((e) => e.body.type === "LOG" && /output budget .* is spent/.test(e.body.message)).length, 1);
    assert.equal(writer.dropped.events, 50);
    assert.ok(events.some((e) => e.body.type === "ASSET_MATERIALIZATION") && events.at(-1)?.body.type === "RUN_SUCCESS");
    // Sequence numbers stay dense: dropped output takes none.
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
  });
});
