import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { corpusFiles, readMail } from '../../helpers/corpus.js';

const MAILBOX = 'outage@example.com';

describe('Google outages and rate limits', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  // Ticket messages and machine mail the guard kept back alike: both are mail that arrived.
  const count = () =>
    (t?.daemon.db.prepare('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM suppressed) AS n').get() as { n: number }).n;

  it('ingest: when messages.get answers 503 and 429 far more often than queue.maxAttempts, loses no message', async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(2100, 2130)) fake.deliver(MAILBOX, readMail(file));
    t = await startTestDaemon(fake, { queue: { maxAttempts: 2 } });
    fake.injectFault({
      path: /\/messages\/[0-9a-f]{16}$/,
      status: 503,
      times: 60,
      body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } },
    });
    fake.injectFault({
      path: /\/messages\/[0-9a-f]{16}$/,
      status: 429,
      times: 30,
      body: {
        error: { code: 429, message: 'User-rate limit exceeded.', errors: [{ reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' },
      },
    });
    expect(await t.connect(MAILBOX)).toBe(200);
    expect(await waitFor(count, (n) => n >= 30, 60_000)).toBe(30);
    const failed = t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'").get() as { n: number };
    expect(failed.n).toBe(0);
    const retried = t.daemon.db.prepare('SELECT MAX(attempts) AS n FROM jobs').get() as { n: number };
    expect(retried.n).toBeGreaterThan(2);
  }, 90_000);

  it('sync: when history.list fails with 500 for a while, the cursor stays and later mail still arrives', async () => {
    fake = await startTestFake();
    for (const file of corpusFiles('ham').slice(2200, 2205)) fake.deliver(MAILBOX, readMail(file));
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    await waitFor(count, (n) => n >= 5);
    fake.injectFault({
      path: /\/history/,
      status: 500,
      times: 5,
      body: { error: { code: 500, message: 'Backend Error', errors: [{ reason: 'backendError' }] } },
    });
    for (const file of corpusFiles('ham').slice(2205, 2215)) fake.deliver(MAILBOX, readMail(file));
    expect(await waitFor(count, (n) => n >= 15, 30_000)).toBe(15);
    const state = t.daemon.db.prepare('SELECT last_error_code, consecutive_failures FROM sync_state').get() as {
      last_error_code: string | null;
      consecutive_failures: number;
    };
    expect(state).toEqual({ last_error_code: null, consecutive_failures: 0 });
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_sync_runs_total\{result="INTAKE_ERR_GOOGLE_UNAVAILABLE"\} [1-9]/);
  });
});
