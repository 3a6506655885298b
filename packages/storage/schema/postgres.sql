-- GENERATED schema dump of a freshly migrated PostgreSQL database. Run npm run schema:dump -w @flyt/storage.

TABLE alert_deliveries (
  id bigint NOT NULL DEFAULT nextval('alert_deliveries_id_seq'::regclass),
  alert_id text NOT NULL,
  rule text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  channel text NOT NULL,
  outcome text NOT NULL,
  attempts integer NOT NULL,
  error text,
  title text NOT NULL,
  item_count integer NOT NULL,
  delivered_at bigint NOT NULL
);
  CONSTRAINT alert_deliveries_pkey PRIMARY KEY (id);

TABLE api_tokens (
  id text NOT NULL,
  name text NOT NULL,
  token_hash text NOT NULL,
  role text NOT NULL,
  created_by text,
  created_at bigint NOT NULL,
  expires_at bigint,
  revoked_at bigint,
  last_used_at bigint
);
  CONSTRAINT api_tokens_pkey PRIMARY KEY (id);
  CONSTRAINT api_tokens_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'operator'::text, 'admin'::text])));
  CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

TABLE asset_check_latest (
  asset_key text NOT NULL,
  check_name text NOT NULL,
  passed boolean NOT NULL,
  severity text NOT NULL,
  run_id text NOT NULL,
  event_id bigint NOT NULL,
  timestamp bigint NOT NULL
);
  CONSTRAINT asset_check_latest_pkey PRIMARY KEY (asset_key, check_name);

TABLE asset_definitions (
  asset_key text NOT NULL,
  deps jsonb NOT NULL,
  code_version text,
  fingerprint text NOT NULL,
  updated_at bigint NOT NULL
);
  CONSTRAINT asset_definitions_pkey PRIMARY KEY (asset_key);

TABLE asset_freshness (
  asset_key text NOT NULL,
  state text NOT NULL,
  since bigint NOT NULL,
  stale_since bigint,
  fresh_until bigint,
  warn_at bigint,
  partition_key text,
  reason text NOT NULL,
  evaluated_at bigint NOT NULL
);
  CONSTRAINT asset_freshness_pkey PRIMARY KEY (asset_key);

TABLE asset_latest (
  asset_key text NOT NULL,
  partition text,
  run_id text NOT NULL,
  event_id bigint NOT NULL,
  timestamp bigint NOT NULL,
  metadata jsonb NOT NULL,
  code_version text,
  data_version text,
  data_version_user_provided boolean NOT NULL DEFAULT false,
  input_data_versions jsonb
);
  CONSTRAINT asset_latest_pkey PRIMARY KEY (asset_key);

TABLE asset_partitions (
  asset_key text NOT NULL,
  partition text NOT NULL,
  run_id text NOT NULL,
  event_id bigint NOT NULL,
  timestamp bigint NOT NULL,
  metadata jsonb NOT NULL,
  code_version text,
  data_version text,
  data_version_user_provided boolean NOT NULL DEFAULT false,
  input_data_versions jsonb
);
  CONSTRAINT asset_partitions_pkey PRIMARY KEY (asset_key, partition);

TABLE automation_cursor (
  id smallint NOT NULL,
  cursor text NOT NULL,
  tick_id bigint NOT NULL,
  updated_at bigint NOT NULL
);
  CONSTRAINT automation_cursor_id_check CHECK ((id = 1));
  CONSTRAINT automation_cursor_pkey PRIMARY KEY (id);

TABLE automation_evaluations (
  id bigint NOT NULL DEFAULT nextval('automation_evaluations_id_seq'::regclass),
  tick_id bigint NOT NULL,
  asset_key text NOT NULL,
  evaluated_at bigint NOT NULL,
  requested_count bigint NOT NULL,
  evaluation jsonb NOT NULL
);
  CONSTRAINT automation_evaluations_pkey PRIMARY KEY (id);
  CONSTRAINT automation_evaluations_tick_id_asset_key_key UNIQUE (tick_id, asset_key);

TABLE automation_latest_evaluations (
  asset_key text NOT NULL,
  evaluation_id bigint NOT NULL,
  tick_id bigint NOT NULL
);
  CONSTRAINT automation_latest_evaluations_pkey PRIMARY KEY (asset_key);

TABLE automation_tick_plans (
  tick_id bigint NOT NULL,
  planned_runs jsonb NOT NULL,
  created_at bigint NOT NULL
);
  CONSTRAINT automation_tick_plans_pkey PRIMARY KEY (tick_id);

TABLE backfills (
  id bigint NOT NULL DEFAULT nextval('backfills_id_seq'::regclass),
  backfill_id text NOT NULL,
  status text NOT NULL,
  request jsonb NOT NULL,
  plan jsonb,
  progress jsonb NOT NULL,
  counts jsonb NOT NULL,
  error text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  ended_at bigint
);
  CONSTRAINT backfills_backfill_id_key UNIQUE (backfill_id);
  CONSTRAINT backfills_pkey PRIMARY KEY (id);

TABLE daemon_heartbeats (
  daemon_id text NOT NULL,
  loop text NOT NULL,
  heartbeat_at bigint NOT NULL,
  info text
);
  CONSTRAINT daemon_heartbeats_pkey PRIMARY KEY (daemon_id, loop);

TABLE dynamic_partition_bitmaps (
  name text NOT NULL,
  bucket integer NOT NULL,
  bits bytea NOT NULL
);
  CONSTRAINT dynamic_partition_bitmaps_pkey PRIMARY KEY (name, bucket);

TABLE dynamic_partition_sets (
  name text NOT NULL,
  next_position bigint NOT NULL,
  key_count bigint NOT NULL
);
  CONSTRAINT dynamic_partition_sets_pkey PRIMARY KEY (name);

TABLE dynamic_partitions (
  name text NOT NULL,
  partition_key text NOT NULL,
  position bigint NOT NULL,
  created_at bigint NOT NULL
);
  CONSTRAINT dynamic_partitions_pkey PRIMARY KEY (name, partition_key);

TABLE event_log (
  id bigint NOT NULL DEFAULT nextval('event_log_id_seq'::regclass),
  run_id text NOT NULL,
  seq bigint,
  timestamp bigint NOT NULL,
  step_key text,
  type text NOT NULL,
  asset_key text,
  partition text,
  body jsonb NOT NULL
);
  CONSTRAINT event_log_pkey PRIMARY KEY (id);
  CONSTRAINT event_log_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE flyt_migrations (
  id integer NOT NULL,
  name text NOT NULL,
  applied_at bigint NOT NULL
);
  CONSTRAINT flyt_migrations_pkey PRIMARY KEY (id);

TABLE instigators (
  id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  cursor text,
  started_at bigint,
  updated_at bigint NOT NULL
);
  CONSTRAINT instigators_pkey PRIMARY KEY (id);

TABLE leases (
  name text NOT NULL,
  holder text NOT NULL,
  fencing_token bigint NOT NULL,
  expires_at bigint NOT NULL
);
  CONSTRAINT leases_pkey PRIMARY KEY (name);

TABLE partition_status_bitmaps (
  asset_key text NOT NULL,
  status text NOT NULL,
  bucket integer NOT NULL,
  bits bytea NOT NULL
);
  CONSTRAINT partition_status_bitmaps_pkey PRIMARY KEY (asset_key, status, bucket);
  CONSTRAINT partition_status_bitmaps_status_check CHECK ((status = ANY (ARRAY['MATERIALIZED'::text, 'FAILED'::text])));

TABLE partitions_definitions (
  asset_key text NOT NULL,
  snapshot jsonb NOT NULL,
  fingerprint text NOT NULL,
  dynamic_name text,
  updated_at bigint NOT NULL
);
  CONSTRAINT partitions_definitions_pkey PRIMARY KEY (asset_key);

TABLE run_assets (
  run_id text NOT NULL,
  asset_key text NOT NULL
);
  CONSTRAINT run_assets_pkey PRIMARY KEY (run_id, asset_key);
  CONSTRAINT run_assets_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE run_heartbeats (
  run_id text NOT NULL,
  heartbeat_at bigint NOT NULL
);
  CONSTRAINT run_heartbeats_pkey PRIMARY KEY (run_id);
  CONSTRAINT run_heartbeats_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE run_output_usage (
  run_id text NOT NULL,
  output_bytes bigint NOT NULL,
  output_events bigint NOT NULL
);
  CONSTRAINT run_output_usage_pkey PRIMARY KEY (run_id);
  CONSTRAINT run_output_usage_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE run_tags (
  run_id text NOT NULL,
  key text NOT NULL,
  value text NOT NULL
);
  CONSTRAINT run_tags_pkey PRIMARY KEY (run_id, key);
  CONSTRAINT run_tags_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE run_tokens (
  token_hash text NOT NULL,
  run_id text NOT NULL,
  location text NOT NULL,
  asset_keys jsonb NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);
  CONSTRAINT run_tokens_pkey PRIMARY KEY (token_hash);
  CONSTRAINT run_tokens_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(run_id) ON DELETE CASCADE;

TABLE runs (
  id bigint NOT NULL DEFAULT nextval('runs_id_seq'::regclass),
  run_id text NOT NULL,
  status text NOT NULL,
  selection text NOT NULL,
  asset_keys jsonb NOT NULL,
  step_keys jsonb,
  partition_key text,
  tags jsonb NOT NULL,
  origin text NOT NULL,
  parent_run_id text,
  root_run_id text,
  location text NOT NULL,
  instigator text,
  run_key text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  started_at bigint,
  ended_at bigint,
  claim_token bigint
);
  CONSTRAINT runs_pkey PRIMARY KEY (id);
  CONSTRAINT runs_run_id_key UNIQUE (run_id);

TABLE ticks (
  id bigint NOT NULL DEFAULT nextval('ticks_id_seq'::regclass),
  instigator_id text NOT NULL,
  status text NOT NULL,
  tick_time bigint NOT NULL,
  run_ids jsonb NOT NULL,
  skip_reason text,
  error text,
  cursor text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
  CONSTRAINT ticks_pkey PRIMARY KEY (id);

CREATE INDEX alert_deliveries_alert_id ON alert_deliveries USING btree (alert_id);
CREATE UNIQUE INDEX alert_deliveries_pkey ON alert_deliveries USING btree (id);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens USING btree (name) WHERE (revoked_at IS NULL);
CREATE UNIQUE INDEX api_tokens_pkey ON api_tokens USING btree (id);
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens USING btree (token_hash);
CREATE UNIQUE INDEX asset_check_latest_pkey ON asset_check_latest USING btree (asset_key, check_name);
CREATE UNIQUE INDEX asset_definitions_pkey ON asset_definitions USING btree (asset_key);
CREATE UNIQUE INDEX asset_freshness_pkey ON asset_freshness USING btree (asset_key);
CREATE UNIQUE INDEX asset_latest_pkey ON asset_latest USING btree (asset_key);
CREATE UNIQUE INDEX asset_partitions_pkey ON asset_partitions USING btree (asset_key, partition);
CREATE INDEX asset_partitions_timestamp ON asset_partitions USING btree ("timestamp");
CREATE UNIQUE INDEX automation_cursor_pkey ON automation_cursor USING btree (id);
CREATE INDEX automation_evaluations_asset ON automation_evaluations USING btree (asset_key, id);
CREATE UNIQUE INDEX automation_evaluations_pkey ON automation_evaluations USING btree (id);
CREATE UNIQUE INDEX automation_evaluations_tick_id_asset_key_key ON automation_evaluations USING btree (tick_id, asset_key);
CREATE UNIQUE INDEX automation_latest_evaluations_pkey ON automation_latest_evaluations USING btree (asset_key);
CREATE UNIQUE INDEX automation_tick_plans_pkey ON automation_tick_plans USING btree (tick_id);
CREATE UNIQUE INDEX backfills_backfill_id_key ON backfills USING btree (backfill_id);
CREATE UNIQUE INDEX backfills_pkey ON backfills USING btree (id);
CREATE INDEX backfills_status_id ON backfills USING btree (status, id);
CREATE UNIQUE INDEX daemon_heartbeats_pkey ON daemon_heartbeats USING btree (daemon_id, loop);
CREATE UNIQUE INDEX dynamic_partition_bitmaps_pkey ON dynamic_partition_bitmaps USING btree (name, bucket);
CREATE UNIQUE INDEX dynamic_partition_sets_pkey ON dynamic_partition_sets USING btree (name);
CREATE UNIQUE INDEX dynamic_partitions_pkey ON dynamic_partitions USING btree (name, partition_key);
CREATE UNIQUE INDEX dynamic_partitions_position ON dynamic_partitions USING btree (name, "position");
CREATE INDEX event_log_asset ON event_log USING btree (asset_key, type, id);
CREATE UNIQUE INDEX event_log_pkey ON event_log USING btree (id);
CREATE INDEX event_log_run_id ON event_log USING btree (run_id, id);
CREATE UNIQUE INDEX event_log_run_seq ON event_log USING btree (run_id, seq);
CREATE UNIQUE INDEX flyt_migrations_pkey ON flyt_migrations USING btree (id);
CREATE UNIQUE INDEX instigators_pkey ON instigators USING btree (id);
CREATE UNIQUE INDEX leases_pkey ON leases USING btree (name);
CREATE UNIQUE INDEX partition_status_bitmaps_pkey ON partition_status_bitmaps USING btree (asset_key, status, bucket);
CREATE INDEX partitions_definitions_dynamic_name ON partitions_definitions USING btree (dynamic_name) WHERE (dynamic_name IS NOT NULL);
CREATE UNIQUE INDEX partitions_definitions_pkey ON partitions_definitions USING btree (asset_key);
CREATE INDEX run_assets_asset_key ON run_assets USING btree (asset_key, run_id);
CREATE UNIQUE INDEX run_assets_pkey ON run_assets USING btree (run_id, asset_key);
CREATE UNIQUE INDEX run_heartbeats_pkey ON run_heartbeats USING btree (run_id);
CREATE UNIQUE INDEX run_output_usage_pkey ON run_output_usage USING btree (run_id);
CREATE INDEX run_tags_key_value ON run_tags USING btree (key, value, run_id);
CREATE UNIQUE INDEX run_tags_pkey ON run_tags USING btree (run_id, key);
CREATE UNIQUE INDEX run_tokens_pkey ON run_tokens USING btree (token_hash);
CREATE INDEX run_tokens_run_id ON run_tokens USING btree (run_id);
CREATE INDEX runs_created_at ON runs USING btree (created_at);
CREATE INDEX runs_ended_at ON runs USING btree (ended_at) WHERE (ended_at IS NOT NULL);
CREATE UNIQUE INDEX runs_instigator_run_key ON runs USING btree (instigator, run_key) WHERE (run_key IS NOT NULL);
CREATE INDEX runs_location_id ON runs USING btree (location, id);
CREATE INDEX runs_origin_id ON runs USING btree (origin, id);
CREATE INDEX runs_parent_run_id ON runs USING btree (parent_run_id, id);
CREATE UNIQUE INDEX runs_pkey ON runs USING btree (id);
CREATE INDEX runs_root_run_id ON runs USING btree (root_run_id, id);
CREATE UNIQUE INDEX runs_run_id_key ON runs USING btree (run_id);
CREATE INDEX runs_status_id ON runs USING btree (status, id);
CREATE INDEX ticks_instigator_id ON ticks USING btree (instigator_id, id);
CREATE UNIQUE INDEX ticks_pkey ON ticks USING btree (id);
