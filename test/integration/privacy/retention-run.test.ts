import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedQueue } from '../../../src/queue/embedded-queue.js';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { AuditRepo } from '../../../src/store/audit-repo.js';
import { TicketRepo } from '../../../src/store/ticket-repo.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { SpamFilter } from '../../../src/spam/spam-filter.js';
import { PrivacyService } from '../../../src/privacy/privacy-service.js';
import { forgetLearned, forgetMailboxLearning } from '../../../src/review/forget-mailbox-learning.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { testLogger } from '../../helpers/test-log.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2027, 0, 1);
const policy = { quarantineDays: 30, closedTicketDays: 90, suppressedDays: 30, auditDays: 365, disconnectedMailboxGraceDays: 14 };

function mailbox(db: Db, email: string, state: string, updatedAt: number): number {
  return Number(
    db
      .prepare("INSERT INTO mailboxes (email, state, scopes, created_at, updated_at) VALUES (?, ?, '', ?, ?)")
      .run(email, state, updatedAt, updatedAt).lastInsertRowid,
  );
}

function ticket(tickets: TicketRepo, db: Db, mailboxId: number, n: number, status: string, updatedAt: number): number {
  const w = tickets.write({
    mailboxId,
    providerMessageId: `m${n}`,
    providerThreadId: `t${n}`,
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    from: { address: `person${n}@customer.example`, name: '' },
    to: [],
    cc: [],
    subject: `ticket ${n}`,
    sentAt: null,
    receivedAt: updatedAt,
    text: 'body',
    html: null,
    sizeBytes: 10,
    problems: [],
    spam: null,
    needsReview: false,
    attachments: [{ filename: 'a.txt', contentType: 'text/plain', size: 1, sha256: 'x', content: Buffer.from('a'), omittedReason: null }],
  });
  db.prepare('UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?').run(status, updatedAt, w.ticketId);
  return w.ticketId;
}

function quarantined(db: Db, mailboxId: number, n: number, createdAt: number): void {
  new QuarantineRepo(db).add({
    mailboxId,
    providerMessageId: `q${n}`,
    providerThreadId: null,
    fromAddress: `spammer${n}@spam.example`,
    subject: 'spam',
    reason: 'spam',
    score: 1,
    evidence: [],
    raw: Buffer.from('raw'),
  });
  db.prepare('UPDATE quarantine SET created_at = ? WHERE provider_message_id = ?').run(createdAt, `q${n}`);
}

const count = (db: Db, sql: string): number => (db.prepare(sql).get() as { n: number }).n;

describe('retention with a fake clock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('retention: removes exactly what the policy says, and the dry run reports the same counts first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-retention-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'intake.sqlite'));
    let clock = NOW - 400 * DAY;
    const audit = new AuditRepo(db, Buffer.alloc(32, 3), () => clock);
    const spam = new SpamFilter(db, loadConfig({ env: {} }).spam);
    const privacy = new PrivacyService({
      db,
      audit,
      subjectRef: (a) => `addr:${a.length}`,
      log: testLogger('retention'),
      policy,
      unlearn: (k) => forgetLearned(spam, k),
      forgetMailboxLearning: (id) => forgetMailboxLearning(db, spam, id),
      queue: new EmbeddedQueue(db, testLogger('queue'), { maxAttempts: 3, backoffMs: 20, maxBackoffMs: 200, leaseSeconds: 30, pollMs: 10 }),
    });
    const tickets = new TicketRepo(db);

    const live = mailbox(db, 'live@example.com', 'syncing', NOW);
    const gone = mailbox(db, 'gone@example.com', 'disconnected', NOW - 15 * DAY);
    const grace = mailbox(db, 'grace@example.com', 'disconnected', NOW - 13 * DAY);
    const expiredClosed = ticket(tickets, db, live, 1, 'closed', NOW - 91 * DAY);
    const recentClosed = ticket(tickets, db, live, 2, 'closed', NOW - 89 * DAY);
    const oldOpen = ticket(tickets, db, live, 3, 'open', NOW - 400 * DAY);
    ticket(tickets, db, gone, 4, 'open', NOW - DAY);
    ticket(tickets, db, grace, 5, 'open', NOW - DAY);
    spam.learnFeatures(`msg:${gone}:m4`, ['w:gooseberry'], 'ham');
    quarantined(db, live, 1, NOW - 31 * DAY);
    quarantined(db, live, 2, NOW - 29 * DAY);
    audit.record({ actor: 'cli', action: 'old.one' });
    audit.record({ actor: 'cli', action: 'old.two' });
    clock = NOW - 10 * DAY;
    audit.record({ actor: 'cli', action: 'recent' });
    clock = NOW;

    const dry = privacy.retention({ dryRun: true, actor: 'cli', now: NOW });
    const counts = Object.fromEntries(dry.rules.map((r) => [r.rule, r.counts]));
    expect(counts).toEqual({
      closedTickets: { tickets: 1, messages: 1 },
      quarantine: { quarantined: 1 },
      suppressed: { suppressed: 0 },
      audit: { auditEntries: 2 },
      disconnectedMailboxes: { mailboxes: 1, mailboxTickets: 1 },
    });
    expect(dry.orphanContacts).toBe(2);
    // Nothing changed yet.
    expect(count(db, 'SELECT COUNT(*) AS n FROM tickets')).toBe(5);
    expect(count(db, 'SELECT COUNT(*) AS n FROM audit_log')).toBe(3);
    expect(spam.trainedAs(`msg:${gone}:m4`)).toBe('ham');

    const real = privacy.retention({ dryRun: false, actor: 'cli', now: NOW });
    expect({ ...real, dryRun: true }).toEqual(dry);

    const left = db
      .prepare('SELECT id FROM tickets ORDER BY id')
      .all()
      .map((r) => (r as { id: number }).id);
    expect(left).toEqual([recentClosed, oldOpen, left[2]]);
    expect(left).not.toContain(expiredClosed);
    expect(db.prepare('SELECT email FROM mailboxes ORDER BY id').all()).toEqual([
      { email: 'live@example.com' },
      { email: 'grace@example.com' },
    ]);
    expect(db.prepare('SELECT provider_message_id AS p FROM quarantine').all()).toEqual([{ p: 'q2' }]);
    expect(count(db, "SELECT COUNT(*) AS n FROM contacts WHERE email IN ('person1@customer.example', 'person4@customer.example')")).toBe(0);
    expect(count(db, 'SELECT COUNT(*) AS n FROM contacts')).toBe(3);
    expect(count(db, 'SELECT COUNT(*) AS n FROM attachments')).toBe(3);
    expect(spam.trainedAs(`msg:${gone}:m4`)).toBeNull();
    expect(db.prepare('SELECT action FROM audit_log ORDER BY id').all()).toEqual([{ action: 'recent' }, { action: 'retention.purged' }]);
    expect(privacy.verifyAudit()).toEqual({ ok: true, rows: 2, problems: [] });

    const again = privacy.retention({ dryRun: true, actor: 'cli', now: NOW });
    expect(again.total).toBe(0);
    db.close();
  });
});
