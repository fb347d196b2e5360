import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'support@example.com';
const DAY = 86_400_000;

async function connectWith(t: TestDaemon, fake: FakeGoogle, body: Record<string, unknown>): Promise<number> {
  const res = await t.api<{ authUrl: string }>('/api/mailboxes/connect', {
    method: 'POST',
    body: JSON.stringify({ loginHint: MAILBOX, ...body }),
  });
  expect(res.status).toBe(200);
  const redirect = fake.approveConsent(res.body.authUrl, { email: MAILBOX });
  expect((await fetch(redirect)).status).toBe(200);
  return 1;
}

const importedIds = (t: TestDaemon): string[] =>
  (t.daemon.db.prepare('SELECT provider_message_id AS id FROM messages ORDER BY id').all() as { id: string }[]).map((r) => r.id).sort();

const pendingJobs = (t: TestDaemon): number =>
  (t.daemon.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('waiting', 'active')").get() as { n: number }).n;

const syncState = (t: TestDaemon) =>
  t.daemon.db.prepare('SELECT history_id, awaiting_confirm FROM sync_state WHERE mailbox_id = 1').get() as {
    history_id: string | null;
    awaiting_confirm: number;
  };

/** Waits until the mailbox has a history cursor and every ingest job has run. */
async function settled(t: TestDaemon): Promise<void> {
  const done = await waitFor(
    () => syncState(t).history_id !== null && pendingJobs(t) === 0,
    (v) => v,
  );
  expect(done).toBe(true);
}

function deliverAged(fake: FakeGoogle, agesMs: number[], start = 0): string[] {
  return agesMs.map((age, i) => fake.deliver(MAILBOX, simpleMail(start + i, MAILBOX), { internalDate: Date.now() - age }).id);
}

describe('backfill choice on connect', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;

  afterEach(async () => {
    await t?.close();
    await fake?.close();
  });

  it("connect: when the backfill is 'all', every existing inbox message becomes a ticket message and progress ends done", async () => {
    fake = await startTestFake();
    const ids = deliverAged(fake, [400 * DAY, 90 * DAY, 8 * DAY, 2 * DAY, 60_000, 1_000]);
    t = await startTestDaemon(fake, { sync: { pageSize: 2 } });
    await connectWith(t, fake, { backfill: 'all' });
    await settled(t);
    expect(importedIds(t)).toEqual([...ids].sort());
    const ready = await waitFor(
      () => t!.api<{ mailboxes: { progress: { phase: string; imported: number; total: number } | null }[] }>('/readyz'),
      (r) => r.body.mailboxes[0]?.progress?.phase === 'done',
    );
    expect(ready.body.mailboxes[0]?.progress).toMatchObject({ phase: 'done', imported: 6, total: 6, backfill: 'all' });
  });

  it("connect: when the backfill is 'none', imports nothing that was there and everything that arrives afterwards", async () => {
    fake = await startTestFake();
    deliverAged(fake, [30 * DAY, DAY, 1_000]);
    t = await startTestDaemon(fake);
    await connectWith(t, fake, { backfill: 'none' });
    await settled(t);
    expect(importedIds(t)).toEqual([]);
    const fresh = deliverAged(fake, [0, 0, 0, 0], 100);
    const rows = await waitFor(
      () => importedIds(t as TestDaemon),
      (r) => r.length >= fresh.length,
    );
    await settled(t);
    expect(rows).toEqual([...fresh].sort());
    expect(importedIds(t)).toEqual([...fresh].sort());
  });

  it("connect: when the backfill is 'days:7', imports exactly the messages of the last seven days", async () => {
    fake = await startTestFake();
    const old = deliverAged(fake, [30 * DAY, 8 * DAY, 7 * DAY + 3_600_000]);
    const week = deliverAged(fake, [7 * DAY - 3_600_000, 3 * DAY, 3_600_000, 1_000], 10);
    t = await startTestDaemon(fake, { sync: { pageSize: 2 } });
    await connectWith(t, fake, { backfill: { days: 7 } });
    await settled(t);
    const got = importedIds(t);
    expect(got).toEqual([...week].sort());
    for (const id of old) expect(got).not.toContain(id);
  });

  it('preview: when asked to preview first, imports nothing until confirmed; counts and samples what the choice would import', async () => {
    fake = await startTestFake();
    deliverAged(fake, [20 * DAY, 10 * DAY]);
    const week = deliverAged(fake, [2 * DAY, DAY], 10);
    const machine = [
      'From: Shop <no-reply@shop.example>',
      `To: ${MAILBOX}`,
      'Subject: Your newsletter',
      'List-Id: <news.shop.example>',
      'Message-ID: <news-1@shop.example>',
      '',
      'Offers this week.',
      '',
    ].join('\r\n');
    const reply = [
      'From: Customer <c@example.net>',
      `To: ${MAILBOX}`,
      'Subject: Re: my order',
      'In-Reply-To: <earlier@example.com>',
      'Message-ID: <reply-1@example.net>',
      '',
      'Still waiting.',
      '',
    ].join('\r\n');
    week.push(fake.deliver(MAILBOX, machine, { internalDate: Date.now() - 3_600_000 }).id);
    week.push(fake.deliver(MAILBOX, reply, { internalDate: Date.now() - 60_000 }).id);
    t = await startTestDaemon(fake, { sync: { previewSample: 10 } });
    await connectWith(t, fake, { backfill: 'all', preview: true });
    expect(syncState(t).awaiting_confirm).toBe(1);
    const progress = await t.api<{ progress: { phase: string } }>('/api/mailboxes/1/progress');
    expect(progress.body.progress.phase).toBe('awaiting_confirm');

    const all = await t.api<{ count: number; exact: boolean; sampled: number; sample: Record<string, number> }>('/api/mailboxes/1/preview');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ backfill: 'all', count: 6, exact: true, sampled: 6 });
    expect(all.body.sample).toEqual({ ticket: 4, spam: 0, machine: 1, reply: 1 });
    const lastWeek = await t.api<{ count: number }>('/api/mailboxes/1/preview?backfill=days:7');
    expect(lastWeek.body.count).toBe(4);
    const bad = await t.api<{ error: { code: string; message: string } }>('/api/mailboxes/1/preview?backfill=weeks:2');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('days:N');
    expect(importedIds(t)).toEqual([]);

    const confirmed = await t.api<{ backfill: string }>('/api/mailboxes/1/backfill', {
      method: 'POST',
      body: JSON.stringify({ backfill: 'days:7' }),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backfill).toBe('days:7');
    await settled(t);
    expect(importedIds(t)).toEqual([...week].sort());
    const again = await t.api('/api/mailboxes/1/backfill', { method: 'POST', body: JSON.stringify({ backfill: 'all' }) });
    expect(again.status).toBe(400);
  });
});
