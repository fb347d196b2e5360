// Sign-in under parallel attack: the account and address reservations are taken before the
// password check, and one TOTP code yields one session however many requests carry it.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { AdminRepo } from '../../../src/auth/admin-repo.js';
import { SessionRepo } from '../../../src/auth/session-repo.js';
import { LoginThrottle } from '../../../src/auth/login-throttle.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { createAdminAccount } from '../../../src/auth/create-admin.js';
import { signIn, type AuthSettings, type SignInDeps } from '../../../src/auth/sign-in.js';
import { verifyPassword } from '../../../src/auth/password-hash.js';

const SETTINGS: AuthSettings = {
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  maxFailedLogins: 5,
  lockoutMinutes: 15,
  ipMaxFailures: 20,
  ipWindowMinutes: 15,
};

describe('sign-in races', () => {
  let dir: string | undefined;
  let db: Db | undefined;
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.close();
    await fake?.close();
    db = undefined;
    dir = undefined;
    t = undefined;
    fake = undefined;
  });

  /** The real repositories on a real SQLite file, with the real scrypt check counted. */
  async function realDeps(settings: AuthSettings = SETTINGS) {
    dir = mkdtempSync(join(tmpdir(), 'intake-signin-'));
    db = openDatabase(join(dir, 'intake.sqlite'));
    const admins = new AdminRepo(db, new SecretBox([randomBytes(32)]));
    const created = await createAdminAccount(admins, { username: 'admin', password: TEST_PASSWORD });
    const checks = { n: 0 };
    const deps: SignInDeps = {
      admins,
      sessions: new SessionRepo(db, { idleMs: 60_000, absoluteMs: 3_600_000 }),
      throttle: new LoginThrottle(),
      settings,
      verifyPassword: (password, stored) => {
        checks.n++;
        return verifyPassword(password, stored);
      },
    };
    return { deps, created, checks, db };
  }

  it('signIn(): when 200 wrong passwords for one account arrive in parallel from 200 addresses, checks at most 5 and locks the account', async () => {
    const { deps, checks } = await realDeps({ ...SETTINGS, ipMaxFailures: 1000 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        signIn(deps, { username: 'admin', password: `wrong password ${i}`, code: '123456', ip: `10.0.${i >> 8}.${i & 255}` }),
      ),
    );
    expect(checks.n).toBeGreaterThan(0);
    expect(checks.n).toBeLessThanOrEqual(5);
    expect(results.every((r) => !r.ok)).toBe(true);
    const right = await signIn(deps, { username: 'admin', password: TEST_PASSWORD, code: '123456', ip: '10.9.9.9' });
    expect(right).toMatchObject({ ok: false, reason: 'locked' });
    expect(checks.n).toBeLessThanOrEqual(5);
  }, 60_000);

  it('signIn(): when 200 guesses at unknown accounts arrive in parallel from one address, checks at most ipMaxFailures', async () => {
    const { deps, checks } = await realDeps();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        signIn(deps, { username: `nobody${i}`, password: 'wrong password!!', code: '123456', ip: '192.0.2.7' }),
      ),
    );
    expect(checks.n).toBeGreaterThan(0);
    expect(checks.n).toBeLessThanOrEqual(SETTINGS.ipMaxFailures);
  }, 60_000);

  it('signIn(): when the right password follows failures, succeeds and releases the reservations', async () => {
    const { deps, created, db } = await realDeps();
    for (let i = 0; i < 3; i++) await signIn(deps, { username: 'admin', password: 'wrong password!!', code: '123456', ip: '192.0.2.8' });
    expect((db.prepare('SELECT failed_logins FROM admins').get() as { failed_logins: number }).failed_logins).toBe(3);
    const ok = await signIn(deps, {
      username: 'admin',
      password: TEST_PASSWORD,
      code: await totpCode(created.totpSecret),
      ip: '192.0.2.8',
    });
    expect(ok.ok).toBe(true);
    expect(db.prepare('SELECT failed_logins, locked_until FROM admins').get()).toEqual({ failed_logins: 0, locked_until: 0 });
  }, 30_000);

  it('signIn(): when 6 sign-ins carry the same valid TOTP code in parallel, exactly one gets a session', async () => {
    const { deps, created, db } = await realDeps();
    const code = await totpCode(created.totpSecret);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signIn(deps, { username: 'admin', password: TEST_PASSWORD, code, ip: `192.0.2.${20 + i}` })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get() as { n: number }).n).toBe(1);
  }, 30_000);

  it('POST /admin/login: when 200 wrong passwords arrive in parallel over HTTP, at most 5 are answered "wrong", the rest are refused, and each is audited without the address', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake, { auth: { ipMaxFailures: 1000 } });
    await createTestAdmin(t.daemon.db, t.config);
    const clients = Array.from({ length: 200 }, () => new AdminClient(t?.daemon.url ?? ''));
    for (const c of clients) await c.get('/admin/login');
    const answers = await Promise.all(
      clients.map((c, i) => c.post('/admin/login', { username: 'admin', password: `wrong password ${i}`, code: '123456' })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const audit = t.daemon.db.prepare("SELECT action, subject_ref, detail FROM audit_log WHERE action LIKE 'admin.sign_in_%'").all() as {
      action: string;
      subject_ref: string | null;
      detail: string;
    }[];
    expect(audit).toHaveLength(200);
    expect(audit.every((a) => a.subject_ref === 'admin:1' && /^\{"client":"addr:[0-9a-f]{24}","reason":"[a-z_]+"\}$/.test(a.detail))).toBe(
      true,
    );
    expect(JSON.stringify(audit)).not.toContain('127.0.0.1');
  }, 120_000);

  it('POST /admin/login: when 6 browsers sign in in parallel with one valid TOTP code, exactly one session starts', async () => {
    fake = await startTestFake();
    t = await startTestDaemon(fake);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const clients = Array.from({ length: 6 }, () => new AdminClient(t?.daemon.url ?? ''));
    for (const c of clients) await c.get('/admin/login');
    const code = await totpCode(admin.totpSecret);
    const answers = await Promise.all(clients.map((c) => c.post('/admin/login', { username: 'admin', password: TEST_PASSWORD, code })));
    expect(answers.filter((a) => a.status === 303)).toHaveLength(1);
    // The others are refused: replayed code (401) or, past maxFailedLogins reservations, 429.
    expect(answers.filter((a) => a.status === 401 || a.status === 429)).toHaveLength(5);
    expect((t.daemon.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get() as { n: number }).n).toBe(1);
  }, 60_000);
});
