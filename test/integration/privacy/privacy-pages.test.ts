import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { seedMail } from '../../helpers/privacy-mail.js';

const MAILBOX = 'desk@example.com';
const ERIN = 'erin.page@customer.example';

describe('the privacy admin pages', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('pages: erase shows the counts, refuses a mismatched confirmation, erases on a matching one; retention, audit and inventory render', async () => {
    fake = await startTestFake();
    fake.deliver(
      MAILBOX,
      seedMail({ n: 31, from: ERIN, to: MAILBOX, subject: 'Erin asks about a lost parcel', lines: ['Where is it?'] }).raw,
    );
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    const db = t.daemon.db;
    await waitFor(
      () => (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n,
      (n) => n === 1,
    );
    const admin = await createTestAdmin(db, t.config);
    const adminId = (db.prepare("SELECT id FROM admins WHERE username = 'admin'").get() as { id: number }).id;
    const browser = new AdminClient(t.daemon.url);
    expect((await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret))).status).toBe(303);

    expect((await browser.get('/admin/privacy')).html).toContain('id="erase-form"');
    const preview = await browser.post('/admin/privacy/erase/preview', { email: ERIN, scope: 'tickets' });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('<dd data-count="tickets">1</dd>');
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 1 });

    const mismatch = await browser.post('/admin/privacy/erase', { email: ERIN, scope: 'tickets', confirm: 'someone@else.example' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.html).toContain('nothing was erased');
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 1 });
    const withoutCsrf = await browser.post('/admin/privacy/erase', { email: ERIN, scope: 'tickets', confirm: ERIN }, false);
    expect(withoutCsrf.status).toBe(403);

    const done = await browser.post('/admin/privacy/erase', { email: ERIN, scope: 'tickets', confirm: ERIN.toUpperCase() });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Erased. Receipt: audit entry');
    expect(db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT actor FROM audit_log WHERE action = 'privacy.erased'").get()).toEqual({ actor: `admin:${adminId}` });

    const bad = await browser.post('/admin/privacy/erase/preview', { email: 'not-an-address', scope: 'tickets' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('must be one mail address');

    const retention = await browser.get('/admin/retention');
    expect(retention.html).toContain('id="retention-counts"');
    expect(retention.html).toContain('data-rule="quarantine"');
    const audit = await browser.get('/admin/audit');
    expect(audit.html).toContain('Chain verified');
    expect(audit.html).toContain('privacy.erased');
    expect(audit.html).not.toContain(ERIN);
    const inventory = await browser.get('/admin/inventory');
    expect(inventory.html).toContain('id="inventory-messages"');
  });
});
