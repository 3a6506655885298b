/**
 * Parses and validates one line of the message channel. Returns a typed message, or says why
 * the line is not one: the session turns those into warnings (file channel) or ordinary output
 * (stdio channel, for lines that are not Pipes messages at all).
 */
import { LOG_LEVELS, type LogLevel } from "@flyt/core";
import type { PipesException } from "@flyt/sdk";
import { PIPES_METHODS, PIPES_VERSION_FIELD, type PipesMethod } from "./protocol.js";

export type ParsedMessage =
  | { method: "opened"; extras: Record<string, unknown> }
  | { method: "closed"; exception: PipesException | null }
  | { method: "log"; level: LogLevel; levelName: string; message: string }
  | { method: "report_asset_materialization"; assetKey: string | null; dataVersion: string | null; metadata: unknown }
  | {
      method: "report_asset_check";
      assetKey: string | null;
      checkName: string;
      passed: boolean;
      severity: "warn" | "error";
      metadata: unknown;
    }
  | { method: "report_custom_message"; payload: unknown }
  | { method: "log_external_stream"; stream: "stdout" | "stderr"; text: string };

export type ParseResult =
  | { kind: "message"; message: ParsedMessage; version: string }
  /** Not JSON, or JSON without the version field: not a Pipes message. */
  | { kind: "not-a-message"; reason: string }
  /** Carries the version field but is malformed or has an unknown method. */
  | { kind: "invalid"; reason: string };

const METHODS = new Set<string>(PIPES_METHODS);

export function parseMessageLine(line: string): ParseResult {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return { kind: "not-a-message", reason: "not a JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    const reason = `not valid JSON (${(error as Error).message})`;
    // Looks like a message that got cut or mangled: worth a warning rather than passing as output.
    return trimmed.includes(`"${PIPES_VERSION_FIELD}"`) ? { kind: "invalid", reason } : { kind: "not-a-message", reason };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "not-a-message", reason: "not a JSON object" };
  const record = value as Record<string, unknown>;
  if (!(PIPES_VERSION_FIELD in record)) return { kind: "not-a-message", reason: `no ${PIPES_VERSION_FIELD} field` };
  const version = record[PIPES_VERSION_FIELD];
  if (typeof version !== "string") return { kind: "invalid", reason: `${PIPES_VERSION_FIELD} must be a string` };
  const method = record.method;
  if (typeof method !== "string") return { kind: "invalid", reason: "method must be a string" };
  if (!METHODS.has(method)) return { kind: "invalid", reason: `unknown method ${JSON.stringify(method)}` };
  const params = record.params ?? null;
  if (params !== null && (typeof params !== "object" || Array.isArray(params))) {
    return { kind: "invalid", reason: `params of ${method} must be an object or null` };
  }
  try {
    return { kind: "message", version, message: toMessage(method as PipesMethod, (params ?? {}) as Record<string, unknown>) };
  } catch (error) {
    return { kind: "invalid", reason: `${method}: ${(error as Error).message}` };
  }
}

function toMessage(method: PipesMethod, p: Record<string, unknown>): ParsedMessage {
  switch (method) {
    case "opened":
      return { method, extras: isObject(p.extras) ? p.extras : {} };
    case "closed":
      return { method, exception: p.exception === undefined || p.exception === null ? null : toException(p.exception, 0) };
    case "log": {
      const levelName = typeof p.level === "string" ? p.level : "INFO";
      return { method, level: toLevel(levelName), levelName, message: text(p.message, "message") };
    }
    case "report_asset_materialization":
      return {
        method,
        assetKey: optString(p.asset_key, "asset_key"),
        dataVersion: optString(p.data_version, "data_version"),
        metadata: p.metadata ?? null,
      };
    case "report_asset_check": {
      if (typeof p.check_name !== "string" || p.check_name === "") throw new TypeError("check_name must be a non-empty string");
      if (typeof p.passed !== "boolean") throw new TypeError("passed must be true or false");
      const severity = p.severity === undefined || p.severity === null ? "ERROR" : p.severity;
      if (severity !== "ERROR" && severity !== "WARN") throw new TypeError(`severity must be "ERROR" or "WARN", got ${JSON.stringify(severity)}`);
      return {
        method,
        assetKey: optString(p.asset_key, "asset_key"),
        checkName: p.check_name,
        passed: p.passed,
        severity: severity === "WARN" ? "warn" : "error",
        metadata: p.metadata ?? null,
      };
    }
    case "report_custom_message":
      return { method, payload: p.payload ?? null };
    case "log_external_stream": {
      if (p.stream !== "stdout" && p.stream !== "stderr") throw new TypeError(`stream must be "stdout" or "stderr", got ${JSON.stringify(p.stream)}`);
      return { method, stream: p.stream, text: text(p.text, "text") };
    }
  }
}

/** Python logging level names (and lower-case Flyt ones) → Flyt levels. */
function toLevel(name: string): LogLevel {
  const lower = name.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  if (lower === "warning") return "warn";
  if (lower === "critical" || lower === "fatal") return "error";
  return "info";
}

function toException(value: unknown, depth: number): PipesException {
  if (!isObject(value)) return { name: null, message: String(value), stack: [], cause: null, context: null };
  const stack = Array.isArray(value.stack) ? value.stack.map(String) : typeof value.stack === "string" ? [value.stack] : [];
  const nested = (inner: unknown): PipesException | null =>
    inner === undefined || inner === null || depth >= 8 ? null : toException(inner, depth + 1);
  return {
    name: typeof value.name === "string" ? value.name : null,
    message: typeof value.message === "string" ? value.message : JSON.stringify(value.message ?? null),
    stack,
    cause: nested(value.cause),
    context: nested(value.context),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new TypeError(`${name} must be a string or null`);
  return value;
}

function text(value: unknown, name: string): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) throw new TypeError(`${name} is missing`);
  return JSON.stringify(value) ?? `${name} is not text`;
}
