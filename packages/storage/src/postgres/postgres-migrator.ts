/**
 * Applies the numbered PostgreSQL migrations. The whole run holds a session advisory lock (with a
 * lock timeout), and each migration runs in its own transaction that first inserts its own row
 * into flyt_migrations: even without the lock, two processes could not both apply one migration.
 */
import type pg from "pg";
import { MigrationError } from "@flyt/core";
import { POSTGRES_MIGRATIONS } from "../generated/migrations.js";
import { MIGRATIONS_TABLE, assertSchemaNotNewer, type Migration } from "../shared/migrations.js";

/** Arbitrary constant naming Flyt's migration lock among other advisory locks on the server. */
export const MIGRATION_LOCK_KEY = 0x466c7974; // "Flyt"
const LOCK_TIMEOUT = "60s";

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export async function postgresSchemaVersion(client: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [MIGRATIONS_TABLE]);
  if (exists.rows[0]?.t == null) return 0;
  const result = await client.query<{ v: number }>(`SELECT COALESCE(MAX(id), 0)::int AS v FROM ${MIGRATIONS_TABLE}`);
  return result.rows[0]?.v ?? 0;
}

/** @returns the ids of the migrations this call applied (empty when another process did them). */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  let locked = false;
  try {
    await client.query(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    } catch (error) {
      throw new MigrationError(
        `Could not take the migration lock (pg_advisory_lock ${MIGRATION_LOCK_KEY}, waited up to ${LOCK_TIMEOUT}): ` +
          `${(error as Error).message}. Another Flyt process may be migrating or hung while migrating.`,
        { cause: error },
      );
    }
    locked = true;
    await client.query("RESET lock_timeout");
    assertSchemaNotNewer(await postgresSchemaVersion(client), migrations, "PostgreSQL");
    await client.query(CREATE_TABLE);
    for (const migration of migrations) {
      await client.query("BEGIN");
      try {
        // The transaction-level lock keeps the guarantee even for a caller that skipped the session lock.
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY + 1]);
        const claimed = await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (id, name, applied_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
          [migration.id, migration.name, Date.now()],
        );
        if (claimed.rowCount === 0) {
          await client.query("ROLLBACK");
          continue;
        }
        await client.query(migration.sql);
        await client.query("COMMIT");
        applied.push(migration.id);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw new MigrationError(`PostgreSQL migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return applied;
  } finally {
    if (locked) await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}
