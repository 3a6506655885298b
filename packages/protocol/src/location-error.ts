/**
 * A code location's load error as it travels to the platform (health `error`) and on to its users
 * (REST, GraphQL, `flyt dev`): its name, its message and at most the user's own stack frames —
 * never Flyt's internals, never a cause chain — within a size that a status list can show. The code
 * server bounds what it sends; the platform bounds what it receives, since a `url:` server is not
 * necessarily ours.
 */
import type { SerializedError } from "@flyt/core";

export const LOCATION_ERROR_LIMITS = {
  nameChars: 200,
  messageChars: 16 * 1024,
  stackChars: 4 * 1024,
} as const;

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [truncated: ${text.length - limit} more characters]`;
}

/** `error` within LOCATION_ERROR_LIMITS, without `cause`; `stack` only when given (user frames). */
export function boundedLocationError(error: { name: string; message: string; stack?: string | undefined | null }): SerializedError {
  const out: SerializedError = { name: cut(error.name, LOCATION_ERROR_LIMITS.nameChars), message: cut(error.message, LOCATION_ERROR_LIMITS.messageChars) };
  if (typeof error.stack === "string" && error.stack !== "") out.stack = cut(error.stack, LOCATION_ERROR_LIMITS.stackChars);
  return out;
}
