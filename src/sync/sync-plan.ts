// Turns what the store holds (the admin's backfill choice, the last good sync) into the
// SyncPlan a source follows when it has to list. Pure.
import type { SyncState } from '../store/mailbox-repo.js';
import type { SyncPlan } from '../sources/mail-source.js';
import { backfillWindow, isChoiceError, parseBackfillChoice } from './backfill-choice.js';

/** Relisting after expired history reaches this far before the last good sync (clock skew, late delivery). */
export const RESYNC_MARGIN_MS = 3_600_000;

export function syncPlanFor(state: SyncState | undefined, now = Date.now()): SyncPlan {
  const parsed = parseBackfillChoice(state?.backfillChoice ?? 'all');
  const choice = isChoiceError(parsed) ? ({ mode: 'all' } as const) : parsed;
  const last = state?.lastSuccessAt ?? null;
  const chosenAt = state?.backfillChosenAt ?? now;
  // 'none' skips the old mail once. A mailbox whose import already ran and whose cursor was
  // reset since (the queue lost its jobs, a disconnect) relists from that choice, or mail that
  // arrived after it and was never stored would be skipped too; dedupe keeps the rest.
  const relist = choice.mode === 'none' && (state?.backfillStartedAt ?? null) !== null;
  return {
    first: relist ? { afterMs: chosenAt - RESYNC_MARGIN_MS } : backfillWindow(choice, chosenAt),
    resyncAfterMs: last === null ? null : last - RESYNC_MARGIN_MS,
  };
}
