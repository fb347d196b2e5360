-- The job indexes, one partial index per state: a claim (waiting -> active) and a completion
-- (active -> completed) each move the row out of one index and into another, where the three
-- indexes that named the state (jobs_ready, jobs_claim, jobs_finished) each had an entry deleted
-- and another inserted on every transition. Claiming and completing took about a sixth of the
-- ingest thread's time in an IMAP import (bench:sync). Every statement names its state as a
-- literal, which is what lets SQLite use a partial index.
DROP INDEX jobs_ready;
DROP INDEX jobs_claim;
DROP INDEX jobs_finished;
-- Claims: the oldest ready job of one mailbox's lane; the lanes with work; a lane's next due time.
CREATE INDEX jobs_waiting ON jobs (queue, mailbox_id, run_at) WHERE state = 'waiting';
-- Expired leases, and the jobs a process that died was running.
CREATE INDEX jobs_active ON jobs (queue, lease_until) WHERE state = 'active';
-- Pruning old completed jobs (by age, whatever their queue) without reading the live ones; the
-- queue column lets a count per queue read the index alone.
CREATE INDEX jobs_completed ON jobs (finished_at, queue) WHERE state = 'completed';
-- The dead letters, listed by id.
CREATE INDEX jobs_failed ON jobs (queue, id) WHERE state = 'failed';
