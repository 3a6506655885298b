/**
 * Choosing and opening a backend from configuration: a database URL selects the backend that
 * accepts it (`postgres://` / `postgresql://`: PostgreSQL), no URL selects SQLite at `sqlitePath`.
 * Migrations are applied on open. A new backend adds one line to URL_BACKENDS.
 */
import { InvalidConfigError } from "@flyt/core";
import { POSTGRES_BACKEND } from "./postgres/postgres-backend.js";
import { maskDatabaseUrl } from "./shared/url.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import type { Storage } from "./storage.js";

/** A backend selected by a database URL. */
export interface UrlBackend {
  /** For messages: "PostgreSQL". */
  name: string;
  /** A URL it accepts, for the message that refuses one no backend accepts. */
  example: string;
  accepts(url: string): boolean;
  open(url: string, options: { poolSize?: number }): Promise<Storage>;
}

export const URL_BACKENDS: readonly UrlBackend[] = [POSTGRES_BACKEND];

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
    const backend = URL_BACKENDS.find((b) => b.accepts(url));
    if (backend === undefined) {
      const names = URL_BACKENDS.map((b) => b.name).join(" or ");
      const examples = URL_BACKENDS.map((b) => b.example).join(", ");
      throw new InvalidConfigError("FLYT_DATABASE_URL", `${JSON.stringify(maskDatabaseUrl(url))} is not a ${names} URL: use ${examples}, or unset it to use SQLite`);
    }
    return backend.open(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  if (typeof options.sqlitePath !== "string" || options.sqlitePath.trim() === "") {
    throw new InvalidConfigError("storage options", "sqlitePath must be a file path when no database URL is given");
  }
  return SqliteStorage.open(options.sqlitePath);
}
