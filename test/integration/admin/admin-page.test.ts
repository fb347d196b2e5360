import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import type { CreatedAdmin } from '../../../src/auth/create-admin.js';

const MAILBOX = 'support@example.com';

describe('admin page', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  async function setup(overrides = {}): Promise<{ t: TestDaemon; fake: FakeGoogle; admin: CreatedAdmin }> {
    fake = await startTestFake();
    fake.addUser(MAILBOX);
    t = await startTestDaemon(fake, overrides);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    return { t, fake, admin };
  }

  const mailboxCount = (d: TestDaemon) => (d.daemon.db.prepare('SELECT COUNT(*) AS n FROM mailboxes').get() as { n: number }).n;

  it('sign-in: with password and the current TOTP code, starts a session in an HttpOnly SameSite cookie and shows the mailbox list', async () => {
    const { t, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    const login = await browser.get('/admin/login');
    expect(login.status).toBe(200);
    const res = await browser.post('/admin/login', { username: 'admin', password: TEST_PASSWORD, code: await totpCode(admin.totpSecret) });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin');
    const page = await browser.get('/admin');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Connect Gmail');
    const raw = await fetch(`${t.daemon.url}/admin/login`);
    expect(raw.headers.getSetCookie().join('\n')).toMatch(/HttpOnly/i);
    expect(raw.headers.getSetCookie().join('\n')).toMatch(/SameSite=Lax/i);
    expect(raw.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(raw.headers.get('x-frame-options')).toBe('DENY');
    expect(raw.headers.get('referrer-policy')).toBe('no-referrer');
    expect(raw.headers.get('x-content-type-options')).toBe('nosniff');
    const sessions = t.daemon.db.prepare('SELECT id_hash FROM admin_sessions').all() as { id_hash: string }[];
    expect(sessions).toHaveLength(1);
    expect(browser.cookieHeader()).not.toContain(sessions[0]?.id_hash);
  });

  it('sign-in: when the TOTP code is wrong, answers 401, starts no session and the page still redirects to sign-in', async () => {
    const { t } = await setup();
    const browser = new AdminClient(t.daemon.url);
    const res = await browser.signIn('admin', TEST_PASSWORD, '000000');
    expect(res.status).toBe(401);
    expect(res.html).toContain('Wrong username, password or code');
    expect((await browser.get('/admin')).location).toBe('/admin/login');
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get()).toEqual({ n: 0 });
  });

  it('sign-in: after maxFailedLogins wrong passwords, locks the account so even the right credentials get 429', async () => {
    const { t, admin } = await setup({ auth: { maxFailedLogins: 3 } });
    const browser = new AdminClient(t.daemon.url);
    for (let i = 0; i < 2; i++)
      expect((await browser.signIn('admin', 'wrong password!!', await totpCode(admin.totpSecret))).status).toBe(401);
    expect((await browser.signIn('admin', 'wrong password!!', await totpCode(admin.totpSecret))).status).toBe(429);
    const res = await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    expect(res.status).toBe(429);
    expect(res.html).toContain('INTAKE_ERR_LOGIN_LOCKED');
    expect((await browser.get('/admin')).location).toBe('/admin/login');
  });

  it('sign-in: after ipMaxFailures failures from one address, refuses that address for every account', async () => {
    const { t } = await setup({ auth: { ipMaxFailures: 3, maxFailedLogins: 100 } });
    const browser = new AdminClient(t.daemon.url);
    for (let i = 0; i < 3; i++) await browser.signIn(`nobody${i}`, 'wrong password!!', '123456');
    const res = await browser.signIn('admin', TEST_PASSWORD, '123456');
    expect(res.status).toBe(429);
  });

  it('sign-in: a recovery code works once in place of the TOTP code and is refused the second time', async () => {
    const { t, admin } = await setup();
    const code = admin.recoveryCodes[0] as string;
    expect((await new AdminClient(t.daemon.url).signIn('admin', TEST_PASSWORD, code)).status).toBe(303);
    expect((await new AdminClient(t.daemon.url).signIn('admin', TEST_PASSWORD, code)).status).toBe(401);
    const stored = t.daemon.db.prepare('SELECT code_hash FROM admin_recovery_codes').all() as { code_hash: string }[];
    expect(stored).toHaveLength(10);
    expect(stored.some((r) => r.code_hash.includes(code))).toBe(false);
  });

  it('sign-in: when the sign-in form carries no CSRF token, answers 403 and starts no session', async () => {
    const { t, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    await browser.get('/admin/login');
    const res = await browser.post(
      '/admin/login',
      { username: 'admin', password: TEST_PASSWORD, code: await totpCode(admin.totpSecret) },
      false,
    );
    expect(res.status).toBe(403);
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get()).toEqual({ n: 0 });
  });

  it('admin forms: when the CSRF token is missing or wrong, answer 403 and change nothing', async () => {
    const { t, admin } = await setup();
    expect(await t.connect(MAILBOX)).toBe(200);
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const id = (t.daemon.db.prepare('SELECT id FROM mailboxes').get() as { id: number }).id;
    const missing = await browser.post(`/admin/mailboxes/${id}/disconnect`, { deleteTickets: 'on' }, false);
    expect(missing.status).toBe(403);
    const wrong = await browser.post(`/admin/mailboxes/${id}/disconnect`, { _csrf: 'forged-token', deleteTickets: 'on' }, false);
    expect(wrong.status).toBe(403);
    expect((await browser.post('/admin/mailboxes/connect', { _csrf: 'forged' }, false)).status).toBe(403);
    expect(mailboxCount(t)).toBe(1);
    expect((t.daemon.db.prepare('SELECT state FROM mailboxes').get() as { state: string }).state).not.toBe('disconnected');
  });

  it('connect: the consent URL asks offline access, forced consent, granted scopes, PKCE S256, the login hint and read-only Gmail', async () => {
    const { t, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const res = await browser.post('/admin/mailboxes/connect', { loginHint: MAILBOX });
    expect(res.status).toBe(303);
    const url = new URL(res.location as string);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('include_granted_scopes')).toBe('true');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('login_hint')).toBe(MAILBOX);
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(
      ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/userinfo.email', 'openid'].sort(),
    );
    const session = t.daemon.db.prepare('SELECT id_hash FROM admin_sessions').get() as { id_hash: string };
    expect(t.daemon.db.prepare('SELECT session_ref FROM oauth_states').get()).toEqual({ session_ref: session.id_hash });
  });

  it('connect: with "IMAP" chosen on the form, the consent URL asks full mail access and the mailbox is stored with source imap', async () => {
    const { t, fake, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    expect((await browser.get('/admin')).html).toContain('<option value="imap">');
    const start = await browser.post('/admin/mailboxes/connect', { loginHint: MAILBOX, source: 'imap' });
    expect(new URL(start.location as string).searchParams.get('scope')?.split(' ')).toContain('https://mail.google.com/');
    const callback = await browser.fetchWithCookies(fake.approveConsent(start.location as string, { email: MAILBOX }));
    expect(callback.status).toBe(200);
    expect(t.daemon.db.prepare('SELECT source FROM mailboxes').get()).toEqual({ source: 'imap' });
  });

  it('connect: through the page, the callback in the same session stores the mailbox, and connecting again updates it instead of adding one', async () => {
    const { t, fake, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    for (let round = 0; round < 2; round++) {
      const start = await browser.post('/admin/mailboxes/connect', { loginHint: MAILBOX });
      const callback = await browser.fetchWithCookies(fake.approveConsent(start.location as string, { email: MAILBOX }));
      expect(callback.status).toBe(200);
      expect(callback.html).toContain(round === 0 ? 'connected' : 'reconnected');
    }
    expect(mailboxCount(t)).toBe(1);
    expect((await browser.get('/admin')).html).toContain(MAILBOX);
  });

  it('oauth callback: when the state was begun in another admin session, answers 400 and stores nothing', async () => {
    const { t, fake, admin } = await setup();
    const alice = new AdminClient(t.daemon.url);
    await alice.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const other = new AdminClient(t.daemon.url);
    expect((await other.signIn('admin', TEST_PASSWORD, admin.recoveryCodes[1] as string)).status).toBe(303);
    const start = await alice.post('/admin/mailboxes/connect', { loginHint: MAILBOX });
    const callback = await other.fetchWithCookies(fake.approveConsent(start.location as string, { email: MAILBOX }));
    expect(callback.status).toBe(400);
    expect(callback.html).toContain('another session');
    expect(mailboxCount(t)).toBe(0);
  });

  it('sign-out: destroys the server-side session, so the old cookie no longer opens the page', async () => {
    const { t, admin } = await setup();
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const cookie = browser.cookieHeader();
    expect((await browser.post('/admin/logout', {})).status).toBe(303);
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get()).toEqual({ n: 0 });
    const res = await fetch(`${t.daemon.url}/admin`, { headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
  });
});
