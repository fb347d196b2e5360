-- Keys Intake derives MACs and keyed hashes from (OAuth state, sign-in form, audit subject
-- hashes). Random per installation and sealed like every secret, so rotating the
-- encryption key re-seals them without changing what they derive.
CREATE TABLE instance_secrets (
  name        TEXT PRIMARY KEY,
  cipher      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
