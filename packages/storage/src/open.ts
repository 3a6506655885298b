/**
 * Choosing and opening a backend from configuration: a `postgres://` / `postgresql://` URL selects
 * PostgreSQL, anything unset selects SQLite at `sqlitePath`. Migrations are applied on open.
 */
import { InvalidConfigError } from "@flyt/core";
import { PostgresStorage } from "./postgres/postgres-storage.js";
import { maskDatabaseUrl, isPostgresUrl } from "./shared/url.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";

export interface OpenStorageOptions {
  /** `FLYT_DATABASE_URL`: a PostgreSQL URL, or null/undefined/"" for SQLite. */
  databaseUrl?: string | null;
  /** The SQLite file used when there is no database URL (e.g. `.flyt/flyt.db`); its directory is created. */
  sqlitePath: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/**
 * Opens the configured storage and applies pending migrations.
 * @throws InvalidConfigError for a URL that is not PostgreSQL (the message masks the password).
 * @throws MigrationError when the database schema is newer than this Flyt.
 * @throws StorageError when the database cannot be reached or opened.
 */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const url = options.databaseUrl?.trim();
  if (url) {
    if (!isPostgresUrl(url)) {
      throw new InvalidConfigError(
        "FLYT_DATABASE_URL",
        `${JSON.stringify(maskDatabaseUrl(url))} is not a PostgreSQL URL: use postgres://user:password@host:5432/database, or unset it to use SQLite`,
      );
    }
    return PostgresStorage.open(url, options.poolSize === undefined ? {} : { max: options.poolSize });
  }
  if (typeof options.sqlitePath !== "string" || options.sqlitePath.trim() === "") {
    throw new InvalidConfigError("storage options", "sqlitePath must be a file path when no database URL is given");
  }
  return SqliteStorage.open(options.sqlitePath);
}
