/**
 * Domain errors. One class per condition with typed fields, so callers branch on
 * `instanceof` (or `code` across process boundaries) and messages stay actionable.
 */

export type FlytErrorCode =
  | "INVALID_ASSET_KEY"
  | "INVALID_DEFINITIONS"
  | "INVALID_SELECTION"
  | "INVALID_PARTITION"
  | "INVALID_CONFIG"
  | "RUN_NOT_FOUND"
  | "STORAGE"
  | "MIGRATION"
  | "DEFINITIONS_LOAD"
  | "LEASE_LOST";

export class FlytError extends Error {
  readonly code: FlytErrorCode;
  constructor(code: FlytErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Thrown when an asset key string or array is malformed. */
export class InvalidAssetKeyError extends FlytError {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super("INVALID_ASSET_KEY", `Invalid asset key ${JSON.stringify(input)}: ${reason}.`);
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
