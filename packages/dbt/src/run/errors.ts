/**
 * The errors of running dbt, one class per condition, each with the fields a caller (or a test)
 * needs without parsing the message. Messages are written for the person reading the step's
 * failure in the UI: they name the dbt node, the Flyt asset and what dbt said.
 */
import { FlytError } from "@flyt/core";

/** Thrown when the dbt executable cannot be started (not installed, not on PATH, not executable). */
export class DbtExecutableNotFoundError extends FlytError<"DBT_EXECUTABLE_NOT_FOUND"> {
  constructor(
    readonly executable: string,
    /** The system's error code (ENOENT, EACCES). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      "DBT_EXECUTABLE_NOT_FOUND",
      `Could not start dbt: ${JSON.stringify(executable)} ${reason === "EACCES" ? "is not executable" : "was not found"} (${reason}). ` +
        "Install dbt-core with your adapter (in this repository: `bash scripts/install-dbt.sh` creates .venv-dbt with dbt-core, dbt-duckdb and dbt-postgres 1.11) " +
        "and point Flyt at it: the `executable` option of dbtAssets(), or FLYT_DBT_EXECUTABLE (e.g. FLYT_DBT_EXECUTABLE=$PWD/.venv-dbt/bin/dbt).",
      options,
    );
  }
}

/** One selected node dbt did not build, and why. */
export interface DbtNodeProblem {
  uniqueId: string;
  /** Printed Flyt asset key of the node. */
  assetKey: string;
  /** "error": dbt ran it and it failed; "skipped": dbt skipped it; "missing": dbt never reported it. */
  kind: "error" | "skipped" | "missing";
  /** dbt's error message (error), the upstream failure that caused the skip (skipped), or what is known (missing). */
  message: string;
}

/**
 * Thrown by a dbt step that did not build every selected node: the nodes dbt reported as errored
 * or skipped, or never reported at all, each with dbt's message. What the step reported before
 * stays materialized. Also thrown when dbt exited non-zero for a reason no node result explains
 * (a failing hook, a compilation error, a bad profile): then `problems` is empty and the message
 * carries dbt's own error lines.
 */
export class DbtStepError extends FlytError<"DBT_STEP_FAILED"> {
  constructor(
    message: string,
    readonly problems: readonly DbtNodeProblem[],
    readonly exitCode: number | null,
    /** The printed command line (selection shortened). */
    readonly command: string,
  ) {
    super("DBT_STEP_FAILED", message);
  }
}

/**
 * Thrown when the run was canceled while dbt ran: dbt was interrupted (SIGINT, then SIGTERM and
 * SIGKILL after the grace period). Its name is AbortError, as for any aborted operation.
 */
export class DbtCanceledError extends FlytError<"DBT_CANCELED"> {
  constructor(
    message: string,
    /** The signal that ended dbt (null when it exited on its own after SIGINT). */
    readonly signal: string | null,
    options?: { cause?: unknown },
  ) {
    super("DBT_CANCELED", message, options);
    this.name = "AbortError";
  }
}

/** Thrown by `dbtParse` when `dbt parse` fails: dbt's error lines (and its stderr tail) are the message. */
export class DbtParseError extends FlytError<"DBT_PARSE_FAILED"> {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super("DBT_PARSE_FAILED", message);
  }
}

/** Thrown when even the compact selection of a step does not fit on one command line. */
export class DbtSelectionTooLongError extends FlytError<"DBT_SELECTION_TOO_LONG"> {
  constructor(
    readonly nodes: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      "DBT_SELECTION_TOO_LONG",
      `The dbt selection of ${nodes} nodes needs ${bytes} bytes of command line, over the ${limit}-byte limit; ` +
        "materialize fewer assets per run (select a group or a subset), or all of them (which dbt selects in a few words)",
    );
  }
}
