/**
 * Storage-specific error conditions. They extend core's StorageError (code "STORAGE") so callers
 * that only know core still catch them, while tests and the API edge can tell bad input apart.
 */
import { StorageError } from "@flyt/core";

/**
 * Thrown when a caller hands storage something invalid (an unknown run id, a malformed event,
 * a cursor this API never issued). `subject` names the thing at fault.
 */
export class StorageInputError extends StorageError {
  constructor(
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${subject}: ${message}`, options);
  }
}
