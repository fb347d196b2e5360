// The store host's commit consumer (daemon/remote-wiring.ts) over a real Redis: a commit a
// remote worker shipped becomes a ticket from the shipped bytes alone (the fake Google has no
// such message, so a fetch here would have found it gone); a commit whose MAC fails is not
// believed: the message is fetched from Google instead and the forged content never lands.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { createBullmqQueue } from '../../../src/queue/create-queue.js';
import type { BullmqQueue } from '../../../src/queue/bullmq-queue.js';
import { COMMIT_QUEUE, commitJobId, encodeShipped, type CommitJobData } from '../../../src/remote/commit-job.js';
import { workerKeys } from '../../../src/remote/worker-key.js';
import type { IngestJobData } from '../../../src/ingest/ingest-job.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { freePort } from '../../helpers/free-port.js';
import { simpleMail } from '../../helpers/simple-mail.js';
import { testLogger } from '../../helpers/test-log.js';

const MAILBOX = 'commits@example.com';
let redis: TestRedis;
let prefixN = 0;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

describe('commit consumer on the store host', () => {
  let fake: FakeGoogle | undefined;
  let t: TestDaemon | undefined;
  let producer: BullmqQueue | undefined;

  afterEach(async () => {
    await producer?.close();
    producer = undefined;
    await t?.close();
    t = undefined;
    await fake?.close();
  });

  async function setUp() {
    fake = await startTestFake();
    const workerKey = randomBytes(32).toString('base64');
    t = await startTestDaemon(fake, {
      queue: { driver: 'bullmq', redisUrl: redis.url, redisPrefix: `cc${process.pid}x${prefixN++}`, workerPort: await freePort() },
      secrets: { workerKey },
    });
    expect(await t.connect(MAILBOX)).toBe(200);
    const mailboxId = (t.daemon.db.prepare('SELECT id FROM mailboxes').get() as { id: number }).id;
    producer = createBullmqQueue(t.config, testLogger('producer'), () => 0, 'test-worker');
    const send = (job: IngestJobData, payload: string | null) =>
      (producer as BullmqQueue).addBulk<CommitJobData>(COMMIT_QUEUE, [
        { id: commitJobId(job), name: 'commit', mailboxId, data: { job, payload }, replaceFinished: true, forgetWhenDone: true },
      ]);
    return { t, fake, mailboxId, send, macKey: workerKeys(workerKey).commitMacKey };
  }

  const subjects = (d: TestDaemon) =>
    (d.daemon.db.prepare('SELECT subject FROM messages').all() as { subject: string }[]).map((r) => r.subject);

  it('writes a shipped message the store host never fetched, and removes the commit job once written', async () => {
    const { t: d, fake: f, mailboxId, send, macKey } = await setUp();
    const job: IngestJobData = { mailboxId, providerMessageId: 'shipped-only-1', threadId: 'thread-shipped-1' };
    const raw = Buffer.from(simpleMail(1, MAILBOX, 'Shipped by a remote worker'));
    await send(
      job,
      encodeShipped(
        { fetched: { raw, threadId: 'thread-shipped-1', labelIds: ['INBOX'], internalDate: Date.now() }, analysis: null },
        macKey,
      ),
    );
    await waitFor(
      () => subjects(d),
      (s) => s.includes('Shipped by a remote worker'),
    );
    expect(f.requestCount(/messages\/shipped-only-1/)).toBe(0);
    const idle = await waitFor(
      () => (producer as BullmqQueue).counts(COMMIT_QUEUE),
      (c) => c.active === 0 && c.waiting === 0,
    );
    // Removed once written: the mail it carried is no longer in Redis.
    expect(idle.completed).toBe(0);
    // The same commit again (a worker job run twice) adds nothing.
    await send(
      job,
      encodeShipped(
        { fetched: { raw, threadId: 'thread-shipped-1', labelIds: ['INBOX'], internalDate: Date.now() }, analysis: null },
        macKey,
      ),
    );
    await waitFor(
      () => (producer as BullmqQueue).counts(COMMIT_QUEUE),
      (c) => c.active === 0 && c.waiting === 0,
    );
    expect(subjects(d).filter((s) => s === 'Shipped by a remote worker')).toHaveLength(1);
  });

  it('does not believe a payload made with another key: fetches the message from Google instead', async () => {
    const { t: d, fake: f, mailboxId, send } = await setUp();
    const delivered = f.deliver(MAILBOX, simpleMail(2, MAILBOX, 'The real subject'));
    const job: IngestJobData = { mailboxId, providerMessageId: delivered.id, threadId: delivered.threadId };
    const forged = Buffer.from(simpleMail(2, MAILBOX, 'A forged subject'));
    await send(
      job,
      encodeShipped(
        { fetched: { raw: forged, threadId: delivered.threadId, labelIds: ['INBOX'], internalDate: Date.now() }, analysis: null },
        randomBytes(32),
      ),
    );
    await waitFor(
      () => d.logLines().some((l) => String(l.msg).includes('a commit payload failed its check')),
      (seen) => seen,
    );
    await waitFor(
      () => subjects(d),
      (s) => s.includes('The real subject'),
    );
    expect(subjects(d)).not.toContain('A forged subject');
  });
});
