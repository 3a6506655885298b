-- 0003: run-scoped tokens for the event-ingest API (PostgreSQL). Only a SHA-256 hash of each token
-- is stored; the token itself exists only in the launcher's memory and the run worker's environment.
-- Released migrations are never edited.

CREATE TABLE run_tokens (
  token_hash TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  location TEXT NOT NULL,
  asset_keys JSONB NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX run_tokens_run_id ON run_tokens (run_id);
