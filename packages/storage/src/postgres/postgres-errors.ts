/**
 * Telling "the database is unreachable" apart from every other PostgreSQL failure, so storage can
 * throw a StorageUnavailableError that callers retry. node-postgres reports a lost or refused
 * connection in several shapes: a socket error code, a server FATAL with a SQLSTATE, or its own
 * Error with only a message; all of them are recognised here, anywhere in the `cause` chain.
 */

/** SQLSTATEs of a session the server ended or refused (class 08: connection exception). */
const CONNECTION_EXCEPTION_CLASS = "08";
const ADMIN_SHUTDOWN = "57P01";
const CRASH_SHUTDOWN = "57P02";
const CANNOT_CONNECT_NOW = "57P03";
const TOO_MANY_CONNECTIONS = "53300";
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set([ADMIN_SHUTDOWN, CRASH_SHUTDOWN, CANNOT_CONNECT_NOW, TOO_MANY_CONNECTIONS]);

/** Socket errors of a server that is down, restarting or unreachable. */
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** node-postgres and pg-pool errors that carry no code. */
const UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^Client has encountered a connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
];

/** True when `error` (or any error in its `cause` chain) says the database is unreachable. */
export function isConnectionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
      if (code.length === 5 && code.startsWith(CONNECTION_EXCEPTION_CLASS)) return true;
    }
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current.message))) return true;
    // AggregateError: a connect() to a host with several addresses that all refused.
    if (current instanceof AggregateError && current.errors.some((inner) => isConnectionError(inner))) return true;
  }
  return false;
}
