import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { AdminClient, createTestAdmin, totpCode, TEST_PASSWORD } from '../../helpers/admin-client.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { untilSettled } from '../../helpers/settle.js';

const A = 'orders@example.com';
const B = 'billing@example.com';

interface MailboxRow {
  id: number;
  state: string;
  state_reason: string | null;
}

describe('grant lifecycle: refresh, revocation and deletion', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  const mailbox = (d: TestDaemon, email: string) =>
    d.daemon.db.prepare('SELECT id, state, state_reason FROM mailboxes WHERE email = ?').get(email) as MailboxRow | undefined;
  const messageCount = (d: TestDaemon, email: string) =>
    (
      d.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.email = ?').get(email) as {
        n: number;
      }
    ).n;
  const distinctMessages = (d: TestDaemon) =>
    (d.daemon.db.prepare('SELECT COUNT(DISTINCT mailbox_id || provider_message_id) AS n FROM messages').get() as { n: number }).n;
  const refreshTokens = (f: FakeGoogle) => f.issuedSecrets().filter((s) => s.startsWith('1//'));

  function deliver(f: FakeGoogle, to: string, from: number, count: number): void {
    for (let i = from; i < from + count; i++) f.deliver(to, simpleMail(i, to));
  }

  it('refresh: when Google answers invalid_grant for one mailbox, only that one needs re-consent with the reason, the other keeps syncing, and reconnecting resumes with nothing doubled', async () => {
    fake = await startTestFake();
    deliver(fake, A, 1, 3);
    deliver(fake, B, 100, 3);
    t = await startTestDaemon(fake);
    expect(await t.connect(A)).toBe(200);
    expect(await t.connect(B)).toBe(200);
    await waitFor(
      () => messageCount(t as TestDaemon, A) + messageCount(t as TestDaemon, B),
      (n) => n === 6,
    );

    fake.revokeUserGrant(A);
    deliver(fake, A, 4, 1);
    deliver(fake, B, 103, 1);
    const revoked = await waitFor(
      () => mailbox(t as TestDaemon, A),
      (m) => m?.state === 'needs_reconsent',
    );
    expect(revoked).toMatchObject({ state: 'needs_reconsent', state_reason: 'revoked_by_user' });
    expect(
      await waitFor(
        () => messageCount(t as TestDaemon, B),
        (n) => n === 4,
      ),
    ).toBe(4);
    expect(mailbox(t, B)?.state).toBe('syncing');

    const ready = (await (await fetch(`${t.daemon.url}/readyz`)).json()) as {
      status: string;
      mailboxes: { id: number; state: string; reason: string }[];
    };
    expect(ready.status).toBe('ready');
    expect(ready.mailboxes.find((m) => m.id === revoked?.id)).toMatchObject({ state: 'needs_reconsent', reason: 'revoked_by_user' });
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_mailbox_reconsent_required_total\{reason="revoked_by_user"\} 1/);
    expect(metrics).toMatch(/intake_mailboxes\{state="needs_reconsent"\} 1/);
    const event = t.logLines().find((l) => l.msg === 'mailbox needs re-consent; other mailboxes keep syncing');
    expect(event).toMatchObject({ level: 40, mailboxId: revoked?.id, reason: 'revoked_by_user', code: 'INTAKE_ERR_AUTH_REVOKED' });
    expect(JSON.stringify(event)).not.toContain(A);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const page = (await browser.get('/admin')).html;
    expect(page).toContain('Needs re-consent');
    expect(page).toContain('access was removed in the Google account');

    expect(await t.connect(A)).toBe(200);
    deliver(fake, A, 5, 1);
    expect(
      await waitFor(
        () => messageCount(t as TestDaemon, A),
        (n) => n === 5,
      ),
    ).toBe(5);
    await untilSettled(t.daemon.db, () => t?.daemon.syncNow(mailbox(t, A)?.id ?? 0));
    expect(messageCount(t, A)).toBe(5);
    expect(distinctMessages(t)).toBe(9);
    expect(mailbox(t, A)?.state).toBe('syncing');
    // The cursor survived re-consent: no second full sync for A.
    expect(await (await fetch(`${t.daemon.url}/metrics`)).text()).toMatch(/intake_full_syncs_total\{reason="first_sync"\} 2/);
  });

  it("disconnect: when Google's revoke endpoint is down, deletes locally, records the pending revocation, and a later retry revokes the token", async () => {
    fake = await startTestFake();
    deliver(fake, A, 1, 2);
    t = await startTestDaemon(fake);
    expect(await t.connect(A)).toBe(200);
    await waitFor(
      () => messageCount(t as TestDaemon, A),
      (n) => n === 2,
    );
    const id = mailbox(t, A)?.id as number;
    const [token] = refreshTokens(fake);

    fake.setRevokeEndpointDown(true);
    const res = await fetch(`${t.daemon.url}/api/mailboxes/${id}?deleteTickets=true`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true, revokedAtGoogle: false });
    expect(mailbox(t, A)).toBeUndefined();
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets').get()).toEqual({ n: 0 });
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM pending_revocations').get()).toEqual({ n: 1 });
    expect(fake.isRefreshTokenActive(token as string)).toBe(true);

    fake.setRevokeEndpointDown(false);
    t.daemon.db.prepare('UPDATE pending_revocations SET next_attempt_at = 0').run();
    expect(await t.daemon.retryRevocationsNow()).toBe(1);
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM pending_revocations').get()).toEqual({ n: 0 });
    expect(fake.isRefreshTokenActive(token as string)).toBe(false);
  });

  it('storage: the SQLite file and its WAL hold no token, code or secret in clear text', async () => {
    fake = await startTestFake();
    deliver(fake, A, 1, 2);
    deliver(fake, B, 100, 2);
    t = await startTestDaemon(fake);
    expect(await t.connect(A)).toBe(200);
    expect(await t.connect(B)).toBe(200);
    await waitFor(
      () => messageCount(t as TestDaemon, A) + messageCount(t as TestDaemon, B),
      (n) => n === 4,
    );
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const created = await t.api<{ token: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'helpdesk', scope: 'agent' }),
    });

    const file = t.config.database.file;
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    const secrets = fake.issuedSecrets().filter((s) => s.length >= 8);
    expect(refreshTokens(fake)).toHaveLength(2);
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), 'an issued Google secret is in the database').toBe(false);
    const cookieValue = browser.cookieHeader().split('intake_session=')[1]?.split(';')[0] as string;
    const ours = [admin.totpSecret, TEST_PASSWORD, created.body.token, cookieValue, ...admin.recoveryCodes];
    for (const secret of ours) expect(bytes.includes(Buffer.from(secret)), 'an Intake secret is in the database').toBe(false);
  });

  it('disconnect: from the page with ticket deletion, leaves no row referring to the mailbox in any table and the grant revoked at Google', async () => {
    fake = await startTestFake();
    deliver(fake, A, 1, 3);
    t = await startTestDaemon(fake);
    const admin = await createTestAdmin(t.daemon.db, t.config);
    const browser = new AdminClient(t.daemon.url);
    await browser.signIn('admin', TEST_PASSWORD, await totpCode(admin.totpSecret));
    const start = await browser.post('/admin/mailboxes/connect', { loginHint: A });
    expect((await browser.fetchWithCookies(fake.approveConsent(start.location as string, { email: A }))).status).toBe(200);
    await waitFor(
      () => messageCount(t as TestDaemon, A),
      (n) => n === 3,
    );
    const id = mailbox(t, A)?.id as number;

    await browser.get('/admin');
    const res = await browser.post(`/admin/mailboxes/${id}/disconnect`, { deleteTickets: 'on' });
    expect(res).toMatchObject({ status: 303, location: '/admin?notice=deleted' });

    const db = t.daemon.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((x) => x.name)).toEqual(
      expect.arrayContaining([
        'mailboxes',
        'sync_state',
        'tickets',
        'messages',
        'attachments',
        'quarantine',
        'outbox',
        'jobs',
        'audit_log',
      ]),
    );
    for (const { name } of tables) {
      const columns = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
      if (columns.some((c) => c.name === 'mailbox_id')) {
        expect(db.prepare(`SELECT COUNT(*) AS n FROM "${name}" WHERE mailbox_id = ?`).get(id), `${name}.mailbox_id`).toEqual({ n: 0 });
      }
      const dump = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_k, v: unknown) =>
        Buffer.isBuffer(v) ? v.toString('latin1') : v,
      );
      expect(dump.toLowerCase().includes(A), `${name} mentions the address`).toBe(false);
    }
    expect(db.prepare('SELECT COUNT(*) AS n FROM mailboxes').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE payload LIKE ?').get(`%"mailboxId":${id}%`)).toEqual({ n: 0 });
    const audit = db.prepare("SELECT subject_ref, detail FROM audit_log WHERE action LIKE 'mailbox.%'").all() as {
      subject_ref: string;
      detail: string | null;
    }[];
    expect(audit.length).toBe(2);
    for (const row of audit) {
      expect(row.subject_ref).toMatch(/^addr:[0-9a-f]{24}$/);
      expect(row.detail ?? '').not.toMatch(/mailbox/i);
    }
    for (const token of refreshTokens(fake)) expect(fake.isRefreshTokenActive(token)).toBe(false);
    expect(fake.revokedTokens().length).toBeGreaterThan(0);
    expect((await browser.get('/admin')).html).toContain('No mailbox connected yet');
  });
});
