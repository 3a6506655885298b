/**
 * Migration bookkeeping shared by both backends: the shape of a migration, and the checks
 * made before applying any (a database newer than this binary is refused, never touched).
 */
import { MigrationError } from "@flyt/core";

/** One numbered SQL migration, as embedded in src/generated/migrations.ts. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Name of the bookkeeping table; each applied migration has one row, inserted first in its transaction. */
export const MIGRATIONS_TABLE = "flyt_migrations";

export function latestMigrationId(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.id), 0);
}

/** @throws MigrationError when the database has a migration this binary does not know. */
export function assertSchemaNotNewer(applied: number, migrations: readonly Migration[], backend: string): void {
  const known = latestMigrationId(migrations);
  if (applied > known) {
    throw new MigrationError(
      `The ${backend} database schema version ${applied} is newer than this Flyt (knows up to ${known}): upgrade Flyt.`,
    );
  }
}
