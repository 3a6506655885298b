/**
 * Waiting out a storage outage: capped exponential backoff, and a retry loop for calls that must
 * not fail just because the database is briefly unreachable (a PostgreSQL restart). Only a
 * StorageUnavailableError is retried by `retryWhileUnavailable`: anything else is a real answer
 * (bad input, a bug) and retrying it would hide it or spin forever.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { StorageUnavailableError } from "./errors.js";

/** Default first delay and cap: quick to notice a short blip, at most one attempt per 5 s in a long outage. */
export const RETRY_MIN_DELAY_MS = 100;
export const RETRY_MAX_DELAY_MS = 5_000;

/** Delays that double from `minMs` up to `maxMs`; `reset()` after a success. */
export class Backoff {
  private current: number;

  constructor(
    private readonly minMs = RETRY_MIN_DELAY_MS,
    private readonly maxMs = RETRY_MAX_DELAY_MS,
  ) {
    if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`backoff needs 0 < minMs <= maxMs, got ${minMs} and ${maxMs}`);
    this.current = minMs;
  }

  /** The delay to wait now; the next one doubles (capped). */
  next(): number {
    const delay = this.current;
    this.current = Math.min(this.current * 2, this.maxMs);
    return delay;
  }

  reset(): void {
    this.current = this.minMs;
  }
}

export interface RetryWhileUnavailableOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Checked before each retry: true gives up with the last error (the caller is closing). */
  stop?: () => boolean;
  /** Called before each wait, e.g. to log the first failure of an outage. */
  onRetry?: (error: StorageUnavailableError, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it succeeds, waiting with capped backoff after each StorageUnavailableError,
 * for as long as the outage lasts. Any other error is thrown at once. `fn` must be safe to repeat:
 * a write whose connection dropped may or may not have been committed.
 */
export async function retryWhileUnavailable<T>(fn: () => Promise<T>, options: RetryWhileUnavailableOptions = {}): Promise<T> {
  const backoff = new Backoff(options.minDelayMs, options.maxDelayMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof StorageUnavailableError) || options.stop?.() === true) throw error;
      const delay = backoff.next();
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
