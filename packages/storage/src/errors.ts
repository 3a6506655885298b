/**
 * Storage-specific error conditions. Bad input is the caller's fault (code INVALID_INPUT, core's
 * InvalidInputError), not a storage failure (code STORAGE): the API edge shows its message — a
 * cursor from another listing, a page size of 0 — instead of masking it as an internal error.
 */
import { InvalidInputError } from "@flyt/core";

/**
 * Thrown when a caller hands storage something invalid (an unknown run id, a malformed event,
 * a cursor this API never issued). `subject` names the thing at fault.
 */
export class StorageInputError extends InvalidInputError {}
