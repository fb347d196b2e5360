-- Events agents' tools receive, and their delivery to webhook endpoints.
-- The outbox is rebuilt with AUTOINCREMENT ids: a plain rowid may be reused after the newest
-- row is deleted (a ticket erased), which would let a change-feed cursor skip a new event.
CREATE TABLE outbox_v2 (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT NOT NULL UNIQUE,
  event          TEXT NOT NULL,
  ticket_id      INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
  message_id     INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  quarantine_id  INTEGER REFERENCES quarantine(id) ON DELETE CASCADE,
  ticket_seq     INTEGER,
  trace_id       TEXT,
  payload        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  dispatched_at  INTEGER,
  delivered_at   INTEGER
);
INSERT INTO outbox_v2 (id, event_id, event, ticket_id, message_id, ticket_seq, payload, created_at, dispatched_at, delivered_at)
  SELECT id, 'evt_' || lower(hex(randomblob(16))), event, ticket_id, message_id,
         (SELECT COUNT(*) FROM outbox o2 WHERE o2.ticket_id = outbox.ticket_id AND o2.id <= outbox.id),
         json_object('ticket', json_object('id', ticket_id), 'message', json_object('id', message_id)),
         created_at, created_at, delivered_at
  FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_ticket ON outbox (ticket_id, ticket_seq);
CREATE INDEX outbox_undispatched ON outbox (dispatched_at) WHERE dispatched_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

ALTER TABLE messages ADD COLUMN trace_id TEXT;
CREATE INDEX tickets_updated ON tickets (updated_at, id);

CREATE TABLE webhook_endpoints (
  id              INTEGER PRIMARY KEY,
  url             TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  events          TEXT NOT NULL DEFAULT '*',
  secret_cipher   TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
  disabled_reason TEXT,
  -- Events up to this outbox id existed before the endpoint: they reach it only by replay.
  from_outbox_id  INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  outbox_id        INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  -- Deliveries with the same key reach the endpoint in outbox order ('t:<ticket id>'); NULL: no order.
  order_key        TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  generation       INTEGER NOT NULL DEFAULT 0,
  enqueued         INTEGER NOT NULL DEFAULT 0,
  attempts         INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER,
  last_attempt_at  INTEGER,
  last_status      INTEGER,
  last_error       TEXT,
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  UNIQUE (endpoint_id, outbox_id)
);
CREATE INDEX webhook_deliveries_chain ON webhook_deliveries (endpoint_id, order_key, state, outbox_id);
CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, endpoint_id);
-- outbox_id alone: "is any endpoint still waiting for this event?" and the erase cascade.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (outbox_id, state);
CREATE INDEX webhook_deliveries_unqueued ON webhook_deliveries (enqueued) WHERE enqueued = 0;

-- How far the dispatcher has fanned the outbox out to endpoints (one row).
CREATE TABLE webhook_dispatch (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  last_outbox_id  INTEGER NOT NULL
);
INSERT INTO webhook_dispatch (id, last_outbox_id) VALUES (1, COALESCE((SELECT MAX(id) FROM outbox), 0));
