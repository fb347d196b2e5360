// Read side of tickets for the REST API and the admin page: pages of tickets, one ticket
// with its messages and attachment metadata, counts. Never returns attachment bytes.
import type { Db } from './database.js';

export interface TicketSummary {
  id: number;
  mailboxId: number;
  subject: string;
  status: string;
  needsReview: boolean;
  messageCount: number;
  requester: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttachmentView {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  stored: boolean;
  /** Why the content was not kept (over ingest.maxAttachmentBytes); null when it was. */
  omittedReason: string | null;
  contentId: string | null;
  inline: boolean;
  /** Where the content is served; null when it was not kept. */
  url: string | null;
}

/** Turns stored HTML into what agents get (sanitised, cid: images pointed at attachments); injected, as the rules live in ingest/. */
export type HtmlPresenter = (html: string, alreadySafe: boolean, attachments: readonly AttachmentView[]) => string;

export interface TicketMessageView {
  id: number;
  traceId: string | null;
  providerMessageId: string;
  direction: 'inbound' | 'outbound';
  /** Which rule placed it: gmail_thread, reply_headers, ticket_tag, subject, bounce, new (legacy: before threading rules were recorded). */
  threadRule: string | null;
  /** The guard's verdict for this message. */
  verdict: 'new_ticket' | 'append' | 'bounce_attached';
  from: { address: string; name: string };
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  subject: string;
  sentAt: string | null;
  receivedAt: string;
  /** What the sender newly wrote. */
  text: string;
  /** The reply chain the sender quoted, apart from `text`. */
  quotedText: string;
  /** Sanitised; the original is only in the raw message. */
  html: string | null;
  spam: { verdict: string; score: number | null; evidence: { token: string; weight: number }[] } | null;
  problems: string[];
  attachments: AttachmentView[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class TicketQuery {
  private readonly db: Db;
  private readonly presentHtml: HtmlPresenter | null;

  constructor(db: Db, presentHtml: HtmlPresenter | null = null) {
    this.db = db;
    this.presentHtml = presentHtml;
  }

  /** Keyset pagination on id: stable while new tickets arrive. */
  list(opts: { limit: number; afterId?: number; mailboxId?: number; status?: string }): TicketSummary[] {
    const rows = this.db
      .prepare<Record<string, unknown>, Record<string, unknown>>(
        `SELECT t.*, c.email AS requester FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_contact_id
         WHERE t.id > @after AND (@mailbox IS NULL OR t.mailbox_id = @mailbox) AND (@status IS NULL OR t.status = @status)
         ORDER BY t.id LIMIT @limit`,
      )
      .all({ after: opts.afterId ?? 0, mailbox: opts.mailboxId ?? null, status: opts.status ?? null, limit: opts.limit });
    return rows.map(toSummary);
  }

  /**
   * By last activity (a new message or a status change), oldest first, keyset on
   * (updated_at, id): a poller passing the last row's `updatedAt`/`id` sees a reply on an old ticket.
   */
  listByActivity(opts: {
    limit: number;
    updatedSince?: number;
    after?: { at: number; id: number };
    mailboxId?: number;
    status?: string;
  }): TicketSummary[] {
    const rows = this.db
      .prepare<Record<string, unknown>, Record<string, unknown>>(
        `SELECT t.*, c.email AS requester FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_contact_id
         WHERE t.updated_at >= @since AND (t.updated_at > @afterAt OR (t.updated_at = @afterAt AND t.id > @afterId))
           AND (@mailbox IS NULL OR t.mailbox_id = @mailbox) AND (@status IS NULL OR t.status = @status)
         ORDER BY t.updated_at, t.id LIMIT @limit`,
      )
      .all({
        since: opts.updatedSince ?? 0,
        afterAt: opts.after?.at ?? -1,
        afterId: opts.after?.id ?? 0,
        mailbox: opts.mailboxId ?? null,
        status: opts.status ?? null,
        limit: opts.limit,
      });
    return rows.map(toSummary);
  }

  /** Newest first, for the admin page: keyset on id, `beforeId` being the last id of the page before. */
  listNewest(opts: { limit: number; beforeId?: number }): TicketSummary[] {
    const rows = this.db
      .prepare<Record<string, unknown>, Record<string, unknown>>(
        `SELECT t.*, c.email AS requester FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_contact_id
         WHERE (@before IS NULL OR t.id < @before) ORDER BY t.id DESC LIMIT @limit`,
      )
      .all({ before: opts.beforeId ?? null, limit: opts.limit });
    return rows.map(toSummary);
  }

  get(id: number): (TicketSummary & { messages: TicketMessageView[] }) | undefined {
    const row = this.db
      .prepare<[number], Record<string, unknown>>(
        // A scalar subquery, not a LEFT JOIN: SQLite 3.54 ran the join form of a one-row lookup six times slower.
        'SELECT t.*, (SELECT email FROM contacts WHERE id = t.requester_contact_id) AS requester FROM tickets t WHERE t.id = ?',
      )
      .get(id);
    if (!row) return undefined;
    const messages = this.db
      .prepare<[number], Record<string, unknown>>('SELECT * FROM messages WHERE ticket_id = ? ORDER BY received_at, id')
      .all(id)
      .map((m) => this.toMessage(m));
    return { ...toSummary(row), messages };
  }

  countMessages(mailboxId?: number): number {
    const r = this.db
      .prepare<[{ mailbox: number | null }], { n: number }>(
        'SELECT COUNT(*) AS n FROM messages WHERE (@mailbox IS NULL OR mailbox_id = @mailbox)',
      )
      .get({ mailbox: mailboxId ?? null });
    return r?.n ?? 0;
  }

  countTickets(mailboxId?: number, sinceMs = 0): number {
    const r = this.db
      .prepare<[{ mailbox: number | null; since: number }], { n: number }>(
        'SELECT COUNT(*) AS n FROM tickets WHERE (@mailbox IS NULL OR mailbox_id = @mailbox) AND created_at >= @since',
      )
      .get({ mailbox: mailboxId ?? null, since: sinceMs });
    return r?.n ?? 0;
  }

  private toMessage(m: Record<string, unknown>): TicketMessageView {
    const attachments = this.db
      .prepare<[number], Record<string, unknown>>(
        `SELECT id, filename, content_type, size_bytes, sha256, (content IS NOT NULL OR in_blob = 1) AS stored, omitted_reason, content_id,
          inline FROM attachments WHERE message_id = ? ORDER BY id`,
      )
      .all(m.id as number)
      .map((a): AttachmentView => ({
        id: a.id as number,
        filename: a.filename as string,
        contentType: a.content_type as string,
        size: a.size_bytes as number,
        sha256: a.sha256 as string,
        stored: a.stored === 1,
        omittedReason: (a.omitted_reason as string | null) ?? null,
        contentId: (a.content_id as string | null) ?? null,
        inline: a.inline === 1,
        url: a.stored === 1 ? `/api/attachments/${a.id as number}` : null,
      }));
    const html = m.html_body as string | null;
    const rule = (m.thread_rule as string | null) ?? null;
    return {
      id: m.id as number,
      traceId: (m.trace_id as string | null) ?? null,
      providerMessageId: m.provider_message_id as string,
      direction: m.direction as 'inbound' | 'outbound',
      threadRule: rule,
      verdict: rule === 'bounce' ? 'bounce_attached' : rule === 'new' ? 'new_ticket' : 'append',
      from: { address: m.from_address as string, name: m.from_name as string },
      to: JSON.parse(m.to_json as string) as TicketMessageView['to'],
      cc: JSON.parse(m.cc_json as string) as TicketMessageView['cc'],
      subject: m.subject as string,
      sentAt: iso(m.sent_at as number | null),
      receivedAt: iso(m.received_at as number) as string,
      text: m.text_body as string,
      quotedText: m.quoted_text as string,
      html: html === null || !this.presentHtml ? html : this.presentHtml(html, m.html_safe === 1, attachments),
      spam: m.spam_verdict
        ? {
            verdict: m.spam_verdict as string,
            score: m.spam_score as number | null,
            evidence: m.spam_evidence ? (JSON.parse(m.spam_evidence as string) as { token: string; weight: number }[]) : [],
          }
        : null,
      problems: m.parse_problems ? (JSON.parse(m.parse_problems as string) as string[]) : [],
      attachments,
    };
  }
}

function toSummary(r: Record<string, unknown>): TicketSummary {
  return {
    id: r.id as number,
    mailboxId: r.mailbox_id as number,
    subject: r.subject as string,
    status: r.status as string,
    needsReview: r.needs_review === 1,
    messageCount: r.message_count as number,
    requester: (r.requester as string | null) ?? null,
    createdAt: iso(r.created_at as number) as string,
    updatedAt: iso(r.updated_at as number) as string,
  };
}
