/**
 * Tests of retry delays (constant, linear, exponential, capped) and the cancellable sleep.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { retryDelayMs, sleep } from "./retry.js";

void describe("retryDelayMs", () => {
  void it("grows by backoff and respects the cap", () => {
    const base = { maxRetries: 5, delayMs: 100, maxDelayMs: null };
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs({ ...base, backoff: "constant" }, n)), [100, 100, 100, 100]);
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs({ ...base, backoff: "linear" }, n)), [100, 200, 300, 400]);
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs({ ...base, backoff: "exponential" }, n)), [100, 200, 400, 800]);
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelayMs({ ...base, backoff: "exponential", maxDelayMs: 300 }, n)),
      [100, 200, 300, 300],
    );
  });
});

void describe("sleep", () => {
  void it("returns false as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    assert.equal(await sleep(60_000, controller.signal), false);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(await sleep(1), true);
  });
});
