/**
 * Retry timing for steps: delay = delayMs × (1 | n | 2^(n-1)) for the n-th retry, capped by
 * maxDelayMs; and a sleep that a cancellation cuts short.
 */
import type { RetryPolicySnapshot } from "@flyt/core";

/** Delay before retry number `retry` (1 = the first retry). */
export function retryDelayMs(policy: RetryPolicySnapshot, retry: number): number {
  const n = Math.max(1, Math.floor(retry));
  const factor = policy.backoff === "constant" ? 1 : policy.backoff === "linear" ? n : 2 ** (n - 1);
  const delay = Math.max(0, policy.delayMs) * factor;
  return policy.maxDelayMs === null ? delay : Math.min(delay, Math.max(0, policy.maxDelayMs));
}

/** Resolves after `ms`, or as soon as `signal` aborts (returns false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
