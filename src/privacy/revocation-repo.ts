// Revocations Google could not confirm during a disconnect. The sealed token is kept only
// until a retry succeeds, so "deleted on request" is also "revoked at Google" in the end.
import type { Db } from '../store/database.js';

export interface PendingRevocation {
  id: number;
  tokenCipher: string;
  attempts: number;
}

export class RevocationRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  add(tokenCipher: string, error: string): void {
    const now = Date.now();
    this.db
      .prepare('INSERT INTO pending_revocations (token_cipher, attempts, last_error, created_at, next_attempt_at) VALUES (?, 1, ?, ?, ?)')
      .run(tokenCipher, error, now, now + 60_000);
  }

  due(now = Date.now()): PendingRevocation[] {
    return this.db
      .prepare<[number], { id: number; token_cipher: string; attempts: number }>(
        'SELECT id, token_cipher, attempts FROM pending_revocations WHERE next_attempt_at <= ? ORDER BY id LIMIT 50',
      )
      .all(now)
      .map((r) => ({ id: r.id, tokenCipher: r.token_cipher, attempts: r.attempts }));
  }

  done(id: number): void {
    this.db.prepare('DELETE FROM pending_revocations WHERE id = ?').run(id);
  }

  retryLater(id: number, attempts: number, error: string): void {
    const delay = Math.min(24 * 3_600_000, 60_000 * 2 ** attempts);
    this.db
      .prepare('UPDATE pending_revocations SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(attempts + 1, error, Date.now() + delay, id);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM pending_revocations').get()?.n ?? 0;
  }
}
