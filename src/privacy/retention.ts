// Retention: quarantined spam is kept for review for `retention.quarantineDays`, then
// purged. The cut-off arithmetic is pure; the purge is one DELETE.
import type { Db } from '../store/database.js';

export function retentionCutoff(now: number, days: number): number {
  return now - days * 86_400_000;
}

export function purgeExpiredQuarantine(db: Db, days: number, now = Date.now()): number {
  return db.prepare('DELETE FROM quarantine WHERE created_at < ?').run(retentionCutoff(now, days)).changes;
}
