import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'support@example.com';
const DAY = 86_400_000;

describe('admin page: choosing, previewing and confirming the first import', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('connect with "the last N days" and preview first: nothing is imported until confirmed, the preview counts, then exactly that window is imported', async () => {
    fake = await startTestFake();
    fake.deliver(MAILBOX, simpleMail(1, MAILBOX), { internalDate: Date.now() - 40 * DAY });
    const recent = [2, 3].map((n) => fake!.deliver(MAILBOX, simpleMail(n, MAILBOX), { internalDate: Date.now() - n * DAY }).id);
    t = await startTestDaemon(fake);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const list = await browser.get('/admin');
    expect(list.html).toContain('id="backfill"');

    const start = await browser.post('/admin/mailboxes/connect', {
      loginHint: MAILBOX,
      backfill: 'days',
      backfillDays: '7',
      preview: 'on',
    });
    expect(start.status).toBe(303);
    const redirect = fake.approveConsent(start.location ?? '', { email: MAILBOX });
    expect((await browser.fetchWithCookies(redirect)).status).toBe(200);

    const waiting = await browser.get('/admin');
    expect(waiting.html).toContain('/admin/mailboxes/1/preview');
    expect(waiting.html).toContain('preview and confirm (days:7)');
    const preview = await browser.get('/admin/mailboxes/1/preview');
    expect(preview.status).toBe(200);
    expect(preview.html).toMatch(/id="preview-count">2</);
    expect(preview.html).toMatch(/id="sample-ticket">2</);
    const wider = await browser.get('/admin/mailboxes/1/preview?backfill=all');
    expect(wider.html).toMatch(/id="preview-count">3</);
    const bad = await browser.get('/admin/mailboxes/1/preview?backfill=days&backfillDays=0');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('whole number from 1');
    expect((t.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(0);

    const confirm = await browser.post('/admin/mailboxes/1/backfill', { backfill: 'days', backfillDays: '7' });
    expect(confirm.location).toBe('/admin?notice=import_started');
    const ids = await waitFor(
      () => (t!.daemon.db.prepare('SELECT provider_message_id AS id FROM messages').all() as { id: string }[]).map((r) => r.id).sort(),
      (r) => r.length >= 2,
    );
    expect(ids).toEqual([...recent].sort());
    const done = await waitFor(
      () => browser.get('/admin'),
      (p) => p.html.includes('— done'),
    );
    expect(done.html).toContain('2 of 2');
  });
});
