import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const A = 'busy@example.com';
const B = 'quiet@example.com';

const countFor = (t: TestDaemon, mailboxId: number): number =>
  (
    t.daemon.db
      .prepare('SELECT COUNT(DISTINCT provider_message_id) AS n, COUNT(*) AS all_rows FROM messages WHERE mailbox_id = ?')
      .get(mailboxId) as {
      n: number;
    }
  ).n;
const rowsFor = (t: TestDaemon, mailboxId: number): number =>
  (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = ?').get(mailboxId) as { n: number }).n;
const failedJobs = (t: TestDaemon): number =>
  (t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'failed'").get() as { n: number }).n;

describe("Gmail quota in both of Google's regimes", () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  for (const regime of ['current', 'legacy'] as const) {
    it(`backfill: in the ${regime} regime, paces one mailbox's backfill inside Google's per-user window (the fake refuses no call)`, async () => {
      fake = await startTestFake({ quotaRegime: regime });
      for (let i = 0; i < 400; i++) fake.deliver(A, simpleMail(i, A));
      t = await startTestDaemon(fake, { google: { quotaRegime: regime }, queue: { concurrency: 8 } });
      expect(await t.connect(A)).toBe(200);
      expect(
        await waitFor(
          () => countFor(t as TestDaemon, 1),
          (n) => n >= 400,
          60_000,
        ),
      ).toBe(400);
      expect(rowsFor(t, 1)).toBe(400);
      expect(fake.quotaRefusals()).toEqual({ user: 0, project: 0, daily: 0, concurrency: 0 });
      expect(fake.requestCount(/\/messages\/[0-9a-f]{16}$/)).toBe(400);
    }, 90_000);
  }

  it('adaptive: when Google allows less than the regime Intake was told, steps down on 429s and loses nothing; the other mailbox is unaffected', async () => {
    fake = await startTestFake({ quotaRegime: 'current', quotaUnitsPerUserPerWindow: 300 });
    for (let i = 0; i < 120; i++) fake.deliver(A, simpleMail(i, A));
    t = await startTestDaemon(fake, { google: { quotaRegime: 'current' }, queue: { concurrency: 8 } });
    expect(await t.connect(A)).toBe(200);
    expect(await t.connect(B)).toBe(200);
    const fresh = fake.deliver(B, simpleMail(9999, B)).id;
    expect(
      await waitFor(
        () => countFor(t as TestDaemon, 1),
        (n) => n >= 120,
        60_000,
      ),
    ).toBe(120);
    expect(rowsFor(t, 1)).toBe(120);
    expect(fake.quotaRefusals().user).toBeGreaterThan(0);
    const quiet = t.daemon.db.prepare('SELECT provider_message_id AS id FROM messages WHERE mailbox_id = 2').all() as { id: string }[];
    expect(quiet.map((r) => r.id)).toEqual([fresh]);
    expect(failedJobs(t)).toBe(0);
  }, 90_000);

  it('project budget: when the project is over its limit, every mailbox backs off with jitter and nothing is lost or doubled', async () => {
    fake = await startTestFake({ projectUnitsPerWindow: 500 });
    for (let i = 0; i < 60; i++) fake.deliver(A, simpleMail(i, A));
    for (let i = 0; i < 60; i++) fake.deliver(B, simpleMail(100 + i, B));
    t = await startTestDaemon(fake, { queue: { concurrency: 8 } });
    expect(await t.connect(A)).toBe(200);
    expect(await t.connect(B)).toBe(200);
    expect(
      await waitFor(
        () => countFor(t as TestDaemon, 1) + countFor(t as TestDaemon, 2),
        (n) => n >= 120,
        60_000,
      ),
    ).toBe(120);
    expect(rowsFor(t, 1) + rowsFor(t, 2)).toBe(120);
    expect(fake.quotaRefusals().project).toBeGreaterThan(0);
    expect(failedJobs(t)).toBe(0);
  }, 90_000);

  it('daily limit: on dailyLimitExceeded the project pauses and resumes; nothing is lost', async () => {
    fake = await startTestFake();
    for (let i = 0; i < 10; i++) fake.deliver(A, simpleMail(i, A));
    t = await startTestDaemon(fake);
    fake.injectFault({
      path: /\/messages\/[0-9a-f]{16}$/,
      status: 403,
      times: 3,
      body: { error: { code: 403, message: 'Daily Limit Exceeded', errors: [{ reason: 'dailyLimitExceeded', domain: 'usageLimits' }] } },
    });
    expect(await t.connect(A)).toBe(200);
    expect(
      await waitFor(
        () => countFor(t as TestDaemon, 1),
        (n) => n >= 10,
        60_000,
      ),
    ).toBe(10);
    expect(failedJobs(t)).toBe(0);
  }, 90_000);
});
