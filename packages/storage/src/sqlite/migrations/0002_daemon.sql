-- 0002: what the daemon needs (SQLite): run worker heartbeats, daemon loop heartbeats, and an
-- index for "runs that ended after X" (run-status sensors). Released migrations are never edited.

CREATE TABLE run_heartbeats (
  run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  heartbeat_at INTEGER NOT NULL
);

CREATE TABLE daemon_heartbeats (
  daemon_id TEXT NOT NULL,
  loop TEXT NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  info TEXT,
  PRIMARY KEY (daemon_id, loop)
);

CREATE INDEX runs_ended_at ON runs (ended_at) WHERE ended_at IS NOT NULL;
