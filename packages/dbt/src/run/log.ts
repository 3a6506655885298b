/**
 * Reads dbt's structured log (`--log-format json`: one JSON object per line, `{ info, data }`) into
 * the few events a Flyt step acts on. Lines that are not JSON (a Python warning, a package's print)
 * come back as plain text.
 *
 * Which events, and why: Flyt runs dbt at its default `info` level, where dbt 1.8–1.11 prints one
 * line per node as it finishes — `LogModelResult`, `LogSeedResult`, `LogSnapshotResult` (with
 * `node_info.unique_id`, `node_status`, `execution_time`, the relation and the adapter's status
 * string such as "INSERT 100", "SELECT 5", "CREATE VIEW", "OK") and `LogTestResult` (status
 * pass/fail/warn/error, `num_failures`) — plus `SkippingDetails` for each node it skips,
 * `LogStartLine` when a node starts, `LogCancelLine` when a query is canceled, `RunResultError` /
 * `RunResultWarningMessage` with each failure's message at the end, and `EndOfRunSummary`. That is
 * everything a live materialization or check result needs. `NodeStart`/`NodeFinished` carry
 * `adapter_response.rows_affected` but only at `--log-level debug`, which also prints ~100
 * `SQLQuery`/connection events per node: ten times the lines to read for one number that the
 * status string already gives for the adapters that count rows (Dagster makes the same choice).
 * Rows come from the status string here, and the end of the run is reconciled with
 * run_results.json (run-results.ts), which has the adapter response and every message. Every other
 * event is kept as a log line (`kind: "log"`) with its level, so dbt's own output reaches the
 * step's log; if a user asks for debug output (`extraArgs`), `NodeFinished` still becomes a log
 * line, not a second result.
 */

/** dbt's log levels, as Flyt's. dbt also has "test" (its own test runner): read as debug. */
export type DbtLogLevel = "debug" | "info" | "warn" | "error";

/** What the events say about the node they are about (`data.node_info`). */
export interface DbtLogNode {
  uniqueId: string;
  resourceType: string;
  /** dbt's status of the node when the event was sent ("started", "success", "error", "pass", "fail", "skipped", …). */
  nodeStatus: string | null;
  /** The relation as the adapter quotes it (`"db"."main"."stg_x"`), or null (tests, ephemeral). */
  relation: string | null;
  materialized: string | null;
  /** `node_finished_at` (dbt writes it without a zone; it is UTC). */
  finishedAt: string | null;
}

interface Common {
  /** dbt's event name (`LogModelResult`). */
  name: string;
  level: DbtLogLevel;
  /** dbt's message, colour codes removed. */
  message: string;
  /** When dbt sent it (`info.ts`, ISO-8601 UTC), or null. */
  ts: string | null;
  invocationId: string | null;
}

export type DbtLogEvent =
  /** `LogStartLine`: a node started. */
  | (Common & { kind: "node-started"; node: DbtLogNode; index: number | null; total: number | null })
  /** `LogModelResult` / `LogSeedResult` / `LogSnapshotResult`: a model, seed or snapshot finished. */
  | (Common & {
      kind: "node-finished";
      node: DbtLogNode;
      /** "success" or "error" (`node_info.node_status`), as run_results' status. */
      status: string;
      /** The adapter's status string ("SELECT 5", "INSERT 100", "CREATE VIEW", "OK"), or null. */
      adapterStatus: string | null;
      /** Rows affected when the status string carries a count ("SELECT 5" → 5), else null. */
      rowsAffected: number | null;
      /** Seconds. */
      executionTime: number | null;
    })
  /** `LogTestResult`: a test finished. */
  | (Common & { kind: "test-finished"; node: DbtLogNode; status: string; numFailures: number | null; executionTime: number | null })
  /** `SkippingDetails`: dbt skipped a node (an upstream node failed). */
  | (Common & { kind: "node-skipped"; node: DbtLogNode })
  /** `LogCancelLine`: dbt canceled a node's query (on SIGINT). */
  | (Common & { kind: "node-canceled"; node: DbtLogNode | null })
  /** `RunResultError` / `RunResultWarningMessage`: the message of a failed or warning node, in the end summary. */
  | (Common & { kind: "result-message"; node: DbtLogNode | null; text: string })
  /** `EndOfRunSummary`. */
  | (Common & { kind: "run-summary"; numErrors: number | null; numWarnings: number | null; keyboardInterrupt: boolean })
  /** Any other structured event: a line for the step's log. */
  | (Common & { kind: "log"; node: DbtLogNode | null })
  /** A line that is not one of dbt's JSON events: plain output. */
  | { kind: "text"; text: string };

const NODE_RESULT_EVENTS = new Set(["LogModelResult", "LogSeedResult", "LogSnapshotResult"]);

/** Escape sequences dbt puts in `msg` even with `--log-format json` (colours). */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.includes("\u001b") ? text.replace(ANSI, "") : text;
}

/** Parses one line of dbt's stdout. Never throws: anything unexpected is text or a plain log event. */
export function parseDbtLogLine(line: string): DbtLogEvent {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return { kind: "text", text: line };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { kind: "text", text: line };
  }
  if (!isRecord(parsed) || !isRecord(parsed.info) || typeof parsed.info.name !== "string") return { kind: "text", text: line };
  const info = parsed.info;
  const data = isRecord(parsed.data) ? parsed.data : {};
  const name = info.name as string;
  const common: Common = {
    name,
    level: levelOf(info.level),
    message: stripAnsi(typeof info.msg === "string" ? info.msg : ""),
    ts: typeof info.ts === "string" ? info.ts : null,
    invocationId: typeof info.invocation_id === "string" ? info.invocation_id : null,
  };
  const node = nodeOf(data.node_info);

  if (NODE_RESULT_EVENTS.has(name) && node !== null) {
    // Models put the adapter's status string in `status`; seeds and snapshots put "success"/"error"
    // there and the status string in `result_message`.
    const adapterStatus = stripAnsi(str(name === "LogModelResult" ? data.status : data.result_message) ?? "") || null;
    return {
      ...common,
      kind: "node-finished",
      node,
      status: node.nodeStatus ?? (common.level === "error" ? "error" : "success"),
      adapterStatus,
      rowsAffected: rowsFromStatus(adapterStatus),
      executionTime: num(data.execution_time),
    };
  }
  if (name === "LogTestResult" && node !== null) {
    return { ...common, kind: "test-finished", node, status: str(data.status) ?? node.nodeStatus ?? "error", numFailures: num(data.num_failures), executionTime: num(data.execution_time) };
  }
  if (name === "LogStartLine" && node !== null) return { ...common, kind: "node-started", node, index: num(data.index), total: num(data.total) };
  if (name === "SkippingDetails" && node !== null) return { ...common, kind: "node-skipped", node };
  if (name === "LogCancelLine") return { ...common, kind: "node-canceled", node };
  if (name === "RunResultError" || name === "RunResultWarningMessage") {
    return { ...common, kind: "result-message", node, text: stripAnsi(str(data.msg) ?? common.message).trim() };
  }
  if (name === "EndOfRunSummary") {
    return { ...common, kind: "run-summary", numErrors: num(data.num_errors), numWarnings: num(data.num_warnings), keyboardInterrupt: data.keyboard_interrupt === true };
  }
  return { ...common, kind: "log", node };
}

/**
 * Rows affected from an adapter's status string, where it carries a count: PostgreSQL-style
 * command tags ("SELECT 5", "INSERT 0 5" → 5, "UPDATE 3"), dbt's seed message ("INSERT 100"),
 * and "N rows" forms. "OK", "CREATE VIEW", "SUCCESS" carry none: null.
 */
export function rowsFromStatus(status: string | null): number | null {
  if (status === null) return null;
  const tag = /^(?:SELECT|INSERT|UPDATE|DELETE|MERGE|COPY|MOVE|FETCH)(?: \d+)* (\d+)$/i.exec(status.trim());
  if (tag) return Number(tag[1]);
  const rows = /\b(\d+) rows?\b/i.exec(status);
  return rows ? Number(rows[1]) : null;
}

function nodeOf(value: unknown): DbtLogNode | null {
  if (!isRecord(value) || typeof value.unique_id !== "string" || value.unique_id === "") return null;
  const relation = isRecord(value.node_relation) ? str(value.node_relation.relation_name) : null;
  return {
    uniqueId: value.unique_id,
    resourceType: str(value.resource_type) ?? value.unique_id.split(".")[0] ?? "",
    nodeStatus: str(value.node_status),
    relation: relation === "" ? null : relation,
    materialized: str(value.materialized),
    finishedAt: str(value.node_finished_at) || null,
  };
}

function levelOf(value: unknown): DbtLogLevel {
  switch (value) {
    case "error":
      return "error";
    case "warn":
    case "warning":
      return "warn";
    case "debug":
    case "test":
      return "debug";
    default:
      return "info";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}
