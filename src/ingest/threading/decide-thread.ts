// Which ticket a message belongs to, and by which rule: Gmail's threadId, then In-Reply-To/
// References against the Message-IDs we hold (also when Gmail split the thread), then a ticket
// tag in the subject, then same sender + normalised subject within a window. Never across
// mailboxes: every lookup is scoped to the message's mailbox. The lookups are handed in, so
// the order and the rules are tested without a database.
import { subjectKey } from './subject-key.js';
import { ticketTagIn } from './ticket-tag.js';

export type ThreadRule = 'gmail_thread' | 'reply_headers' | 'ticket_tag' | 'subject' | 'bounce' | 'new';

export interface ThreadInput {
  mailboxId: number;
  providerThreadId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  subject: string;
  /** Lower-cased sender address; '' when unknown. */
  fromAddress: string;
  /** ms since epoch; when the message arrived. */
  receivedAt: number;
  direction: 'inbound' | 'outbound';
}

/** Store lookups, each scoped to one mailbox; each returns a ticket id or undefined. */
export interface ThreadLookup {
  ticketByProviderThread(mailboxId: number, providerThreadId: string): number | undefined;
  ticketByMessageId(mailboxId: number, messageId: string): number | undefined;
  ticketInMailbox(mailboxId: number, ticketId: number): number | undefined;
  ticketBySubject(mailboxId: number, fromAddress: string, subjectKey: string, fromMs: number, toMs: number): number | undefined;
}

export interface ThreadSettings {
  subjectWindowHours: number;
  tagPattern: RegExp;
}

export interface ThreadDecision {
  ticketId: number | null;
  rule: ThreadRule;
  subjectKey: string;
}

export function decideThread(m: ThreadInput, lookup: ThreadLookup, s: ThreadSettings): ThreadDecision {
  const key = subjectKey(m.subject, s.tagPattern);
  const found = (ticketId: number | undefined, rule: ThreadRule): ThreadDecision | null =>
    ticketId === undefined ? null : { ticketId, rule, subjectKey: key };
  return (
    (m.providerThreadId ? found(lookup.ticketByProviderThread(m.mailboxId, m.providerThreadId), 'gmail_thread') : null) ??
    found(byReplyHeaders(m, lookup), 'reply_headers') ??
    found(byTag(m, lookup, s), 'ticket_tag') ??
    found(bySubject(m, lookup, s, key), 'subject') ?? { ticketId: null, rule: 'new', subjectKey: key }
  );
}

/** Newest reference first: a reply most likely answers the latest message we hold. */
function byReplyHeaders(m: ThreadInput, lookup: ThreadLookup): number | undefined {
  for (const id of [m.inReplyTo, ...[...m.references].reverse()]) {
    if (!id) continue;
    const hit = lookup.ticketByMessageId(m.mailboxId, id);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function byTag(m: ThreadInput, lookup: ThreadLookup, s: ThreadSettings): number | undefined {
  const id = ticketTagIn(m.subject, s.tagPattern);
  return id === null ? undefined : lookup.ticketInMailbox(m.mailboxId, id);
}

/** Outbound mail has no requester of its own: it joins only by thread, headers or tag. */
function bySubject(m: ThreadInput, lookup: ThreadLookup, s: ThreadSettings, key: string): number | undefined {
  if (m.direction === 'outbound' || s.subjectWindowHours <= 0 || key === '' || m.fromAddress === '') return undefined;
  const windowMs = s.subjectWindowHours * 3_600_000;
  return lookup.ticketBySubject(m.mailboxId, m.fromAddress, key, m.receivedAt - windowMs, m.receivedAt + windowMs);
}
