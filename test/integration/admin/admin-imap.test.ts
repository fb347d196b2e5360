// The admin page's "Add an IMAP mailbox with a password" form against a real Dovecot: a wrong
// password stores nothing and says so, a forged CSRF token is refused, and the right password
// adds the mailbox, whose mail becomes tickets. The password never comes back in the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake, recordSecrets } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { startTestDovecot, type TestDovecot } from '../../helpers/dovecot.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';

const USER = 'page-imap@imap.example.org';
const PASSWORD = 'page-imap-password-77c1';

let fake: FakeGoogle;
let dovecot: TestDovecot;
let t: TestDaemon;
let browser: AdminClient;

beforeAll(async () => {
  recordSecrets([PASSWORD]);
  fake = await startTestFake();
  dovecot = await startTestDovecot({ passwords: { [USER]: PASSWORD }, introspectionUrl: `${fake.url}/introspect` });
  t = await startTestDaemon(fake);
  const admin = await createTestAdmin(t.daemon.db, t.config);
  browser = new AdminClient(t.daemon.url);
  await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
});

afterAll(async () => {
  await t?.close();
  await dovecot?.close();
  await fake?.close();
});

const form = (password: string) => ({
  email: USER,
  host: dovecot.host,
  port: String(dovecot.port),
  security: 'plain',
  password,
  folder: 'INBOX',
});
const mailboxes = () => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM mailboxes').get() as { n: number }).n;

describe('admin page: add an IMAP mailbox', () => {
  it('shows the form; a wrong password stores nothing and the notice says why; a forged CSRF token is refused', async () => {
    expect((await browser.get('/admin')).html).toContain('id="imap-form"');
    const wrong = await browser.post('/admin/mailboxes/imap', form('not-it'));
    expect(wrong.status).toBe(303);
    expect(wrong.location).toBe('/admin?notice=imap_login_failed');
    const page = await browser.get(wrong.location as string);
    expect(page.html).toContain('refused the user name or password');
    expect(page.html).not.toContain('not-it');
    expect((await browser.post('/admin/mailboxes/imap', { ...form(PASSWORD), _csrf: 'forged' }, false)).status).toBe(403);
    expect((await browser.post('/admin/mailboxes/imap', { ...form(PASSWORD), port: 'x' })).location).toBe('/admin?notice=imap_invalid');
    expect(mailboxes()).toBe(0);
  });

  it('with the right password: adds the mailbox and its mail becomes tickets', async () => {
    await dovecot.deliver(USER, Buffer.from(simpleMail(1, USER, 'Via the admin page')));
    const added = await browser.post('/admin/mailboxes/imap', form(PASSWORD));
    expect(added.location).toBe('/admin?notice=imap_added');
    await waitFor(
      () => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n,
      (n) => n === 1,
    );
    const page = await browser.get('/admin');
    expect(page.html).toContain(USER);
    expect(page.html).not.toContain(PASSWORD);
  });
});
