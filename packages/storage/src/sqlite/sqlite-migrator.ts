/**
 * Applies the numbered SQLite migrations. Each migration runs in its own `BEGIN IMMEDIATE`
 * transaction (the write lock is taken up front, and `busy_timeout` makes a racing process wait
 * for it) and first inserts its own row into flyt_migrations: a process that finds the row already
 * there rolls back and moves on, so two processes migrating at once apply each migration once.
 */
import type Database from "better-sqlite3";
import { MigrationError } from "@flyt/core";
import { SQLITE_MIGRATIONS } from "../generated/migrations.js";
import { MIGRATIONS_TABLE, assertSchemaNotNewer, type Migration } from "../shared/migrations.js";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

export function sqliteSchemaVersion(db: Database.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
  if (exists === undefined) return 0;
  const row = db.prepare(`SELECT COALESCE(MAX(id), 0) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number };
  return row.v;
}

/** @returns the ids of the migrations this call applied (empty when another process did them). */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number[] {
  const applied: number[] = [];
  const current = sqliteSchemaVersion(db);
  assertSchemaNotNewer(current, migrations, "SQLite");
  // Nothing to do: take no write lock (a read-only database, a reader next to a busy writer).
  if (current >= (migrations.at(-1)?.id ?? 0)) return applied;
  for (const migration of migrations) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(CREATE_TABLE);
      const version = (db.prepare(`SELECT COALESCE(MAX(id), 0) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number }).v;
      assertSchemaNotNewer(version, migrations, "SQLite");
      const claimed = db
        .prepare(`INSERT INTO ${MIGRATIONS_TABLE} (id, name, applied_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`)
        .run(migration.id, migration.name, Date.now());
      if (claimed.changes === 0) {
        db.exec("ROLLBACK");
        continue;
      }
      db.exec(migration.sql);
      db.exec("COMMIT");
      applied.push(migration.id);
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(`SQLite migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return applied;
}
