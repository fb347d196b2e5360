import { afterEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { findInFiles } from '../../helpers/byte-scan.js';
import { seedMail, type SeedMail } from '../../helpers/privacy-mail.js';
import { simpleMail } from '../../helpers/simple-mail.js';

const MAILBOX = 'helpdesk@example.com';
const ALICE = 'Alice.Erasable@customer.example';
const BOB = 'bob.keeps@other.example';

const aliceMail = [
  seedMail({
    n: 1,
    from: ALICE,
    to: MAILBOX,
    subject: 'Broken kettle from order quintessential-4471',
    lines: ['My kettle arrived cracked along the handle seam.', 'Please send a replacement to the Lyon depot on Rue Garibaldi.'],
    attachmentLines: ['Statement for account marmalade-99812', 'Balance outstanding forty-two euros and seventy cents'],
  }),
  seedMail({
    n: 2,
    from: ALICE,
    to: MAILBOX,
    subject: 'Second question about zeppelin vouchers',
    lines: ['Can my zeppelin voucher be split between two birthdays?'],
  }),
];
const bobMail = seedMail({
  n: 3,
  from: BOB,
  to: MAILBOX,
  cc: ALICE,
  subject: 'Invoice question about pelican stationery',
  lines: ['The pelican stationery invoice lists the wrong postcode.', `My neighbour ${ALICE} has the same problem.`],
});

interface Row {
  [k: string]: unknown;
}

function rows(t: TestDaemon, sql: string, ...p: unknown[]): Row[] {
  return t.daemon.db.prepare(sql).all(...p) as Row[];
}

async function seeded(fake: FakeGoogle, mails: SeedMail[], fillers: number): Promise<TestDaemon> {
  for (const m of mails) fake.deliver(MAILBOX, m.raw);
  for (let i = 0; i < fillers; i++) fake.deliver(MAILBOX, simpleMail(i, MAILBOX));
  const t = await startTestDaemon(fake);
  expect(await t.connect(MAILBOX)).toBe(200);
  const total = mails.length + fillers;
  const n = await waitFor(
    () => (rows(t, 'SELECT COUNT(*) AS n FROM messages')[0] as { n: number }).n,
    (x) => x === total,
  );
  expect(n).toBe(total);
  return t;
}

async function verdict(t: TestDaemon, subject: string, label: 'spam' | 'ham'): Promise<void> {
  const id = (rows(t, 'SELECT id FROM messages WHERE subject = ?', subject)[0] as { id: number }).id;
  const res = await t.api(`/api/messages/${id}/verdict`, { method: 'PUT', body: JSON.stringify({ verdict: label }) });
  expect(res.status).toBe(200);
}

function spamCounts(t: TestDaemon) {
  return {
    tokens: rows(t, 'SELECT hash, spam, ham FROM spam_tokens WHERE spam > 0 OR ham > 0 ORDER BY hash'),
    totals: rows(t, 'SELECT spam, ham FROM spam_totals'),
  };
}

describe('erasing a data subject', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('erase: leaves no byte of the address, subjects, body or attachment lines in the file, WAL or SHM; others untouched; spam counts as if never learned', async () => {
    const fake = await startTestFake();
    closers.push(() => fake.close());
    const t = await seeded(fake, [...aliceMail, bobMail], 40);
    closers.push(() => t.close());
    await verdict(t, aliceMail[0]!.subject, 'ham');
    await verdict(t, aliceMail[1]!.subject, 'spam');
    await verdict(t, bobMail.subject, 'ham');
    const raw = Buffer.from(`From: ${ALICE}\r\nSubject: Claim your prize now\r\n\r\nQuarantined words from alice here\r\n`);
    new QuarantineRepo(t.daemon.db).add({
      mailboxId: 1,
      providerMessageId: 'held-1',
      providerThreadId: null,
      fromAddress: ALICE,
      subject: 'Claim your prize now',
      reason: 'spam',
      score: 0.99,
      evidence: [],
      raw,
    });
    // Mail held elsewhere: suppressed machine mail and a poison entry, Alice's and Bob's.
    const now = Date.now();
    const hold = (id: string, from: string, words: string) => {
      const bytes = Buffer.from(`From: ${from}\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n${words}\r\n`);
      t.daemon.db
        .prepare(
          `INSERT INTO suppressed (mailbox_id, provider_message_id, from_address, subject, guard_class, reason, raw, created_at)
           VALUES (1, ?, ?, 'Out of office', 'auto_submitted', 'Auto-Submitted: auto-replied', ?, ?)`,
        )
        .run(`sup-${id}`, from, bytes, now);
      t.daemon.db
        .prepare(
          `INSERT INTO poison_messages (mailbox_id, provider_message_id, raw, error_code, error_message, created_at, updated_at)
           VALUES (1, ?, ?, 'INTAKE_ERR_MESSAGE_UNREADABLE', 'unreadable', ?, ?)`,
        )
        .run(`poison-${id}`, Buffer.concat([Buffer.from([0, 1, 2]), bytes]), now, now);
    };
    hold('alice', ALICE, 'Suppressed words from alice here');
    hold('bob', BOB, 'Suppressed words from bob here');
    const bobTicketBefore = rows(t, 'SELECT t.* FROM tickets t WHERE subject = ?', bobMail.subject);

    const dry = await t.api<{ counts: Record<string, number>; dryRun: boolean }>('/api/privacy/erase', {
      method: 'POST',
      body: JSON.stringify({ email: ALICE, dryRun: true }),
    });
    expect(dry.status).toBe(200);
    expect(dry.body.counts).toMatchObject({
      tickets: 2,
      messages: 2,
      attachments: 1,
      quarantined: 1,
      contacts: 1,
      spamLearned: 2,
      mentionsRedacted: 1,
      suppressed: 1,
      poison: 1,
      // Their ingest jobs completed and hold ids only: kept, so none is counted.
      queueJobs: 0,
      queueJobsRunning: 0,
    });
    expect(rows(t, 'SELECT COUNT(*) AS n FROM messages')[0]).toEqual({ n: 43 });

    const res = await t.api<{ counts: Record<string, number>; subjectRef: string; auditId: number; walTruncated: boolean }>(
      '/api/privacy/erase',
      { method: 'POST', body: JSON.stringify({ email: ALICE }) },
    );
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual(dry.body.counts);
    expect(res.body.walTruncated).toBe(true);

    const needles = [
      ALICE,
      ...aliceMail.flatMap((m) => [m.subject, ...m.lines, ...m.attachmentLines]),
      'Claim your prize now',
      'Suppressed words from alice here',
      'Quarantined words from alice here',
    ];
    expect(findInFiles(t.daemon.db.name, needles)).toEqual([]);
    // The scan does see what is still there: Bob's mail.
    expect(findInFiles(t.daemon.db.name, [bobMail.subject, bobMail.lines[0]!]).length).toBeGreaterThan(0);

    expect(rows(t, 'SELECT COUNT(*) AS n FROM messages')[0]).toEqual({ n: 41 });
    const bobTicket = rows(t, 'SELECT t.* FROM tickets t WHERE subject = ?', bobMail.subject);
    expect(bobTicket).toEqual(bobTicketBefore);
    expect(rows(t, 'SELECT provider_message_id AS id FROM suppressed')).toEqual([{ id: 'sup-bob' }]);
    expect(rows(t, 'SELECT provider_message_id AS id FROM poison_messages')).toEqual([{ id: 'poison-bob' }]);
    const bobMessage = rows(t, 'SELECT text_body, cc_json FROM messages WHERE subject = ?', bobMail.subject)[0] as Row;
    expect(bobMessage.text_body).toContain('My neighbour [erased] has the same problem.');
    expect(String(bobMessage.cc_json)).toContain('[erased]');
    expect(rows(t, 'SELECT COUNT(*) AS n FROM contacts WHERE email = ?', ALICE)[0]).toEqual({ n: 0 });

    const receipt = rows(t, "SELECT actor, subject_ref, detail FROM audit_log WHERE action = 'privacy.erased'");
    expect(receipt).toEqual([{ actor: 'api_token:bootstrap', subject_ref: res.body.subjectRef, detail: expect.any(String) as unknown }]);
    expect(JSON.parse(String(receipt[0]!.detail))).toEqual({ scope: 'tickets', counts: res.body.counts });
    const event = rows(t, "SELECT ticket_id, message_id, detail FROM outbox WHERE event = 'privacy.erased'");
    expect(event).toHaveLength(1);
    expect(String(event[0]!.detail).toLowerCase()).not.toContain('@');
    expect(JSON.parse(String(event[0]!.detail))).toMatchObject({ subjectRef: res.body.subjectRef, auditId: res.body.auditId });

    // A second installation that only ever saw Bob's mail learns exactly the counts that remain.
    const fake2 = await startTestFake();
    closers.push(() => fake2.close());
    const ref = await seeded(fake2, [bobMail], 40);
    closers.push(() => ref.close());
    await verdict(ref, bobMail.subject, 'ham');
    expect(spamCounts(t)).toEqual(spamCounts(ref));
  });

  it('erase: with scope "messages", removes only their messages and refits the tickets they leave behind', async () => {
    const fake = await startTestFake();
    closers.push(() => fake.close());
    const reply = seedMail({
      n: 4,
      from: BOB,
      to: MAILBOX,
      subject: `Re: ${aliceMail[1]!.subject}`,
      lines: ['Bob answers in the same thread about vouchers for birthdays.'],
    });
    const replyRaw = reply.raw.replace('Date:', 'In-Reply-To: <seed-2@mail.example.org>\r\nDate:');
    const t = await seeded(fake, [aliceMail[1]!, { ...reply, raw: replyRaw }], 0);
    closers.push(() => t.close());
    expect(rows(t, 'SELECT COUNT(*) AS n FROM tickets')[0]).toEqual({ n: 1 });

    const res = await t.api<{ counts: Record<string, number> }>('/api/privacy/erase', {
      method: 'POST',
      body: JSON.stringify({ email: ALICE, scope: 'messages' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ messages: 1, tickets: 0, contacts: 1 });
    const ticket = rows(t, 'SELECT subject, message_count, requester_contact_id FROM tickets')[0] as Row;
    expect(ticket).toMatchObject({ subject: reply.subject.replace('zeppelin', 'zeppelin'), message_count: 1 });
    expect(ticket.requester_contact_id).not.toBeNull();
    expect(findInFiles(t.daemon.db.name, [ALICE, ...aliceMail[1]!.lines])).toEqual([]);
  });

  it('erase: refuses a value that is not one address, and an agent token', async () => {
    const fake = await startTestFake();
    closers.push(() => fake.close());
    const t = await startTestDaemon(fake);
    closers.push(() => t.close());
    const bad = await t.api<{ error: { code: string; message: string } }>('/api/privacy/erase', {
      method: 'POST',
      body: JSON.stringify({ email: 'not an address' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INTAKE_ERR_BAD_REQUEST');
    expect(bad.body.error.message).toContain('customer@example.com');
    const unknownScope = await t.api('/api/privacy/erase', { method: 'POST', body: JSON.stringify({ email: ALICE, scope: 'everything' }) });
    expect(unknownScope.status).toBe(400);
    const agent = await t.api<{ token: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'agents', scope: 'agent' }),
    });
    expect(agent.status).toBe(201);
    const refused = await t.api('/api/privacy/erase', {
      method: 'POST',
      body: JSON.stringify({ email: ALICE }),
      headers: { authorization: `Bearer ${agent.body.token}` },
    });
    expect(refused.status).toBe(403);
  });
});
