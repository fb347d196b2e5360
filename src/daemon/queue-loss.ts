// When Redis comes back without the jobs it held, the sync cursors have already moved past
// them: every mailbox's cursor is reset so the next pass re-lists it in full, and ingest's
// dedupe (the ticket and quarantine rows) keeps what was stored from doubling.
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';

/** Call with no sync pass in flight (ElectedScheduler.pauseWhile), or a pass's cursor save undoes the reset. */
export function relistAfterQueueLoss(db: Db, log: Logger): void {
  const reset = db.prepare('UPDATE sync_state SET history_id = NULL, backfill_page_token = NULL, backfill_history_id = NULL').run();
  log.warn({ mailboxes: reset.changes }, 'queue lost its jobs; every mailbox will be re-listed');
}
