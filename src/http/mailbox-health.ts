// The health of one mailbox as operators and admins see it: its state, why, how far a
// full sync has come, and whether its last successful sync is recent enough. Pure.
import type { Mailbox, SyncState } from '../store/mailbox-repo.js';
import { backfillProgress, type BackfillProgress } from '../sync/backfill-progress.js';

export interface MailboxHealth {
  id: number;
  state: Mailbox['state'];
  reason: string | null;
  lastSuccessfulSync: string | null;
  stale: boolean;
  lastError: string | null;
  backfill: { done: number; total: number } | null;
  /** The first import: imported / total, rate and ETA (null when there is none to show). */
  progress: BackfillProgress | null;
}

/** Stale after three missed intervals: one slow poll is normal, three are not. */
export function mailboxHealth(m: Mailbox, s: SyncState | undefined, pollIntervalSeconds: number, now = Date.now()): MailboxHealth {
  const last = s?.lastSuccessAt ?? null;
  return {
    id: m.id,
    state: m.state,
    reason: m.stateReason,
    lastSuccessfulSync: last === null ? null : new Date(last).toISOString(),
    stale: last === null ? now - m.createdAt > 3 * pollIntervalSeconds * 1000 : now - last > 3 * pollIntervalSeconds * 1000,
    lastError: s?.lastErrorCode ?? null,
    backfill: m.state === 'backfilling' && s ? { done: s.backfillDone, total: s.backfillTotal } : null,
    progress: backfillProgress(m, s, now),
  };
}
