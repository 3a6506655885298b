/**
 * Choosing and opening a backend from configuration: a database URL selects the backend whose
 * schemes include the URL's (`postgres://` / `postgresql://`: PostgreSQL), no URL selects SQLite
 * at `sqlitePath`. Migrations are applied on open. A new backend adds one line to URL_BACKENDS;
 * configuration asks `databaseUrlProblem` whether a URL is one of them, so it needs no edit.
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
  /** The URL schemes it opens, without `://`, in lowercase (a URL's scheme is compared without case). */
  schemes: readonly string[];
  /** A URL it accepts, for the message that refuses one no backend accepts. */
  example: string;
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

/** The backend whose schemes include the URL's, or undefined. */
function backendFor(url: string): UrlBackend | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined ? undefined : URL_BACKENDS.find((b) => b.schemes.includes(scheme));
}

/**
 * Why no backend opens `url` — naming the schemes the registry accepts, the password masked — or
 * null when one does. Configuration refuses such a URL with it before anything connects.
 */
export function databaseUrlProblem(url: string): string | null {
  if (backendFor(url.trim()) !== undefined) return null;
  const accepted = URL_BACKENDS.map((b) => `${b.schemes.map((scheme) => `${scheme}://`).join(" or ")} (${b.name}, e.g. ${b.example})`).join("; ");
  return `${JSON.stringify(maskDatabaseUrl(url.trim()))} is not a URL Flyt can open: expected ${accepted}; or unset it to use SQLite`;
}

/**
 * Opens the configured storage and applies pending migrations.
 * @throws InvalidConfigError for a URL no backend opens (the message masks the password).
 * @throws MigrationError when the database schema is newer than this Flyt.
 * @throws StorageError when the database cannot be reached or opened.
 */
export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const url = options.databaseUrl?.trim();
  if (url) {
    const backend = backendFor(url);
    if (backend === undefined) throw new InvalidConfigError("FLYT_DATABASE_URL", databaseUrlProblem(url) ?? url);
    return backend.open(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  if (typeof options.sqlitePath !== "string" || options.sqlitePath.trim() === "") {
    throw new InvalidConfigError("storage options", "sqlitePath must be a file path when no database URL is given");
  }
  return SqliteStorage.open(options.sqlitePath);
}
