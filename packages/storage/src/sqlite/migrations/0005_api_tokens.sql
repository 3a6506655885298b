-- 0005: API tokens for automation (SQLite). Only a SHA-256 hash of each token is stored; the token is
-- shown once, when `flyt tokens create` makes it. Each token carries one role (viewer, operator,
-- admin) and an optional expiry. Released migrations are never edited.

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
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;
