/**
 * Storage-specific error conditions. Bad input is the caller's fault (code INVALID_INPUT, core's
 * InvalidInputError), not a storage failure (code STORAGE): the API edge shows its message — a
 * cursor from another listing, a page size of 0 — instead of masking it as an internal error.
 */
import { InvalidInputError, StorageError } from "@flyt/core";

/**
 * Thrown when a caller hands storage something invalid (an unknown run id, a malformed event,
 * a cursor this API never issued). `subject` names the thing at fault.
 */
export class StorageInputError extends InvalidInputError {}

/**
 * Thrown when the database could not be reached or dropped the connection mid-call: it is down,
 * restarting (PostgreSQL terminates every session with 57P01 and refuses connections while it
 * starts), failing over, or out of connection slots. Nothing about the call was wrong: the same
 * call may succeed once the database is back, so callers that must not lose work retry it
 * (appends are idempotent on (runId, seq)), and the API edge answers a retryable 503. Whether a
 * write whose connection dropped was committed is unknown; a retry finds out.
 */
export class StorageUnavailableError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
