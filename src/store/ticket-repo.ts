// Tickets and what hangs off them (messages, attachments, contacts, outbox events).
// One message is written in ONE transaction, so a crash leaves all of it or none of it.
import type { Db } from './database.js';
import { eventsOf, type MessageFacts } from './event-repo.js';

export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer | null;
  omittedReason: string | null;
  contentId?: string | null;
  inline?: boolean;
}

/** Where a message goes, decided inside the write's transaction (see ingest/threading/). */
export interface ThreadChoice {
  /** null: open a new ticket. */
  ticketId: number | null;
  rule: string;
  subjectKey: string;
}

export interface NewTicketMessage {
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string } | null;
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  subject: string;
  sentAt: number | null;
  receivedAt: number;
  text: string;
  html: string | null;
  sizeBytes: number;
  problems: string[];
  spam: { verdict: string; score: number; evidence: unknown } | null;
  needsReview: boolean;
  attachments: NewAttachment[];
  /** Follows the message from the provider's id to every event and delivery (ingest/trace-id.ts). */
  traceId?: string | null;
  direction?: 'inbound' | 'outbound';
  /** The reply chain the sender quoted; `text` then holds only what is new. */
  quotedText?: string;
  /** True when `html` is already sanitised. */
  htmlSafe?: boolean;
  /** The guard class of machine mail written anyway (a bounce attached to its ticket). */
  guardClass?: string | null;
}

export interface StoredMessage {
  id: number;
  ticketId: number;
  mailboxId: number;
  providerMessageId: string;
  subject: string;
  text: string;
  html: string;
  fromAddress: string;
  ticketStatus: string;
}

export interface WriteResult {
  duplicate: boolean;
  ticketId: number;
  messageId: number;
  createdTicket: boolean;
  /** The placement refused the message (it may not open a ticket): nothing was written. */
  refused?: boolean;
}

/** The key a new ticket is filed under: the provider's thread, or the message itself. */
export function threadKeyFor(m: Pick<NewTicketMessage, 'providerThreadId' | 'providerMessageId'>): string {
  return m.providerThreadId ?? `msg:${m.providerMessageId}`;
}

export class TicketRepo {
  private readonly db: Db;
  private readonly existing;
  private readonly byThread;
  private readonly byHeaderId;
  private readonly insertTicket;
  private readonly insertMessage;
  private readonly insertAttachment;
  private readonly reopen;
  private readonly statusOf;
  private readonly refBlob;
  private readonly insertBlob;
  private readonly touchTicket;
  private readonly upsertContact;
  private readonly adoptOpening;
  private readonly contactId;

  constructor(db: Db) {
    this.db = db;
    this.existing = db.prepare<[number, string], { id: number; ticket_id: number }>(
      'SELECT id, ticket_id FROM messages WHERE mailbox_id = ? AND provider_message_id = ?',
    );
    this.byThread = db.prepare<[number, string, number, string], { id: number }>(
      `SELECT id FROM tickets WHERE mailbox_id = ? AND thread_key = ?
       UNION ALL SELECT ticket_id FROM messages WHERE mailbox_id = ? AND provider_thread_id = ? LIMIT 1`,
    );
    this.byHeaderId = db.prepare<[number, string], { ticket_id: number }>(
      'SELECT ticket_id FROM messages WHERE mailbox_id = ? AND message_id_header = ? LIMIT 1',
    );
    this.insertTicket = db.prepare(
      `INSERT INTO tickets (mailbox_id, thread_key, subject, requester_contact_id, needs_review, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMessage = db.prepare(
      `INSERT INTO messages (ticket_id, mailbox_id, provider_message_id, provider_thread_id, message_id_header, in_reply_to,
        references_header, from_contact_id, from_address, from_name, to_json, cc_json, subject, sent_at, received_at,
        text_body, html_body, size_bytes, parse_problems, spam_verdict, spam_score, spam_evidence, created_at,
        direction, thread_rule, subject_key, quoted_text, html_safe, guard_class, trace_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAttachment = db.prepare(
      `INSERT INTO attachments (message_id, filename, content_type, size_bytes, sha256, content, omitted_reason, content_id, inline, in_blob)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
    );
    this.statusOf = db.prepare<[number], { status: string }>('SELECT status FROM tickets WHERE id = ?');
    // A customer's reply reopens a ticket an agent had set aside.
    this.reopen = db.prepare<[number, number], { status: string }>(
      "UPDATE tickets SET status = 'open', updated_at = ? WHERE id = ? AND status IN ('pending', 'closed') RETURNING status",
    );
    // Content is stored once per SHA-256: a second copy adds a reference, not bytes.
    this.refBlob = db.prepare('UPDATE attachment_blobs SET ref_count = ref_count + 1 WHERE sha256 = ?');
    this.insertBlob = db.prepare('INSERT INTO attachment_blobs (sha256, content, size_bytes, ref_count) VALUES (?, ?, ?, 1)');
    this.touchTicket = db.prepare(
      'UPDATE tickets SET message_count = message_count + 1, needs_review = MAX(needs_review, ?), updated_at = ? WHERE id = ?',
    );
    this.upsertContact = db.prepare(
      "INSERT INTO contacts (email, name, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO UPDATE SET name = COALESCE(NULLIF(excluded.name, ''), contacts.name)",
    );
    this.contactId = db.prepare<[string], { id: number }>('SELECT id FROM contacts WHERE email = ?');
    // A full sync lists newest first, so a reply can arrive before the mail that opened the
    // thread: the ticket takes its subject and requester from its earliest message.
    this.adoptOpening = db.prepare(
      `UPDATE tickets SET subject = @subject, requester_contact_id = @contact WHERE id = @ticket
       AND @received < (SELECT MIN(received_at) FROM messages WHERE ticket_id = @ticket AND id != @message)`,
    );
  }

  /** What an agent's spam/ham mark needs to know about one stored message. */
  messageForReview(messageId: number): StoredMessage | undefined {
    const r = this.db
      .prepare<[number], Record<string, unknown>>(
        `SELECT m.id, m.ticket_id, m.mailbox_id, m.provider_message_id, m.subject,
          m.text_body || CASE WHEN m.quoted_text != '' THEN char(10) || m.quoted_text ELSE '' END AS text_body, m.html_body, m.from_address,
          t.status FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE m.id = ?`,
      )
      .get(messageId);
    if (!r) return undefined;
    return {
      id: r.id as number,
      ticketId: r.ticket_id as number,
      mailboxId: r.mailbox_id as number,
      providerMessageId: r.provider_message_id as string,
      subject: r.subject as string,
      text: r.text_body as string,
      html: (r.html_body as string | null) ?? '',
      fromAddress: r.from_address as string,
      ticketStatus: r.status as string,
    };
  }

  /** Changes the status and records ticket.status_changed; call inside the caller's transaction. Returns the old status. */
  setTicketStatus(ticketId: number, status: 'open' | 'pending' | 'closed' | 'spam', actor = 'system'): string | undefined {
    const prior = this.statusOf.get(ticketId)?.status;
    if (prior === undefined || prior === status) return prior;
    this.db.prepare('UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?').run(status, Date.now(), ticketId);
    eventsOf(this.db).record('ticket.status_changed', { ticketId }, { change: { from: prior, to: status, actor } });
    return prior;
  }

  /** An agent's verdict replaces the filter's: the message is no longer "unsure". */
  recordAgentVerdict(messageId: number, label: 'spam' | 'ham'): void {
    this.db.prepare('UPDATE messages SET spam_verdict = ? WHERE id = ?').run(`agent:${label}`, messageId);
    this.db
      .prepare(
        `UPDATE tickets SET needs_review = EXISTS (SELECT 1 FROM messages WHERE ticket_id = tickets.id AND spam_verdict = 'unsure')
         WHERE id = (SELECT ticket_id FROM messages WHERE id = ?)`,
      )
      .run(messageId);
  }

  hasMessage(mailboxId: number, providerMessageId: string): boolean {
    return this.existing.get(mailboxId, providerMessageId) !== undefined;
  }

  /** Idempotent on (mailbox, provider message id): a second write reports the first. */
  write(m: NewTicketMessage, place?: () => ThreadChoice | null): WriteResult {
    // IMMEDIATE: with several processes on one file (queue.driver bullmq), a deferred
    // transaction that read the thread and then writes fails with SQLITE_BUSY_SNAPSHOT
    // when another process wrote in between; taking the write lock first makes it wait.
    return this.db
      .transaction((): WriteResult => {
        const prior = this.existing.get(m.mailboxId, m.providerMessageId);
        if (prior) return { duplicate: true, ticketId: prior.ticket_id, messageId: prior.id, createdTicket: false };
        // Decided here, inside the transaction, so two workers cannot both open a ticket for one thread.
        const choice = place ? place() : this.legacyChoice(m);
        if (choice === null) return { duplicate: false, ticketId: 0, messageId: 0, createdTicket: false, refused: true };
        const now = Date.now();
        const fromContact = m.from?.address ? this.contact(m.from.address, m.from.name, now) : null;
        let ticketId = choice.ticketId ?? undefined;
        const createdTicket = ticketId === undefined;
        if (ticketId === undefined) {
          const info = this.insertTicket.run(m.mailboxId, threadKeyFor(m), m.subject, fromContact, m.needsReview ? 1 : 0, now, now);
          ticketId = Number(info.lastInsertRowid);
        }
        const messageId = this.insertMessageRow(m, ticketId, fromContact, now, choice);
        const attachmentIds = m.attachments.map((a) => this.addAttachment(messageId, a));
        this.touchTicket.run(m.needsReview ? 1 : 0, now, ticketId);
        // A reply the team sent never becomes the ticket's opening message.
        if (!createdTicket && m.direction !== 'outbound')
          this.adoptOpening.run({ subject: m.subject, contact: fromContact, ticket: ticketId, received: m.receivedAt, message: messageId });
        this.recordEvents(ticketId, writtenFacts(m, messageId, attachmentIds), createdTicket, m.direction !== 'outbound', now);
        return { duplicate: false, ticketId, messageId, createdTicket };
      })
      .immediate();
  }

  /**
   * The message's event, then (when a customer's reply reopened a pending or closed ticket) the
   * status change. Only inbound mail reopens: the team's own reply leaves the status as it is.
   */
  private recordEvents(ticketId: number, message: MessageFacts, createdTicket: boolean, inbound: boolean, now: number): void {
    const events = eventsOf(this.db);
    const messageId = message.id;
    const mayReopen = !createdTicket && inbound;
    const before = mayReopen ? this.statusOf.get(ticketId)?.status : undefined;
    const reopened = mayReopen && this.reopen.get(now, ticketId) !== undefined;
    events.record(createdTicket ? 'ticket.created' : 'ticket.message_added', { ticketId, messageId }, {}, message);
    if (reopened) {
      const change = { change: { from: before, to: 'open', actor: 'customer_reply' } };
      events.record('ticket.status_changed', { ticketId, messageId }, change, message);
    }
  }

  /** Without a placement (release from the spam quarantine): Gmail's thread or reply headers, as before issue 15. */
  private legacyChoice(m: NewTicketMessage): ThreadChoice {
    const found = this.findTicket(m);
    return { ticketId: found ?? null, rule: found === undefined ? 'new' : 'legacy', subjectKey: '' };
  }

  /** Gmail's threadId when the source has one (Gmail decides, as the user sees it); reply headers otherwise. */
  private findTicket(m: NewTicketMessage): number | undefined {
    if (m.providerThreadId) {
      return this.byThread.get(m.mailboxId, m.providerThreadId, m.mailboxId, m.providerThreadId)?.id;
    }
    // Newest reference first: a reply most likely answers the latest message we hold.
    for (const id of [m.inReplyTo, ...[...m.references].reverse()]) {
      if (!id) continue;
      const hit = this.byHeaderId.get(m.mailboxId, id);
      if (hit) return hit.ticket_id;
    }
    return undefined;
  }

  private addAttachment(messageId: number, a: NewAttachment): number {
    const inBlob = a.content !== null;
    if (a.content !== null && this.refBlob.run(a.sha256).changes === 0) this.insertBlob.run(a.sha256, a.content, a.content.length);
    const info = this.insertAttachment.run(
      messageId,
      a.filename,
      a.contentType,
      a.size,
      a.sha256,
      a.omittedReason,
      a.contentId ?? null,
      a.inline ? 1 : 0,
      inBlob ? 1 : 0,
    );
    return Number(info.lastInsertRowid);
  }

  private insertMessageRow(m: NewTicketMessage, ticketId: number, fromContact: number | null, now: number, choice: ThreadChoice): number {
    const info = this.insertMessage.run(
      ticketId,
      m.mailboxId,
      m.providerMessageId,
      m.providerThreadId,
      m.messageIdHeader,
      m.inReplyTo,
      m.references.join(' '),
      fromContact,
      m.from?.address ?? '',
      m.from?.name ?? '',
      JSON.stringify(m.to),
      JSON.stringify(m.cc),
      m.subject,
      m.sentAt,
      m.receivedAt,
      m.text,
      m.html,
      m.sizeBytes,
      m.problems.length > 0 ? JSON.stringify(m.problems) : null,
      m.spam?.verdict ?? null,
      m.spam?.score ?? null,
      m.spam ? JSON.stringify(m.spam.evidence) : null,
      now,
      m.direction ?? 'inbound',
      choice.rule,
      choice.subjectKey,
      m.quotedText ?? '',
      m.htmlSafe ? 1 : 0,
      m.guardClass ?? null,
      m.traceId ?? null,
    );
    return Number(info.lastInsertRowid);
  }

  private contact(email: string, name: string, now: number): number {
    this.upsertContact.run(email, name, now);
    return (this.contactId.get(email) as { id: number }).id;
  }
}

/** The message as the write stored it, for its event (event-repo.ts reads the same fields from a row). */
function writtenFacts(m: NewTicketMessage, id: number, attachmentIds: number[]): MessageFacts {
  return {
    id,
    traceId: m.traceId ?? null,
    providerMessageId: m.providerMessageId,
    fromAddress: m.from?.address ?? '',
    fromName: m.from?.name ?? '',
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    // As SQLite stores it: a NaN is bound as NULL.
    sentAt: m.sentAt !== null && Number.isFinite(m.sentAt) ? m.sentAt : null,
    receivedAt: m.receivedAt,
    direction: m.direction ?? 'inbound',
    text: m.text,
    quotedText: m.quotedText ?? '',
    spamVerdict: m.spam?.verdict ?? null,
    spamScore: m.spam?.verdict ? (m.spam.score ?? null) : null,
    attachments: m.attachments.map((a, i) => ({
      id: attachmentIds[i]!,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
      stored: a.content !== null,
    })),
  };
}
