import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src/store/database.js';
import { MailboxRepo } from '../../../src/store/mailbox-repo.js';
import { QuarantineRepo } from '../../../src/store/quarantine-repo.js';
import { TicketRepo, type NewTicketMessage } from '../../../src/store/ticket-repo.js';
import { eventsOf } from '../../../src/store/event-repo.js';

const freshDb = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'intake-events-')), 'intake.sqlite'));

function mailbox(db: Db): number {
  return new MailboxRepo(db).upsertConnected({ email: 'desk@example.com', source: 'gmail', refreshTokenCipher: 'sealed', scopes: [] })
    .mailbox.id;
}

/** A plain inbound message with no body of note; each test names what it is about. */
function ticketMessage(
  mailboxId: number,
  fields: Partial<NewTicketMessage> & Pick<NewTicketMessage, 'providerMessageId'>,
): NewTicketMessage {
  return {
    mailboxId,
    providerThreadId: 't1',
    messageIdHeader: null,
    inReplyTo: null,
    references: [],
    from: { address: 'ana@example.com', name: '' },
    to: [],
    cc: [],
    subject: 'Printer',
    sentAt: null,
    receivedAt: 1,
    text: '',
    html: null,
    sizeBytes: 3,
    problems: [],
    spam: null,
    needsReview: false,
    attachments: [],
    traceId: 'a'.repeat(32),
    ...fields,
  };
}

describe('events written with the change they report', () => {
  it('TicketRepo.write(): gives each message event its direction and the quoted reply chain apart from the new text', () => {
    const db = freshDb();
    const id = mailbox(db);
    const tickets = new TicketRepo(db);
    tickets.write(ticketMessage(id, { providerMessageId: 'in1', text: 'It smokes.', quotedText: '> earlier' }));
    tickets.write(
      ticketMessage(id, {
        providerMessageId: 'out1',
        from: { address: 'desk@example.com', name: '' },
        receivedAt: 2,
        text: 'Unplug it.',
        direction: 'outbound',
      }),
    );
    const messages = eventsOf(db)
      .after(0, 100)
      .map((e) => (e.data as { message?: { direction: string; text: string; quotedText: string } }).message)
      .filter((m) => m !== undefined);
    expect(messages[0]).toMatchObject({ direction: 'inbound', text: 'It smokes.', quotedText: '> earlier' });
    expect(messages.at(-1)).toMatchObject({ direction: 'outbound', text: 'Unplug it.', quotedText: '' });
  });

  it('TicketRepo.write(): the message an event carries, built from the write, is the message as stored (read back from its row)', () => {
    const db = freshDb();
    const id = mailbox(db);
    const tickets = new TicketRepo(db);
    const pdf = Buffer.from('%PDF-1.4 invoice');
    const written = [
      tickets.write(
        ticketMessage(id, {
          providerMessageId: 'rich',
          from: { address: 'zoë@example.com', name: 'Zoë “Z” Ünal' },
          to: [{ address: 'desk@example.com', name: 'Desk' }],
          cc: [{ address: 'boss@example.com', name: '' }],
          subject: 'Rechnung – 请 ✓',
          sentAt: 1_700_000_000_123,
          receivedAt: 1_700_000_000_456,
          text: 'Line one\r\nLine two \u0000 with a NUL and emoji 🎉',
          quotedText: '> On Monday you wrote',
          spam: { verdict: 'unsure', score: 0.61, evidence: [] },
          needsReview: true,
          attachments: [
            {
              filename: 'invoice.pdf',
              contentType: 'application/pdf',
              size: pdf.length,
              sha256: 'a'.repeat(64),
              content: pdf,
              omittedReason: null,
            },
            {
              filename: 'huge.iso',
              contentType: 'application/octet-stream',
              size: 9e9,
              sha256: 'b'.repeat(64),
              content: null,
              omittedReason: 'too large',
            },
          ],
        }),
      ),
      // A reply on the same thread, with no date, no sender name, no spam verdict and nothing attached.
      tickets.write(ticketMessage(id, { providerMessageId: 'plain', from: null, sentAt: Number.NaN, receivedAt: 1_700_000_001_000 })),
    ];
    const events = eventsOf(db).after(0, 100);
    expect(events.map((e) => e.type)).toEqual(['ticket.created', 'ticket.message_added']);
    for (const [i, w] of written.entries()) {
      let fromRow: unknown;
      // The same event recorded without the written message reads it back from its row; rolled back.
      try {
        db.transaction(() => {
          fromRow = eventsOf(db).record('ticket.message_added', { ticketId: w.ticketId, messageId: w.messageId }).data.message;
          throw new Error('roll back');
        })();
      } catch {
        // the rollback
      }
      expect(events[i]!.data.message).toEqual(fromRow);
    }
    expect((events[0]!.data.message as { attachments: { stored: boolean }[] }).attachments.map((a) => a.stored)).toEqual([true, false]);
  });

  it('QuarantineRepo: when a message is held and later released into a ticket, records message.quarantined once and message.released with the ticket', () => {
    const db = freshDb();
    const id = mailbox(db);
    const quarantine = new QuarantineRepo(db);
    const held = {
      mailboxId: id,
      providerMessageId: 'p1',
      providerThreadId: null,
      fromAddress: 'winner@lottery.example',
      subject: 'You won',
      reason: 'spam filter',
      score: 0.99,
      evidence: [],
      raw: Buffer.from('raw'),
      traceId: 'a'.repeat(32),
    };
    const first = quarantine.add(held);
    expect(quarantine.add(held).duplicate).toBe(true);
    const written = db.transaction(() => {
      const w = new TicketRepo(db).write(
        ticketMessage(id, {
          providerMessageId: 'p1',
          from: { address: 'winner@lottery.example', name: '' },
          subject: 'You won',
          text: 'Claim it.',
        }),
      );
      quarantine.markReleased(first.id, w);
      return w;
    })();
    const events = eventsOf(db).after(0, 100);
    expect(events.map((e) => [e.type, e.sequence, e.traceId])).toEqual([
      ['message.quarantined', null, 'a'.repeat(32)],
      ['ticket.created', 1, 'a'.repeat(32)],
      ['message.released', 2, 'a'.repeat(32)],
    ]);
    expect(events[0]?.data).toMatchObject({ quarantine: { id: first.id, reason: 'spam filter', spam: { verdict: 'spam', score: 0.99 } } });
    expect(events[2]?.data).toMatchObject({
      ticket: { id: written.ticketId },
      message: { id: written.messageId, text: 'Claim it.' },
      quarantine: { id: first.id },
    });
    // Erasing the held message erases its event (it names the sender).
    db.prepare('DELETE FROM quarantine WHERE id = ?').run(first.id);
    expect(
      eventsOf(db)
        .after(0, 100)
        .map((e) => e.type),
    ).toEqual(['ticket.created', 'message.released']);
  });

  it('MailboxRepo: when a mailbox needs re-consent twice, is disconnected and deleted, records each change once, never the address', () => {
    const db = freshDb();
    const id = mailbox(db);
    const repo = new MailboxRepo(db);
    repo.setState(id, 'needs_reconsent', 'password_changed');
    repo.setState(id, 'needs_reconsent', 'password_changed');
    repo.markDisconnected(id);
    repo.delete(id);
    const events = eventsOf(db).after(0, 100);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['mailbox.needs_reconsent', { mailbox: { id, state: 'needs_reconsent', reason: 'password_changed' } }],
      ['mailbox.disconnected', { mailbox: { id, state: 'disconnected', reason: null } }],
      ['mailbox.disconnected', { mailbox: { id, state: 'deleted', reason: null } }],
    ]);
    expect(JSON.stringify(db.prepare('SELECT * FROM outbox').all())).not.toContain('desk@example.com');
    // The cursor is the outbox id and ids are never reused after deletions (AUTOINCREMENT).
    const last = Number(events[2]?.cursor);
    db.prepare('DELETE FROM outbox').run();
    repo.upsertConnected({ email: 'other@example.com', source: 'gmail', refreshTokenCipher: 'sealed', scopes: [] });
    repo.setState(repo.list()[0]?.id as number, 'needs_reconsent', 'unknown');
    expect(Number(eventsOf(db).after(0, 10)[0]?.cursor)).toBeGreaterThan(last);
  });
});
