-- 0007: partition status kept on write, dynamic partitions and backfills (PostgreSQL; issue 15,
-- docs/decisions/0021). Released migrations are never edited.

-- The partitions definition of each partitioned asset as the platform last loaded it: storage
-- places a materialized or failed partition key by it. `fingerprint` (sha256 of the snapshot's
-- canonical JSON) tells a changed definition, whose bitmaps are then rebuilt from asset_partitions.
-- Every writer of an asset's bitmaps locks its row here first (FOR UPDATE): the lock that keeps
-- two appends from losing each other's bits.
CREATE TABLE partitions_definitions (
  asset_key TEXT PRIMARY KEY,
  snapshot JSONB NOT NULL,
  fingerprint TEXT NOT NULL,
  -- The dynamic partitions name of a dynamic definition (its keys' changes touch these bitmaps).
  dynamic_name TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX partitions_definitions_dynamic_name ON partitions_definitions (dynamic_name) WHERE dynamic_name IS NOT NULL;

-- Per asset and status, one bit per partition position in buckets of 4,096 positions
-- (bucket = position >> 12; bit i of the bucket is byte i >> 3, mask 1 << (i & 7), as set_bit
-- numbers them): a million partitions are at most 245 rows of 512 bytes per status.
CREATE TABLE partition_status_bitmaps (
  asset_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('MATERIALIZED', 'FAILED')),
  bucket INTEGER NOT NULL,
  bits BYTEA NOT NULL,
  PRIMARY KEY (asset_key, status, bucket)
);

-- Dynamic partitions: one row per name (the lock every change of the name takes, the next position
-- and the live key count), its keys with positions that are never reused, and the live positions
-- as a bitmap, so the index of a million keys is read from ~245 rows.
CREATE TABLE dynamic_partition_sets (
  name TEXT PRIMARY KEY,
  next_position BIGINT NOT NULL,
  key_count BIGINT NOT NULL
);
CREATE TABLE dynamic_partitions (
  name TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  position BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, partition_key)
);
CREATE UNIQUE INDEX dynamic_partitions_position ON dynamic_partitions (name, position);
CREATE TABLE dynamic_partition_bitmaps (
  name TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  bits BYTEA NOT NULL,
  PRIMARY KEY (name, bucket)
);

CREATE TABLE backfills (
  id BIGSERIAL PRIMARY KEY,
  backfill_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  request JSONB NOT NULL,
  plan JSONB,
  progress JSONB NOT NULL,
  counts JSONB NOT NULL,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX backfills_status_id ON backfills (status, id);
