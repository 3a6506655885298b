/**
 * Domain errors. One class per condition with typed fields, so callers branch on
 * `instanceof` (or `code` across process boundaries) and messages stay actionable. Every error
 * class Flyt defines extends `FlytError`; `CALLER_FAULT_CODES` are the codes whose message is meant
 * for whoever made the request (bad input), so an API edge shows them and masks everything else.
 */

import { abbreviate } from "./definition-limits.js";

export type FlytErrorCode =
  | "INVALID_ASSET_KEY"
  | "INVALID_DEFINITIONS"
  | "INVALID_SELECTION"
  | "INVALID_PARTITION"
  | "INVALID_CONFIG"
  /** A caller handed something malformed (a cursor, a page size, an id): its fault, not the platform's. */
  | "INVALID_INPUT"
  | "RUN_NOT_FOUND"
  | "STORAGE"
  | "MIGRATION"
  | "DEFINITIONS_LOAD"
  | "LEASE_LOST"
  /** A code-location server could not be reached or answered with an error (workspace client). */
  | "CODE_LOCATION"
  /** A code location is not loaded, so a run of it cannot start. */
  | "LOCATION_UNAVAILABLE"
  /** A resource could not be built or its configuration is invalid. */
  | "RESOURCE"
  /** The ingest API refused a run worker's batch for good (not worth retrying). */
  | "INGEST_REJECTED"
  /** A schedule or sensor evaluation ran past its deadline, or its worker thread ended before answering. */
  | "EVALUATION"
  /** An alert channel (webhook, Slack, email) refused an alert or could not be reached. */
  | "ALERT_DELIVERY";

/**
 * The base of every Flyt error. `Code` is `FlytErrorCode` for domain errors; the two classes whose
 * code is part of a wire contract keep their own set: `ApiError` (@flyt/protocol: the HTTP error
 * codes of every endpoint) and `PipesProcessError` (`PIPES_PROCESS_FAILED`).
 */
export class FlytError<Code extends string = FlytErrorCode> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Codes whose message is written for the caller: APIs show them; any other error is masked as internal. */
export const CALLER_FAULT_CODES: ReadonlySet<FlytErrorCode> = new Set<FlytErrorCode>([
  "INVALID_ASSET_KEY",
  "INVALID_DEFINITIONS",
  "INVALID_SELECTION",
  "INVALID_PARTITION",
  "INVALID_CONFIG",
  "INVALID_INPUT",
  "RUN_NOT_FOUND",
]);

/** True when `error` is a Flyt error whose message is meant for the caller. */
export function isCallerFault(error: unknown): error is FlytError {
  return error instanceof FlytError && CALLER_FAULT_CODES.has(error.code as FlytErrorCode);
}

/** A caller handed a malformed value; `subject` names it ("cursor \"x\"", "'first'"). */
export class InvalidInputError extends FlytError {
  constructor(
    readonly subject: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("INVALID_INPUT", `${subject}: ${message}`, options);
  }
}

/** Thrown when an asset key string or array is malformed. */
export class InvalidAssetKeyError extends FlytError {
  constructor(
    readonly input: string,
    readonly reason: string,
    /** True when the key is well-formed but over one of DEFINITION_LIMITS. */
    readonly overLimit = false,
  ) {
    super("INVALID_ASSET_KEY", `Invalid asset key ${JSON.stringify(abbreviate(input))}: ${reason}.`);
  }
}

/** One problem found while validating definitions; `subject` names the culprit (an asset key, a schedule…). */
export interface DefinitionProblem {
  subject: string;
  message: string;
}

/** Thrown by `defineDefinitions` when definitions are invalid; lists every problem found, not just the first. */
export class InvalidDefinitionsError extends FlytError {
  constructor(readonly problems: DefinitionProblem[]) {
    super(
      "INVALID_DEFINITIONS",
      `Invalid definitions (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.subject}: ${p.message}`).join("\n"),
    );
  }
}

/** Thrown when a selection expression cannot be parsed or matches no asset. */
export class InvalidSelectionError extends FlytError {
  constructor(
    readonly selection: string,
    reason: string,
  ) {
    super("INVALID_SELECTION", `Invalid selection ${JSON.stringify(selection)}: ${reason}`);
  }
}

/** Thrown when a partition key is not part of an asset's partitions definition. */
export class InvalidPartitionError extends FlytError {
  constructor(
    readonly partitionKey: string,
    readonly assetKey: string | null,
    reason: string,
  ) {
    super(
      "INVALID_PARTITION",
      `Invalid partition ${JSON.stringify(partitionKey)}${assetKey ? ` for asset ${assetKey}` : ""}: ${reason}`,
    );
  }
}

/** Thrown when configuration (flyt.yaml, environment variables, CLI flags) is invalid. */
export class InvalidConfigError extends FlytError {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("INVALID_CONFIG", `Invalid configuration in ${source}: ${message}`, options);
  }
}

export class RunNotFoundError extends FlytError {
  constructor(readonly runId: string) {
    super("RUN_NOT_FOUND", `No run with id ${JSON.stringify(runId)}. List runs with \`flyt runs list\`.`);
  }
}

/** Storage failures that are not the caller's fault (connection lost, constraint surprise). */
export class StorageError extends FlytError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORAGE", message, options);
  }
}

/** Thrown when the schema is newer than this binary knows, or a migration fails. */
export class MigrationError extends FlytError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MIGRATION", message, options);
  }
}

/** Thrown when a definitions file cannot be imported or exports no definitions. */
export class DefinitionsLoadError extends FlytError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("DEFINITIONS_LOAD", `Could not load definitions from ${file}: ${message}`, options);
  }
}

/**
 * Thrown by storage when a write made under a lease (the daemon leader's ticks, claims and runs)
 * carries a fencing token that is no longer current: another process took the lease, so this
 * one was deposed and must stop acting. Nothing was written.
 */
export class LeaseLostError extends FlytError {
  constructor(
    readonly leaseName: string,
    readonly holder: string,
    readonly fencingToken: number,
    what: string,
  ) {
    super(
      "LEASE_LOST",
      `${what} refused: ${holder} no longer holds lease ${JSON.stringify(leaseName)} with fencing token ${fencingToken} (another daemon took over); nothing was written.`,
    );
  }
}

/** Normalises anything thrown into an Error, once, at the edges. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : `Non-error thrown: ${String(thrown)}`);
}
