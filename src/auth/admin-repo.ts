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

  recordTotpStep(adminId: number, step: number): void {
    this.db.prepare('UPDATE admins SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?').run(step, adminId, step);
  }

  recordFailure(adminId: number, failedLogins: number, lockedUntil: number): void {
    this.db.prepare('UPDATE admins SET failed_logins = ?, locked_until = ? WHERE id = ?').run(failedLogins, lockedUntil, adminId);
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
