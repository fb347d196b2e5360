-- Queue fairness and a flat cost per message however much history the store holds:
-- claiming picks the oldest ready job of one mailbox (queue, state, mailbox, run_at), pruning
-- finds old completed jobs without scanning the live ones, and a new thread's ticket is found
-- through the provider thread id instead of a scan of the mailbox's messages.
CREATE INDEX jobs_claim ON jobs (queue, state, mailbox_id, run_at);
CREATE INDEX jobs_finished ON jobs (state, finished_at);
CREATE INDEX messages_thread ON messages (mailbox_id, provider_thread_id);

-- The one process that runs the embedded queue on this database: a second daemon on the same
-- file would run a second scheduler and double every Gmail call, so it is refused.
CREATE TABLE queue_owner (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  owner         TEXT NOT NULL,
  host          TEXT NOT NULL,
  pid           INTEGER NOT NULL,
  heartbeat_at  INTEGER NOT NULL
);
