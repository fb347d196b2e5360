-- IMAP mailboxes that sign in with a password (issue 16): the server and the user name. The
-- password itself is sealed in mailboxes.refresh_token_cipher, like a refresh token, so key
-- rotation, disconnect and erasure treat both alike. A mailbox with source 'imap' and no row
-- here is a Gmail mailbox read over IMAP with XOAUTH2 (server from config imap.gmail).
CREATE TABLE imap_accounts (
  mailbox_id  INTEGER PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
  host        TEXT NOT NULL,
  port        INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  security    TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'plain')),
  username    TEXT NOT NULL,
  folder      TEXT NOT NULL DEFAULT 'INBOX'
);

-- The scheduler looks for mailboxes added by another process (the CLI) once an interval.
CREATE INDEX mailboxes_by_update ON mailboxes (updated_at);
