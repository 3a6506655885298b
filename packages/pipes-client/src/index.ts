/**
 * @flyt/pipes-client: the child side of Dagster Pipes (protocol 0.1) for Node programs, with no
 * runtime dependencies. Its names follow the published TypeScript Dagster Pipes client, so a
 * program written for Dagster runs under Flyt unchanged:
 *
 * ```ts
 * import { openDagsterPipes } from "@flyt/pipes-client";
 * using pipes = openDagsterPipes();
 * pipes.logger.info("fetching");
 * pipes.reportAssetMaterialization({ rows: 144, schema: { raw_value: { columns }, type: "table_schema" } });
 * ```
 *
 * Messages are written synchronously (appendFileSync / writeSync), so they are on the channel
 * before the process can exit. An uncaught exception sends `closed` with the exception; a normal
 * exit sends `closed` if the program did not. Without DAGSTER_PIPES_CONTEXT the context warns once
 * and every call is a no-op.
 */
import { appendFileSync, readFileSync, writeSync } from "node:fs";
import { inflateSync } from "node:zlib";

export const PIPES_PROTOCOL_VERSION = "0.1";
export const DAGSTER_PIPES_CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT";
export const DAGSTER_PIPES_MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES";

export type PipesMetadataType =
  | "__infer__"
  | "text"
  | "url"
  | "path"
  | "notebook"
  | "json"
  | "md"
  | "float"
  | "int"
  | "bool"
  | "dagster_run"
  | "asset"
  | "null"
  | "table"
  | "table_schema"
  | "table_column_lineage"
  | "timestamp";
const METADATA_TYPES = new Set<string>([
  "__infer__", "text", "url", "path", "notebook", "json", "md", "float", "int", "bool",
  "dagster_run", "asset", "null", "table", "table_schema", "table_column_lineage", "timestamp",
]);

export type PipesMetadataRawValue = string | number | boolean | null | Record<string, unknown> | unknown[];
export interface PipesMetadataValue {
  raw_value: PipesMetadataRawValue;
  type: PipesMetadataType;
}
export type PipesMetadata = Record<string, PipesMetadataRawValue | PipesMetadataValue>;
export type AssetCheckSeverity = "ERROR" | "WARN";

export interface PipesPartitionKeyRange {
  start: string;
  end: string;
}
export interface PipesTimeWindow {
  start: string;
  end: string;
}
export interface PipesDataProvenance {
  code_version: string;
  input_data_versions: Record<string, string>;
  is_user_provided: boolean;
}
export interface PipesContextData {
  asset_keys: string[] | null;
  code_version_by_asset_key: Record<string, string | null> | null;
  provenance_by_asset_key: Record<string, PipesDataProvenance | null> | null;
  partition_key: string | null;
  partition_key_range: PipesPartitionKeyRange | null;
  partition_time_window: PipesTimeWindow | null;
  run_id: string;
  job_name: string | null;
  retry_number: number;
  extras: Record<string, unknown>;
}
export interface PipesException {
  name: string | null;
  message: string;
  stack: string[];
  cause: PipesException | null;
  context: PipesException | null;
}

/** Thrown for misuse (unknown asset key, a second materialization, a call after close…). */
export class DagsterPipesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DagsterPipesError";
  }
}

export interface PipesLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Alias of `warning`. */
  warn(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

type Writer = (line: string) => void;

/** Encodes like the orchestrator decodes: base64(zlib(JSON)). Exposed for tests and tools. */
export function decodeParam(value: string): unknown {
  return JSON.parse(inflateSync(Buffer.from(value, "base64")).toString("utf8")) as unknown;
}

export interface OpenDagsterPipesOptions {
  /** Where to read the bootstrap variables; default process.env. */
  env?: Record<string, string | undefined>;
  /** Send `closed` with the exception on an uncaught exception, and `closed` on exit. Default true. */
  installProcessHooks?: boolean;
}

let current: PipesContext | null = null;
let warnedInactive = false;

/**
 * Opens the Pipes connection (once per process; later calls return the same context). Sends
 * `opened`. Outside a Pipes process, warns once on stderr and returns a context that no-ops.
 */
export function openDagsterPipes(options: OpenDagsterPipesOptions = {}): PipesContext {
  if (current !== null) return current;
  const env = options.env ?? process.env;
  const contextParam = env[DAGSTER_PIPES_CONTEXT_ENV_VAR];
  if (contextParam === undefined || contextParam === "") {
    if (!warnedInactive) {
      warnedInactive = true;
      process.emitWarning(
        "This process was not launched by a Pipes orchestrator (DAGSTER_PIPES_CONTEXT is not set); Pipes calls are no-ops.",
        "DagsterPipesWarning",
      );
    }
    current = new PipesContext(inactiveData(), null);
    return current;
  }
  const contextParams = asObject(decodeParam(contextParam), DAGSTER_PIPES_CONTEXT_ENV_VAR);
  let data: PipesContextData;
  if (typeof contextParams.path === "string") {
    data = asObject(JSON.parse(readFileSync(contextParams.path, "utf8")), "context file") as unknown as PipesContextData;
  } else if (typeof contextParams.data === "object" && contextParams.data !== null) {
    data = contextParams.data as PipesContextData;
  } else {
    throw new DagsterPipesError(`Invalid ${DAGSTER_PIPES_CONTEXT_ENV_VAR}: expected a "path" or "data" key, got ${JSON.stringify(contextParams)}`);
  }
  const messagesParam = env[DAGSTER_PIPES_MESSAGES_ENV_VAR];
  if (messagesParam === undefined) throw new DagsterPipesError(`${DAGSTER_PIPES_MESSAGES_ENV_VAR} is not set, though ${DAGSTER_PIPES_CONTEXT_ENV_VAR} is`);
  const messagesParams = asObject(decodeParam(messagesParam), DAGSTER_PIPES_MESSAGES_ENV_VAR);
  let writer: Writer;
  if (typeof messagesParams.path === "string") {
    const path = messagesParams.path;
    writer = (line) => appendFileSync(path, line);
  } else if (messagesParams.stdio === "stderr" || messagesParams.stdio === "stdout") {
    const fd = messagesParams.stdio === "stderr" ? 2 : 1;
    writer = (line) => {
      writeAll(fd, line);
    };
  } else {
    throw new DagsterPipesError(`Invalid ${DAGSTER_PIPES_MESSAGES_ENV_VAR}: expected a "path" or "stdio" key, got ${JSON.stringify(messagesParams)}`);
  }
  const context = new PipesContext(data, writer);
  current = context;
  if (options.installProcessHooks !== false) {
    process.on("uncaughtExceptionMonitor", (error) => {
      if (!context.isClosed) context.close(toPipesException(error));
    });
    process.on("exit", () => {
      if (!context.isClosed) context.close();
    });
  }
  return context;
}

function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text, "utf8");
  while (buffer.length > 0) {
    try {
      const written = writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      // A non-blocking pipe that is full: try again.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

export class PipesContext {
  private readonly materialized = new Set<string>();
  private closed = false;
  readonly logger: PipesLogger;

  /** @internal use openDagsterPipes() */
  constructor(
    private readonly data: PipesContextData,
    private readonly writer: Writer | null,
  ) {
    const log = (level: string) => (message: string) => this.write("log", { message: String(message), level });
    this.logger = {
      debug: log("DEBUG"),
      info: log("INFO"),
      warning: log("WARNING"),
      warn: log("WARNING"),
      error: log("ERROR"),
      critical: log("CRITICAL"),
    };
    this.write("opened", { extras: {} });
  }

  /** True when running without a Pipes orchestrator (every call is a no-op). */
  get isInactive(): boolean {
    return this.writer === null;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  get isAssetStep(): boolean {
    return this.data.asset_keys !== null;
  }
  /** The step's only asset key; throws when it has several. */
  get assetKey(): string {
    const keys = this.assetKeys;
    if (keys.length !== 1) throw new DagsterPipesError(`assetKey is undefined: the step targets ${keys.length} assets`);
    return keys[0]!;
  }
  get assetKeys(): string[] {
    return this.data.asset_keys ?? [];
  }
  get codeVersion(): string | null {
    return this.data.code_version_by_asset_key?.[this.assetKey] ?? null;
  }
  get codeVersionByAssetKey(): Record<string, string | null> {
    return this.data.code_version_by_asset_key ?? {};
  }
  get provenance(): PipesDataProvenance | null {
    return this.data.provenance_by_asset_key?.[this.assetKey] ?? null;
  }
  get provenanceByAssetKey(): Record<string, PipesDataProvenance | null> {
    return this.data.provenance_by_asset_key ?? {};
  }
  get isPartitionStep(): boolean {
    return this.data.partition_key_range !== null && this.data.partition_key_range !== undefined;
  }
  get partitionKey(): string | null {
    return this.data.partition_key ?? null;
  }
  get partitionKeyRange(): PipesPartitionKeyRange | null {
    return this.data.partition_key_range ?? null;
  }
  get partitionTimeWindow(): PipesTimeWindow | null {
    return this.data.partition_time_window ?? null;
  }
  get runId(): string {
    return this.data.run_id;
  }
  get jobName(): string | null {
    return this.data.job_name ?? null;
  }
  get retryNumber(): number {
    return this.data.retry_number ?? 0;
  }
  get extras(): Record<string, unknown> {
    return this.data.extras ?? {};
  }
  /** An extra given by the orchestrator; throws when it was not given. */
  getExtra(key: string): unknown {
    if (!(key in this.extras)) throw new DagsterPipesError(`Extra ${JSON.stringify(key)} is undefined; extras given: ${Object.keys(this.extras).join(", ") || "none"}`);
    return this.extras[key];
  }

  /** Reports the materialization of `assetKey` (default: the step's only asset), once per asset. */
  reportAssetMaterialization(metadata?: PipesMetadata | null, dataVersion?: string | null, assetKey?: string | null): void {
    if (this.isInactive) return;
    const key = this.resolveAssetKey(assetKey, "reportAssetMaterialization");
    if (this.materialized.has(key)) {
      throw new DagsterPipesError(`reportAssetMaterialization: asset ${key} was already materialized; report everything in one call`);
    }
    if (dataVersion !== undefined && dataVersion !== null && typeof dataVersion !== "string") {
      throw new DagsterPipesError("reportAssetMaterialization: dataVersion must be a string");
    }
    this.write("report_asset_materialization", {
      asset_key: key,
      data_version: dataVersion ?? null,
      metadata: normalizeMetadata(metadata, "reportAssetMaterialization"),
    });
    this.materialized.add(key);
  }

  /** Reports an asset check result. Severity "ERROR" (default) or "WARN". */
  reportAssetCheck(
    checkName: string,
    passed: boolean,
    severity: AssetCheckSeverity = "ERROR",
    metadata?: PipesMetadata | null,
    assetKey?: string | null,
  ): void {
    if (this.isInactive) return;
    if (typeof checkName !== "string" || checkName === "") throw new DagsterPipesError("reportAssetCheck: checkName must be a non-empty string");
    if (typeof passed !== "boolean") throw new DagsterPipesError("reportAssetCheck: passed must be a boolean");
    if (severity !== "ERROR" && severity !== "WARN") throw new DagsterPipesError(`reportAssetCheck: severity must be "ERROR" or "WARN"`);
    const key = this.resolveAssetKey(assetKey, "reportAssetCheck");
    this.write("report_asset_check", {
      asset_key: key,
      check_name: checkName,
      passed,
      severity,
      metadata: normalizeMetadata(metadata, "reportAssetCheck"),
    });
  }

  /** Sends any JSON-serializable payload; the asset reads it from the run result. */
  reportCustomMessage(payload: unknown): void {
    this.write("report_custom_message", { payload: payload ?? null });
  }

  /** Forwards text as the process's stdout/stderr (for output not written to the real streams). */
  logExternalStream(stream: "stdout" | "stderr", text: string, extras: Record<string, unknown> = {}): void {
    this.write("log_external_stream", { stream, text, extras });
  }

  /** Sends `closed` (with the exception, if given); idempotent. Further calls throw. */
  close(exception?: PipesException | Error | null): void {
    if (this.closed) return;
    const payload = exception === undefined || exception === null ? {} : { exception: exception instanceof Error ? toPipesException(exception) : exception };
    this.write("closed", payload);
    this.closed = true;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private resolveAssetKey(assetKey: string | null | undefined, method: string): string {
    const keys = this.assetKeys;
    if (assetKey !== undefined && assetKey !== null) {
      if (typeof assetKey !== "string") throw new DagsterPipesError(`${method}: assetKey must be a string`);
      if (keys.length > 0 && !keys.includes(assetKey)) {
        throw new DagsterPipesError(`${method}: invalid asset key ${JSON.stringify(assetKey)}; expected one of ${keys.join(", ")}`);
      }
      return assetKey;
    }
    if (keys.length !== 1) throw new DagsterPipesError(`${method} without an asset key is undefined: the step targets ${keys.length} assets`);
    return keys[0]!;
  }

  private write(method: string, params: Record<string, unknown> | null): void {
    if (this.writer === null) return;
    if (this.closed) throw new DagsterPipesError(`Cannot send ${method}: the Pipes context is closed`);
    this.writer(JSON.stringify({ __dagster_pipes_version: PIPES_PROTOCOL_VERSION, method, params }) + "\n");
  }
}

/** Plain values become `{ raw_value, type: "__infer__" }`; `{ raw_value, type }` objects pass as they are. */
export function normalizeMetadata(metadata: PipesMetadata | null | undefined, method = "metadata"): Record<string, PipesMetadataValue> | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== "object" || Array.isArray(metadata)) throw new DagsterPipesError(`${method}: metadata must be an object`);
  const out: Record<string, PipesMetadataValue> = {};
  for (const [label, value] of Object.entries(metadata)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && "raw_value" in value && "type" in value && Object.keys(value).length === 2) {
      const typed = value as PipesMetadataValue;
      if (!METADATA_TYPES.has(typed.type)) throw new DagsterPipesError(`${method}: metadata ${label} has unknown type ${JSON.stringify(typed.type)}`);
      out[label] = typed;
    } else {
      out[label] = { raw_value: value as PipesMetadataRawValue, type: "__infer__" };
    }
  }
  return out;
}

export function toPipesException(error: unknown, depth = 0): PipesException {
  if (!(error instanceof Error)) {
    return { name: null, message: typeof error === "string" ? error : JSON.stringify(error) ?? String(error), stack: [], cause: null, context: null };
  }
  const stack = (error.stack ?? "").split("\n").slice(1).map((line) => line + "\n");
  return {
    name: error.name,
    message: error.message,
    stack,
    cause: error.cause !== undefined && depth < 8 ? toPipesException(error.cause, depth + 1) : null,
    context: null,
  };
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DagsterPipesError(`${what} must hold a JSON object`);
  return value as Record<string, unknown>;
}

function inactiveData(): PipesContextData {
  return {
    asset_keys: null,
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_key: null,
    partition_key_range: null,
    partition_time_window: null,
    run_id: "",
    job_name: null,
    retry_number: 0,
    extras: {},
  };
}
