/**
 * @flyt/storage: runs, the event log, the asset index (with data versions and provenance),
 * partitions, backfills, the automation loop's state, instigator state and ticks, and leases,
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
export { automationSwitchId, instigatorId, setInstigatorStatus } from "./instigators.js";
export {
  DEFAULT_MATERIALIZATIONS_SINCE_LIMIT,
  MAX_ASSET_DEFINITIONS_PER_CALL,
  MAX_AUTOMATION_CURSOR_BYTES,
  MAX_DEPS_PER_ASSET,
  MAX_EVALUATION_BYTES,
  MAX_EVALUATIONS_PER_TICK,
  MAX_MATERIALIZATIONS_SINCE_LIMIT,
  MAX_PLANNED_RUNS_PER_TICK,
} from "./shared/automation.js";
export { derivedDataVersion } from "./core/provenance.js";
export { migrateSqlite, sqliteSchemaVersion } from "./sqlite/sqlite-migrator.js";
export { migratePostgres, postgresSchemaVersion } from "./postgres/postgres-migrator.js";
export { dumpSqliteSchema } from "./sqlite/sqlite-schema.js";
export { dumpPostgresSchema } from "./postgres/postgres-schema.js";
export { SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS } from "./generated/migrations.js";
export type { Migration } from "./shared/migrations.js";
export { Backoff, retryWhileUnavailable, RETRY_MIN_DELAY_MS, RETRY_MAX_DELAY_MS, type RetryWhileUnavailableOptions } from "./retry.js";
