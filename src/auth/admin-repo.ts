// Admin accounts: the scrypt password hash, the TOTP secret sealed like every other secret
// (so `intake keys rotate` re-encrypts it), the last TOTP step used, and lockout state.
import type { Db } from '../store/database.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { hashRecoveryCode } from './recovery-codes.js';

export interface Admin {
  id: number;
  username: string;
  passwordHash: string;
  totpSecret: string;
  totpLastStep: number;
  failedLogins: number;
  lockedUntil: number;
}

interface AdminRow {
  id: number;
  username: string;
  password_hash: string;
  totp_secret_cipher: string;
  totp_last_step: number;
  failed_logins: number;
  locked_until: number;
}

export class AdminRepo {
  private readonly db: Db;
  private readonly box: SecretBox;

  constructor(db: Db, box: SecretBox) {
    this.db = db;
    this.box = box;
  }

  create(input: { username: string; passwordHash: string; totpSecret: string; recoveryCodes: string[] }): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO admins (username, password_hash, totp_secret_cipher, created_at) VALUES (?, ?, ?, ?)')
        .run(input.username, input.passwordHash, this.box.seal(input.totpSecret), Date.now());
      const id = Number(info.lastInsertRowid);
      const insert = this.db.prepare('INSERT INTO admin_recovery_codes (admin_id, code_hash) VALUES (?, ?)');
      for (const code of input.recoveryCodes) insert.run(id, hashRecoveryCode(code));
      return id;
    })();
  }

  findByUsername(username: string): Admin | undefined {
    const row = this.db.prepare<[string], AdminRow>('SELECT * FROM admins WHERE username = ?').get(username);
    return row && this.toAdmin(row);
  }

  get(id: number): Admin | undefined {
    const row = this.db.prepare<[number], AdminRow>('SELECT * FROM admins WHERE id = ?').get(id);
    return row && this.toAdmin(row);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM admins').get()?.n ?? 0;
  }

  /** Marks a recovery code used; false when it is unknown or was used before. */
  useRecoveryCode(adminId: number, code: string): boolean {
    const result = this.db
      .prepare('UPDATE admin_recovery_codes SET used_at = ? WHERE admin_id = ? AND code_hash = ? AND used_at IS NULL')
      .run(Date.now(), adminId, hashRecoveryCode(code));
    return result.changes === 1;
  }

  unusedRecoveryCodes(adminId: number): number {
    return (
      this.db
        .prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM admin_recovery_codes WHERE admin_id = ? AND used_at IS NULL')
        .get(adminId)?.n ?? 0
    );
  }

  /**
   * Consumes a TOTP time step: true only for the one caller whose conditional update moved
   * the last used step forward, so parallel sign-ins with one code yield one session.
   */
  consumeTotpStep(adminId: number, step: number): boolean {
    return (
      this.db.prepare('UPDATE admins SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?').run(step, adminId, step).changes === 1
    );
  }

  /**
   * Reserves one sign-in attempt before the password is checked, in one statement, so
   * parallel attempts cannot all read the same count: the attempt counts as a failure
   * until a success resets it. Refused (with the wait) while locked or when `max`
   * attempts are already reserved.
   */
  reserveAttempt(adminId: number, now: number, max: number, lockoutMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const row = this.db
      .prepare<[number, number, number], { failed_logins: number }>(
        'UPDATE admins SET failed_logins = failed_logins + 1 WHERE id = ? AND locked_until <= ? AND failed_logins < ? RETURNING failed_logins',
      )
      .get(adminId, now, max);
    if (row) return { ok: true };
    const lockedUntil =
      this.db.prepare<[number], { locked_until: number }>('SELECT locked_until FROM admins WHERE id = ?').get(adminId)?.locked_until ?? 0;
    // Not locked yet but every attempt is reserved: the ones in flight will lock it if they fail.
    return { ok: false, retryAfterMs: lockedUntil > now ? lockedUntil - now : lockoutMs };
  }

  /** A reserved attempt failed: the one that finds `max` reserved locks the account and starts a new count. */
  confirmFailure(adminId: number, now: number, max: number, lockoutMs: number): { locked: boolean; retryAfterMs: number } {
    const lockedUntil = now + lockoutMs;
    const locked =
      this.db
        .prepare('UPDATE admins SET failed_logins = 0, locked_until = ? WHERE id = ? AND failed_logins >= ?')
        .run(lockedUntil, adminId, max).changes === 1;
    return { locked, retryAfterMs: locked ? lockoutMs : 0 };
  }

  recordLogin(adminId: number): void {
    this.db.prepare('UPDATE admins SET failed_logins = 0, locked_until = 0, last_login_at = ? WHERE id = ?').run(Date.now(), adminId);
  }

  private toAdmin(r: AdminRow): Admin {
    return {
      id: r.id,
      username: r.username,
      passwordHash: r.password_hash,
      totpSecret: this.box.open(r.totp_secret_cipher),
      totpLastStep: r.totp_last_step,
      failedLogins: r.failed_logins,
      lockedUntil: r.locked_until,
    };
  }
}
