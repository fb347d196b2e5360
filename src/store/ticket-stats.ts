// Small counts for the admin page: tickets created per mailbox since a moment (the start
// of the day), in one grouped query.
import type { Db } from './database.js';

export function ticketsCreatedSince(db: Db, sinceMs: number): Map<number, number> {
  const rows = db
    .prepare<[number], { mailbox_id: number; n: number }>(
      'SELECT mailbox_id, COUNT(*) AS n FROM tickets WHERE created_at >= ? GROUP BY mailbox_id',
    )
    .all(sinceMs);
  return new Map(rows.map((r) => [r.mailbox_id, r.n]));
}

/** Midnight UTC of the day `now` falls in: "today" for the page, whatever the server's zone. */
export function startOfUtcDay(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}
