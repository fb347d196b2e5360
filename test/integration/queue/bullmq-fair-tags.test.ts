// The round-robin numbering behind the BullMQ driver (queue/fair-tags.ts) on a real Redis:
// where the numbers start over, that they never start over while jobs wait, and the cap.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { BullmqQueue, bullJobId } from '../../../src/queue/bullmq-queue.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const Q = 'fair';
let redis: TestRedis;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
});

afterAll(async () => {
  await redis.close();
});

function fixture(fairness: { restartAt?: number; limit?: number }) {
  const prefix = `f${randomBytes(4).toString('hex')}`;
  const queue = new BullmqQueue(testLogger('fair-tags'), {
    redis: { url: redis.url, commandTimeoutMs: 5_000 },
    prefix,
    maxAttempts: 3,
    backoffMs: 20,
    maxBackoffMs: 200,
    leaseSeconds: 30,
    keepCompleted: 1_000,
    keepCompletedSeconds: 600,
    fairness,
  });
  const reader = new Queue(Q, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
  open.push(queue, reader);
  const priorityOf = async (id: string) => (await reader.getJob(bullJobId(id)))?.priority;
  return { queue, priorityOf };
}

const jobsOf = (mailboxId: number, n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${tag}${i}`, name: 'n', data: mailboxId, mailboxId }));

describe('BullMQ round-robin numbering', () => {
  it('reserve: when the round passed the restart point and nothing waits, numbering starts over at 1', async () => {
    const { queue, priorityOf } = fixture({ restartAt: 20 });
    await queue.addBulk(Q, jobsOf(1, 30, 'a'));
    expect(await priorityOf('a29')).toBe(30);
    let done = 0;
    const worker = queue.process(Q, () => Promise.resolve(void done++), { concurrency: 1 });
    await waitFor(
      () => queue.counts(Q),
      (c) => c.completed === 30,
      15_000,
    );
    await worker.close();
    await queue.addBulk(Q, jobsOf(2, 3, 'b'));
    expect([await priorityOf('b0'), await priorityOf('b1'), await priorityOf('b2')]).toEqual([1, 2, 3]);
    expect(done).toBe(30);
  });

  it('reserve: while jobs wait, numbering goes on past the restart point, so a newcomer joins the current round', async () => {
    const { queue, priorityOf } = fixture({ restartAt: 5 });
    await queue.addBulk(Q, jobsOf(1, 10, 'a'));
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const worker = queue.process(
      Q,
      async (job) => {
        started.push(job.id);
        if (started.length === 8) await held;
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => started.length,
      (n) => n === 8,
      15_000,
    );
    // Job 8 is running (the round is 8) and two of mailbox 1's jobs wait: no restart.
    await waitFor(
      () => queue.counts(Q),
      (c) => c.waiting === 2,
      15_000,
    );
    await queue.addBulk(Q, jobsOf(2, 2, 'b'));
    expect([await priorityOf('b0'), await priorityOf('b1')]).toEqual([8, 9]);
    release();
    await waitFor(
      () => started.length,
      (n) => n === 12,
      15_000,
    );
    await worker.close();
    // The newcomer ran in the round being served: right after job 8, beside mailbox 1's 9.
    expect(started.slice(8)).toEqual(['b0', 'a8', 'b1', 'a9']);
  });

  it('reserve: past the cap, jobs share the highest number and still run, first in first out', async () => {
    const { queue, priorityOf } = fixture({ limit: 25 });
    await queue.addBulk(Q, jobsOf(1, 40, 'a'));
    expect(await priorityOf('a24')).toBe(25);
    expect(await priorityOf('a39')).toBe(25);
    const seen: string[] = [];
    const worker = queue.process(Q, (job) => Promise.resolve(void seen.push(job.id)), { concurrency: 1 });
    await waitFor(
      () => seen.length,
      (n) => n === 40,
      15_000,
    );
    await worker.close();
    expect(seen).toEqual(jobsOf(1, 40, 'a').map((j) => j.id));
  });
});
