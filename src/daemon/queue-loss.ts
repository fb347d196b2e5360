// When Redis comes back without the jobs it held, the sync cursors have already moved past
// them: every mailbox's cursor is reset so the next pass re-lists it in full, and ingest's
// dedupe (the ticket and quarantine rows) keeps what was stored from doubling.
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';

export function relistAfterQueueLoss(db: Db, log: Logger, scheduler: { syncNow(id: number): void }): void {
  const ids = db.prepare<[], { mailbox_id: number }>('SELECT mailbox_id FROM sync_state').all();
  db.prepare('UPDATE sync_state SET history_id = NULL, backfill_page_token = NULL, backfill_history_id = NULL').run();
  log.warn({ mailboxes: ids.length }, 'queue lost its jobs; every mailbox will be re-listed');
  for (const { mailbox_id } of ids) scheduler.syncNow(mailbox_id);
}
