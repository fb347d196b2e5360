// Closing the BullMQ driver while Redis is away: a command the caller gave up on (bounded by
// redis.commandTimeoutMs) still sits in ioredis' offline queue, and QUIT, a Worker's close and
// a Queue's close would wait behind it: a stopping daemon or worker hung for good.
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqQueue } from '../../../src/queue/bullmq-queue.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const servers: TestRedis[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((r) => r.close()));
});

function queueOn(redis: TestRedis): BullmqQueue {
  return new BullmqQueue(testLogger('bullmq-close'), {
    redis: { url: redis.url, commandTimeoutMs: 300 },
    prefix: 'closing',
    maxAttempts: 3,
    backoffMs: 20,
    maxBackoffMs: 200,
    leaseSeconds: 30,
    keepCompleted: 100,
    keepCompletedSeconds: 60,
  });
}

describe('BullMQ driver with Redis down', () => {
  it('close(): with a worker and calls that timed out while Redis was down, closes instead of waiting for Redis forever', async () => {
    const down = await startTestRedis();
    servers.push(down);
    await down.stop();
    const queue = queueOn(down);
    queue.process('ingest', () => Promise.resolve(), { concurrency: 2 });
    await expect(queue.counts('ingest')).rejects.toThrow(/Redis did not answer counting jobs within 300 ms/);
    await expect(queue.addBulk('ingest', [{ id: 'a', name: 'n', data: {} }])).rejects.toThrow(/Redis did not answer/);
    // Without the bounds this never resolves (the test times out).
    await queue.close();
    expect(queue.redisStatus).not.toBe('ready');
  }, 20_000);

  it('close(): when Redis goes away while a job is in hand, waits for the job to finish, then closes', async () => {
    const redis = await startTestRedis();
    servers.push(redis);
    const queue = queueOn(redis);
    await queue.addBulk('ingest', [{ id: 'held', name: 'n', data: {} }]);
    let release: () => void = () => undefined;
    const started: string[] = [];
    const finished: string[] = [];
    queue.process(
      'ingest',
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
    await redis.stop();
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toEqual(['held']);
  }, 20_000);
});
