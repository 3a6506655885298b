-- GENERATED schema dump of a freshly migrated SQLite database. Run npm run schema:dump -w @flyt/storage.
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  channel TEXT NOT NULL,
  outcome TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT,
  title TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_by TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
);

CREATE TABLE asset_check_latest (
  asset_key TEXT NOT NULL,
  check_name TEXT NOT NULL,
  passed INTEGER NOT NULL,
  severity TEXT NOT NULL,
  run_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (asset_key, check_name)
);

CREATE TABLE asset_definitions (
  asset_key TEXT PRIMARY KEY,
  deps TEXT NOT NULL,
  code_version TEXT,
  fingerprint TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE asset_freshness (
  asset_key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  since INTEGER NOT NULL,
  stale_since INTEGER,
  fresh_until INTEGER,
  warn_at INTEGER,
  partition_key TEXT,
  reason TEXT NOT NULL,
  evaluated_at INTEGER NOT NULL
);

CREATE TABLE asset_latest (
  asset_key TEXT PRIMARY KEY,
  partition TEXT,
  run_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  code_version TEXT
, data_version TEXT, data_version_user_provided INTEGER NOT NULL DEFAULT 0, input_data_versions TEXT);

CREATE TABLE asset_partitions (
  asset_key TEXT NOT NULL,
  partition TEXT NOT NULL,
  run_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  code_version TEXT, data_version TEXT, data_version_user_provided INTEGER NOT NULL DEFAULT 0, input_data_versions TEXT,
  PRIMARY KEY (asset_key, partition)
);

CREATE TABLE automation_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor TEXT NOT NULL,
  tick_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE automation_evaluations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tick_id INTEGER NOT NULL,
  asset_key TEXT NOT NULL,
  evaluated_at INTEGER NOT NULL,
  requested_count INTEGER NOT NULL,
  evaluation TEXT NOT NULL,
  UNIQUE (tick_id, asset_key)
);

CREATE TABLE automation_latest_evaluations (
  asset_key TEXT PRIMARY KEY,
  evaluation_id INTEGER NOT NULL,
  tick_id INTEGER NOT NULL
);

CREATE TABLE automation_tick_plans (
  tick_id INTEGER PRIMARY KEY,
  planned_runs TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE backfills (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  backfill_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  request TEXT NOT NULL,
  plan TEXT,
  progress TEXT NOT NULL,
  counts TEXT NOT NULL,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ended_at INTEGER
);

CREATE TABLE daemon_heartbeats (
  daemon_id TEXT NOT NULL,
  loop TEXT NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  info TEXT,
  PRIMARY KEY (daemon_id, loop)
);

CREATE TABLE dynamic_partition_bitmaps (
  name TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  bits BLOB NOT NULL,
  PRIMARY KEY (name, bucket)
);

CREATE TABLE dynamic_partition_sets (
  name TEXT PRIMARY KEY,
  next_position INTEGER NOT NULL,
  key_count INTEGER NOT NULL
);

CREATE TABLE dynamic_partitions (
  name TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (name, partition_key)
);

CREATE TABLE event_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  seq INTEGER,
  timestamp INTEGER NOT NULL,
  step_key TEXT,
  type TEXT NOT NULL,
  asset_key TEXT,
  partition TEXT,
  body TEXT NOT NULL
);

CREATE TABLE flyt_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);

CREATE TABLE instigators (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  cursor TEXT,
  started_at INTEGER,
  updated_at INTEGER NOT NULL
);

CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  fencing_token INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE partition_status_bitmaps (
  asset_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('MATERIALIZED', 'FAILED')),
  bucket INTEGER NOT NULL,
  bits BLOB NOT NULL,
  PRIMARY KEY (asset_key, status, bucket)
);

CREATE TABLE partitions_definitions (
  asset_key TEXT PRIMARY KEY,
  snapshot TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  -- The dynamic partitions name of a dynamic definition (its keys' changes touch these bitmaps).
  dynamic_name TEXT,
  updated_at INTEGER NOT NULL
);

CREATE TABLE run_assets (
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  asset_key TEXT NOT NULL,
  PRIMARY KEY (run_id, asset_key)
);

CREATE TABLE run_heartbeats (
  run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  heartbeat_at INTEGER NOT NULL
);

CREATE TABLE run_output_usage (
  run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  output_bytes INTEGER NOT NULL,
  output_events INTEGER NOT NULL
);

CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE run_tokens (
  token_hash TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  location TEXT NOT NULL,
  asset_keys TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  selection TEXT NOT NULL,
  asset_keys TEXT NOT NULL,
  step_keys TEXT,
  partition_key TEXT,
  tags TEXT NOT NULL,
  origin TEXT NOT NULL,
  parent_run_id TEXT,
  root_run_id TEXT,
  location TEXT NOT NULL,
  instigator TEXT,
  run_key TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER
, claim_token INTEGER);

CREATE TABLE ticks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instigator_id TEXT NOT NULL,
  status TEXT NOT NULL,
  tick_time INTEGER NOT NULL,
  run_ids TEXT NOT NULL,
  skip_reason TEXT,
  error TEXT,
  cursor TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE INDEX alert_deliveries_alert_id ON alert_deliveries (alert_id);

CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE INDEX asset_partitions_timestamp ON asset_partitions (timestamp);

CREATE INDEX automation_evaluations_asset ON automation_evaluations (asset_key, id);

CREATE INDEX backfills_status_id ON backfills (status, id);

CREATE UNIQUE INDEX dynamic_partitions_position ON dynamic_partitions (name, position);

CREATE INDEX event_log_asset ON event_log (asset_key, type, id);

CREATE INDEX event_log_run_id ON event_log (run_id, id);

CREATE UNIQUE INDEX event_log_run_seq ON event_log (run_id, seq);

CREATE INDEX partitions_definitions_dynamic_name ON partitions_definitions (dynamic_name) WHERE dynamic_name IS NOT NULL;

CREATE INDEX run_assets_asset_key ON run_assets (asset_key, run_id);

CREATE INDEX run_tags_key_value ON run_tags (key, value, run_id);

CREATE INDEX run_tokens_run_id ON run_tokens (run_id);

CREATE INDEX runs_created_at ON runs (created_at);

CREATE INDEX runs_ended_at ON runs (ended_at) WHERE ended_at IS NOT NULL;

CREATE UNIQUE INDEX runs_instigator_run_key ON runs (instigator, run_key) WHERE run_key IS NOT NULL;

CREATE INDEX runs_location_id ON runs (location, id);

CREATE INDEX runs_origin_id ON runs (origin, id);

CREATE INDEX runs_parent_run_id ON runs (parent_run_id, id);

CREATE INDEX runs_root_run_id ON runs (root_run_id, id);

CREATE INDEX runs_status_id ON runs (status, id);

CREATE INDEX ticks_instigator_id ON ticks (instigator_id, id);
