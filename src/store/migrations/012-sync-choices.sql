-- Sync choices and progress (issue 16): the backfill an admin chose on connect (all, none,
-- or the last N days), whether it waits for a confirm after a preview, the query a full
-- sync pages through (page tokens belong to one query), and when the backfill started
-- (rate and ETA). pending_backfills carries the choice across the OAuth round trip.

ALTER TABLE sync_state ADD COLUMN backfill_choice TEXT;
ALTER TABLE sync_state ADD COLUMN backfill_chosen_at INTEGER;
ALTER TABLE sync_state ADD COLUMN awaiting_confirm INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN backfill_query TEXT;
ALTER TABLE sync_state ADD COLUMN backfill_started_at INTEGER;
ALTER TABLE sync_state ADD COLUMN backfill_imported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN resyncs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN backfill_reason TEXT;

CREATE TABLE pending_backfills (
  nonce       TEXT PRIMARY KEY,
  choice      TEXT NOT NULL,
  hold        INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
);
