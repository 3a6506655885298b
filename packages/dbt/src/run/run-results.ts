/**
 * Reads `run_results.json` (schema v5 of dbt 1.7 and v6 of dbt 1.8–1.11), which dbt writes at the
 * end of a run: one result per executed node with its status, dbt's message (the error of a failed
 * model, "Got 3 results, configured to fail if != 0" for a test), the adapter response (rows
 * affected) and the timing. The stream gives each result as it happens; this file is the ledger
 * the step reconciles with at the end, so that no node is missed and every error carries dbt's
 * message. Reading is lenient (fields dbt may omit are null); a file from another invocation (a
 * reused target path, a run that crashed before writing) is recognised by its invocation id.
 */
import { readFileSync } from "node:fs";

export interface DbtRunResult {
  uniqueId: string;
  /** success | error | skipped | partial success | no-op (nodes); pass | fail | warn | error | skipped (tests). */
  status: string;
  /** dbt's message: the error, the test's "Got N results…", the adapter's status string. */
  message: string | null;
  /** Failing rows of a test. */
  failures: number | null;
  /** Seconds. */
  executionTime: number | null;
  rowsAffected: number | null;
  /** The adapter's status string (`adapter_response._message`). */
  adapterMessage: string | null;
  relation: string | null;
  /** When execution completed (UTC ISO-8601), from the timing entries. */
  completedAt: string | null;
}

export interface DbtRunResults {
  invocationId: string | null;
  dbtVersion: string | null;
  schemaVersion: string | null;
  elapsedTime: number | null;
  results: DbtRunResult[];
  byUniqueId: ReadonlyMap<string, DbtRunResult>;
}

/** Reads the file; null when it does not exist. Throws with the path when it is not run results. */
export function readRunResults(path: string): DbtRunResults | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseRunResults(json, path);
}

export function parseRunResults(json: unknown, where = "run_results.json"): DbtRunResults {
  if (!isRecord(json) || !Array.isArray(json.results)) throw new Error(`${where} has no "results" array: not dbt run results`);
  const metadata = isRecord(json.metadata) ? json.metadata : {};
  const results: DbtRunResult[] = [];
  for (const raw of json.results) {
    if (!isRecord(raw) || typeof raw.unique_id !== "string") continue;
    const adapter = isRecord(raw.adapter_response) ? raw.adapter_response : {};
    const timing = Array.isArray(raw.timing) ? raw.timing.filter(isRecord) : [];
    const execute = timing.find((t) => t.name === "execute") ?? timing[timing.length - 1];
    const rows = num(adapter.rows_affected);
    results.push({
      uniqueId: raw.unique_id,
      status: typeof raw.status === "string" ? raw.status : "error",
      message: typeof raw.message === "string" ? raw.message : null,
      failures: num(raw.failures),
      executionTime: num(raw.execution_time),
      // dbt writes -1 when the adapter does not know.
      rowsAffected: rows === null || rows < 0 ? null : Math.trunc(rows),
      adapterMessage: typeof adapter._message === "string" ? adapter._message : null,
      relation: typeof raw.relation_name === "string" && raw.relation_name !== "" ? raw.relation_name : null,
      completedAt: execute !== undefined && typeof execute.completed_at === "string" ? execute.completed_at : null,
    });
  }
  return {
    invocationId: typeof metadata.invocation_id === "string" ? metadata.invocation_id : null,
    dbtVersion: typeof metadata.dbt_version === "string" ? metadata.dbt_version : null,
    schemaVersion: typeof metadata.dbt_schema_version === "string" ? metadata.dbt_schema_version : null,
    elapsedTime: num(json.elapsed_time),
    results,
    byUniqueId: new Map(results.map((r) => [r.uniqueId, r])),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
