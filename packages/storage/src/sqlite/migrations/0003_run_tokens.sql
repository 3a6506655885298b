-- 0003: run-scoped tokens for the event-ingest API (SQLite). Only a SHA-256 hash of each token is
-- stored; the token itself exists only in the launcher's memory and the run worker's environment.
-- Released migrations are never edited.

CREATE TABLE run_tokens (
  token_hash TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  location TEXT NOT NULL,
  asset_keys TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX run_tokens_run_id ON run_tokens (run_id);
