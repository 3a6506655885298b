-- 0008: data versions and provenance in the asset index, asset definitions, and the declarative
-- automation loop's state (SQLite; issue 16, docs/decisions/0022). Released migrations are never edited.

-- What storage knows of each asset to record the provenance of its materializations: its
-- dependencies (a JSON array of printed keys, sorted) and its code version, as the platform last
-- loaded them. `fingerprint` (sha256 of both) lets an unchanged registration write nothing.
CREATE TABLE asset_definitions (
  asset_key TEXT PRIMARY KEY,
  deps TEXT NOT NULL,
  code_version TEXT,
  fingerprint TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Each materialization's data version (the producer's, or derived from its code version and input
-- data versions), whether the producer gave it, and its inputs' data versions when it was stored
-- (a JSON object; NULL when the asset's dependencies were not registered). Rows stored before this
-- migration keep NULL / 0.
ALTER TABLE asset_latest ADD COLUMN data_version TEXT;
ALTER TABLE asset_latest ADD COLUMN data_version_user_provided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_latest ADD COLUMN input_data_versions TEXT;
ALTER TABLE asset_partitions ADD COLUMN data_version TEXT;
ALTER TABLE asset_partitions ADD COLUMN data_version_user_provided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_partitions ADD COLUMN input_data_versions TEXT;
-- getMaterializationsSince: the partitions materialized after the previous automation tick, read
-- without scanning every partition of the asset. (asset_latest needs none: one row per asset.) It
-- costs the append path: an upsert that changes an indexed column cannot be a HOT update.
CREATE INDEX asset_partitions_timestamp ON asset_partitions (timestamp);

-- The automation loop's cursor (opaque to storage): one row, replaced by every recorded tick.
CREATE TABLE automation_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL,
  tick_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Every stored evaluation of an asset in a tick (the whole AutomationAssetEvaluation as JSON),
-- paged per asset newest first by id.
CREATE TABLE automation_evaluations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tick_id INTEGER NOT NULL,
  asset_key TEXT NOT NULL,
  evaluated_at INTEGER NOT NULL,
  requested_count INTEGER NOT NULL,
  evaluation TEXT NOT NULL,
  UNIQUE (tick_id, asset_key)
);
CREATE INDEX automation_evaluations_asset ON automation_evaluations (asset_key, id);

-- The latest stored evaluation of each asset (the asset page's Automation tab reads one row).
CREATE TABLE automation_latest_evaluations (
  asset_key TEXT PRIMARY KEY,
  evaluation_id INTEGER NOT NULL,
  tick_id INTEGER NOT NULL
);

-- The runs a tick planned (a JSON array of NewRun, each with its run key), stored with its
-- evaluations before any is created, so a leader taking over finishes the plan.
CREATE TABLE automation_tick_plans (
  tick_id INTEGER PRIMARY KEY,
  planned_runs TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
