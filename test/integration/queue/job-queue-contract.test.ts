// One contract, both drivers: the same tests run against the embedded SQLite queue and the
// BullMQ driver on a real Redis (Debian's redis-server, started here).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { PermanentJobError, type JobQueue } from '../../../src/queue/job-queue.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { newPlace, openQueue, type DriverName, type QueuePlace, type QueueTuning } from '../../helpers/queue-drivers.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const Q = 'contract';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis.close();
});

describe.each<DriverName>(['embedded', 'bullmq'])('JobQueue contract: %s driver', (driver) => {
  const open: JobQueue[] = [];
  const queueAt = (place: QueuePlace, tuning: QueueTuning = {}) => {
    const q = openQueue(place, testLogger(`queue-${driver}`), tuning);
    open.push(q);
    return q;
  };
  const fresh = (tuning: QueueTuning = {}) => queueAt(newPlace(driver, redis.url), tuning);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });

  it('addBulk(): when a waiting job id is added again, keeps one job and runs it once', async () => {
    const queue = fresh();
    await queue.addBulk(Q, [{ id: 'ingest:1:a', name: 'n', data: { v: 1 } }]);
    await queue.addBulk(Q, [
      { id: 'ingest:1:a', name: 'n', data: { v: 2 } },
      { id: 'ingest:1:a', name: 'n', data: { v: 3 } },
    ]);
    expect((await queue.counts(Q)).waiting).toBe(1);
    const seen: unknown[] = [];
    const worker = queue.process(
      Q,
      (job) => {
        seen.push([job.id, job.data]);
        return Promise.resolve();
      },
      { concurrency: 2 },
    );
    await waitFor(
      () => queue.counts(Q),
      (c) => c.completed === 1,
      15_000,
    );
    await worker.close();
    expect(seen).toEqual([['ingest:1:a', { v: 1 }]]);
  });

  it('process(): when a handler fails with a retryable error, retries with backoff until it succeeds, counting attempts', async () => {
    const queue = fresh();
    const attempts: number[] = [];
    await queue.addBulk(Q, [{ id: 'r', name: 'n', data: {} }]);
    const worker = queue.process(
      Q,
      (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 4) return Promise.reject(new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'down', true));
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => queue.counts(Q),
      (c) => c.completed === 1,
      15_000,
    );
    await worker.close();
    // maxAttempts is 3, yet an outage error never uses a job up.
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it('process(): when a handler throws an unexpected error every time, gives up after maxAttempts and keeps the dead letter', async () => {
    const queue = fresh();
    let calls = 0;
    await queue.addBulk(Q, [{ id: 'u', name: 'n', data: {} }]);
    const worker = queue.process(
      Q,
      () => {
        calls++;
        return Promise.reject(new TypeError('a bug'));
      },
      { concurrency: 1 },
    );
    const counts = await waitFor(
      () => queue.counts(Q),
      (c) => c.failed === 1,
      15_000,
    );
    await worker.close();
    expect(counts.failed).toBe(1);
    expect(calls).toBe(3);
  });

  it('process(): when a handler fails permanently, fails the job at once; adding its id again (a replay) runs it again', async () => {
    const queue = fresh();
    const runs: number[] = [];
    await queue.addBulk(Q, [{ id: 'p', name: 'n', data: {} }]);
    const worker = queue.process(
      Q,
      (job) => {
        runs.push(job.attempt);
        return runs.length === 1 ? Promise.reject(new PermanentJobError('malformed')) : Promise.resolve();
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => queue.counts(Q),
      (c) => c.failed === 1,
      15_000,
    );
    expect(runs).toHaveLength(1);
    await queue.addBulk(Q, [{ id: 'p', name: 'n', data: {} }]);
    const counts = await waitFor(
      () => queue.counts(Q),
      (c) => c.completed === 1,
      15_000,
    );
    await worker.close();
    expect(counts).toMatchObject({ completed: 1, failed: 0, waiting: 0, active: 0 });
    expect(runs).toEqual([1, 1]);
  });

  it('addBulk(): when the id of a completed job is added again (a resync), the job runs again', async () => {
    const queue = fresh();
    let runs = 0;
    const worker = queue.process(
      Q,
      () => {
        runs++;
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    await queue.addBulk(Q, [{ id: 'c', name: 'n', data: {} }]);
    await waitFor(
      () => runs,
      (n) => n === 1,
      15_000,
    );
    await waitFor(
      () => queue.counts(Q),
      (c) => c.completed === 1,
      15_000,
    );
    await queue.addBulk(Q, [{ id: 'c', name: 'n', data: {} }]);
    await waitFor(
      () => runs,
      (n) => n === 2,
      15_000,
    );
    await worker.close();
    expect(runs).toBe(2);
  });

  it('process(): when the worker process holding a job is killed with SIGKILL, another worker runs the job after the lease', async () => {
    const place = newPlace(driver, redis.url);
    const producer = queueAt(place, { leaseSeconds: 1 });
    await producer.addBulk(Q, [{ id: 'ingest:3:crash', name: 'n', data: { n: 1 }, mailboxId: 3 }]);
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'helpers', 'queue-child.ts'), JSON.stringify(place), Q], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(
      () => out,
      (o) => o.includes('took ingest:3:crash'),
      30_000,
    );
    child.kill('SIGKILL');
    await exited;
    expect(out).toContain('took ingest:3:crash');

    const runs: string[] = [];
    const worker = producer.process(
      Q,
      (job) => {
        runs.push(job.id);
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    const counts = await waitFor(
      () => producer.counts(Q),
      (c) => c.completed === 1,
      20_000,
    );
    await worker.close();
    expect(counts.completed).toBe(1);
    expect(runs).toEqual(['ingest:3:crash']);
  });

  it('process(): with concurrency 1, runs one mailbox’s jobs in the order they were added', async () => {
    const queue = fresh();
    const ids = Array.from({ length: 30 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    await queue.addBulk(
      Q,
      ids.map((id) => ({ id, name: 'n', data: {}, mailboxId: 5 })),
    );
    const seen: string[] = [];
    const worker = queue.process(
      Q,
      (job) => {
        seen.push(job.id);
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => seen.length,
      (n) => n === 30,
      15_000,
    );
    await worker.close();
    expect(seen).toEqual(ids);
  });

  it('close(): when a job is in hand, waits for it to finish, and takes no job afterwards', async () => {
    const queue = fresh();
    let release: () => void = () => undefined;
    const started: string[] = [];
    const finished: string[] = [];
    await queue.addBulk(Q, [{ id: 'g1', name: 'n', data: {} }]);
    const worker = queue.process(
      Q,
      async (job) => {
        started.push(job.id);
        await new Promise<void>((r) => (release = r));
        finished.push(job.id);
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => started.length,
      (n) => n === 1,
      15_000,
    );
    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toEqual(['g1']);
    await queue.addBulk(Q, [{ id: 'g2', name: 'n', data: {} }]);
    const counts = await queue.counts(Q);
    expect(counts).toMatchObject({ completed: 1, waiting: 1, active: 0 });
    expect(started).toEqual(['g1']);
  });

  it('process(): when a mailbox waits for its quota, its jobs hold no worker; another mailbox is served meanwhile', async () => {
    let quotaOpen = false;
    const queue = fresh({ gate: (mailboxId) => (mailboxId === 1 && !quotaOpen ? 150 : 0) });
    await queue.addBulk(
      Q,
      Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, name: 'n', data: 1, mailboxId: 1 })),
    );
    await queue.addBulk(
      Q,
      Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, name: 'n', data: 2, mailboxId: 2 })),
    );
    const done: unknown[] = [];
    const worker = queue.process(
      Q,
      (job) => {
        done.push(job.data);
        return Promise.resolve();
      },
      { concurrency: 2 },
    );
    await waitFor(
      () => done.filter((d) => d === 2).length,
      (n) => n === 10,
      15_000,
    );
    expect(done.filter((d) => d === 1)).toHaveLength(0);
    quotaOpen = true;
    await waitFor(
      () => done.length,
      (n) => n === 20,
      15_000,
    );
    await worker.close();
    expect(done.filter((d) => d === 1)).toHaveLength(10);
  });

  it('process(): when one mailbox has 300 jobs waiting and another gets 5, serves the newcomer within its first turns, alternating', async () => {
    const queue = fresh();
    await queue.addBulk(
      Q,
      Array.from({ length: 300 }, (_, i) => ({ id: `big${i}`, name: 'n', data: 1, mailboxId: 1 })),
    );
    let newcomerAdded: () => void = () => undefined;
    const added = new Promise<void>((r) => (newcomerAdded = r));
    const order: number[] = [];
    const worker = queue.process<number>(
      Q,
      async (job) => {
        // The first job holds the only slot until the newcomer's jobs are stored.
        if (order.length === 0) await added;
        order.push(job.data);
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => queue.counts(Q),
      (c) => c.active === 1,
      15_000,
    );
    await queue.addBulk(
      Q,
      Array.from({ length: 5 }, (_, i) => ({ id: `new${i}`, name: 'n', data: 2, mailboxId: 2 })),
    );
    newcomerAdded();
    await waitFor(
      () => order.length,
      (n) => n >= 12,
      15_000,
    );
    await worker.close();
    const window = order.slice(1, 12);
    // All five of the newcomer's jobs ran within the next eleven, and the backlog kept moving.
    expect(window.filter((m) => m === 2)).toHaveLength(5);
    expect(window.slice(0, 10).filter((m) => m === 1).length).toBeGreaterThanOrEqual(4);
  });

  it('process(): when ten mailboxes are backfilling at once, serves every one of them in each round', async () => {
    const queue = fresh();
    for (let m = 1; m <= 10; m++) {
      await queue.addBulk(
        Q,
        Array.from({ length: 20 }, (_, i) => ({ id: `m${m}-${i}`, name: 'n', data: m, mailboxId: m })),
      );
    }
    const order: number[] = [];
    const worker = queue.process<number>(
      Q,
      (job) => {
        order.push(job.data);
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    await waitFor(
      () => order.length,
      (n) => n === 200,
      20_000,
    );
    await worker.close();
    // In every run of ten jobs, all ten mailboxes (the order within a round may differ by driver).
    for (let round = 0; round < 20; round++) {
      expect(
        new Set(order.slice(round * 10, round * 10 + 10)).size,
        `round ${round}: ${order.slice(round * 10, round * 10 + 10).join(',')}`,
      ).toBe(10);
    }
  });

  it('removePendingForMailbox() and wakeMailbox(): remove only that mailbox’s waiting jobs', async () => {
    const queue = fresh();
    await queue.addBulk(Q, [
      { id: 'x1', name: 'n', data: {}, mailboxId: 7 },
      { id: 'x2', name: 'n', data: {}, mailboxId: 7 },
      { id: 'y1', name: 'n', data: {}, mailboxId: 8 },
    ]);
    expect(await queue.removePendingForMailbox(7)).toBe(2);
    expect(await queue.wakeMailbox(8)).toBeGreaterThanOrEqual(0);
    expect((await queue.counts(Q)).waiting).toBe(1);
  });
});
