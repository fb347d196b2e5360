-- Issue 15: how each message was threaded and in which direction it went, its new text apart
-- from the quoted reply, attachment content stored once per SHA-256 (reference counted),
-- tombstones that keep deleted mail from coming back, and machine mail suppressed for review.

ALTER TABLE messages ADD COLUMN direction TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound', 'outbound'));
ALTER TABLE messages ADD COLUMN thread_rule TEXT;
ALTER TABLE messages ADD COLUMN subject_key TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN quoted_text TEXT NOT NULL DEFAULT '';
-- 0 for rows written before this migration: their html_body is sanitised when read.
ALTER TABLE messages ADD COLUMN html_safe INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN guard_class TEXT;

-- Threading lookups: same sender + subject within a window, and the loop breaker. (The Gmail
-- thread lookup uses messages_thread from migration 007.)
CREATE INDEX messages_subject_key ON messages (mailbox_id, from_address, subject_key, received_at);
CREATE INDEX messages_opened_by_sender ON messages (mailbox_id, from_address, received_at) WHERE thread_rule = 'new';

CREATE TABLE attachment_blobs (
  sha256      TEXT PRIMARY KEY,
  content     BLOB NOT NULL,
  size_bytes  INTEGER NOT NULL,
  ref_count   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

ALTER TABLE attachments ADD COLUMN content_id TEXT;
ALTER TABLE attachments ADD COLUMN inline INTEGER NOT NULL DEFAULT 0;
-- 1: the bytes live in attachment_blobs under sha256 (content is NULL).
ALTER TABLE attachments ADD COLUMN in_blob INTEGER NOT NULL DEFAULT 0;
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- Deleting an attachment row (directly, or by a ticket/message/mailbox cascade) drops a reference;
-- the last reference takes the bytes with it.
CREATE TRIGGER attachment_blob_unref AFTER DELETE ON attachments WHEN old.in_blob = 1
BEGIN
  UPDATE attachment_blobs SET ref_count = ref_count - 1 WHERE sha256 = old.sha256;
  DELETE FROM attachment_blobs WHERE sha256 = old.sha256 AND ref_count <= 0;
END;

CREATE TABLE tombstones (
  id                   INTEGER PRIMARY KEY,
  mailbox_id           INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  provider_message_id  TEXT NOT NULL,
  message_id_header    TEXT,
  reason               TEXT NOT NULL,
  created_at           INTEGER NOT NULL,
  UNIQUE (mailbox_id, provider_message_id)
);
CREATE INDEX tombstones_header ON tombstones (mailbox_id, message_id_header);

CREATE TABLE suppressed (
  id                   INTEGER PRIMARY KEY,
  mailbox_id           INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  provider_message_id  TEXT NOT NULL,
  provider_thread_id   TEXT,
  message_id_header    TEXT,
  from_address         TEXT NOT NULL DEFAULT '',
  subject              TEXT NOT NULL DEFAULT '',
  guard_class          TEXT NOT NULL,
  reason               TEXT NOT NULL,
  labels               TEXT NOT NULL DEFAULT '[]',
  internal_date        INTEGER,
  raw                  BLOB NOT NULL,
  created_at           INTEGER NOT NULL,
  released_at          INTEGER,
  released_ticket_id   INTEGER,
  UNIQUE (mailbox_id, provider_message_id)
);
CREATE INDEX suppressed_open ON suppressed (released_at, id);
CREATE INDEX suppressed_thread ON suppressed (mailbox_id, provider_thread_id);
