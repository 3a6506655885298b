-- 0007: partition status kept on write, dynamic partitions and backfills (SQLite; issue 15,
-- docs/decisions/0021). Released migrations are never edited.

-- The partitions definition of each partitioned asset as the platform last loaded it: storage
-- places a materialized or failed partition key by it. `fingerprint` (sha256 of the snapshot's
-- canonical JSON) tells a changed definition, whose bitmaps are then rebuilt from asset_partitions.
CREATE TABLE partitions_definitions (
  asset_key TEXT PRIMARY KEY,
  snapshot TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  -- The dynamic partitions name of a dynamic definition (its keys' changes touch these bitmaps).
  dynamic_name TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX partitions_definitions_dynamic_name ON partitions_definitions (dynamic_name) WHERE dynamic_name IS NOT NULL;

-- Per asset and status, one bit per partition position in buckets of 4,096 positions
-- (bucket = position >> 12; bit i of the bucket is byte i >> 3, mask 1 << (i & 7)): a million
-- partitions are at most 245 rows of 512 bytes per status.
CREATE TABLE partition_status_bitmaps (
  asset_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('MATERIALIZED', 'FAILED')),
  bucket INTEGER NOT NULL,
  bits BLOB NOT NULL,
  PRIMARY KEY (asset_key, status, bucket)
);

-- Dynamic partitions: one row per name (the lock every change of the name takes, the next position
-- and the live key count), its keys with positions that are never reused, and the live positions
-- as a bitmap, so the index of a million keys is read from ~245 rows.
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
CREATE UNIQUE INDEX dynamic_partitions_position ON dynamic_partitions (name, position);
CREATE TABLE dynamic_partition_bitmaps (
  name TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  bits BLOB NOT NULL,
  PRIMARY KEY (name, bucket)
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
CREATE INDEX backfills_status_id ON backfills (status, id);
