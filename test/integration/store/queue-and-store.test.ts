import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, migrate, readMigrations } from '../../../src/store/database.js';
import { EmbeddedQueue } from '../../../src/queue/embedded-queue.js';
import { PermanentJobError } from '../../../src/queue/job-queue.js';
import { TicketRepo, type NewTicketMessage } from '../../../src/store/ticket-repo.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';
import { IntakeError } from '../../../src/errors/intake-error.js';
import { testLogger } from '../../helpers/test-log.js';
import { waitFor } from '../../helpers/test-daemon.js';

const freshDb = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-store-')), 'intake.sqlite'));
const options = { maxAttempts: 3, backoffMs: 5, maxBackoffMs: 100, leaseSeconds: 60, pollMs: 10 };

function message(overrides: Partial<NewTicketMessage>): NewTicketMessage {
  return {
    mailboxId: 1,
    providerMessageId: 'm1',
    providerThreadId: null,
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    from: { address: 'customer@example.net', name: 'Customer' },
    to: [],
    cc: [],
    subject: 'Help',
    sentAt: null,
    receivedAt: 1,
    text: 'body',
    html: null,
    sizeBytes: 10,
    problems: [],
    spam: null,
    needsReview: false,
    attachments: [],
    ...overrides,
  };
}

describe('store and embedded queue on a real SQLite file', () => {
  it('migrate(): when run again on a migrated database, applies nothing and keeps the data', () => {
    const db = freshDb();
    db.prepare("INSERT INTO contacts (email, created_at) VALUES ('a@b.c', 1)").run();
    expect(migrate(db, readMigrations(join(process.cwd(), 'src', 'store', 'migrations')))).toEqual([]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM contacts').get() as { n: number }).n).toBe(1);
  });

  it('EmbeddedQueue.addBulk(): when a job id is added twice, keeps one job', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    await queue.addBulk('q', [
      { id: 'a', name: 'n', data: 1 },
      { id: 'a', name: 'n', data: 2 },
    ]);
    await queue.addBulk('q', [{ id: 'a', name: 'n', data: 3 }]);
    expect((await queue.counts('q')).waiting).toBe(1);
  });

  it('EmbeddedQueue.process(): when a handler fails with a retryable error, retries with backoff until it succeeds', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    const attempts: number[] = [];
    await queue.addBulk('q', [{ id: 'j', name: 'n', data: {} }]);
    const worker = queue.process(
      'q',
      async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new IntakeError('INTAKE_ERR_GOOGLE_UNAVAILABLE', 'down', true);
      },
      { concurrency: 2 },
    );
    const counts = await waitFor(
      () => queue.counts('q'),
      (c) => c.completed === 1,
      5000,
    );
    await worker.close();
    expect(counts.completed).toBe(1);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('EmbeddedQueue.process(): when a handler fails permanently, marks the job failed without retrying', async () => {
    const queue = new EmbeddedQueue(freshDb(), testLogger('queue'), options);
    let calls = 0;
    await queue.addBulk('q', [{ id: 'j', name: 'n', data: {} }]);
    const worker = queue.process(
      'q',
      async () => {
        calls++;
        throw new PermanentJobError('malformed');
      },
      { concurrency: 1 },
    );
    const counts = await waitFor(
      () => queue.counts('q'),
      (c) => c.failed === 1,
      5000,
    );
    await worker.close();
    expect(counts.failed).toBe(1);
    expect(calls).toBe(1);
  });

  it('EmbeddedQueue.recoverInterrupted(): when a job was active in a process that died, makes it runnable at once', async () => {
    const db = freshDb();
    const queue = new EmbeddedQueue(db, testLogger('queue'), options);
    await queue.addBulk('q', [{ id: 'j', name: 'n', data: {}, mailboxId: 7 }]);
    expect(queue.claim('q')?.id).toBe('j');
    expect(queue.claim('q')).toBeUndefined();
    expect(queue.recoverInterrupted()).toBe(1);
    expect(queue.claim('q')?.attempt).toBe(2);
    expect(await queue.removePendingForMailbox(7)).toBe(1);
  });

  it('TicketRepo.write(): when the same provider message is written twice, stores it once and reports the duplicate', () => {
    const db = freshDb();
    new MailboxRepo(db).upsertConnected({ email: 'desk@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
    const repo = new TicketRepo(db);
    const first = repo.write(
      message({
        attachments: [
          { filename: 'a.txt', contentType: 'text/plain', size: 1, sha256: 'f'.repeat(64), content: Buffer.from('a'), omittedReason: null },
        ],
      }),
    );
    const second = repo.write(message({}));
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true, createdTicket: false });
    expect((db.prepare('SELECT COUNT(*) AS n FROM attachments').get() as { n: number }).n).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(1);
  });

  it('TicketRepo.write(): when the source has no thread id, threads a reply by In-Reply-To and References', () => {
    const db = freshDb();
    new MailboxRepo(db).upsertConnected({ email: 'desk@example.com', source: 'imap', refreshTokenCipher: 'x', scopes: [] });
    const repo = new TicketRepo(db);
    const root = repo.write(message({ providerMessageId: 'a', messageIdHeader: 'root@x' }));
    const reply = repo.write(message({ providerMessageId: 'b', messageIdHeader: 'r1@x', inReplyTo: 'root@x', references: ['root@x'] }));
    const deep = repo.write(message({ providerMessageId: 'c', references: ['root@x', 'r1@x'] }));
    const other = repo.write(message({ providerMessageId: 'd', inReplyTo: 'unknown@x' }));
    expect(reply.ticketId).toBe(root.ticketId);
    expect(deep.ticketId).toBe(root.ticketId);
    expect(other.ticketId).not.toBe(root.ticketId);
    expect(other.createdTicket).toBe(true);
  });

  it('TicketRepo.write(): when a reply is stored before the message that opened the thread, the ticket takes the opener subject', () => {
    const db = freshDb();
    new MailboxRepo(db).upsertConnected({ email: 'desk@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
    const repo = new TicketRepo(db);
    const reply = repo.write(message({ providerMessageId: 'r', providerThreadId: 'T', subject: 'Re: Invoice 42', receivedAt: 2000 }));
    repo.write(message({ providerMessageId: 'o', providerThreadId: 'T', subject: 'Invoice 42', receivedAt: 1000 }));
    repo.write(message({ providerMessageId: 'l', providerThreadId: 'T', subject: 'Re: Re: Invoice 42', receivedAt: 3000 }));
    const ticket = db.prepare('SELECT subject, message_count FROM tickets WHERE id = ?').get(reply.ticketId) as {
      subject: string;
      message_count: number;
    };
    expect(ticket).toEqual({ subject: 'Invoice 42', message_count: 3 });
  });

  it('TicketRepo.write(): when Gmail gives a thread id, follows it even if the headers point elsewhere', () => {
    const db = freshDb();
    new MailboxRepo(db).upsertConnected({ email: 'desk@example.com', source: 'gmail', refreshTokenCipher: 'x', scopes: [] });
    const repo = new TicketRepo(db);
    const a = repo.write(message({ providerMessageId: 'a', providerThreadId: 'T1', messageIdHeader: 'root@x' }));
    const b = repo.write(message({ providerMessageId: 'b', providerThreadId: 'T2', inReplyTo: 'root@x' }));
    const c = repo.write(message({ providerMessageId: 'c', providerThreadId: 'T2' }));
    expect(b.ticketId).not.toBe(a.ticketId);
    expect(c.ticketId).toBe(b.ticketId);
  });
});
