-- 0004: observability (SQLite). Every alert delivery attempt outcome (sent, failed after retries,
-- suppressed by the rate limit), and each asset's current freshness state with when it began, so
-- the asset page can say "stale since". Released migrations are never edited.

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
CREATE INDEX alert_deliveries_alert_id ON alert_deliveries (alert_id);

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
