/**
 * Where the SQL of two backends differs, and nothing else: the core (sql-storage.ts) writes each
 * statement once and asks the dialect for these pieces. A new backend implements this interface
 * and the few hot paths it tunes; see docs/architecture.md ("add a storage backend").
 */
import type { Sql } from "./sql.js";

/** A column of `Dialect.tableOf`: its name and type. */
export type TableColumn = readonly [name: string, type: "text" | "int" | "bytes"];

export interface Dialect {
  /** The database clock in epoch ms (leases are judged by it, so every process agrees). */
  readonly nowMs: Sql;
  /** Appended to an ORDER BY column so text sorts by bytes, as on every backend. */
  readonly byteOrder: Sql;
  /** Appended to the fence's lease read inside a write's transaction (a row lock where there are row locks). */
  readonly lockForShare: Sql;
  /**
   * Appended to a read inside a write's transaction that other writers of the same rows must wait
   * for (a row lock where there are row locks; SQLite's BEGIN IMMEDIATE already serializes writes).
   */
  readonly lockForUpdate: Sql;
  greatest(a: Sql, b: Sql): Sql;
  least(a: Sql, b: Sql): Sql;
  /** `column` is one of `values` (a fixed text whatever the list's length, so statements stay cached). */
  inList(column: string, values: readonly string[]): Sql;
  /** `column` (an integer column) is one of `values`, with a fixed text as `inList`. */
  inIntList(column: string, values: readonly number[]): Sql;
  /**
   * `rows` as a FROM item named `alias` with these typed columns, in one parameter per column or
   * one in all (a fixed text whatever the count, so multi-row writes stay one cached statement).
   * Bytes are Buffers or Uint8Arrays.
   */
  tableOf(alias: string, columns: readonly TableColumn[], rows: readonly (readonly unknown[])[]): Sql;
  /** A JSON value as a parameter, typed as the backend's JSON column needs. */
  json(value: unknown): Sql;
  /**
   * `column` in a condition the planner must not drive an index with. SQLite plans without
   * statistics and would scan a primary key prefix (every partition of every asset listed) rather
   * than a selective range on another index; PostgreSQL weighs both with statistics: as is.
   */
  unindexed(column: string): string;
  /** A text expression holding JSON (a `tableOf` column), typed as the backend's JSON column needs. */
  jsonOf(text: Sql): Sql;
  /** The driver error is a unique violation of `constraint` (an index or constraint name). */
  isUniqueViolation(error: unknown, constraint: string): boolean;
}
