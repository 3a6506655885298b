/** PostgreSQL's pieces of the core's SQL (core/dialect.ts). */
import type { Dialect, TableColumn } from "../core/dialect.js";
import { joinSql, raw, sql, type Sql } from "../core/sql.js";

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = "23505";

/** JSONB rejects the NUL character; captured output can contain it, so it becomes U+FFFD. */
export function toJsonb(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes("\\u0000") ? text.replaceAll("\\u0000", "\\ufffd") : text;
}

export const POSTGRES_DIALECT: Dialect = {
  // The server's clock, not the processes': daemon replicas on different hosts may drift.
  nowMs: raw("(extract(epoch from clock_timestamp()) * 1000)::bigint"),
  // Sort by bytes whatever the database's locale, as SQLite does.
  byteOrder: raw(' COLLATE "C"'),
  // A takeover updates the lease row: it waits for a fenced write's transaction, or makes it fail.
  lockForShare: raw(" FOR SHARE"),
  lockForUpdate: raw(" FOR UPDATE"),
  greatest: (a: Sql, b: Sql) => sql`GREATEST(${a}, ${b})`,
  least: (a: Sql, b: Sql) => sql`LEAST(${a}, ${b})`,
  inList: (column: string, values: readonly string[]) => sql`${raw(column)} = ANY(${[...values]}::text[])`,
  inIntList: (column: string, values: readonly number[]) => sql`${raw(column)} = ANY(${[...values]}::bigint[])`,
  // One array parameter per column, unnested together.
  tableOf: (alias: string, columns: readonly TableColumn[], rows: readonly (readonly unknown[])[]) => {
    const types = { text: "text[]", int: "bigint[]", bytes: "bytea[]" } as const;
    const arrays = columns.map(([, type], i) => {
      const values = rows.map((row) => row[i]);
      return sql`${type === "bytes" ? values.map((v) => Buffer.from(v as Uint8Array)) : values}::${raw(types[type])}`;
    });
    return sql`unnest(${joinSql(arrays, ", ")}) AS ${raw(alias)}(${raw(columns.map(([name]) => name).join(", "))})`;
  },
  json: (value: unknown) => sql`${toJsonb(value)}::jsonb`,
  unindexed: (column: string) => column,
  jsonOf: (text: Sql) => sql`(${text})::jsonb`,
  isUniqueViolation: (error: unknown, constraint: string) => {
    const { code, constraint: name } = error as { code?: string; constraint?: string };
    return code === UNIQUE_VIOLATION && name === constraint;
  },
};
