// When Redis comes back without the jobs it held, what pointed at those jobs is reset: every
// mailbox's sync cursor, so the next pass re-lists it in full (ingest's dedupe, the ticket and
// quarantine rows, keeps what was stored from doubling), and every pending webhook delivery's
// "enqueued" mark, so the next fan-out gives its stream a job again (a delivery already sent
// is not pending, and a stream's job sends each pending event once, in order).
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';

/** Call with no sync pass in flight (ElectedScheduler.pauseWhile), or a pass's cursor save undoes the reset. */
export function relistAfterQueueLoss(db: Db, log: Logger): void {
  const reset = db.transaction(() => ({
    mailboxes: db.prepare('UPDATE sync_state SET history_id = NULL, backfill_page_token = NULL, backfill_history_id = NULL').run().changes,
    deliveries: db.prepare("UPDATE webhook_deliveries SET enqueued = 0 WHERE state = 'pending' AND enqueued = 1").run().changes,
  }))();
  log.warn(reset, 'queue lost its jobs; every mailbox will be re-listed and pending webhook deliveries enqueued again');
}
