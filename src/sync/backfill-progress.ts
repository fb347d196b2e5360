// How far a mailbox's first import has come: imported / total, rate and ETA, for /readyz,
// the admin page and `intake mailbox sync ID --progress`. Pure, from the stored sync state.
import type { Mailbox, SyncState } from '../store/mailbox-repo.js';

export interface BackfillProgress {
  phase: 'awaiting_confirm' | 'listing' | 'importing' | 'done' | 'resyncing';
  backfill: string;
  imported: number;
  total: number;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export function backfillProgress(m: Mailbox, s: SyncState | undefined, now = Date.now()): BackfillProgress | null {
  if (!s) return null;
  const backfill = s.backfillChoice ?? 'all';
  const base = { backfill, imported: 0, total: 0, ratePerSecond: null, etaSeconds: null };
  if (s.awaitingConfirm) return { ...base, phase: 'awaiting_confirm' };
  if (s.backfillStartedAt === null) return null;
  // A resync's messages are mostly already tickets (de-duplicated, never re-run): no count to show.
  if (s.backfillReason === 'history_expired') return m.state === 'backfilling' ? { ...base, phase: 'resyncing' } : null;
  const listing = m.state === 'backfilling';
  // While listing, Gmail's estimate is the total; once listed, the count of enqueued messages is exact.
  const total = listing ? Math.max(s.backfillTotal, s.backfillDone) : s.backfillDone;
  const imported = Math.min(s.backfillImported, total);
  const seconds = Math.max(0.001, (now - s.backfillStartedAt) / 1000);
  const rate = imported > 0 ? imported / seconds : null;
  const phase = listing ? 'listing' : imported < total ? 'importing' : 'done';
  const eta = phase === 'done' ? 0 : rate ? Math.ceil((total - imported) / rate) : null;
  return { phase, backfill, imported, total, ratePerSecond: rate === null ? null : Math.round(rate * 10) / 10, etaSeconds: eta };
}

/** "[#########-----------]  45% 450/1000  12.5 msg/s  ETA 44 s" */
export function progressLine(p: BackfillProgress, width = 30): string {
  if (p.phase === 'awaiting_confirm') return `waiting for the backfill (${p.backfill}) to be confirmed`;
  if (p.phase === 'resyncing') return 'relisting mail since the last good sync (history expired)';
  const share = p.total > 0 ? p.imported / p.total : 1;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = p.ratePerSecond === null ? '' : `  ${p.ratePerSecond} msg/s`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${p.etaSeconds} s`;
  return `${bar} ${String(Math.round(share * 100)).padStart(3)}% ${p.imported}/${p.total}${rate}${eta}  ${p.phase}`;
}
