-- 0009: which daemon leader claimed a run (SQLite; docs/failover.md "Runs a killed leader
-- claimed"). A run the queue moves QUEUED → STARTING records the claiming leader's fencing token,
-- so a later leader can tell a run its predecessor claimed and never got started (relaunch it)
-- from a run the CLI started itself (never touched). NULL for runs claimed without a fence.
-- Released migrations are never edited.
ALTER TABLE runs ADD COLUMN claim_token INTEGER;
