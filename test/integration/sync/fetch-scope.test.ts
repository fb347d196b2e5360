import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'desk@example.com';

const importedIds = (t: TestDaemon): string[] =>
  (t.daemon.db.prepare('SELECT provider_message_id AS id FROM messages ORDER BY id').all() as { id: string }[]).map((r) => r.id).sort();

const pendingJobs = (t: TestDaemon): number =>
  (t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('waiting', 'active')").get() as { n: number }).n;

const cursor = (t: TestDaemon): string | null =>
  (t.daemon.db.prepare('SELECT history_id AS h FROM sync_state WHERE mailbox_id = 1').get() as { h: string | null }).h;

/** Waits for a sync pass that starts after now to finish with every job run. */
async function passDone(t: TestDaemon): Promise<void> {
  const since = Date.now();
  const lastSuccess = () =>
    (t.daemon.db.prepare('SELECT last_success_at AS at FROM sync_state WHERE mailbox_id = 1').get() as { at: number | null }).at ?? 0;
  const ok = await waitFor(
    () => cursor(t) !== null && lastSuccess() > since && pendingJobs(t) === 0,
    (v) => v,
  );
  expect(ok).toBe(true);
}

describe('what is fetched', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it('scope: takes INBOX only, never drafts or chats or Gmail spam, and picks up a message moved into INBOX later', async () => {
    fake = await startTestFake();
    const inbox = fake.deliver(MAILBOX, simpleMail(1, MAILBOX)).id;
    const spam = fake.deliver(MAILBOX, simpleMail(2, MAILBOX), { labelIds: ['SPAM'] }).id;
    const archived = fake.deliver(MAILBOX, simpleMail(3, MAILBOX), { labelIds: ['CATEGORY_UPDATES'] }).id;
    fake.deliver(MAILBOX, simpleMail(4, MAILBOX), { labelIds: ['DRAFT'] });
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    await passDone(t);
    expect(importedIds(t)).toEqual([inbox]);

    fake.deliver(MAILBOX, simpleMail(5, MAILBOX), { labelIds: ['CHAT', 'INBOX'] });
    fake.deliver(MAILBOX, simpleMail(6, MAILBOX), { labelIds: ['SPAM'] });
    fake.modifyLabels(MAILBOX, spam, ['INBOX'], ['SPAM']); // "Not spam"
    fake.modifyLabels(MAILBOX, archived, ['INBOX'], []); // moved back from the archive
    const rows = await waitFor(
      () => importedIds(t as TestDaemon),
      (r) => r.length >= 3,
    );
    await passDone(t);
    expect(rows).toEqual([inbox, spam, archived].sort());
    expect(importedIds(t)).toEqual([inbox, spam, archived].sort());
  });

  it("scope: with sync.spamLabel 'judge' and a label list, takes Gmail spam and the listed label too, for Intake's filter to judge", async () => {
    fake = await startTestFake();
    const inbox = fake.deliver(MAILBOX, simpleMail(1, MAILBOX)).id;
    const spam = fake.deliver(MAILBOX, simpleMail(2, MAILBOX), { labelIds: ['SPAM'] }).id;
    const updates = fake.deliver(MAILBOX, simpleMail(3, MAILBOX), { labelIds: ['CATEGORY_UPDATES'] }).id;
    fake.deliver(MAILBOX, simpleMail(4, MAILBOX), { labelIds: ['CATEGORY_SOCIAL'] });
    t = await startTestDaemon(fake, { sync: { spamLabel: 'judge', labels: ['INBOX', 'CATEGORY_UPDATES'] } });
    expect(await t.connect(MAILBOX)).toBe(200);
    await passDone(t);
    expect(importedIds(t)).toEqual([inbox, spam, updates].sort());
    const later = fake.deliver(MAILBOX, simpleMail(5, MAILBOX), { labelIds: ['SPAM'] }).id;
    await waitFor(
      () => importedIds(t as TestDaemon),
      (r) => r.includes(later),
    );
    expect(importedIds(t)).toEqual([inbox, spam, updates, later].sort());
  });

  it('history expiry: on a 404 mid-run relists only from the last good sync (after:), with a metric and a warning; nothing lost or doubled', async () => {
    fake = await startTestFake();
    const first = [1, 2, 3].map((n) => fake!.deliver(MAILBOX, simpleMail(n, MAILBOX)).id);
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    await passDone(t);
    const listsBefore = fake.requests(/\/messages\?/).length;
    // Delivered and expired in one tick: the stored cursor now predates Gmail's oldest history.
    const more = [4, 5].map((n) => fake!.deliver(MAILBOX, simpleMail(n, MAILBOX)).id);
    fake.expireHistory(MAILBOX);
    const rows = await waitFor(
      () => importedIds(t as TestDaemon),
      (r) => r.length >= 5,
    );
    await passDone(t);
    expect(rows).toEqual([...first, ...more].sort());
    const relists = fake.requests(/\/messages\?/).slice(listsBefore);
    expect(relists.length).toBeGreaterThan(0);
    for (const r of relists) expect(decodeURIComponent(r)).toMatch(/q=\{in:inbox(\+| )in:sent\}(\+| )after:\d{10}/);
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_full_syncs_total\{reason="history_expired"\} 1/);
    const warned = t.logLines().filter((l) => l.msg === 'Gmail history expired; relisting from the last good sync');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.level).toBe(40);
  });

  it('history expiry: a 400 on a stale startHistoryId is treated like the 404; nothing lost or doubled', async () => {
    fake = await startTestFake();
    const first = [1, 2].map((n) => fake!.deliver(MAILBOX, simpleMail(n, MAILBOX)).id);
    t = await startTestDaemon(fake);
    expect(await t.connect(MAILBOX)).toBe(200);
    await passDone(t);
    fake.injectFault({
      path: /\/history$/,
      status: 400,
      body: {
        error: { code: 400, message: 'Invalid startHistoryId', errors: [{ reason: 'invalidArgument' }], status: 'INVALID_ARGUMENT' },
      },
    });
    const more = fake.deliver(MAILBOX, simpleMail(3, MAILBOX)).id;
    await waitFor(
      () => importedIds(t as TestDaemon),
      (r) => r.length >= 3,
    );
    await passDone(t);
    expect(importedIds(t)).toEqual([...first, more].sort());
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_full_syncs_total\{reason="history_expired"\} 1/);
  });
});
