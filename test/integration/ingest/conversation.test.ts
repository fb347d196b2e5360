import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../../../src/dev/fake-google/index.js';
import { startTestFake } from '../../helpers/test-fake.js';
import { startTestDaemon, waitFor, type TestDaemon } from '../../helpers/test-daemon.js';
import { count, dsnFor, mailboxId, rawMail } from './support.js';

interface MessageView {
  id: number;
  direction: string;
  threadRule: string | null;
  verdict: string;
  subject: string;
  text: string;
  quotedText: string;
  spam: unknown;
}
interface TicketView {
  id: number;
  subject: string;
  messages: MessageView[];
}

// Threading rules, both sides of the conversation, bounces and the loop breaker, through the
// real daemon against the fake Google: mail is delivered to Gmail, synced, and read back.
describe('threading, outbound mail and machine mail, end to end', () => {
  let fake: FakeGoogle;
  let t: TestDaemon;
  const LOOP = 'loop@intake.test';
  const LIMIT = 3;
  let loopReplies = 0;

  beforeAll(async () => {
    fake = await startTestFake();
    t = await startTestDaemon(
      fake,
      { guard: { rateLimit: { maxNewTicketsPerSender: LIMIT, windowMinutes: 60 } } },
      {
        // Stands in for a ticket.created notification the customer's auto-responder answers every time.
        onIngested: (result, job) => {
          if (result.outcome !== 'ticket_created' || job.mailboxId !== mailboxId(t.daemon.db, LOOP)) return;
          loopReplies++;
          fake.deliver(
            LOOP,
            rawMail({
              from: 'Robot <robot@customer.test>',
              to: LOOP,
              subject: `We received your message about ticket ${result.ticketId}`,
              messageId: `robot-${loopReplies}@customer.test`,
              body: 'Thank you, your message was received.',
            }),
          );
        },
      },
    );
  });

  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const ticketOf = (email: string, messageId: string): number | undefined =>
    (
      t.daemon.db
        .prepare('SELECT ticket_id FROM messages WHERE mailbox_id = ? AND message_id_header = ?')
        .get(mailboxId(t.daemon.db, email), messageId) as { ticket_id: number } | undefined
    )?.ticket_id;
  const waitTicketOf = (email: string, messageId: string) =>
    waitFor(
      () => ticketOf(email, messageId),
      (v) => v !== undefined,
    );
  const ticket = async (id: number) => (await t.api<TicketView>(`/api/tickets/${id}`)).body;

  it('threading: each rule places its message on the ticket and the API names the rule and the direction', async () => {
    const box = 'thread@intake.test';
    fake.addUser(box);
    expect(await t.connect(box)).toBe(200);
    fake.deliver(box, rawMail({ from: 'Ann <ann@customer.test>', to: box, subject: 'Printer broken', messageId: 'c1@customer.test' }));
    const id = (await waitTicketOf(box, 'c1@customer.test')) as number;
    // The team's reply, sent from Gmail itself: Gmail files it in the same thread.
    fake.deliver(
      box,
      rawMail({
        from: box,
        to: 'ann@customer.test',
        subject: 'Re: Printer broken',
        messageId: 'r1@intake.test',
        inReplyTo: 'c1@customer.test',
        body: 'Did you try turning it off and on?',
      }),
      { labelIds: ['SENT'] },
    );
    // One at a time, as a conversation arrives: messages of one mailbox that arrive together can
    // be ingested concurrently, and a reply ingested before its parent is stored misses it.
    await waitTicketOf(box, 'r1@intake.test');
    // Ann changes the subject: Gmail starts a new thread, the headers still name our reply.
    fake.deliver(
      box,
      rawMail({
        from: 'ann@customer.test',
        to: box,
        subject: 'Still broken!',
        messageId: 'c2@customer.test',
        inReplyTo: 'r1@intake.test',
        body: 'No luck.\n\nOn Mon, 10 Oct 2022 at 10:00, Support <thread@intake.test> wrote:\n> Did you try',
      }),
    );
    await waitTicketOf(box, 'c2@customer.test');
    fake.deliver(
      box,
      rawMail({
        from: 'bob@customer.test',
        to: box,
        subject: `About [#${id}]`,
        messageId: 'c3@customer.test',
        body: 'I am Ann’s colleague.',
      }),
    );
    await waitTicketOf(box, 'c3@customer.test');
    fake.deliver(
      box,
      rawMail({
        from: 'ann@customer.test',
        to: box,
        subject: 'RE: AW: printer BROKEN',
        messageId: 'c4@customer.test',
        body: 'One more thing.',
      }),
    );
    for (const mid of ['r1@intake.test', 'c2@customer.test', 'c3@customer.test', 'c4@customer.test'])
      expect(await waitTicketOf(box, mid)).toBe(id);
    const view = await ticket(id);
    const byRule = Object.fromEntries(view.messages.map((m) => [m.subject, m]));
    expect(byRule['Printer broken']).toMatchObject({ threadRule: 'new', verdict: 'new_ticket', direction: 'inbound' });
    expect(byRule['Re: Printer broken']).toMatchObject({ threadRule: 'gmail_thread', direction: 'outbound', spam: null });
    expect(byRule['Still broken!']).toMatchObject({ threadRule: 'reply_headers', verdict: 'append', text: 'No luck.' });
    expect(byRule['Still broken!']?.quotedText).toMatch(/^On Mon.*wrote:\n> Did you try/);
    expect(byRule[`About [#${id}]`]).toMatchObject({ threadRule: 'ticket_tag' });
    expect(byRule['RE: AW: printer BROKEN']).toMatchObject({ threadRule: 'subject' });
    expect(view.subject).toBe('Printer broken');
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', mailboxId(t.daemon.db, box))).toBe(1);
  });

  it('outbound: when the mailbox sent mail that belongs to no ticket, it opens none and is kept for review', async () => {
    const box = 'sent@intake.test';
    fake.addUser(box);
    await t.connect(box);
    fake.deliver(box, rawMail({ from: box, to: 'x@customer.test', subject: 'Newsletter draft', messageId: 's1@intake.test' }), {
      labelIds: ['SENT'],
    });
    const mb = mailboxId(t.daemon.db, box);
    const held = await waitFor(
      () => t.daemon.db.prepare('SELECT guard_class FROM suppressed WHERE mailbox_id = ?').all(mb) as { guard_class: string }[],
      (r) => r.length > 0,
    );
    expect(held).toEqual([{ guard_class: 'outbound_pending' }]);
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', mb)).toBe(0);
  });

  it('bounce: when a DSN reports on a message Intake holds, it lands on that message’s ticket as bounce_attached', async () => {
    const box = 'bounce@intake.test';
    fake.addUser(box);
    await t.connect(box);
    fake.deliver(box, rawMail({ from: 'gone@customer.test', to: box, subject: 'My order', messageId: 'b1@customer.test' }));
    const id = (await waitTicketOf(box, 'b1@customer.test')) as number;
    fake.deliver(
      box,
      rawMail({
        from: box,
        to: 'gone@customer.test',
        subject: 'Re: My order',
        messageId: 'b-reply@intake.test',
        inReplyTo: 'b1@customer.test',
      }),
      { labelIds: ['SENT'] },
    );
    await waitTicketOf(box, 'b-reply@intake.test');
    fake.deliver(box, dsnFor(box, 'b-reply@intake.test'));
    expect(await waitTicketOf(box, 'dsn-b-reply@intake.test')).toBe(id);
    const dsn = (await ticket(id)).messages.find((m) => m.subject.startsWith('Undelivered'));
    expect(dsn).toMatchObject({ verdict: 'bounce_attached', threadRule: 'bounce', direction: 'inbound' });
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', mailboxId(t.daemon.db, box))).toBe(1);
  });

  it('bounce: when a DSN reports on mail Intake never saw, it is suppressed with the reason, not a ticket', async () => {
    const box = 'bounce2@intake.test';
    fake.addUser(box);
    await t.connect(box);
    fake.deliver(box, dsnFor(box, 'unknown@intake.test'));
    const mb = mailboxId(t.daemon.db, box);
    const rows = await waitFor(
      () =>
        t.daemon.db.prepare('SELECT guard_class, reason FROM suppressed WHERE mailbox_id = ?').all(mb) as {
          guard_class: string;
          reason: string;
        }[],
      (r) => r.length > 0,
    );
    expect(rows[0]?.guard_class).toBe('bounce');
    expect(rows[0]?.reason).toMatch(/in no ticket/);
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', mb)).toBe(0);
  });

  it('loop: when an auto-responder answers every new ticket, the breaker stops it at the per-sender limit', async () => {
    fake.addUser(LOOP);
    await t.connect(LOOP);
    fake.deliver(LOOP, rawMail({ from: 'robot@customer.test', to: LOOP, subject: 'Hello', messageId: 'robot-0@customer.test' }));
    const mb = mailboxId(t.daemon.db, LOOP);
    const tripped = await waitFor(
      () => count(t.daemon.db, "SELECT COUNT(*) AS n FROM suppressed WHERE mailbox_id = ? AND guard_class = 'rate_limit'", mb),
      (n) => n >= 1,
    );
    expect(tripped).toBe(1);
    // Nothing is left in flight: every job of this mailbox has finished.
    await waitFor(
      () => count(t.daemon.db, "SELECT COUNT(*) AS n FROM jobs WHERE mailbox_id = ? AND state IN ('waiting', 'active')", mb),
      (n) => n === 0,
    );
    expect(count(t.daemon.db, 'SELECT COUNT(*) AS n FROM tickets WHERE mailbox_id = ?', mb)).toBe(LIMIT);
    expect(loopReplies).toBe(LIMIT);
    const listed = await t.api<{ suppressed: { guardClass: string; reason: string }[] }>('/api/suppressed?class=rate_limit');
    expect(listed.body.suppressed[0]?.reason).toMatch(/guard\.rateLimit/);
  });

  it('guard: an out-of-office reply is suppressed, listed for review, and released into a ticket on request', async () => {
    const box = 'ooo@intake.test';
    fake.addUser(box);
    await t.connect(box);
    fake.deliver(
      box,
      rawMail({ from: 'carl@customer.test', to: box, subject: 'Abwesenheitsnotiz: Ihre Anfrage', messageId: 'ooo1@customer.test' }),
    );
    const mb = mailboxId(t.daemon.db, box);
    await waitFor(
      () => count(t.daemon.db, 'SELECT COUNT(*) AS n FROM suppressed WHERE mailbox_id = ?', mb),
      (n) => n === 1,
    );
    const list = await t.api<{ suppressed: { id: number; guardClass: string; mailboxId: number }[] }>('/api/suppressed');
    const entry = list.body.suppressed.find((s) => s.mailboxId === mb);
    expect(entry?.guardClass).toBe('out_of_office');
    const released = await t.api<{ outcome: string; ticketId: number }>(`/api/suppressed/${entry?.id}/release`, { method: 'POST' });
    expect(released.status).toBe(200);
    expect(released.body.outcome).toBe('ticket_created');
    expect(ticketOf(box, 'ooo1@customer.test')).toBe(released.body.ticketId);
    const again = await t.api<{ error: { code: string } }>(`/api/suppressed/${entry?.id}/release`, { method: 'POST' });
    expect(again.status).toBe(400);
    const after = await t.api<{ suppressed: { id: number }[] }>('/api/suppressed');
    expect(after.body.suppressed.map((s) => s.id)).not.toContain(entry?.id);
  });
});
