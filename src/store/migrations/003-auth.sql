-- Access control for the admin page and the REST API: admin accounts (scrypt password,
-- sealed TOTP secret, hashed single-use recovery codes), server-side sessions stored by
-- the hash of their id, and hashed, scoped, revocable API tokens.

CREATE TABLE admins (
  id                  INTEGER PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash       TEXT NOT NULL,
  totp_secret_cipher  TEXT NOT NULL,
  totp_last_step      INTEGER NOT NULL DEFAULT 0,
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  locked_until        INTEGER NOT NULL DEFAULT 0,
  last_login_at       INTEGER,
  created_at          INTEGER NOT NULL
);

CREATE TABLE admin_recovery_codes (
  id         INTEGER PRIMARY KEY,
  admin_id   INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL,
  used_at    INTEGER
);
CREATE INDEX admin_recovery_codes_admin ON admin_recovery_codes (admin_id);

CREATE TABLE admin_sessions (
  id_hash       TEXT PRIMARY KEY,
  admin_id      INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
  csrf_token    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

CREATE TABLE api_tokens (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  scope         TEXT NOT NULL CHECK (scope IN ('admin', 'agent')),
  token_hash    TEXT NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  last_used_at  INTEGER,
  revoked_at    INTEGER
);
