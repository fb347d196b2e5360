// Erasing a data subject reaches their queued jobs on both drivers: commit jobs whose shipped
// mail names them (base64 in the job, so no plain-text search finds it), and jobs of their
// erased messages by id, waiting, delayed or failed; running ones are left alone and counted.
// Real SQLite files, a real Redis; a Redis that cannot be reached stops the erasure.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { AuditRepo } from '../../../src/store/audit-repo.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { PrivacyService } from '../../../src/privacy/privacy-service.js';
import { forgetLearned, forgetMailboxLearning } from '../../../src/review/forget-mailbox-learning.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { EmbeddedQueue } from '../../../src/queue/embedded-queue.js';
import { BullmqQueue, bullJobId } from '../../../src/queue/bullmq-queue.js';
import { PermanentJobError, type JobQueue, type JobSpec } from '../../../src/queue/job-queue.js';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { commitJobId, encodeShipped, type CommitJobData } from '../../../src/remote/commit-job.js';
import { startTestRedis, type TestRedis } from '../../helpers/redis-server.js';
import { freePort } from '../../helpers/free-port.js';
import { findInFiles } from '../../helpers/byte-scan.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const ALICE = 'Alice.Erasable@customer.example';
const BOB = 'bob.keeps@other.example';
const MAC_KEY = randomBytes(32);

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.close();
});

function commitJob(providerMessageId: string, from: string): JobSpec<CommitJobData> {
  const job = { mailboxId: 1, providerMessageId, threadId: null };
  const raw = Buffer.from(
    `From: ${from}\r\nSubject: Kettle ${providerMessageId}\r\n\r\nMy kettle arrived cracked (${providerMessageId}).\r\n`,
  );
  const payload = encodeShipped({ fetched: { raw, threadId: null, labelIds: ['INBOX'], internalDate: null }, analysis: null }, MAC_KEY);
  return { id: commitJobId(job), name: 'commit', mailboxId: 1, data: { job, payload }, replaceFinished: true, forgetWhenDone: true };
}

const ingestJob = (providerMessageId: string): JobSpec => ({
  id: `ingest:1:${providerMessageId}`,
  name: 'ingest',
  mailboxId: 1,
  data: { mailboxId: 1, providerMessageId, threadId: null },
});

/** A store with one mailbox and Alice's quarantined mail `held` (the erasure's targets, so their job ids are hers). */
function openStore(dirs: string[], held: string[] = []): Db {
  const dir = mkdtempSync(join(tmpdir(), 'intake-erase-jobs-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'intake.sqlite'));
  db.prepare("INSERT INTO mailboxes (email, state, scopes, created_at, updated_at) VALUES ('desk@example.com', 'syncing', '', 0, 0)").run();
  const quarantine = new QuarantineRepo(db);
  for (const id of held) {
    const raw = Buffer.from(`From: ${ALICE}\r\nSubject: Prize ${id}\r\n\r\nwords\r\n`);
    quarantine.add({
      mailboxId: 1,
      providerMessageId: id,
      providerThreadId: null,
      fromAddress: ALICE,
      subject: `Prize ${id}`,
      reason: 'spam',
      score: 0.99,
      evidence: [],
      raw,
    });
  }
  return db;
}

function privacyOn(db: Db, queue: JobQueue): PrivacyService {
  const spam = new SpamFilter(db, loadConfig({ env: {} }).spam);
  return new PrivacyService({
    db,
    audit: new AuditRepo(db, Buffer.alloc(32, 3)),
    subjectRef: (a) => `addr:${a.length}`,
    log: testLogger('erase-jobs'),
    policy: { quarantineDays: 0, closedTicketDays: 0, suppressedDays: 0, auditDays: 0, disconnectedMailboxGraceDays: 0 },
    unlearn: (k) => forgetLearned(spam, k),
    forgetMailboxLearning: (id) => forgetMailboxLearning(db, spam, id),
    queue,
  });
}

function bullmqQueue(url: string, prefix: string, commandTimeoutMs = 5_000): BullmqQueue {
  return new BullmqQueue(testLogger('erase-jobs-bullmq'), {
    maxAttempts: 5,
    // A retried job waits in the delayed set for the whole test.
    backoffMs: 120_000,
    maxBackoffMs: 120_000,
    leaseSeconds: 30,
    keepCompleted: 1_000,
    keepCompletedSeconds: 600,
    redis: { url, commandTimeoutMs },
    prefix,
  });
}

const failAll = () => Promise.reject(new PermanentJobError('refused'));

describe('erasing a data subject: queued jobs', () => {
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("embedded: removes a failed commit job shipping Alice's mail and counts it; Bob's survives; the dry run removes nothing", async () => {
    const db = openStore(dirs);
    const queue = new EmbeddedQueue(db, testLogger('erase-jobs-embedded'), {
      maxAttempts: 1,
      backoffMs: 20,
      maxBackoffMs: 200,
      leaseSeconds: 30,
      pollMs: 10,
    });
    closers.push(() => queue.close());
    const alice = commitJob('c-alice', ALICE);
    await queue.addBulk('commit', [alice, commitJob('c-bob', BOB)]);
    const worker = queue.process('commit', failAll, { concurrency: 2 });
    await waitFor(
      () => queue.counts('commit'),
      (c) => c.failed === 2,
    );
    await worker.close();
    const failedIds = async () => (await queue.listFailed('commit', { limit: 10 })).map((j) => j.id);
    // A piece of the payload as stored: the scan below can see it before the erasure.
    const stored = (alice.data.payload ?? '').slice(40, 120);
    expect(findInFiles(db.name, [stored])).not.toEqual([]);

    const privacy = privacyOn(db, queue);
    const dry = await privacy.erase({ email: ALICE, scope: 'tickets', dryRun: true, actor: 'cli' });
    expect(dry.counts).toMatchObject({ queueJobs: 1, queueJobsRunning: 0 });
    expect(await failedIds()).toEqual(['commit:ingest:1:c-alice', 'commit:ingest:1:c-bob']);

    const done = await privacy.erase({ email: ALICE, scope: 'tickets', dryRun: false, actor: 'cli' });
    expect(done.counts).toMatchObject({ queueJobs: 1, queueJobsRunning: 0 });
    expect(await failedIds()).toEqual(['commit:ingest:1:c-bob']);
    expect(findInFiles(db.name, [stored])).toEqual([]);
    const detail = db.prepare("SELECT detail FROM audit_log WHERE action = 'privacy.erased'").get() as { detail: string };
    expect(JSON.parse(detail.detail)).toMatchObject({ counts: { queueJobs: 1, queueJobsRunning: 0 } });
  });

  it("bullmq: removes Alice's waiting, delayed and failed ingest/commit jobs, leaves the running one and Bob's, counts right; the dry run removes nothing", async () => {
    const prefix = `e${randomBytes(4).toString('hex')}`;
    const db = openStore(dirs, ['held-1', 'held-2', 'held-3']);
    const workers = bullmqQueue(redis.url, prefix);
    closers.push(() => workers.close());
    const raw = new Redis(redis.url);
    closers.push(async () => void (await raw.quit()));

    // Delayed: a retryable failure backs off for minutes.
    await workers.addBulk('ingest', [ingestJob('held-2')]);
    let worker = workers.process('ingest', () => Promise.reject(new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'down', true)), {
      concurrency: 1,
    });
    await waitFor(
      () => workers.counts('ingest'),
      (c) => c.delayed === 1,
    );
    await worker.close();
    // Running: held by a handler until the test lets it go.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    await workers.addBulk('ingest', [ingestJob('held-3')]);
    worker = workers.process('ingest', () => (started(), held), { concurrency: 1 });
    closers.push(async () => (release(), await worker.close()));
    await running;
    // Failed: commit jobs the store host refused.
    await workers.addBulk('commit', [commitJob('c-alice', ALICE), commitJob('c-bob', BOB)]);
    const commits = workers.process('commit', failAll, { concurrency: 2 });
    await waitFor(
      () => workers.counts('commit'),
      (c) => c.failed === 2,
    );
    await commits.close();
    // Waiting: the one ingest slot is busy, so these stay.
    await workers.addBulk('ingest', [ingestJob('held-1'), ingestJob('bob-1')]);
    await workers.addBulk('commit', [commitJob('c-alice-2', ALICE)]);

    const aliceIds = ['ingest:1:held-1', 'ingest:1:held-2', 'commit:ingest:1:c-alice', 'commit:ingest:1:c-alice-2'];
    const kept = ['ingest:1:held-3', 'ingest:1:bob-1', 'commit:ingest:1:c-bob'];
    const present = async (ids: string[]) => {
      const out: string[] = [];
      for (const id of ids)
        if ((await raw.exists(`${prefix}:${id.split(':')[0] === 'commit' ? 'commit' : 'ingest'}:${bullJobId(id)}`)) === 1) out.push(id);
      return out;
    };
    expect(await present([...aliceIds, ...kept])).toEqual([...aliceIds, ...kept]);

    // Another process (the CLI's), which never added to or served a queue.
    const cli = bullmqQueue(redis.url, prefix);
    closers.push(() => cli.close());
    const privacy = privacyOn(db, cli);
    const dry = await privacy.erase({ email: ALICE, scope: 'tickets', dryRun: true, actor: 'cli' });
    expect(dry.counts).toMatchObject({ queueJobs: 4, queueJobsRunning: 1, quarantined: 3 });
    expect(await present([...aliceIds, ...kept])).toEqual([...aliceIds, ...kept]);

    const done = await privacy.erase({ email: ALICE, scope: 'tickets', dryRun: false, actor: 'cli' });
    expect(done.counts).toMatchObject({ queueJobs: 4, queueJobsRunning: 1, quarantined: 3 });
    expect(await present(aliceIds)).toEqual([]);
    expect(await present(kept)).toEqual(kept);
    expect(await workers.counts('ingest')).toMatchObject({ waiting: 1, active: 1 });
  });

  it('bullmq: when Redis cannot be reached, fails with INTAKE_ERR_QUEUE and erases nothing', async () => {
    const db = openStore(dirs, ['held-1']);
    const queue = bullmqQueue(`redis://127.0.0.1:${await freePort()}`, `e${randomBytes(4).toString('hex')}`, 300);
    closers.push(() => queue.close());
    const privacy = privacyOn(db, queue);
    const failure = await privacy.erase({ email: ALICE, scope: 'tickets', dryRun: false, actor: 'cli' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(IntakeError);
    expect(failure).toMatchObject({ code: 'INTAKE_ERR_QUEUE', retryable: true });
    expect((failure as Error).message).toContain('nothing was erased');
    expect((failure as Error).message).toContain('Retry');
    expect(db.prepare('SELECT COUNT(*) AS n FROM quarantine').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'privacy.erased'").get()).toEqual({ n: 0 });
  });
});
