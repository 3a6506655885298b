/**
 * Metadata as users write it (typed via `meta.*` or plain values) turned into the typed
 * metadata the event log stores. Runs in the user's process, so a bad value fails the step
 * with a message naming the label instead of being rejected later by the platform.
 */
import {
  EVENT_LIMITS,
  FlytError,
  inferMetadataValue,
  MAX_TABLE_PREVIEW_ROWS,
  MetadataValueSchema,
  type MetadataValue,
  type TableColumn,
} from "@flyt/core";

/**
 * Thrown when a metadata value cannot be stored; `label` names the entry at fault.
 * @example
 * try { normalizeMetadata({ rows: Number.NaN }); }
 * catch (error) { if (error instanceof InvalidMetadataError) console.error(error.label); } // "rows"
 */
export class InvalidMetadataError extends FlytError {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    // No dedicated code exists in core yet; metadata is part of what an asset definition produces.
    super("INVALID_DEFINITIONS", `Invalid metadata ${JSON.stringify(label)}: ${reason}`);
  }
}

const METADATA_TYPES = new Set<string>(MetadataValueSchema.options.map((o) => o.shape.type.value));

/** The typed-value shape `{ type, value }` with a known type and no other fields. */
function looksTyped(value: unknown): value is { type: string; value: unknown } {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Date) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes("type") && keys.includes("value") && METADATA_TYPES.has((value as { type: unknown }).type as string);
}

function jsonProblem(value: unknown): string | null {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") throw new TypeError("a bigint cannot be stored as JSON");
      if (typeof v === "function") throw new TypeError("a function cannot be stored as JSON");
      if (typeof v === "number" && !Number.isFinite(v)) throw new TypeError(`${String(v)} cannot be stored as JSON`);
      return v;
    });
    return text === undefined ? "is not JSON-serialisable" : null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^Converting circular structure to JSON[\s\S]*/, "contains a circular reference") : "is not JSON-serialisable";
  }
}

/** Validates one typed value; returns it (tables cut to the preview size) and a note when cut. */
function checkTyped(label: string, value: unknown): { value: MetadataValue; note: MetadataValue | null } {
  const parsed = MetadataValueSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new InvalidMetadataError(label, `${where}${issue?.message ?? "invalid value"}`);
  }
  const typed = parsed.data;
  if ((typed.type === "float" || typed.type === "int" || typed.type === "timestamp") && !Number.isFinite(typed.value)) {
    throw new InvalidMetadataError(label, `${typed.type} must be a finite number, got ${typed.value}`);
  }
  if (typed.type === "json" || typed.type === "table") {
    const problem = jsonProblem(typed.value);
    if (problem) throw new InvalidMetadataError(label, problem);
  }
  if (typed.type === "table" && typed.value.rows.length > MAX_TABLE_PREVIEW_ROWS) {
    const total = typed.value.rows.length;
    return {
      value: { type: "table", value: { columns: typed.value.columns, rows: typed.value.rows.slice(0, MAX_TABLE_PREVIEW_ROWS) } },
      note: { type: "text", value: `preview cut to the first ${MAX_TABLE_PREVIEW_ROWS} of ${total} rows` },
    };
  }
  return { value: typed, note: null };
}

/**
 * Suffix of the extra label recording that a table preview was cut.
 * @example
 * normalizeMetadata({ sample: meta.table(cols, manyRows) })[`sample${PREVIEW_NOTE_SUFFIX}`]; // "preview cut to the first 50 of 1234 rows"
 */
export const PREVIEW_NOTE_SUFFIX = " (preview)";

/**
 * Normalises user metadata into typed metadata. Typed values (`meta.int(3)`, or `{ type, value }`
 * objects from Pipes) are validated; plain values are inferred (integer → int, string → text,
 * Date → timestamp, objects → json). A table longer than MAX_TABLE_PREVIEW_ROWS keeps its first
 * rows and gains a `"<label> (preview)"` text entry saying how many rows there were.
 * @throws InvalidMetadataError naming the label of a value that cannot be stored.
 * @example
 * normalizeMetadata({ rows: 120, source: "https://data.ssb.no", schema: meta.tableSchema([{ name: "year", type: "int" }]) });
 * // { rows: { type: "int", value: 120 }, source: { type: "text", value: "https://data.ssb.no" }, schema: { type: "table_schema", … } }
 */
export function normalizeMetadata(input: Record<string, unknown>): Record<string, MetadataValue> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidMetadataError("(metadata)", `metadata must be an object of label → value, got ${Array.isArray(input) ? "an array" : typeof input}`);
  }
  const out: Record<string, MetadataValue> = {};
  for (const [label, raw] of Object.entries(input)) {
    if (label.trim() === "") throw new InvalidMetadataError(label, "labels must not be empty");
    if (raw === undefined) continue;
    if (typeof raw === "function" || typeof raw === "symbol") throw new InvalidMetadataError(label, `a ${typeof raw} cannot be stored as metadata`);
    if (raw instanceof Date && Number.isNaN(raw.getTime())) throw new InvalidMetadataError(label, "the Date is invalid");
    if (typeof raw === "bigint" && !Number.isSafeInteger(Number(raw))) throw new InvalidMetadataError(label, "the bigint is too large for an int");
    const candidate = looksTyped(raw) ? raw : inferMetadataValue(raw);
    const { value, note } = checkTyped(label, candidate);
    out[label] = value;
    if (note) out[`${label}${PREVIEW_NOTE_SUFFIX}`] = note;
  }
  // The platform stores metadata in the event log and the asset index: a blob belongs elsewhere.
  const size = Buffer.byteLength(JSON.stringify(out), "utf8");
  if (size > EVENT_LIMITS.metadataBytes) {
    const largest = Object.entries(out)
      .map(([label, value]) => [label, Buffer.byteLength(JSON.stringify(value), "utf8")] as const)
      .sort((a, b) => b[1] - a[1])[0];
    throw new InvalidMetadataError(
      largest?.[0] ?? "(metadata)",
      `metadata of ${size} bytes is over the limit of ${EVENT_LIMITS.metadataBytes / 1024} KiB per event (the largest entry is ${largest?.[1] ?? 0} bytes); store large data elsewhere and attach its path or URL`,
    );
  }
  return out;
}

function finite(kind: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new InvalidMetadataError(`meta.${kind}`, `expected a finite number, got ${String(value)}`);
  return value;
}

function text(kind: string, value: string): string {
  if (typeof value !== "string") throw new InvalidMetadataError(`meta.${kind}`, `expected a string, got ${typeof value}`);
  return value;
}

function columns(kind: string, cols: TableColumn[]): TableColumn[] {
  if (!Array.isArray(cols)) throw new InvalidMetadataError(`meta.${kind}`, "columns must be an array of { name, type }");
  cols.forEach((c, i) => {
    if (typeof c?.name !== "string" || c.name === "" || typeof c.type !== "string" || c.type === "") {
      throw new InvalidMetadataError(`meta.${kind}`, `columns[${i}] needs a non-empty name and type`);
    }
  });
  return cols.map((c) => (c.description === undefined ? { name: c.name, type: c.type } : { name: c.name, type: c.type, description: c.description }));
}

/**
 * Typed metadata constructors, for when inference would pick the wrong type.
 * @example
 * return {
 *   rows: meta.int(rows.length),
 *   source: meta.url("https://data.ssb.no/api/v0/no/table/08764"),
 *   schema: meta.tableSchema([{ name: "year", type: "int" }, { name: "value", type: "float" }]),
 *   preview: meta.table([{ name: "year", type: "int" }], rows.slice(0, 10)),
 * };
 */
export const meta = Object.freeze({
  int(value: number): MetadataValue {
    if (!Number.isSafeInteger(value)) throw new InvalidMetadataError("meta.int", `expected a safe integer, got ${String(value)}`);
    return { type: "int", value };
  },
  float: (value: number): MetadataValue => ({ type: "float", value: finite("float", value) }),
  bool(value: boolean): MetadataValue {
    if (typeof value !== "boolean") throw new InvalidMetadataError("meta.bool", `expected a boolean, got ${typeof value}`);
    return { type: "bool", value };
  },
  text: (value: string): MetadataValue => ({ type: "text", value: text("text", value) }),
  markdown: (value: string): MetadataValue => ({ type: "markdown", value: text("markdown", value) }),
  url: (value: string): MetadataValue => ({ type: "url", value: text("url", value) }),
  path: (value: string): MetadataValue => ({ type: "path", value: text("path", value) }),
  json(value: unknown): MetadataValue {
    const problem = jsonProblem(value);
    if (problem) throw new InvalidMetadataError("meta.json", problem);
    return { type: "json", value };
  },
  /** A Date or epoch milliseconds; stored as epoch seconds like Dagster. */
  timestamp(value: Date | number): MetadataValue {
    const ms = value instanceof Date ? value.getTime() : value;
    return { type: "timestamp", value: finite("timestamp", ms) / 1000 };
  },
  tableSchema: (cols: TableColumn[]): MetadataValue => ({ type: "table_schema", value: { columns: columns("tableSchema", cols) } }),
  table(cols: TableColumn[], rows: Record<string, unknown>[]): MetadataValue {
    if (!Array.isArray(rows)) throw new InvalidMetadataError("meta.table", "rows must be an array of objects");
    const problem = jsonProblem(rows);
    if (problem) throw new InvalidMetadataError("meta.table", problem);
    return { type: "table", value: { columns: columns("table", cols), rows } };
  },
});
