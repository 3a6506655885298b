/**
 * The Dagster Pipes wire protocol, version 0.1, as Flyt speaks it: the bootstrap environment
 * variables, how their params are encoded, the context data handed to the process, and the
 * message envelope it writes back. docs/protocol/pipes.md describes the same thing in prose.
 */
import { deflateSync, inflateSync } from "node:zlib";

export const PIPES_PROTOCOL_VERSION = "0.1";
export const PIPES_VERSION_FIELD = "__dagster_pipes_version";
export const CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT";
export const MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES";

export const PIPES_METHODS = [
  "opened",
  "closed",
  "log",
  "report_asset_materialization",
  "report_asset_check",
  "report_custom_message",
  "log_external_stream",
] as const;
export type PipesMethod = (typeof PIPES_METHODS)[number];

/** Every metadata type a Pipes client may name (`type` of `{ raw_value, type }`). */
export const PIPES_METADATA_TYPES = [
  "__infer__",
  "text",
  "url",
  "path",
  "notebook",
  "json",
  "md",
  "float",
  "int",
  "bool",
  "dagster_run",
  "asset",
  "null",
  "table",
  "table_schema",
  "table_column_lineage",
  "timestamp",
] as const;
export type PipesMetadataType = (typeof PIPES_METADATA_TYPES)[number];

export interface PipesPartitionKeyRange {
  start: string;
  end: string;
}

/** ISO 8601 timestamps. */
export interface PipesTimeWindow {
  start: string;
  end: string;
}

export interface PipesDataProvenance {
  code_version: string;
  input_data_versions: Record<string, string>;
  is_user_provided: boolean;
}

/** What the process reads from `DAGSTER_PIPES_CONTEXT`. Asset keys are `/`-joined strings. */
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

/** Params of `DAGSTER_PIPES_CONTEXT`. */
export type PipesContextParams = { path: string } | { data: PipesContextData };
/** Params of `DAGSTER_PIPES_MESSAGES`. */
export type PipesMessagesParams = { path: string } | { stdio: "stderr" | "stdout" };

export interface PipesMessage {
  [PIPES_VERSION_FIELD]: string;
  method: string;
  params: Record<string, unknown> | null;
}

/** `base64(zlib(JSON))`, the encoding of both bootstrap variables. */
export function encodeParam(value: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(value), "utf8")).toString("base64");
}

/** The inverse of `encodeParam`; throws a TypeError naming the step that failed. */
export function decodeParam(encoded: string): unknown {
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.from(encoded, "base64"));
  } catch (error) {
    throw new TypeError(`Pipes param is not base64 of zlib-compressed data: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(inflated.toString("utf8")) as unknown;
  } catch (error) {
    throw new TypeError(`Pipes param does not decompress to JSON: ${(error as Error).message}`, { cause: error });
  }
}
