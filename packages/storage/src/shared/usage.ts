/**
 * Validation of the ingest API's per-run output usage increments (both backends).
 */
import { StorageInputError } from "../errors.js";

export function validateUsage(bytes: number, events: number): void {
  for (const [what, n] of [["bytes", bytes], ["events", events]] as const) {
    if (!Number.isSafeInteger(n) || n < 0) throw new StorageInputError(`output usage ${what}`, `must be a non-negative integer, got ${String(n)}`);
  }
}
