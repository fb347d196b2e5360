// The daemon on the bullmq driver against a real Redis: one process doing everything, the
// scheduler and worker roles split, the scheduler election, Redis down at start, and the
// embedded driver refusing a second daemon on its database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startDaemon } from '../../../src/daemon/daemon.js';
import { startWorkerProcess, type WorkerProcess } from '../../../src/daemon/worker-process.js';
import { SchedulerLock } from '../../../src/queue/scheduler-lock.js';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, testConfig, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { freePort } from '../../helpers/free-port.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { testLogger } from '../../helpers/test-log.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

const MAILBOX = 'desk@example.com';
let redis: TestRedis;
let prefixN = 0;
const bullmq = async (over: Record<string, unknown> = {}) => ({
  queue: { driver: 'bullmq', redisUrl: redis.url, redisPrefix: `d${process.pid}x${prefixN++}`, workerPort: await freePort(), ...over },
});
const messageCount = (t: TestDaemon) => (t.daemon.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

describe('daemon on the bullmq driver (real Redis)', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  let worker: WorkerProcess | undefined;

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await t?.close();
    t = undefined;
    await fake?.close();
  });

  it('role all: turns 60 messages into exactly 60 ticket messages, and /metrics shows the queue per driver and Redis connected', async () => {
    fake = await startTestFake();
    for (let i = 0; i < 60; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    t = await startTestDaemon(fake, await bullmq());
    expect(await t.connect(MAILBOX)).toBe(200);
    const n = await waitFor(
      () => messageCount(t as TestDaemon),
      (c) => c >= 60,
    );
    expect(n).toBe(60);
    const metrics = await (await fetch(`${t.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/intake_queue_depth\{queue="ingest",driver="bullmq",state="completed"\} \d+/);
    expect(metrics).toMatch(/intake_redis_connected 1/);
    expect(metrics).toMatch(/intake_queue_job_duration_seconds_count\{queue="ingest",driver="bullmq",outcome="ok"\} \d+/);
  });

  it('roles scheduler + worker: the scheduler enqueues, a separate worker ingests; the worker serves only health and metrics', async () => {
    fake = await startTestFake();
    for (let i = 0; i < 40; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    const overrides = await bullmq();
    const { config, apiToken } = await testConfig(fake, overrides);
    const daemon = await startDaemon(config, testLogger('scheduler'), {}, { role: 'scheduler' });
    t = { daemon, close: () => daemon.close() } as unknown as TestDaemon;
    const connect = await fetch(`${daemon.url}/api/mailboxes/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ loginHint: MAILBOX }),
    });
    const { authUrl } = (await connect.json()) as { authUrl: string };
    expect((await fetch(fake.approveConsent(authUrl, { email: MAILBOX }))).status).toBe(200);
    // Without a worker nothing is ingested, however long the scheduler runs.
    await waitFor(
      () => fake?.requestCount(/\/messages$/) ?? 0,
      (c) => c >= 1,
    );
    expect(messageCount(t)).toBe(0);

    worker = await startWorkerProcess(config, testLogger('worker'));
    const n = await waitFor(
      () => messageCount(t as TestDaemon),
      (c) => c >= 40,
    );
    expect(n).toBe(40);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${worker.url}/api/tickets`)).status).toBe(404);
  });

  it.each([
    { how: 'with AOF, stopped and started', appendOnly: true },
    { how: 'without persistence, killed (every queued job lost)', appendOnly: false },
  ])(
    'Redis restarted mid-backfill $how: every message becomes exactly one ticket message',
    async ({ appendOnly }) => {
      const own = await startTestRedis({ appendOnly });
      try {
        fake = await startTestFake();
        for (let i = 0; i < 300; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
        t = await startTestDaemon(fake, {
          sync: { pageSize: 50 },
          queue: { driver: 'bullmq', redisUrl: own.url, redisPrefix: 'restart', redisCommandTimeoutMs: 1_000, leaseSeconds: 2 },
        });
        expect(await t.connect(MAILBOX)).toBe(200);
        await waitFor(
          () => messageCount(t as TestDaemon),
          (c) => c >= 40,
        );
        if (appendOnly) await own.stop();
        else await own.kill();
        await own.start();
        const n = await waitFor(
          () => messageCount(t as TestDaemon),
          (c) => c >= 300,
          60_000,
        );
        expect(n).toBe(300);
        const ids = t.daemon.db.prepare('SELECT COUNT(DISTINCT provider_message_id) AS n FROM messages').get() as { n: number };
        expect(ids.n).toBe(300);
      } finally {
        await t?.close();
        t = undefined;
        await own.close();
      }
    },
    120_000,
  );

  it('Redis restarted without persistence while webhook deliveries wait for a receiver that is down: every event is delivered once it is back', async () => {
    const own = await startTestRedis({ appendOnly: false });
    const receiver = new WebhookReceiver();
    try {
      fake = await startTestFake();
      for (let i = 0; i < 30; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
      t = await startTestDaemon(fake, {
        queue: { driver: 'bullmq', redisUrl: own.url, redisPrefix: 'hooks', redisCommandTimeoutMs: 1_000, leaseSeconds: 2 },
        webhooks: { allowInsecureLoopback: true },
      });
      await receiver.start();
      const added = await t.api<{ secret: string }>('/api/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) });
      expect(added.status).toBe(201);
      receiver.secret = added.body.secret;
      await receiver.down();
      expect(await t.connect(MAILBOX)).toBe(200);
      const db = t.daemon.db;
      const enqueuedPending = () =>
        (db.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending' AND enqueued = 1").get() as { n: number }).n;
      await waitFor(enqueuedPending, (n) => n >= 30, 60_000);
      // Their deliver jobs were only in Redis: gone with it.
      await own.kill();
      await own.start();
      await receiver.up();
      const committed = (db.prepare('SELECT event_id FROM outbox').all() as { event_id: string }[]).map((r) => r.event_id);
      expect(committed).toHaveLength(30);
      await waitFor(
        () => receiver.unique.size,
        (n) => n >= 30,
        60_000,
      );
      expect(new Set(receiver.unique.keys())).toEqual(new Set(committed));
    } finally {
      await receiver.close();
      await t?.close();
      t = undefined;
      await own.close();
    }
  }, 120_000);

  it('scheduler lock: a second scheduler waits, and takes over within the lease when the first dies', async () => {
    const key = `lock${prefixN++}`;
    const a = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => null });
    const b = new Redis(redis.url, { maxRetriesPerRequest: null });
    const events: string[] = [];
    const lockA = new SchedulerLock(
      a,
      key,
      1_000,
      { elected: () => events.push('a'), lost: () => events.push('a-lost') },
      testLogger('lock'),
    );
    const lockB = new SchedulerLock(
      b,
      key,
      1_000,
      { elected: () => events.push('b'), lost: () => events.push('b-lost') },
      testLogger('lock'),
    );
    lockA.start();
    await waitFor(
      () => lockA.isLeader,
      (v) => v,
      10_000,
    );
    lockB.start();
    // B tries for longer than one lease (a try every lease/3) while A renews: B must still wait.
    await waitFor(
      () => lockB.tries,
      (n) => n >= 5,
      10_000,
    );
    expect(lockB.isLeader).toBe(false);
    a.disconnect(); // A "dies": no release, no renewal
    await waitFor(
      () => lockB.isLeader,
      (v) => v,
      10_000,
    );
    await lockA.stop();
    await lockB.stop();
    b.disconnect();
    expect(events.filter((e) => e === 'b')).toHaveLength(1);
    expect(lockB.isLeader).toBe(false);
  });

  it('Redis down at start: /readyz says not ready with a clear reason, and once Redis is back the messages are ingested', async () => {
    const down = await startTestRedis();
    await down.stop();
    fake = await startTestFake();
    for (let i = 0; i < 20; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    t = await startTestDaemon(fake, { queue: { driver: 'bullmq', redisUrl: down.url, redisPrefix: 'down', redisCommandTimeoutMs: 500 } });
    const ready = await fetch(`${t.daemon.url}/readyz`);
    const body = (await ready.json()) as { status: string; checks: { queue: string } };
    expect(ready.status).toBe(503);
    expect(body.checks.queue).toMatch(/Redis is not connected/);
    expect(await t.connect(MAILBOX)).toBe(200);
    await down.start();
    try {
      const n = await waitFor(
        () => messageCount(t as TestDaemon),
        (c) => c >= 20,
        60_000,
      );
      expect(n).toBe(20);
      const after = await waitFor(
        () => fetch(`${(t as TestDaemon).daemon.url}/readyz`).then((r) => r.status),
        (s) => s === 200,
      );
      expect(after).toBe(200);
    } finally {
      await t.close();
      t = undefined;
      await down.close();
    }
  });
});

describe('embedded driver: one process per database', () => {
  it('a second daemon on the same database is refused with INTAKE_ERR_QUEUE_OWNED; after the first stops, it starts', async () => {
    const fake = await startTestFake();
    const { config } = await testConfig(fake);
    const first = await startDaemon(config, testLogger('first'));
    const port = await freePort();
    const second = { ...config, http: { ...config.http, port } };
    await expect(startDaemon(second, testLogger('second'))).rejects.toMatchObject({ code: 'INTAKE_ERR_QUEUE_OWNED' });
    await first.close();
    const again = await startDaemon(second, testLogger('second'));
    await again.close();
    await fake.close();
  });
});
