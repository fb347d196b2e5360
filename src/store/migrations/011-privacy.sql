-- Privacy (issue 18): a hash-chained audit log, its head and retention anchor, and a
-- detail column on outbox events that carry no ticket (privacy.erased).

-- Each row holds the keyed hash of the previous row and its own; NULL only for rows written
-- before this migration, which the chained writer seals (in id order) on its first start.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN row_hash TEXT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_subject ON audit_log (subject_ref);

-- A sealed row is never changed again (retention may only delete whole rows from the start).
CREATE TRIGGER audit_log_sealed_no_update BEFORE UPDATE ON audit_log WHEN OLD.row_hash IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'audit_log rows are append-only');
END;

-- One row: the chain's head (last row and a MAC over it, so a removed last row is detected)
-- and the anchor left by retention (the hash of the last purged row, MACed likewise).
CREATE TABLE audit_chain (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  head_id      INTEGER NOT NULL DEFAULT 0,
  head_hash    TEXT NOT NULL DEFAULT '',
  head_mac     TEXT NOT NULL DEFAULT '',
  anchor_id    INTEGER NOT NULL DEFAULT 0,
  anchor_hash  TEXT NOT NULL DEFAULT '',
  anchor_mac   TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL DEFAULT 0
);

-- Who started a consent (admin:<id>, api_token:<id>), so the audit entry of the connection
-- it completes names them.
ALTER TABLE oauth_states ADD COLUMN actor TEXT;

-- Events about no ticket (privacy.erased) say what they are about here, as JSON without
-- personal data (ticket ids, counts, the keyed subject hash).
ALTER TABLE outbox ADD COLUMN detail TEXT;
