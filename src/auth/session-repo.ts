// Admin sessions kept server-side. The browser holds a random id; the table holds only its
// SHA-256, so a copy of the database cannot be replayed as a cookie. Each session's CSRF
// token is derived from the cookie value and stored only as a hash, so a copy of the
// database cannot forge forms either. A session ends after an idle period or an absolute
// lifetime, whichever is first.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.js';

export interface Session {
  /** The hash of the cookie value; also the reference OAuth states are bound to. */
  ref: string;
  adminId: number;
  csrfToken: string;
  createdAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const hashSessionId = (id: string): string => createHash('sha256').update(id).digest('hex');

/** The synchronizer token of the session whose cookie is `cookieValue`; never stored. */
const csrfTokenFor = (cookieValue: string): string => createHash('sha256').update(`intake csrf v1|${cookieValue}`).digest('base64url');
const hashCsrf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class SessionRepo {
  private readonly db: Db;
  private readonly limits: SessionLimits;
  private readonly now: () => number;

  constructor(db: Db, limits: SessionLimits, now: () => number = Date.now) {
    this.db = db;
    this.limits = limits;
    this.now = now;
  }

  /** Returns the cookie value; it is never stored. */
  create(adminId: number): { cookieValue: string; session: Session } {
    const cookieValue = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = { ref: hashSessionId(cookieValue), adminId, csrfToken: csrfTokenFor(cookieValue), createdAt: now };
    this.db
      .prepare('INSERT INTO admin_sessions (id_hash, admin_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(session.ref, adminId, hashCsrf(session.csrfToken), now, now, now + this.limits.absoluteMs);
    this.db.prepare('DELETE FROM admin_sessions WHERE expires_at < ? OR last_seen_at < ?').run(now, now - this.limits.idleMs);
    return { cookieValue, session };
  }

  /** The live session for a cookie value, touching its idle timer; undefined when expired. */
  resolve(cookieValue: string | undefined): Session | undefined {
    if (!cookieValue) return undefined;
    const ref = hashSessionId(cookieValue);
    const row = this.db
      .prepare<[string], { admin_id: number; csrf_token: string; created_at: number; last_seen_at: number; expires_at: number }>(
        'SELECT admin_id, csrf_token, created_at, last_seen_at, expires_at FROM admin_sessions WHERE id_hash = ?',
      )
      .get(ref);
    if (!row) return undefined;
    const now = this.now();
    const csrfToken = csrfTokenFor(cookieValue);
    // A row whose token is not the hash of the derived one predates hashing: end it.
    if (now >= row.expires_at || now - row.last_seen_at >= this.limits.idleMs || row.csrf_token !== hashCsrf(csrfToken)) {
      this.destroy(ref);
      return undefined;
    }
    this.db.prepare('UPDATE admin_sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, ref);
    return { ref, adminId: row.admin_id, csrfToken, createdAt: row.created_at };
  }

  destroy(ref: string): void {
    this.db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?').run(ref);
  }
}
