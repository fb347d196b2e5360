-- The spine: mailboxes and their sync cursor, the embedded job queue, tickets with their
-- messages, attachments and contacts, the outbox for delivery, and the audit log.

CREATE TABLE mailboxes (
  id                    INTEGER PRIMARY KEY,
  email                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
  source                TEXT NOT NULL DEFAULT 'gmail' CHECK (source IN ('gmail', 'imap')),
  state                 TEXT NOT NULL DEFAULT 'backfilling'
                        CHECK (state IN ('backfilling', 'syncing', 'needs_reconsent', 'error', 'disconnected')),
  state_reason          TEXT,
  refresh_token_cipher  TEXT,
  scopes                TEXT NOT NULL DEFAULT '',
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL
);

CREATE TABLE sync_state (
  mailbox_id            INTEGER PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
  history_id            TEXT,
  backfill_page_token   TEXT,
  backfill_history_id   TEXT,
  backfill_done         INTEGER NOT NULL DEFAULT 0,
  backfill_total        INTEGER NOT NULL DEFAULT 0,
  last_success_at       INTEGER,
  last_attempt_at       INTEGER,
  last_error_code       TEXT,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE jobs (
  id            TEXT PRIMARY KEY,
  queue         TEXT NOT NULL,
  name          TEXT NOT NULL,
  payload       TEXT NOT NULL,
  mailbox_id    INTEGER,
  state         TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  max_attempts  INTEGER NOT NULL,
  run_at        INTEGER NOT NULL,
  lease_until   INTEGER,
  last_error    TEXT,
  created_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX jobs_ready ON jobs (queue, state, run_at);
CREATE INDEX jobs_mailbox ON jobs (mailbox_id);

CREATE TABLE contacts (
  id          INTEGER PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name        TEXT,
  created_at  INTEGER NOT NULL
);

CREATE TABLE tickets (
  id                    INTEGER PRIMARY KEY,
  mailbox_id            INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  thread_key            TEXT NOT NULL,
  subject               TEXT NOT NULL DEFAULT '',
  requester_contact_id  INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  status                TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed', 'spam')),
  needs_review          INTEGER NOT NULL DEFAULT 0,
  message_count         INTEGER NOT NULL DEFAULT 0,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (mailbox_id, thread_key)
);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE messages (
  id                    INTEGER PRIMARY KEY,
  ticket_id             INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  mailbox_id            INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  provider_message_id   TEXT NOT NULL,
  provider_thread_id    TEXT,
  message_id_header     TEXT,
  in_reply_to           TEXT,
  references_header     TEXT,
  from_contact_id       INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  from_address          TEXT NOT NULL DEFAULT '',
  from_name             TEXT NOT NULL DEFAULT '',
  to_json               TEXT NOT NULL DEFAULT '[]',
  cc_json               TEXT NOT NULL DEFAULT '[]',
  subject               TEXT NOT NULL DEFAULT '',
  sent_at               INTEGER,
  received_at           INTEGER NOT NULL,
  text_body             TEXT NOT NULL DEFAULT '',
  html_body             TEXT,
  size_bytes            INTEGER NOT NULL DEFAULT 0,
  parse_problems        TEXT,
  spam_verdict          TEXT,
  spam_score            REAL,
  spam_evidence         TEXT,
  created_at            INTEGER NOT NULL,
  UNIQUE (mailbox_id, provider_message_id)
);
CREATE INDEX messages_ticket ON messages (ticket_id);
CREATE INDEX messages_header_id ON messages (mailbox_id, message_id_header);
CREATE INDEX messages_from ON messages (from_address);

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  filename      TEXT NOT NULL DEFAULT '',
  content_type  TEXT NOT NULL DEFAULT 'application/octet-stream',
  size_bytes    INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  content       BLOB,
  omitted_reason TEXT
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE quarantine (
  id                    INTEGER PRIMARY KEY,
  mailbox_id            INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  provider_message_id   TEXT NOT NULL,
  provider_thread_id    TEXT,
  from_address          TEXT NOT NULL DEFAULT '',
  subject               TEXT NOT NULL DEFAULT '',
  reason                TEXT NOT NULL,
  spam_score            REAL,
  spam_evidence         TEXT,
  raw                   BLOB NOT NULL,
  created_at            INTEGER NOT NULL,
  released_at           INTEGER,
  UNIQUE (mailbox_id, provider_message_id)
);

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  event        TEXT NOT NULL,
  ticket_id    INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
  message_id   INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  delivered_at INTEGER
);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject_ref  TEXT,
  detail       TEXT
);

-- Pending OAuth consents: single-use, short-lived; the PKCE verifier is sealed like any secret.
CREATE TABLE oauth_states (
  nonce           TEXT PRIMARY KEY,
  verifier_cipher TEXT NOT NULL,
  session_ref     TEXT,
  source          TEXT NOT NULL DEFAULT 'gmail',
  scopes          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  used_at         INTEGER
);

-- Refresh tokens whose revocation at Google failed during a disconnect: kept sealed only
-- until Google confirms, retried with backoff, then deleted.
CREATE TABLE pending_revocations (
  id              INTEGER PRIMARY KEY,
  token_cipher    TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL
);
