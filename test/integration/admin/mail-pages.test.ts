import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { rawMail } from '../ingest/support.js';

const BOX = 'pages@intake.test';

function withAttachment(): string {
  return [
    'From: Ida <ida@customer.test>',
    `To: ${BOX}`,
    'Subject: Contract',
    'Message-ID: <p1@customer.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    'Content-Type: text/plain',
    '',
    'The signed contract.\n\nOn Mon, 10 Oct 2022 at 10:00, Support <pages@intake.test> wrote:\n> please sign',
    '--m',
    'Content-Type: text/plain; name="contract.txt"',
    'Content-Disposition: attachment; filename="contract.txt"',
    '',
    'signed by Ida',
    '--m--',
    '',
  ].join('\r\n');
}

// The admin page shows a ticket's attachments (downloadable) and its quoted text folded away,
// and lists suppressed machine mail with a release form.
describe('admin pages for attachments and machine mail', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  let browser: AdminClient;
  const n = (sql: string) => (t.daemon.db.prepare(sql).get() as { n: number }).n;

  beforeAll(async () => {
    fake = await startTestFake();
    fake.deliver(BOX, withAttachment());
    fake.deliver(BOX, rawMail({ from: 'jo@customer.test', to: BOX, subject: 'Automatic reply: Contract', messageId: 'p2@customer.test' }));
    t = await startTestDaemon(fake);
    await t.connect(BOX);
    await waitFor(
      () => n('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM suppressed) AS n'),
      (v) => v >= 2,
    );
    const admin = await createTestAdmin(t.daemon.db, t.config);
    browser = new AdminClient(t.daemon.url);
    expect((await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret))).status).toBe(303);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('ticket page: lists the attachment with a working download link and folds the quoted text away', async () => {
    const ticketId = (t.daemon.db.prepare('SELECT id FROM tickets').get() as { id: number }).id;
    const page = await browser.get(`/admin/tickets/${ticketId}`);
    expect(page.status).toBe(200);
    const link = /<a href="(\/admin\/attachments\/\d+)" download>contract\.txt<\/a>/.exec(page.html)?.[1];
    expect(link).toBeDefined();
    expect(page.html).toContain('<details class="quoted"><summary>Quoted text</summary>');
    const file = await browser.get(link as string);
    expect(file.status).toBe(200);
    expect(file.html).toBe('signed by Ida');
  });

  it('machine mail page: lists the suppressed auto-reply with its reason, and releasing it makes a ticket', async () => {
    const page = await browser.get('/admin/suppressed');
    expect(page.status).toBe(200);
    const id = /data-suppressed-id="(\d+)"/.exec(page.html)?.[1];
    expect(id).toBeDefined();
    expect(page.html).toContain('out-of-office subject');
    const done = await browser.post(`/admin/suppressed/${id}/release`, {});
    expect(done.status).toBe(303);
    expect(n("SELECT COUNT(*) AS n FROM messages WHERE message_id_header = 'p2@customer.test'")).toBe(1);
    expect((await browser.get('/admin/suppressed')).html).toContain('suppressed-empty');
  });
});
