/**
 * Tests of output capture: attribution through the async scope, pass-through outside steps,
 * coalescing, the byte cap and its single truncation marker.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EVENT_LIMITS, type EventBody } from "@flyt/core";
import { installOutputCapture, splitUtf8, StepOutput } from "./capture.js";
import { stepScope, type StepScope } from "./capture-scope.js";

type Output = Extract<EventBody, { type: "STEP_OUTPUT" }>;

void describe("StepOutput", () => {
  void it("coalesces small writes into one chunk per stream", () => {
    const events: Output[] = [];
    const output = new StepOutput({ stepKey: "s", emit: (body) => events.push(body) });
    for (let i = 0; i < 100; i++) output.write("stdout", `${i}\n`);
    output.write("stderr", "oops\n");
    output.finish();
    assert.equal(events.length, 2);
    assert.equal(events[0]?.text, Array.from({ length: 100 }, (_, i) => `${i}\n`).join(""));
    assert.deepEqual(events[1], { type: "STEP_OUTPUT", stream: "stderr", text: "oops\n" });
  });

  void it("stores at most the cap per stream, then one marker saying how much was dropped", () => {
    const events: Output[] = [];
    const output = new StepOutput({ stepKey: "s", capBytes: 1000, emit: (body) => events.push(body) });
    for (let i = 0; i < 30; i++) output.write("stdout", "é".repeat(50)); // 100 bytes each
    output.write("stderr", "fine\n");
    output.finish();
    output.write("stdout", "after finish is ignored");
    const stdout = events.filter((event) => event.stream === "stdout" && !event.truncated);
    const stored = stdout.reduce((sum, event) => sum + Buffer.byteLength(event.text), 0);
    assert.equal(stored, 1000);
    const markers = events.filter((event) => event.truncated);
    assert.equal(markers.length, 1);
    assert.equal(markers[0]?.stream, "stdout");
    assert.match(markers[0]?.text ?? "", /2000 bytes\) dropped/);
    assert.deepEqual(output.stats("stdout"), { storedBytes: 1000, droppedBytes: 2000 });
  });

  void it("never splits a multi-byte character at the cap", () => {
    const events: Output[] = [];
    const output = new StepOutput({ stepKey: "s", capBytes: 5, emit: (body) => events.push(body) });
    output.write("stdout", "ééé"); // 6 bytes: only two characters fit
    output.finish();
    assert.equal(events[0]?.text, "éé");
  });

  // A child's pipe hands over 64 KiB reads: with 30 KB already buffered, one chunk of 94 KB went
  // out and the event writer cut it to the 64 KiB event limit, losing the rest below the cap.
  void it("sends one large write as chunks within the event limit, losing nothing below the cap", () => {
    const events: Output[] = [];
    const output = new StepOutput({ stepKey: "s", capBytes: 200_000, emit: (body) => events.push(body) });
    output.write("stderr", "a".repeat(30_000));
    output.write("stderr", "é".repeat(50_000));
    output.finish();
    assert.ok(events.every((event) => Buffer.byteLength(event.text) <= EVENT_LIMITS.outputChunkBytes / 2), events.map((e) => Buffer.byteLength(e.text)).join(","));
    assert.equal(events.map((event) => event.text).join(""), "a".repeat(30_000) + "é".repeat(50_000));
  });

  void it("splitUtf8 cuts between characters, never inside one", () => {
    assert.deepEqual(splitUtf8("", 4), []);
    assert.deepEqual(splitUtf8("abc", 4), ["abc"]);
    assert.deepEqual(splitUtf8("ééé", 4), ["éé", "é"]);
    assert.deepEqual(splitUtf8("a😀b", 4), ["a", "😀", "b"]);
    assert.deepEqual(splitUtf8("😀😀", 4), ["😀", "😀"]);
  });
});

void describe("installOutputCapture", () => {
  void it("routes writes made inside a step scope to the step and lets others pass", async () => {
    const captured: string[] = [];
    const scope: StepScope = { stepKey: "s", finished: false, write: (_stream, text) => captured.push(text) };
    const uninstall = installOutputCapture();
    try {
      await stepScope.run(scope, async () => {
        console.log("from console");
        await new Promise((resolve) => setTimeout(resolve, 1));
        process.stdout.write(Buffer.from("from a buffer\n"));
        await new Promise<void>((resolve) => process.stderr.write("with callback\n", () => resolve()));
      });
      process.stdout.write(""); // outside: passes through (empty, so the test output stays clean)
    } finally {
      uninstall();
    }
    assert.deepEqual(captured, ["from console\n", "from a buffer\n", "with callback\n"]);
  });
});
