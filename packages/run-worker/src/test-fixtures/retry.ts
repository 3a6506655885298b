/**
 * Test definitions for retries: `r/flaky` fails its first two attempts (exponential backoff),
 * `r/always` never succeeds (constant backoff), `r/slow_retry` waits long between attempts
 * (cancellation during the wait).
 */
import { asset, defineDefinitions } from "@flyt/sdk";
import { recordExecution } from "./fixture-util.js";

const flaky = asset({
  key: "r/flaky",
  retryPolicy: { maxRetries: 3, delayMs: 200, backoff: "exponential" },
  compute: (context) => {
    recordExecution(`${context.stepKey}#${context.attempt}`);
    if (context.attempt < 3) throw new Error(`flaky attempt ${context.attempt}`);
    return { attempt: context.attempt };
  },
});
const always = asset({
  key: "r/always",
  retryPolicy: { maxRetries: 2, delayMs: 100, backoff: "constant" },
  compute: (context) => {
    throw new Error(`always fails (attempt ${context.attempt})`);
  },
});
const slowRetry = asset({
  key: "r/slow_retry",
  retryPolicy: { maxRetries: 5, delayMs: 60_000, backoff: "constant" },
  compute: () => {
    throw new Error("fails, then waits a minute");
  },
});

export default defineDefinitions({ assets: [flaky, always, slowRetry] });
