/**
 * Where the SQL of two backends differs, and nothing else: the core (sql-storage.ts) writes each
 * statement once and asks the dialect for these pieces. A new backend implements this interface
 * and the few hot paths it tunes; see docs/architecture.md ("add a storage backend").
 */
import type { Sql } from "./sql.js";

export interface Dialect {
  /** The database clock in epoch ms (leases are judged by it, so every process agrees). */
  readonly nowMs: Sql;
  /** Appended to an ORDER BY column so text sorts by bytes, as on every backend. */
  readonly byteOrder: Sql;
  /** Appended to the fence's lease read inside a write's transaction (a row lock where there are row locks). */
  readonly lockForShare: Sql;
  greatest(a: Sql, b: Sql): Sql;
  least(a: Sql, b: Sql): Sql;
  /** `column` is one of `values` (a fixed text whatever the list's length, so statements stay cached). */
  inList(column: string, values: readonly string[]): Sql;
  /** A JSON value as a parameter, typed as the backend's JSON column needs. */
  json(value: unknown): Sql;
  /** The driver error is a unique violation of `constraint` (an index or constraint name). */
  isUniqueViolation(error: unknown, constraint: string): boolean;
}
