-- 0008: data versions and provenance in the asset index, asset definitions, and the declarative
-- automation loop's state (PostgreSQL; issue 16, docs/decisions/0022). Released migrations are never edited.

-- What storage knows of each asset to record the provenance of its materializations: its
-- dependencies (a JSON array of printed keys, sorted) and its code version, as the platform last
-- loaded them. `fingerprint` (sha256 of both) lets an unchanged registration write nothing.
CREATE TABLE asset_definitions (
  asset_key TEXT PRIMARY KEY,
  deps JSONB NOT NULL,
  code_version TEXT,
  fingerprint TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Each materialization's data version (the producer's, or derived from its code version and input
-- data versions), whether the producer gave it, and its inputs' data versions when it was stored
-- (a JSON object; NULL when the asset's dependencies were not registered). Rows stored before this
-- migration keep NULL / false.
ALTER TABLE asset_latest ADD COLUMN data_version TEXT;
ALTER TABLE asset_latest ADD COLUMN data_version_user_provided BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE asset_latest ADD COLUMN input_data_versions JSONB;
ALTER TABLE asset_partitions ADD COLUMN data_version TEXT;
ALTER TABLE asset_partitions ADD COLUMN data_version_user_provided BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE asset_partitions ADD COLUMN input_data_versions JSONB;
-- getMaterializationsSince: the partitions materialized after the previous automation tick, read
-- without scanning every partition of the asset. (asset_latest needs none: one row per asset.) It
-- costs the append path: an upsert that changes an indexed column cannot be a HOT update.
CREATE INDEX asset_partitions_timestamp ON asset_partitions (timestamp);

-- The automation loop's cursor (opaque to storage): one row, replaced by every recorded tick.
CREATE TABLE automation_cursor (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL,
  tick_id BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Every stored evaluation of an asset in a tick (the whole AutomationAssetEvaluation as JSON),
-- paged per asset newest first by id.
CREATE TABLE automation_evaluations (
  id BIGSERIAL PRIMARY KEY,
  tick_id BIGINT NOT NULL,
  asset_key TEXT NOT NULL,
  evaluated_at BIGINT NOT NULL,
  requested_count BIGINT NOT NULL,
  evaluation JSONB NOT NULL,
  UNIQUE (tick_id, asset_key)
);
CREATE INDEX automation_evaluations_asset ON automation_evaluations (asset_key, id);

-- The latest stored evaluation of each asset (the asset page's Automation tab reads one row).
CREATE TABLE automation_latest_evaluations (
  asset_key TEXT PRIMARY KEY,
  evaluation_id BIGINT NOT NULL,
  tick_id BIGINT NOT NULL
);

-- The runs a tick planned (a JSON array of NewRun, each with its run key), stored with its
-- evaluations before any is created, so a leader taking over finishes the plan.
CREATE TABLE automation_tick_plans (
  tick_id BIGINT PRIMARY KEY,
  planned_runs JSONB NOT NULL,
  created_at BIGINT NOT NULL
);
