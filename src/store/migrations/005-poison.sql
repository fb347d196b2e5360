-- Poison entries: a fetched message that could become neither a ticket nor a quarantine entry
-- is kept here with its raw bytes and the error (code + message, never mail content), listed
-- and replayable, so nothing is lost silently. Failed jobs keep their error's message too.

CREATE TABLE poison_messages (
  id                    INTEGER PRIMARY KEY,
  mailbox_id            INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  provider_message_id   TEXT NOT NULL,
  provider_thread_id    TEXT,
  label_ids             TEXT NOT NULL DEFAULT '[]',
  internal_date         INTEGER,
  raw                   BLOB NOT NULL,
  error_code            TEXT NOT NULL,
  error_message         TEXT NOT NULL,
  attempts              INTEGER NOT NULL DEFAULT 1,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (mailbox_id, provider_message_id)
);

ALTER TABLE jobs ADD COLUMN last_error_message TEXT;
