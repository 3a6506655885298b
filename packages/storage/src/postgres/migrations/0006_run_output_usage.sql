-- 0006: how much output (LOG and STEP_OUTPUT) each run has sent through the ingest API
-- (PostgreSQL), so every webserver replica enforces one per-run budget. Released migrations are
-- never edited.

CREATE TABLE run_output_usage (
  run_id TEXT PRIMARY KEY REFERENCES runs (run_id) ON DELETE CASCADE,
  output_bytes BIGINT NOT NULL,
  output_events BIGINT NOT NULL
);
