/**
 * Pipes metadata (`{ raw_value, type }` per label) → Flyt's typed metadata. Each entry is
 * converted on its own: a bad entry is dropped and described, the others are kept, so one
 * mistake in a child does not lose a whole materialization.
 */
import { inferMetadataValue, MetadataValueSchema, type MetadataValue, type TableColumn } from "@flyt/core";
import { PIPES_METADATA_TYPES, type PipesMetadataType } from "./protocol.js";

export interface ConvertedMetadata {
  metadata: Record<string, MetadataValue>;
  /** One line per dropped entry: label and reason. */
  problems: string[];
}

const TYPES = new Set<string>(PIPES_METADATA_TYPES);

/** Converts a `metadata` param (null/undefined → empty). */
export function convertPipesMetadata(input: unknown): ConvertedMetadata {
  const metadata: Record<string, MetadataValue> = {};
  const problems: string[] = [];
  if (input === null || input === undefined) return { metadata, problems };
  if (typeof input !== "object" || Array.isArray(input)) {
    return { metadata, problems: [`metadata must be an object of label → {raw_value, type}, got ${Array.isArray(input) ? "an array" : typeof input}`] };
  }
  for (const [label, entry] of Object.entries(input as Record<string, unknown>)) {
    try {
      metadata[label] = convertEntry(entry);
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message}`);
    }
  }
  return { metadata, problems };
}

function convertEntry(entry: unknown): MetadataValue {
  // Clients normalise plain values to `__infer__`; a bare value from a hand-written client is inferred too.
  if (typeof entry !== "object" || entry === null || Array.isArray(entry) || !("type" in entry) || !("raw_value" in entry)) {
    return checked(inferMetadataValue(entry));
  }
  const { type, raw_value: raw } = entry;
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new TypeError(`unknown metadata type ${JSON.stringify(type)} (expected one of ${PIPES_METADATA_TYPES.join(", ")})`);
  }
  return checked(fromTyped(type as PipesMetadataType, raw));
}

function fromTyped(type: PipesMetadataType, raw: unknown): MetadataValue {
  switch (type) {
    case "__infer__":
      return inferMetadataValue(raw);
    case "text":
    case "dagster_run":
    case "asset":
      return { type: "text", value: str(type, raw) };
    case "url":
      return { type: "url", value: str(type, raw) };
    case "path":
    case "notebook":
      return { type: "path", value: str(type, raw) };
    case "md":
      return { type: "markdown", value: str(type, raw) };
    case "json":
    case "table_column_lineage":
      return { type: "json", value: raw };
    case "int":
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw new TypeError(`int needs an integer, got ${JSON.stringify(raw)}`);
      return { type: "int", value: raw };
    case "float":
      if (typeof raw !== "number") throw new TypeError(`float needs a number, got ${JSON.stringify(raw)}`);
      return { type: "float", value: raw };
    case "bool":
      if (typeof raw !== "boolean") throw new TypeError(`bool needs true or false, got ${JSON.stringify(raw)}`);
      return { type: "bool", value: raw };
    case "timestamp":
      if (typeof raw !== "number" || !Number.isFinite(raw)) throw new TypeError(`timestamp needs seconds since the epoch, got ${JSON.stringify(raw)}`);
      return { type: "timestamp", value: raw };
    case "null":
      return { type: "null", value: null };
    case "table_schema": {
      const value = obj(type, raw);
      return { type: "table_schema", value: { columns: columns(type, value.columns) } };
    }
    case "table": {
      const value = obj(type, raw);
      if (!Array.isArray(value.records)) throw new TypeError("table needs `records`, an array of objects");
      const rows = value.records.map((record, index) => {
        if (typeof record !== "object" || record === null || Array.isArray(record)) throw new TypeError(`table record ${index} is not an object`);
        return record as Record<string, unknown>;
      });
      return { type: "table", value: { columns: columns(type, value.schema), rows } };
    }
  }
}

function checked(value: MetadataValue): MetadataValue {
  const parsed = MetadataValueSchema.safeParse(value);
  if (!parsed.success) throw new TypeError(`not a valid ${value.type} value: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  if ((value.type === "float" || value.type === "int") && !Number.isFinite(value.value)) {
    throw new TypeError(`${value.type} must be finite`);
  }
  return value;
}

function str(type: string, raw: unknown): string {
  if (typeof raw !== "string") throw new TypeError(`${type} needs a string, got ${JSON.stringify(raw)}`);
  return raw;
}

function obj(type: string, raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new TypeError(`${type} needs an object, got ${JSON.stringify(raw)}`);
  return raw as Record<string, unknown>;
}

function columns(type: string, raw: unknown): TableColumn[] {
  if (!Array.isArray(raw)) throw new TypeError(`${type} needs an array of columns ({name, type})`);
  return raw.map((column, index) => {
    const c = column as { name?: unknown; type?: unknown; description?: unknown } | null;
    if (typeof c?.name !== "string" || c.name === "" || typeof c.type !== "string" || c.type === "") {
      throw new TypeError(`${type} column ${index} needs a non-empty name and type`);
    }
    const out: TableColumn = { name: c.name, type: c.type };
    if (typeof c.description === "string") out.description = c.description;
    return out;
  });
}
