/** SQLite's pieces of the core's SQL (core/dialect.ts). */
import type { Dialect, TableColumn } from "../core/dialect.js";
import { raw, sql, type Sql } from "../core/sql.js";

export const SQLITE_DIALECT: Dialect = {
  // The host clock: every process sharing a SQLite file is on this host, so they agree.
  nowMs: raw("CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"),
  // SQLite's default collation (BINARY) already sorts by bytes.
  byteOrder: raw(""),
  // BEGIN IMMEDIATE holds the write lock: a takeover (also a write) waits for the transaction.
  lockForShare: raw(""),
  lockForUpdate: raw(""),
  greatest: (a: Sql, b: Sql) => sql`MAX(${a}, ${b})`,
  least: (a: Sql, b: Sql) => sql`MIN(${a}, ${b})`,
  inList: (column: string, values: readonly string[]) => sql`${raw(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  inIntList: (column: string, values: readonly number[]) => sql`${raw(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  // One JSON parameter: an array of rows, bytes as hex (unhex gives the blob back).
  tableOf: (alias: string, columns: readonly TableColumn[], rows: readonly (readonly unknown[])[]) => {
    const select = columns
      .map(([name, type], i) => (type === "bytes" ? `unhex(json_extract(value, '$[${i}]')) AS ${name}` : `json_extract(value, '$[${i}]') AS ${name}`))
      .join(", ");
    const values = rows.map((row) => row.map((v, i) => (columns[i]![1] === "bytes" ? Buffer.from(v as Uint8Array).toString("hex") : v)));
    return sql`(SELECT ${raw(select)} FROM json_each(${JSON.stringify(values)})) AS ${raw(alias)}`;
  },
  json: (value: unknown) => sql`${JSON.stringify(value)}`,
  // A unary plus makes the term unusable for an index (SQLite's documented way to steer the planner).
  unindexed: (column: string) => `+${column}`,
  // JSON columns are TEXT.
  jsonOf: (text: Sql) => text,
  // SQLite names the columns, not the index: "UNIQUE constraint failed: api_tokens.name".
  isUniqueViolation: (error: unknown, constraint: string) => {
    const { code, message } = error as { code?: string; message?: string };
    if (code !== "SQLITE_CONSTRAINT_UNIQUE") return false;
    const columns: Record<string, string> = { api_tokens_live_name: "api_tokens.name", backfills_backfill_id_key: "backfills.backfill_id" };
    return typeof message === "string" && message.includes(columns[constraint] ?? constraint);
  },
};
