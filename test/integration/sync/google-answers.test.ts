// Google's documented answers, injected at the fake, against the real daemon: what must be
// retried is retried until nothing is lost, a 401 refreshes instead of pausing, and a
// revoked mailbox's waiting jobs park without calling Google until it is reconnected.
import { describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon, closeAfterEach } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MESSAGE_GET = /\/gmail\/v1\/users\/me\/messages\/[0-9a-f]{16}$/;
const TOKEN = /\/token$/;

const gmailError = (code: number, reason: string, status: string, domain = 'global') => ({
  error: { code, message: reason, errors: [{ message: reason, domain, reason }], status },
});

describe('Google answers against the daemon', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  closeAfterEach(() => ({ t, fake }));

  const count = () => (t?.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  const mailboxState = () => (t?.daemon.db.prepare('SELECT state FROM mailboxes').get() as { state: string }).state;
  const retriedCodes = () =>
    new Set(
      t
        ?.logLines()
        .filter((l) => l.msg === 'job will retry')
        .map((l) => l.code),
    );

  it('ingest: when messages.get answers 403 dailyLimitExceeded, 403 backendError and 400 failedPrecondition, loses none of 300', async () => {
    const email = 'answers@example.com';
    fake = await startTestFake();
    for (let i = 0; i < 300; i++) fake.deliver(email, simpleMail(i, email));
    t = await startTestDaemon(fake, { queue: { maxAttempts: 8, concurrency: 4 } });
    fake.injectFault({
      path: MESSAGE_GET,
      status: 403,
      times: 25,
      body: gmailError(403, 'dailyLimitExceeded', 'PERMISSION_DENIED', 'usageLimits'),
    });
    fake.injectFault({ path: MESSAGE_GET, status: 403, times: 25, body: gmailError(403, 'backendError', 'PERMISSION_DENIED') });
    fake.injectFault({ path: MESSAGE_GET, status: 400, times: 25, body: gmailError(400, 'failedPrecondition', 'FAILED_PRECONDITION') });
    expect(await t.connect(email)).toBe(200);
    expect(await waitFor(count, (n) => n >= 300, 120_000)).toBe(300);
    const failed = t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'").get() as { n: number };
    expect(failed.n).toBe(0);
    expect(retriedCodes()).toEqual(new Set(['INTAKE_ERR_GMAIL_QUOTA', 'INTAKE_ERR_GOOGLE_UNAVAILABLE', 'INTAKE_ERR_GOOGLE_PRECONDITION']));
  }, 150_000);

  it('ingest: when 400 failedPrecondition never clears, the job ends as a dead letter after queue.maxAttempts, not a silent loss', async () => {
    const email = 'precondition@example.com';
    fake = await startTestFake();
    const stuck = fake.deliver(email, simpleMail(1, email));
    t = await startTestDaemon(fake, { queue: { maxAttempts: 3 } });
    fake.injectFault({
      path: new RegExp(`/messages/${stuck.id}$`),
      status: 400,
      times: 1000,
      body: gmailError(400, 'failedPrecondition', 'FAILED_PRECONDITION'),
    });
    expect(await t.connect(email)).toBe(200);
    const job = await waitFor(
      () =>
        t?.daemon.db.prepare('SELECT state, attempts, last_error FROM jobs').get() as
          { state: string; attempts: number; last_error: string } | undefined,
      (j) => j?.state === 'failed',
    );
    expect(job).toEqual({ state: 'failed', attempts: 3, last_error: 'INTAKE_ERR_GOOGLE_PRECONDITION' });
  });

  it('sync and ingest: when Gmail answers 401 twice in a row, refreshes and retries, and the healthy mailbox is not paused', async () => {
    const email = 'twice401@example.com';
    fake = await startTestFake();
    for (let i = 0; i < 5; i++) fake.deliver(email, simpleMail(i, email));
    t = await startTestDaemon(fake);
    expect(await t.connect(email)).toBe(200);
    await waitFor(count, (n) => n >= 5);
    const unauthenticated = gmailError(401, 'authError', 'UNAUTHENTICATED');
    fake.injectFault({ path: /\/history$/, status: 401, times: 2, body: unauthenticated });
    fake.injectFault({ path: MESSAGE_GET, status: 401, times: 2, body: unauthenticated });
    // One new message, so one job meets both 401s (concurrent jobs would share one refresh).
    fake.deliver(email, simpleMail(5, email));
    expect(await waitFor(count, (n) => n >= 6)).toBe(6);
    expect(mailboxState()).toBe('syncing');
    const lines = t.logLines();
    // Both halves really met the two 401s (the library refreshed once, the second 401 reached us).
    expect(lines.some((l) => l.msg === 'sync pass failed; will retry next interval' && l.code === 'INTAKE_ERR_GOOGLE_AUTH_RETRY')).toBe(
      true,
    );
    expect(retriedCodes().has('INTAKE_ERR_GOOGLE_AUTH_RETRY')).toBe(true);
    expect(lines.some((l) => typeof l.msg === 'string' && l.msg.includes('re-consent'))).toBe(false);
  });

  it('ingest: when the grant is revoked with 100 jobs waiting, parks them after a handful of token calls and runs them all on reconnect', async () => {
    const email = 'revoked@example.com';
    fake = await startTestFake();
    for (let i = 0; i < 100; i++) fake.deliver(email, simpleMail(i, email));
    t = await startTestDaemon(fake, { queue: { concurrency: 4 } });
    // Keep every job waiting (retrying a 503) until the grant is gone.
    fake.injectFault({ path: MESSAGE_GET, status: 503, times: 1_000_000, body: gmailError(503, 'backendError', 'UNAVAILABLE') });
    expect(await t.connect(email)).toBe(200);
    const db = t.daemon.db;
    await waitFor(
      () => (db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('waiting', 'active') AND attempts >= 1").get() as { n: number }).n,
      (n) => n === 100,
    );
    const tokenCallsBefore = fake.requestCount(TOKEN);
    const gmailCallsBefore = fake.requestCount(MESSAGE_GET);
    fake.revokeUserGrant(email);
    fake.clearFaults();
    const parked = () =>
      (
        db
          .prepare(
            "SELECT COUNT(*) AS n FROM jobs WHERE state = 'waiting' AND run_at > ? AND last_error IN ('INTAKE_ERR_MAILBOX_PARKED', 'INTAKE_ERR_AUTH_REVOKED')",
          )
          .get(Date.now() + 3_600_000) as { n: number }
      ).n;
    expect(await waitFor(parked, (n) => n === 100)).toBe(100);
    expect(mailboxState()).toBe('needs_reconsent');
    // Before parking each waiting job refreshed on its own: about one token call per job per backoff.
    expect(fake.requestCount(TOKEN) - tokenCallsBefore).toBeLessThanOrEqual(6);
    expect(fake.requestCount(MESSAGE_GET) - gmailCallsBefore).toBeLessThanOrEqual(6);
    expect(count()).toBe(0);

    expect(await t.connect(email)).toBe(200);
    expect(await waitFor(count, (n) => n >= 100)).toBe(100);
    expect(mailboxState()).toBe('syncing');
  }, 90_000);
});
