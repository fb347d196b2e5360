import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { freePort } from '../../helpers/free-port.js';

let redis: TestRedis;
let prefixN = 0;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

/** The daemon's queue: the embedded SQLite driver, or BullMQ on a real Redis (its own key prefix). */
async function queueConfig(driver: 'embedded' | 'bullmq') {
  if (driver === 'embedded') return {};
  return { queue: { driver, redisUrl: redis.url, redisPrefix: `fair${process.pid}x${prefixN++}`, workerPort: await freePort() } };
}

function countsByMailbox(t: TestDaemon): Map<string, number> {
  const rows = t.daemon.db
    .prepare('SELECT b.email AS email, COUNT(m.id) AS n FROM mailboxes b LEFT JOIN messages m ON m.mailbox_id = b.id GROUP BY b.id')
    .all() as { email: string; n: number }[];
  return new Map(rows.map((r) => [r.email, r.n]));
}

function mailboxState(t: TestDaemon, email: string): string | undefined {
  return (t.daemon.db.prepare('SELECT state FROM mailboxes WHERE email = ?').get(email) as { state: string } | undefined)?.state;
}

describe.each(['embedded', 'bullmq'] as const)(
  'ingest fairness across mailboxes (real daemon, %s queue, fake Google at its per-user quota)',
  (driver) => {
    let fake: FakeGoogle | undefined;
    let t: TestDaemon | undefined;

    afterEach(async () => {
      await t?.close();
      await fake?.close();
    });

    it('while one mailbox backfills 2,000 messages, 5 new messages to another become tickets long before the backfill ends', async () => {
      fake = await startTestFake();
      const big = 'backlog@example.com';
      const small = 'quiet@example.com';
      for (let i = 0; i < 2000; i++) fake.deliver(big, simpleMail(i, big));
      t = await startTestDaemon(fake, await queueConfig(driver));
      expect(await t.connect(big)).toBe(200);
      await waitFor(
        () => countsByMailbox(t as TestDaemon).get(big) ?? 0,
        (n) => n >= 50,
      );
      expect(await t.connect(small)).toBe(200);
      await waitFor(
        () => mailboxState(t as TestDaemon, small),
        (s) => s === 'syncing',
      );
      for (let i = 0; i < 5; i++) fake.deliver(small, simpleMail(10_000 + i, small));

      const counts = await waitFor(
        () => countsByMailbox(t as TestDaemon),
        (c) => (c.get(small) ?? 0) >= 5,
        30_000,
      );
      expect(counts.get(small)).toBe(5);
      // The backfill was still running: the new mail did not queue behind it.
      expect(counts.get(big)).toBeLessThan(2000);
      expect(mailboxState(t, big)).not.toBe('error');
    }, 180_000);

    it('ten mailboxes backfilling at once all progress together, and each ends with exactly its own messages', async () => {
      fake = await startTestFake();
      const emails = Array.from({ length: 10 }, (_, i) => `desk${i}@example.com`);
      for (const email of emails) for (let i = 0; i < 120; i++) fake.deliver(email, simpleMail(i, email));
      t = await startTestDaemon(fake, await queueConfig(driver));
      for (const email of emails) expect(await t.connect(email)).toBe(200);

      const early = await waitFor(
        () => countsByMailbox(t as TestDaemon),
        (c) => [...c.values()].reduce((a, b) => a + b, 0) >= 400,
        120_000,
      );
      const earlyCounts = emails.map((e) => early.get(e) ?? 0);
      // With arrival-order claiming the first mailboxes would be done and the last untouched.
      expect(Math.min(...earlyCounts)).toBeGreaterThanOrEqual(10);
      expect(Math.max(...earlyCounts)).toBeLessThan(120);

      const final = await waitFor(
        () => countsByMailbox(t as TestDaemon),
        (c) => [...c.values()].reduce((a, b) => a + b, 0) >= 1200,
        120_000,
      );
      expect(emails.map((e) => final.get(e))).toEqual(emails.map(() => 120));
    }, 300_000);
  },
);
