// One deliver job per stream (endpoint + ticket), not per event: five events of one ticket
// committed together queue one job, which sends all five in order; events committed while the
// receiver fails get no job of their own and still arrive, in order, once it answers again.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { SecretBox } from '../../../src/crypto/secret-box.js';
import { EmbeddedQueue } from '../../../src/queue/embedded-queue.js';
import { Deliverer } from '../../../src/delivery/deliverer.js';
import { TicketRepo, type NewTicketMessage } from '../../../src/store/ticket-repo.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';
import { createLogger } from '../../../src/log/logger.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { waitFor } from '../../helpers/test-daemon.js';

function message(mailboxId: number, n: number, thread: string): NewTicketMessage {
  return {
    mailboxId,
    providerMessageId: `m-${n}`,
    providerThreadId: thread,
    messageIdHeader: `<m-${n}@test.example>`,
    inReplyTo: null,
    references: [],
    from: { address: 'customer@test.example', name: 'Customer' },
    to: [{ address: 'help@test.example', name: '' }],
    cc: [],
    subject: `Question ${thread}`,
    sentAt: Date.now(),
    receivedAt: Date.now(),
    text: `Message ${n}`,
    html: null,
    sizeBytes: 100,
    problems: [],
    spam: null,
    needsReview: false,
    attachments: [],
    traceId: randomBytes(16).toString('hex'),
  };
}

describe('deliver jobs per stream', () => {
  const receiver = new WebhookReceiver();
  let dir = '';
  let db: Db | undefined;
  let deliverer: Deliverer | undefined;

  afterEach(async () => {
    await deliverer?.close();
    db?.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dispatch(): five events of one ticket queue one job, which delivers all five in order; later ones ride on it while it retries', async () => {
    dir = mkdtempSync(join(tmpdir(), 'intake-streams-'));
    const database = openDatabase(join(dir, 'intake.sqlite'));
    db = database;
    const log = createLogger({ level: 'silent' });
    const queue = new EmbeddedQueue(database, log, { maxAttempts: 8, backoffMs: 20, maxBackoffMs: 50, leaseSeconds: 60, pollMs: 20 });
    const box = new SecretBox([randomBytes(32)]);
    const policy = { allowInsecureLoopback: true, allowPrivateNetworks: false, allowLinkLocal: false };
    const d = new Deliverer(
      database,
      box,
      queue,
      { ...policy, maxRetryHours: 72, requestTimeoutMs: 2000, concurrency: 4, dispatchIntervalMs: 50 },
      log,
    );
    deliverer = d;
    await receiver.start();
    const endpoint = d.endpoints.create({ url: receiver.url, events: [], description: 'test', createdBy: 'test' });
    receiver.secret = endpoint.secret;
    const mailbox = new MailboxRepo(database).upsertConnected({
      email: 'help@test.example',
      source: 'gmail',
      refreshTokenCipher: box.seal('x'),
      scopes: [],
    }).mailbox;
    const tickets = new TicketRepo(database);
    const deliverJobs = () => (database.prepare("SELECT COUNT(*) AS n FROM jobs WHERE queue = 'deliver'").get() as { n: number }).n;

    for (let n = 0; n < 5; n++) tickets.write(message(mailbox.id, n, 'thread-a'));
    await d.dispatch();
    // ticket.created + 4 × ticket.message_added, one stream: one job.
    expect(deliverJobs()).toBe(1);
    d.start();
    await waitFor(
      () => receiver.unique.size,
      (n) => n === 5,
      10_000,
    );
    expect(receiver.arrivals.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);

    receiver.mode = 'error500';
    const refusedBefore = receiver.requests;
    tickets.write(message(mailbox.id, 5, 'thread-a'));
    d.kick();
    await waitFor(
      () => receiver.requests,
      (n) => n > refusedBefore,
      10_000,
    );
    const jobsWhileFailing = deliverJobs();
    for (let n = 6; n < 9; n++) tickets.write(message(mailbox.id, n, 'thread-a'));
    await d.dispatch();
    // The three new events wait behind the failing one, on its job.
    expect(deliverJobs()).toBe(jobsWhileFailing);
    receiver.mode = 'ok';
    await waitFor(
      () => receiver.unique.size,
      (n) => n === 9,
      10_000,
    );
    expect([...receiver.unique.values()].map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
