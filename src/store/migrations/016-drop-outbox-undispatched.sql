-- outbox_undispatched indexed the events not yet fanned out to webhook endpoints, but the
-- dispatcher finds them by its cursor (outbox ids above webhook_dispatch.last_outbox_id) and no
-- statement asks for dispatched_at IS NULL: every event paid an index entry at its insert and
-- another write when the fan-out removed it, for nothing.
DROP INDEX outbox_undispatched;
