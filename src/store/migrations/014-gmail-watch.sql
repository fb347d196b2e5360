-- Gmail push (issue 16): the users.watch each Gmail-API mailbox holds, so a restart renews
-- only what is due (a watch costs 100 units) and a disconnect knows there is one to stop.
-- Numbered 014: 013 belongs to the IMAP source's work.

CREATE TABLE gmail_watches (
  mailbox_id  INTEGER PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
  topic_name  TEXT NOT NULL,
  history_id  TEXT,
  expiration  INTEGER NOT NULL,
  renewed_at  INTEGER NOT NULL
);
