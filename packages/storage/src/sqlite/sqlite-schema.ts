/**
 * A stable text dump of a SQLite database's schema (tables, indexes, triggers from sqlite_master),
 * committed as schema/sqlite.sql so that schema changes show up in review.
 */
import type Database from "better-sqlite3";

export function dumpSqliteSchema(db: Database.Database): string {
  const rows = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
       ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name`,
    )
    .all() as { type: string; name: string; sql: string }[];
  const header = "-- GENERATED schema dump of a freshly migrated SQLite database. Run npm run schema:dump -w @flyt/storage.\n";
  return header + rows.map((row) => `${row.sql.trim()};\n`).join("\n");
}
