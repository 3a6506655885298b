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
export {
  MAX_BACKFILL_REQUEST_BYTES,
  MAX_BACKFILL_PLAN_BYTES,
  MAX_DEFINITIONS_PER_CALL,
  MAX_DYNAMIC_PARTITION_KEYS_PER_CALL,
  MAX_DYNAMIC_PARTITIONS_NAME_LENGTH,
} from "./shared/partitions.js";
export { KEY_SPACE_HORIZON_MS } from "./core/partition-ops.js";
export { instigatorId, setInstigatorStatus } from "./instigators.js";
export { migrateSqlite, sqliteSchemaVersion } from "./sqlite/sqlite-migrator.js";
export { migratePostgres, postgresSchemaVersion } from "./postgres/postgres-migrator.js";
export { dumpSqliteSchema } from "./sqlite/sqlite-schema.js";
export { dumpPostgresSchema } from "./postgres/postgres-schema.js";
export { SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS } from "./generated/migrations.js";
export type { Migration } from "./shared/migrations.js";
export { Backoff, retryWhileUnavailable, RETRY_MIN_DELAY_MS, RETRY_MAX_DELAY_MS, type RetryWhileUnavailableOptions } from "./retry.js";
