// IMAP mailboxes through the whole daemon, against a real Dovecot: one added over the API with a
// password (any IMAP server), one connected through Google's consent with source "imap" and read
// over IMAP with XOAUTH2 (Dovecot asks the fake Google whether the access token is valid). Mail
// already in the folder becomes tickets on the first sync; mail delivered later becomes a ticket
// through the IDLE watcher long before the next poll (the poll interval is set to ten minutes, so even a busy mailbox's sooner poll is minutes away).
// Adding with a wrong password stores nothing; disconnecting a password mailbox never sends the
// password to Google and deletes it with the server's address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDovecot, type TestDovecot } from '../../helpers/dovecot.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { recordSecrets, startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';

const PASSWORD_USER = 'support@imap.example.org';
const PASSWORD = 'imap-test-password-9f3e1c';
const OAUTH_USER = 'helpdesk@gmail-imap.example.com';

let fake: FakeGoogle;
let dovecot: TestDovecot;
let t: TestDaemon;

function ticketsOf(mailboxId: number): number {
  return (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?').get(mailboxId) as { n: number }).n;
}

function subjectsOf(mailboxId: number): string[] {
  return (t.daemon.db.prepare('SELECT subject FROM tickets WHERE mailbox_id = ? ORDER BY id').all(mailboxId) as { subject: string }[]).map(
    (r) => r.subject,
  );
}

interface Added {
  mailbox: { id: number; email: string; source: string; state: string };
  created: boolean;
  messagesInFolder: number;
}

beforeAll(async () => {
  recordSecrets([PASSWORD]);
  fake = await startTestFake();
  dovecot = await startTestDovecot({ passwords: { [PASSWORD_USER]: PASSWORD }, introspectionUrl: `${fake.url}/introspect` });
  t = await startTestDaemon(fake, {
    // Only the IDLE watcher can explain a ticket within the test's wait.
    sync: { pollIntervalSeconds: 600 },
    imap: { gmail: { host: dovecot.host, port: dovecot.port, security: 'plain' }, timeoutMs: 10_000 },
  });
});

afterAll(async () => {
  await t?.close();
  await dovecot?.close();
  await fake?.close();
});

describe('IMAP mailboxes in the daemon', () => {
  it('POST /api/mailboxes/imap: when the password is wrong, answers 400 INTAKE_ERR_IMAP_LOGIN and stores nothing', async () => {
    const res = await t.api<{ error: { code: string; message: string } }>('/api/mailboxes/imap', {
      method: 'POST',
      body: JSON.stringify({ email: PASSWORD_USER, host: dovecot.host, port: dovecot.port, security: 'plain', password: 'wrong-one' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INTAKE_ERR_IMAP_LOGIN');
    expect(res.body.error.message).not.toContain('wrong-one');
    expect((await t.api<{ mailboxes: unknown[] }>('/api/mailboxes')).body.mailboxes).toHaveLength(0);
  });

  it('POST /api/mailboxes/imap: when the folder does not exist, answers 400 naming the folder', async () => {
    const res = await t.api<{ error: { code: string; message: string } }>('/api/mailboxes/imap', {
      method: 'POST',
      body: JSON.stringify({
        email: PASSWORD_USER,
        host: dovecot.host,
        port: dovecot.port,
        security: 'plain',
        password: PASSWORD,
        folder: 'NoSuchFolder',
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INTAKE_ERR_IMAP_LOGIN');
    expect(res.body.error.message).toContain('NoSuchFolder');
  });

  it('POST /api/mailboxes/imap: when nothing listens on the port, answers 503 INTAKE_ERR_IMAP_UNAVAILABLE', async () => {
    const res = await t.api<{ error: { code: string } }>('/api/mailboxes/imap', {
      method: 'POST',
      body: JSON.stringify({ email: 'nobody@imap.example.org', host: '127.0.0.1', port: 1, security: 'plain', password: PASSWORD }),
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('INTAKE_ERR_IMAP_UNAVAILABLE');
  });

  it('a password mailbox: old mail becomes tickets, new mail a ticket through IDLE, disconnect never calls Google', async () => {
    for (let n = 1; n <= 3; n++) await dovecot.deliver(PASSWORD_USER, Buffer.from(simpleMail(n, PASSWORD_USER, `Old question ${n}`)));
    const res = await t.api<Added>('/api/mailboxes/imap', {
      method: 'POST',
      body: JSON.stringify({ email: PASSWORD_USER, host: dovecot.host, port: dovecot.port, security: 'plain', password: PASSWORD }),
    });
    expect(res.status).toBe(201);
    expect(res.body.mailbox.source).toBe('imap');
    expect(res.body.messagesInFolder).toBe(3);
    const id = res.body.mailbox.id;
    await waitFor(
      () => ticketsOf(id),
      (n) => n === 3,
    );

    await dovecot.deliver(PASSWORD_USER, Buffer.from(simpleMail(4, PASSWORD_USER, 'Arrived while idling')));
    await waitFor(
      () => subjectsOf(id),
      (s) => s.includes('Arrived while idling'),
    );
    expect(ticketsOf(id)).toBe(4);
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^intake_imap_watchers 1$/m);

    // The password is stored sealed only, never as plain bytes in the database or its WAL.
    for (const file of ['intake.sqlite', 'intake.sqlite-wal']) {
      const path = join(t.dataDir, file);
      let bytes = Buffer.alloc(0);
      try {
        bytes = readFileSync(path);
      } catch {
        // no WAL yet
      }
      expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    }

    const revokedBefore = fake.revokedTokens().length;
    const del = await t.api<{ deleted: boolean; revokedAtGoogle: boolean }>(`/api/mailboxes/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(fake.revokedTokens()).toHaveLength(revokedBefore);
    expect(t.daemon.db.prepare('SELECT COUNT(*) AS n FROM imap_accounts').get()).toEqual({ n: 0 });
    const row = t.daemon.db.prepare('SELECT state, refresh_token_cipher FROM mailboxes WHERE id = ?').get(id);
    expect(row).toEqual({ state: 'disconnected', refresh_token_cipher: null });

    // Disconnected: mail that arrives now is not read (the watcher stopped with the grant).
    await dovecot.deliver(PASSWORD_USER, Buffer.from(simpleMail(5, PASSWORD_USER, 'After disconnect')));
    expect(subjectsOf(id)).not.toContain('After disconnect');
  });

  it('a Gmail mailbox connected with source "imap": read over IMAP with XOAUTH2, old and new mail become tickets', async () => {
    for (let n = 1; n <= 2; n++) await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(n, OAUTH_USER, `Gmail over IMAP ${n}`)));
    const connect = await t.api<{ authUrl: string }>('/api/mailboxes/connect', {
      method: 'POST',
      body: JSON.stringify({ source: 'imap', loginHint: OAUTH_USER }),
    });
    expect(new URL(connect.body.authUrl).searchParams.get('scope')).toContain('https://mail.google.com/');
    expect((await fetch(fake.approveConsent(connect.body.authUrl, { email: OAUTH_USER }))).status).toBe(200);
    const mailbox = (await t.api<{ mailboxes: { id: number; email: string; source: string }[] }>('/api/mailboxes')).body.mailboxes.find(
      (m) => m.email === OAUTH_USER,
    );
    expect(mailbox?.source).toBe('imap');
    const id = mailbox?.id ?? 0;
    await waitFor(
      () => ticketsOf(id),
      (n) => n === 2,
    );
    await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(3, OAUTH_USER, 'Gmail over IMAP, live')));
    await waitFor(
      () => subjectsOf(id),
      (s) => s.includes('Gmail over IMAP, live'),
    );
    const state = (await t.api<{ mailboxes: { id: number; state: string }[] }>('/api/mailboxes')).body.mailboxes.find((m) => m.id === id);
    expect(state?.state).toBe('syncing');

    // Its Google grant is not replaced by a password: that would orphan a refresh token.
    const conflict = await t.api<{ error: { code: string } }>('/api/mailboxes/imap', {
      method: 'POST',
      body: JSON.stringify({ email: OAUTH_USER, host: dovecot.host, port: dovecot.port, security: 'plain', password: PASSWORD }),
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('INTAKE_ERR_MAILBOX_EXISTS');

    // Dovecot restarted while the watcher idles: it reconnects on its own, and mail delivered
    // after the restart becomes a ticket once, without waiting for the ten-minute poll.
    await dovecot.restart();
    await dovecot.deliver(OAUTH_USER, Buffer.from(simpleMail(4, OAUTH_USER, 'After a server restart')));
    await waitFor(
      () => subjectsOf(id),
      (s) => s.includes('After a server restart'),
    );
    expect(ticketsOf(id)).toBe(4);
    expect(new Set(subjectsOf(id)).size).toBe(4);
  });
});
