import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { spamDocKey } from '../../../src/ingest/filter-spam-check.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'desk@example.com';
const HAM = 8;
const SPAM = 8;
const HOSTILE_SUBJECT = 'Order <script>alert(1)</script> & "quotes"';
type Row = { n: number };
type Held = { id: number; mailbox_id: number; provider_message_id: string };

describe('admin review pages: the spam quarantine and the tickets', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  let browser: AdminClient;
  let adminId: number;
  const count = (sql: string, ...args: unknown[]) => (t.daemon.db.prepare(sql).get(...args) as Row).n;
  const held = () =>
    t.daemon.db.prepare('SELECT id, mailbox_id, provider_message_id FROM quarantine WHERE released_at IS NULL ORDER BY id').all() as Held[];
  const docLabel = (h: Held) =>
    (
      t.daemon.db.prepare('SELECT label FROM spam_docs WHERE doc_key = ?').get(spamDocKey(h.mailbox_id, h.provider_message_id)) as
        { label: string } | undefined
    )?.label;

  beforeAll(async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(2000, 2000 + HAM)) fake.deliver(MAILBOX, readMail(file));
    for (const file of corpusFiles('spam').slice(0, SPAM)) fake.deliver(MAILBOX, readMail(file));
    fake.deliver(MAILBOX, simpleMail(1, MAILBOX, HOSTILE_SUBJECT));
    t = await startTestDaemon(fake, { spam: { starterModel: true } });
    await t.connect(MAILBOX);
    await waitFor(
      () => count('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM quarantine) + (SELECT COUNT(*) FROM suppressed) AS n'),
      (n) => n >= HAM + SPAM + 1,
      // Generous: the starter model is counted first, which on a loaded 2-core machine takes a minute.
      240_000,
    );
    const admin = await createTestAdmin(t.daemon.db, t.config);
    adminId = (t.daemon.db.prepare("SELECT id FROM admins WHERE username = 'admin'").get() as { id: number }).id;
    browser = new AdminClient(t.daemon.url);
    expect((await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret))).status).toBe(303);
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('quarantine page: when spam is held, lists each message with sender, score and its weightiest tokens as signed weights', async () => {
    const ids = held().map((h) => h.id);
    expect(ids.length).toBeGreaterThan(1);
    const page = await browser.get('/admin/quarantine');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Spam quarantine</h1>');
    const shown = [...page.html.matchAll(/data-quarantine-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([...ids].reverse());
    expect(page.html).toMatch(/<li class="token token-spam">[^<]+ <b>\+\d+\.\d<\/b><\/li>/);
    expect(page.html).toMatch(/class="score">(0\.9\d|1\.00)</);
    expect(page.html).toContain('Not spam — release');
    expect(page.html).toContain('Spam — confirm');
    expect(page.html).toContain('href="/admin/quarantine" aria-current="page"');
  });

  it('quarantine page: when the session is missing, redirects to sign-in and shows nothing held', async () => {
    const stranger = new AdminClient(t.daemon.url);
    const res = await stranger.get('/admin/quarantine');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/login');
    expect(res.html).not.toContain('data-quarantine-id');
  });

  it('quarantine page: when the CSRF token is missing, answers 403, releases nothing and learns nothing', async () => {
    const target = held()[0] as Held;
    const docs = count('SELECT COUNT(*) AS n FROM spam_docs');
    const res = await browser.post(`/admin/quarantine/${target.id}/release`, {}, false);
    expect(res.status).toBe(403);
    const forged = await browser.post(`/admin/quarantine/${target.id}/confirm`, { _csrf: 'forged' }, false);
    expect(forged.status).toBe(403);
    expect(count('SELECT COUNT(*) AS n FROM spam_docs')).toBe(docs);
    expect(count('SELECT COUNT(*) AS n FROM quarantine WHERE id = ? AND released_at IS NULL', target.id)).toBe(1);
  });

  it('quarantine page: when an admin releases a message, makes its ticket, learns ham and audits it under the admin', async () => {
    const target = held()[0] as Held;
    const tickets = count('SELECT COUNT(*) AS n FROM tickets');
    const res = await browser.post(`/admin/quarantine/${target.id}/release`, {});
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/admin\/quarantine\?done=released&ticket=\d+$/);
    expect(count('SELECT COUNT(*) AS n FROM tickets')).toBe(tickets + 1);
    expect(docLabel(target)).toBe('ham');
    expect(count('SELECT COUNT(*) AS n FROM audit_log WHERE actor = ?', `admin:${adminId}`)).toBeGreaterThan(0);
    const after = await browser.get(res.location as string);
    expect(after.html).toContain('Released: the message is now a ticket');
    expect(after.html).not.toContain(`data-quarantine-id="${target.id}"`);
    const ticketId = /ticket=(\d+)/.exec(res.location as string)?.[1];
    expect((await browser.get(`/admin/tickets/${ticketId}`)).status).toBe(200);
  });

  it('quarantine page: when a released message is released again, shows it is gone and makes no second ticket', async () => {
    const released = t.daemon.db.prepare('SELECT id FROM quarantine WHERE released_at IS NOT NULL LIMIT 1').get() as { id: number };
    const tickets = count('SELECT COUNT(*) AS n FROM tickets');
    const res = await browser.post(`/admin/quarantine/${released.id}/release`, {});
    expect(res.location).toBe('/admin/quarantine?done=gone');
    expect(count('SELECT COUNT(*) AS n FROM tickets')).toBe(tickets);
  });

  it('quarantine page: when an admin confirms a message as spam, learns spam and marks it confirmed', async () => {
    const target = held()[0] as Held;
    expect(docLabel(target)).toBeUndefined();
    const res = await browser.post(`/admin/quarantine/${target.id}/confirm`, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/quarantine?done=confirmed');
    expect(docLabel(target)).toBe('spam');
    const page = await browser.get(res.location as string);
    expect(page.html).toContain('Confirmed as spam');
    const card = page.html.slice(page.html.indexOf(`data-quarantine-id="${target.id}"`));
    expect(card.slice(0, card.indexOf('</article>'))).toContain('Confirmed spam');
    expect(card.slice(0, card.indexOf('</article>'))).not.toContain(`/admin/quarantine/${target.id}/confirm`);
  });

  it('tickets page: when tickets exist, lists them newest first with status and requester, and pages by after', async () => {
    const ids = (t.daemon.db.prepare('SELECT id FROM tickets ORDER BY id DESC').all() as { id: number }[]).map((r) => r.id);
    const page = await browser.get('/admin/tickets');
    expect(page.status).toBe(200);
    const shown = [...page.html.matchAll(/data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown).toEqual(ids.slice(0, 50));
    expect(page.html).toMatch(/class="badge status status-(open|spam)"/);
    const older = await browser.get(`/admin/tickets?after=${ids[1]}`);
    expect([...older.html.matchAll(/data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(ids.slice(2, 52));
  });

  it('ticket page: when opened, shows each message escaped in a pre block with its verdict, score and tokens', async () => {
    const msg = t.daemon.db
      .prepare("SELECT id, ticket_id FROM messages WHERE spam_evidence IS NOT NULL AND spam_evidence != '[]' ORDER BY id LIMIT 1")
      .get() as { id: number; ticket_id: number };
    const page = await browser.get(`/admin/tickets/${msg.ticket_id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-message-id="${msg.id}"`);
    expect(page.html).toContain('<pre class="body">');
    expect(page.html).toMatch(/class="badge verdict verdict-(ham|unsure|spam)"/);
    expect(page.html).toMatch(/<li class="token token-(spam|ham)">[^<]+ <b>[+-]\d+\.\d<\/b><\/li>/);
    expect(page.html).toContain(`action="/admin/messages/${msg.id}/verdict"`);
  });

  it('ticket page: when an admin marks a message spam, closes the ticket as spam and learns spam; Not spam reopens it', async () => {
    const msg = t.daemon.db
      .prepare(
        "SELECT m.id, m.ticket_id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.status = 'open' ORDER BY m.id LIMIT 1",
      )
      .get() as {
      id: number;
      ticket_id: number;
    };
    const res = await browser.post(`/admin/messages/${msg.id}/verdict`, { verdict: 'spam' });
    expect(res.location).toBe(`/admin/tickets/${msg.ticket_id}?done=spam`);
    expect(t.daemon.db.prepare('SELECT status FROM tickets WHERE id = ?').get(msg.ticket_id)).toEqual({ status: 'spam' });
    expect(
      count(
        "SELECT COUNT(*) AS n FROM spam_docs WHERE label = 'spam' AND doc_key = (SELECT 'msg:' || mailbox_id || ':' || provider_message_id FROM messages WHERE id = ?)",
        msg.id,
      ),
    ).toBe(1);
    const page = await browser.get(res.location as string);
    expect(page.html).toContain('Marked as spam');
    expect(page.html).toContain('Spam (marked by an agent)');
    await browser.post(`/admin/messages/${msg.id}/verdict`, { verdict: 'ham' });
    expect(t.daemon.db.prepare('SELECT status FROM tickets WHERE id = ?').get(msg.ticket_id)).toEqual({ status: 'open' });
  });

  it('ticket page: when the CSRF token is missing, answers 403 and leaves the ticket and the filter alone', async () => {
    const msg = t.daemon.db
      .prepare(
        "SELECT m.id, m.ticket_id FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.status = 'open' ORDER BY m.id DESC LIMIT 1",
      )
      .get() as {
      id: number;
      ticket_id: number;
    };
    const docs = count('SELECT COUNT(*) AS n FROM spam_docs');
    const res = await browser.post(`/admin/messages/${msg.id}/verdict`, { verdict: 'spam' }, false);
    expect(res.status).toBe(403);
    expect(t.daemon.db.prepare('SELECT status FROM tickets WHERE id = ?').get(msg.ticket_id)).toEqual({ status: 'open' });
    expect(count('SELECT COUNT(*) AS n FROM spam_docs')).toBe(docs);
  });

  it('review pages: when a subject carries markup, show it escaped wherever the message landed', async () => {
    const ticket = t.daemon.db.prepare('SELECT ticket_id FROM messages WHERE subject = ?').get(HOSTILE_SUBJECT) as
      { ticket_id: number } | undefined;
    const page = await browser.get(ticket ? `/admin/tickets/${ticket.ticket_id}` : '/admin/quarantine');
    expect(page.html).toContain('Order &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(page.html).not.toContain('<script>');
  });

  it('ticket page: when the ticket does not exist, answers 404 with a way back', async () => {
    const res = await browser.get('/admin/tickets/999999');
    expect(res.status).toBe(404);
    expect(res.html).toContain('No such ticket');
  });
});
