// Chaos, per queue driver: a 2,000-message backfill from the fake Google while the daemon
// process is killed with SIGKILL at 20 seeded random points and restarted each time (for
// bullmq, Redis is also killed and restarted without persistence at 3 points) → exactly
// 2,000 ticket messages, none doubled, one outbox event per message, and every event at the
// test's webhook receiver (correctly signed; a redelivery after a kill carries the same id). And the same with
// the ingest done by an `intake worker --remote` in its own directory: the worker is killed at
// the 20 points, the store host at 3 of them and Redis at 3 others.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../src/dev/fake-google/index.js';
import { startTestFake } from '../helpers/test-fake.js';
import { freePort } from '../helpers/free-port.js';
import { spawnIntake, waitForHttp, type DaemonProcess } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/test-daemon.js';
import { simpleMail } from '../helpers/simple-mail.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectMailbox, daemonEnv, tally } from '../helpers/process-env.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const MAILBOX = 'chaos@example.org';
const TOTAL = 2000;
const KILLS = 20;

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ids of every event committed to the outbox. */
function committedEventIds(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return new Set((db.prepare('SELECT event_id FROM outbox').all() as { event_id: string }[]).map((r) => r.event_id));
  } finally {
    db.close();
  }
}

/** A webhook endpoint on the test's receiver, added through the API: events cross every kill too. */
async function subscribe(base: string, apiToken: string, receiver: WebhookReceiver): Promise<void> {
  await receiver.start();
  const added = await fetch(`${base}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url }),
  });
  expect(added.status).toBe(201);
  receiver.secret = ((await added.json()) as { secret: string }).secret;
}

/** Every committed event reached the receiver, correctly signed (a redelivery after a kill carries the same id). */
async function expectEveryEventDelivered(dbFile: string, receiver: WebhookReceiver): Promise<void> {
  const committed = committedEventIds(dbFile);
  expect(committed.size).toBe(TOTAL);
  await waitFor(
    () => receiver.unique.size,
    (n) => n >= committed.size,
    180_000,
  );
  expect(new Set(receiver.unique.keys())).toEqual(committed);
  expect(receiver.badSignatures).toBe(0);
}

describe.each(['embedded', 'bullmq'] as const)('chaos: %s driver', (driver) => {
  let fake: FakeGoogle | undefined;
  let proc: DaemonProcess | undefined;
  let redis: TestRedis | undefined;
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await receiver.close();
    await fake?.close();
    await redis?.close();
  });

  it(`backfill of ${TOTAL} with ${KILLS} SIGKILLs${driver === 'bullmq' ? ' and 3 Redis restarts' : ''}: exactly ${TOTAL} ticket messages and one event each`, async () => {
    fake = await startTestFake();
    for (let i = 0; i < TOTAL; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    const extra: NodeJS.ProcessEnv = { INTAKE_WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true' };
    if (driver === 'bullmq') {
      redis = await startTestRedis({ appendOnly: false });
      Object.assign(extra, {
        INTAKE_QUEUE_DRIVER: 'bullmq',
        INTAKE_QUEUE_REDIS_URL: redis.url,
        INTAKE_QUEUE_REDIS_COMMAND_TIMEOUT_MS: '1000',
      });
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-chaos-'));
    const port = await freePort();
    const apiToken = randomBytes(18).toString('base64url');
    const env = daemonEnv(fake, port, dataDir, apiToken, extra);
    const base = `http://127.0.0.1:${port}`;
    const dbFile = join(dataDir, 'intake.sqlite');
    const start = async () => {
      proc = spawnIntake(['start'], env);
      await waitForHttp(`${base}/healthz`);
    };
    await start();
    await subscribe(base, apiToken, receiver);
    await connectMailbox(base, apiToken, fake, MAILBOX);

    const random = seeded(driver === 'embedded' ? 17 : 29);
    const points = Array.from({ length: KILLS }, () => Math.floor(random() * (TOTAL - 100)) + 20).sort((a, b) => a - b);
    const redisRestarts = new Set(driver === 'bullmq' ? [3, 9, 15] : []);
    let kills = 0;
    for (const [i, point] of points.entries()) {
      await waitFor(
        () => tally(dbFile).messages,
        (n) => n >= point,
        120_000,
      );
      proc?.child.kill('SIGKILL');
      await proc?.exited;
      kills++;
      if (redisRestarts.has(i) && redis) {
        await redis.kill();
        await redis.start();
      }
      await start();
    }
    expect(kills).toBe(KILLS);
    const final = await waitFor(
      () => tally(dbFile),
      (t) => t.messages >= TOTAL,
      180_000,
    );
    expect(final).toEqual({ messages: TOTAL, distinct: TOTAL, outbox: TOTAL, outboxDistinct: TOTAL });
    await expectEveryEventDelivered(dbFile, receiver);
    proc?.child.kill('SIGTERM');
    expect(await proc?.exited).toBe(0);
  }, 600_000);
});

describe('chaos: bullmq with a remote worker', () => {
  let fake: FakeGoogle | undefined;
  let redis: TestRedis | undefined;
  const procs: DaemonProcess[] = [];
  const receiver = new WebhookReceiver();

  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await receiver.close();
    await fake?.close();
    await redis?.close();
  });

  it(`backfill of ${TOTAL} with the remote worker SIGKILLed ${KILLS} times, the store host 3 times and Redis 3 times: exactly ${TOTAL} ticket messages and one event each`, async () => {
    fake = await startTestFake();
    for (let i = 0; i < TOTAL; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
    redis = await startTestRedis({ appendOnly: false });
    const workerKey = randomBytes(32).toString('base64');
    const shared = {
      INTAKE_QUEUE_DRIVER: 'bullmq',
      INTAKE_QUEUE_REDIS_URL: redis.url,
      INTAKE_QUEUE_REDIS_COMMAND_TIMEOUT_MS: '1000',
      INTAKE_QUEUE_LEASE_SECONDS: '2',
      INTAKE_WORKER_KEY: workerKey,
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'intake-chaos-store-'));
    const workerDir = mkdtempSync(join(tmpdir(), 'intake-chaos-worker-'));
    const port = await freePort();
    const workerPort = await freePort();
    const apiToken = randomBytes(18).toString('base64url');
    const storeEnv = daemonEnv(fake, port, dataDir, apiToken, { ...shared, INTAKE_WEBHOOKS_ALLOW_INSECURE_LOOPBACK: 'true' });
    const workerEnv = {
      ...shared,
      INTAKE_DATA_DIR: workerDir,
      INTAKE_QUEUE_WORKER_PORT: String(workerPort),
      INTAKE_GOOGLE_ENDPOINTS_GMAIL_ROOT_URL: fake.gmailRootUrl,
      INTAKE_GOOGLE_QUOTA_WINDOW_MS: storeEnv.INTAKE_GOOGLE_QUOTA_WINDOW_MS,
    };
    const base = `http://127.0.0.1:${port}`;
    const dbFile = join(dataDir, 'intake.sqlite');
    let store: DaemonProcess | undefined;
    let worker: DaemonProcess | undefined;
    const startStore = async () => {
      store = spawnIntake(['start', '--role', 'scheduler'], storeEnv);
      procs.push(store);
      await waitForHttp(`${base}/healthz`);
    };
    const startWorker = async () => {
      worker = spawnIntake(['worker', '--remote'], workerEnv);
      procs.push(worker);
      await waitForHttp(`http://127.0.0.1:${workerPort}/healthz`);
    };
    const kill = async (p: DaemonProcess | undefined) => {
      p?.child.kill('SIGKILL');
      await p?.exited;
    };
    await startStore();
    await startWorker();
    await subscribe(base, apiToken, receiver);
    await connectMailbox(base, apiToken, fake, MAILBOX);

    const random = seeded(41);
    const points = Array.from({ length: KILLS }, () => Math.floor(random() * (TOTAL - 100)) + 20).sort((a, b) => a - b);
    const storeKills = new Set([4, 10, 16]);
    const redisRestarts = new Set([2, 8, 14]);
    let kills = 0;
    for (const [i, point] of points.entries()) {
      await waitFor(
        () => tally(dbFile).messages,
        (n) => n >= point,
        120_000,
      );
      await kill(worker);
      kills++;
      if (storeKills.has(i)) {
        await kill(store);
        await startStore();
      }
      if (redisRestarts.has(i)) {
        await redis.kill();
        await redis.start();
      }
      await startWorker();
    }
    expect(kills).toBe(KILLS);
    const final = await waitFor(
      () => tally(dbFile),
      (t) => t.messages >= TOTAL,
      180_000,
    );
    expect(final).toEqual({ messages: TOTAL, distinct: TOTAL, outbox: TOTAL, outboxDistinct: TOTAL });
    await expectEveryEventDelivered(dbFile, receiver);
    worker?.child.kill('SIGTERM');
    store?.child.kill('SIGTERM');
    expect([await worker?.exited, await store?.exited]).toEqual([0, 0]);
  }, 600_000);
});
