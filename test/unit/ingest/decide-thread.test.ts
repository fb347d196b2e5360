import { describe, expect, it } from 'vitest';
import { decideThread, type ThreadInput, type ThreadLookup } from '../../../src/ingest/threading/decide-thread.js';
import { ticketTagPattern } from '../../../src/ingest/threading/ticket-tag.js';

/** An in-memory store of two mailboxes, each with the tickets that the lookups can find. */
function lookup(): ThreadLookup & { subjectQueries: { from: number; to: number }[] } {
  const subjectQueries: { from: number; to: number }[] = [];
  const threads = new Map([
    ['1:T1', 10],
    ['2:T1', 20],
  ]);
  const ids = new Map([
    ['1:orig@x', 11],
    ['2:orig@x', 21],
  ]);
  const tickets = new Map([
    [1, [10, 11, 12, 13]],
    [2, [20, 21]],
  ]);
  const subjects = [{ mailbox: 1, from: 'ann@x.test', key: 'printer broken', at: 1_000_000, ticket: 13 }];
  return {
    subjectQueries,
    ticketByProviderThread: (mb, t) => threads.get(`${mb}:${t}`),
    ticketByMessageId: (mb, id) => ids.get(`${mb}:${id}`),
    ticketInMailbox: (mb, id) => (tickets.get(mb)?.includes(id) ? id : undefined),
    ticketBySubject: (mb, from, key, fromMs, toMs) => {
      subjectQueries.push({ from: fromMs, to: toMs });
      return subjects.find((s) => s.mailbox === mb && s.from === from && s.key === key && s.at >= fromMs && s.at <= toMs)?.ticket;
    },
  };
}

const settings = { subjectWindowHours: 1, tagPattern: ticketTagPattern('[#{id}]') };
const msg = (over: Partial<ThreadInput> = {}): ThreadInput => ({
  mailboxId: 1,
  providerThreadId: null,
  inReplyTo: null,
  references: [],
  subject: 'Hello',
  fromAddress: 'bob@x.test',
  receivedAt: 1_000_000,
  direction: 'inbound',
  ...over,
});

describe('decideThread()', () => {
  it('decideThread(): when Gmail names a thread a ticket holds, joins it by gmail_thread before any other rule', () => {
    const d = decideThread(msg({ providerThreadId: 'T1', inReplyTo: 'orig@x', subject: '[#12] x' }), lookup(), settings);
    expect(d).toMatchObject({ ticketId: 10, rule: 'gmail_thread' });
  });

  it('decideThread(): when Gmail split the thread (unknown threadId) but In-Reply-To names a stored message, joins by reply_headers', () => {
    const d = decideThread(msg({ providerThreadId: 'T-new', inReplyTo: 'orig@x' }), lookup(), settings);
    expect(d).toMatchObject({ ticketId: 11, rule: 'reply_headers' });
  });

  it('decideThread(): when only a References entry is known, joins by reply_headers', () => {
    const d = decideThread(msg({ references: ['unknown@y', 'orig@x', 'later@z'] }), lookup(), settings);
    expect(d).toMatchObject({ ticketId: 11, rule: 'reply_headers' });
  });

  it('decideThread(): when the subject carries a ticket tag of this mailbox, joins by ticket_tag', () => {
    const d = decideThread(msg({ subject: 'Re: [#12] where is my order' }), lookup(), settings);
    expect(d).toMatchObject({ ticketId: 12, rule: 'ticket_tag' });
  });

  it('decideThread(): when the tag format is configured differently, reads that format', () => {
    const d = decideThread(msg({ subject: 'Ticket-12: follow-up' }), lookup(), {
      ...settings,
      tagPattern: ticketTagPattern('Ticket-{id}:'),
    });
    expect(d).toMatchObject({ ticketId: 12, rule: 'ticket_tag' });
  });

  it('decideThread(): when the same sender writes the same normalised subject within the window, joins by subject', () => {
    const d = decideThread(
      msg({ fromAddress: 'ann@x.test', subject: 'AW: RE[2]: Fwd: Printer  BROKEN', receivedAt: 1_000_000 + 1_800_000 }),
      lookup(),
      settings,
    );
    expect(d).toMatchObject({ ticketId: 13, rule: 'subject', subjectKey: 'printer broken' });
  });

  it('decideThread(): when the same subject comes after the window, opens a new ticket', () => {
    const d = decideThread(
      msg({ fromAddress: 'ann@x.test', subject: 'Printer broken', receivedAt: 1_000_000 + 3 * 3_600_000 }),
      lookup(),
      settings,
    );
    expect(d).toMatchObject({ ticketId: null, rule: 'new' });
  });

  it('decideThread(): when another sender uses the same subject, opens a new ticket', () => {
    expect(decideThread(msg({ fromAddress: 'eve@x.test', subject: 'Printer broken' }), lookup(), settings).rule).toBe('new');
  });

  it('decideThread(): never across mailboxes: thread, Message-ID and tag of mailbox 1 do not place mail of mailbox 3', () => {
    const d = decideThread(
      msg({ mailboxId: 3, providerThreadId: 'T1', inReplyTo: 'orig@x', subject: '[#12] Printer broken', fromAddress: 'ann@x.test' }),
      lookup(),
      settings,
    );
    expect(d).toMatchObject({ ticketId: null, rule: 'new' });
  });

  it('decideThread(): when mail is outbound, never joins by subject alone', () => {
    const d = decideThread(msg({ fromAddress: 'ann@x.test', subject: 'Printer broken', direction: 'outbound' }), lookup(), settings);
    expect(d.rule).toBe('new');
  });

  it('decideThread(): when the subject is empty or only prefixes, does not ask the subject rule', () => {
    const l = lookup();
    decideThread(msg({ subject: 'Re: ' }), l, settings);
    expect(l.subjectQueries).toHaveLength(0);
  });
});
