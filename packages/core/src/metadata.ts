/**
 * Typed metadata values attached to materializations, observations and check results.
 * The set mirrors Dagster's metadata types so that Pipes clients map one to one.
 */
import { z } from "zod";

export const TableColumnSchema = z.object({
  name: z.string().min(1),
  type: z.string().min(1),
  description: z.string().optional(),
});
export type TableColumn = z.infer<typeof TableColumnSchema>;

export const MetadataValueSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("int"), value: z.number().int() }),
  z.object({ type: z.literal("float"), value: z.number() }),
  z.object({ type: z.literal("bool"), value: z.boolean() }),
  z.object({ type: z.literal("text"), value: z.string() }),
  z.object({ type: z.literal("markdown"), value: z.string() }),
  z.object({ type: z.literal("url"), value: z.string() }),
  z.object({ type: z.literal("path"), value: z.string() }),
  z.object({ type: z.literal("json"), value: z.unknown() }),
  /** Seconds since the Unix epoch, as Dagster stores timestamps. */
  z.object({ type: z.literal("timestamp"), value: z.number() }),
  z.object({ type: z.literal("table_schema"), value: z.object({ columns: z.array(TableColumnSchema) }) }),
  /** A preview of rows: bounded by the producer (see MAX_TABLE_PREVIEW_ROWS). */
  z.object({
    type: z.literal("table"),
    value: z.object({
      columns: z.array(TableColumnSchema),
      rows: z.array(z.record(z.unknown())),
    }),
  }),
  z.object({ type: z.literal("null"), value: z.null() }),
]);
export type MetadataValue = z.infer<typeof MetadataValueSchema>;
export type MetadataType = MetadataValue["type"];

/** Metadata as stored: label → typed value. */
export type Metadata = Record<string, MetadataValue>;
export const MetadataSchema = z.record(MetadataValueSchema);

/** Rows kept in a table preview; more are cut and the cut is recorded. */
export const MAX_TABLE_PREVIEW_ROWS = 50;

/**
 * Turns a plain JS value into a typed metadata value, the way `__infer__` works in Pipes:
 * integers → int, other numbers → float, strings → text, booleans → bool, null → null,
 * Date → timestamp, anything else → json.
 */
export function inferMetadataValue(value: unknown): MetadataValue {
  if (value === null || value === undefined) return { type: "null", value: null };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { type: "int", value } : { type: "float", value };
  }
  if (typeof value === "bigint") return { type: "int", value: Number(value) };
  if (typeof value === "string") return { type: "text", value };
  if (typeof value === "boolean") return { type: "bool", value };
  if (value instanceof Date) return { type: "timestamp", value: value.getTime() / 1000 };
  return { type: "json", value };
}
