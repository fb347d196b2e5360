// A renumbered IMAP folder (new UIDVALIDITY) is listed again under new message ids; the
// Message-ID header tells the messages already stored, so none is stored twice. A Gmail
// mailbox is not affected: two Gmail messages are two messages even with one Message-ID.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../helpers/ingest-harness.js';

const raw = (messageId: string) =>
  Buffer.from(
    [
      'From: Customer <customer@example.net>',
      'To: help@example.com',
      'Subject: Where is my order?',
      `Message-ID: <${messageId}>`,
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      '',
      'Hello, my order has not arrived.',
      '',
    ].join('\r\n'),
  );

let harness: Harness;
beforeEach(() => {
  harness = openHarness({ workerThreads: 0 });
});
afterEach(async () => {
  await harness.close();
});

describe('ingest of a renumbered IMAP folder', () => {
  it('ingestMessage(): an IMAP message listed again under a new UIDVALIDITY is a duplicate, not a second message', async () => {
    const { mailbox } = harness.deps.mailboxes.upsertConnected({
      email: 'imap@example.com',
      source: 'imap',
      refreshTokenCipher: 'x',
      scopes: [],
    });
    const first = await harness.ingest('1700000000:7', raw('order-1@example.net'), mailbox.id);
    expect(first.outcome).toBe('ticket_created');
    const again = await harness.ingest('1800000000:7', raw('order-1@example.net'), mailbox.id);
    expect(again.outcome).toBe('duplicate');
    // A new message of the renumbered folder still lands (on the same ticket: same sender and subject).
    const other = await harness.ingest('1800000000:8', raw('order-2@example.net'), mailbox.id);
    expect(other.outcome).toBe('message_added');
    const n = harness.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = ?').get(mailbox.id) as { n: number };
    expect(n.n).toBe(2);
  });

  it('ingestMessage(): in a Gmail mailbox two messages with one Message-ID both land', async () => {
    await harness.ingest('gmail-a', raw('same@example.net'));
    const second = await harness.ingest('gmail-b', raw('same@example.net'));
    expect(second.outcome).not.toBe('duplicate');
    expect(harness.landedAs('gmail-b')).toBe('ticket');
  });
});
