// Carries the admin's backfill choice across Google's consent round trip, keyed by the
// OAuth state's nonce (the state itself stays the OAuth part's business). Rows older than
// a day are dropped; a consumed row is deleted.
import type { Db } from '../store/database.js';

export interface PendingBackfill {
  choice: string;
  hold: boolean;
}

export class PendingBackfills {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  record(state: string, pending: PendingBackfill): void {
    const nonce = nonceOf(state);
    if (!nonce) return;
    this.db
      .prepare('INSERT OR REPLACE INTO pending_backfills (nonce, choice, hold, created_at) VALUES (?, ?, ?, ?)')
      .run(nonce, pending.choice, pending.hold ? 1 : 0, Date.now());
    this.db.prepare('DELETE FROM pending_backfills WHERE created_at < ?').run(Date.now() - 24 * 3_600_000);
  }

  take(state: string | undefined): PendingBackfill | undefined {
    const nonce = nonceOf(state ?? '');
    if (!nonce) return undefined;
    const row = this.db
      .prepare<[string], { choice: string; hold: number }>('SELECT choice, hold FROM pending_backfills WHERE nonce = ?')
      .get(nonce);
    if (!row) return undefined;
    this.db.prepare('DELETE FROM pending_backfills WHERE nonce = ?').run(nonce);
    return { choice: row.choice, hold: row.hold === 1 };
  }
}

const nonceOf = (state: string): string | undefined => state.split('.')[0] || undefined;
