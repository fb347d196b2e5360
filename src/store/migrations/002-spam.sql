-- The spam filter's model: per-feature message counts (features stored as 32-bit hashes),
-- kept apart for this installation's own training and the starter corpus so the starter can
-- be down-weighted or dropped; class totals; and what each trained message was learned as.

CREATE TABLE spam_tokens (
  hash          INTEGER PRIMARY KEY,         -- FNV-1a of the feature string (src/spam/feature-hash.ts)
  spam          INTEGER NOT NULL DEFAULT 0,  -- this installation's spam messages that had it
  ham           INTEGER NOT NULL DEFAULT 0,
  starter_spam  INTEGER NOT NULL DEFAULT 0,  -- starter-corpus messages that had it
  starter_ham   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE spam_totals (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  spam          INTEGER NOT NULL DEFAULT 0,
  ham           INTEGER NOT NULL DEFAULT 0,
  starter_spam  INTEGER NOT NULL DEFAULT 0,
  starter_ham   INTEGER NOT NULL DEFAULT 0,
  -- bumped by every change, so a process can tell its in-memory copy is stale
  generation    INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO spam_totals (id) VALUES (1);

-- One row per trained message: its label and its sorted feature hashes (4 bytes each), so a
-- corrected label moves exactly the counts it added and unlearning is exact.
CREATE TABLE spam_docs (
  id          INTEGER PRIMARY KEY,
  doc_key     TEXT NOT NULL UNIQUE,          -- e.g. msg:<mailboxId>:<gmailId>, file:<sha256>
  label       TEXT NOT NULL CHECK (label IN ('spam', 'ham')),
  features    BLOB NOT NULL,
  learned_at  INTEGER NOT NULL
);
