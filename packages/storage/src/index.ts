/**
 * @flyt/storage: runs, the event log, the asset index, instigator state and ticks, and leases,
 * behind one `Storage` interface with a SQLite and a PostgreSQL backend.
 */
export * from "./storage.js";
export { databaseUrlProblem, openStorage, type OpenStorageOptions } from "./open.js";
export { SqliteStorage, type SqliteStorageOptions } from "./sqlite/sqlite-storage.js";
export { PostgresStorage, type PostgresStorageOptions } from "./postgres/postgres-storage.js";
export { StorageInputError, StorageUnavailableError } from "./errors.js";
export { maskDatabaseUrl } from "./shared/url.js";
export { encodeCursor, decodeCursor } from "./shared/cursor.js";
export { instigatorId, setInstigatorStatus } from "./instigators.js";
export { migrateSqlite, sqliteSchemaVersion } from "./sqlite/sqlite-migrator.js";
export { migratePostgres, postgresSchemaVersion } from "./postgres/postgres-migrator.js";
export { dumpSqliteSchema } from "./sqlite/sqlite-schema.js";
export { dumpPostgresSchema } from "./postgres/postgres-schema.js";
export { SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS } from "./generated/migrations.js";
export type { Migration } from "./shared/migrations.js";
export { Backoff, retryWhileUnavailable, RETRY_MIN_DELAY_MS, RETRY_MAX_DELAY_MS, type RetryWhileUnavailableOptions } from "./retry.js";
