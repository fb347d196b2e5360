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

export interface TicketMessageView {
  id: number;
  traceId: string | null;
  providerMessageId: string;
  from: { address: string; name: string };
  to: { address: string; name: string }[];
  cc: { address: string; name: string }[];
  subject: string;
  sentAt: string | null;
  receivedAt: string;
  text: string;
  html: string | null;
  spam: { verdict: string; score: number | null; evidence: { token: string; weight: number }[] } | null;
  problems: string[];
  attachments: { id: number; filename: string; contentType: string; size: number; sha256: string; stored: boolean }[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class TicketQuery {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
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
        'SELECT t.*, c.email AS requester FROM tickets t LEFT JOIN contacts c ON c.id = t.requester_contact_id WHERE t.id = ?',
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
        'SELECT id, filename, content_type, size_bytes, sha256, content IS NOT NULL AS stored FROM attachments WHERE message_id = ? ORDER BY id',
      )
      .all(m.id as number)
      .map((a) => ({
        id: a.id as number,
        filename: a.filename as string,
        contentType: a.content_type as string,
        size: a.size_bytes as number,
        sha256: a.sha256 as string,
        stored: a.stored === 1,
      }));
    return {
      id: m.id as number,
      traceId: (m.trace_id as string | null) ?? null,
      providerMessageId: m.provider_message_id as string,
      from: { address: m.from_address as string, name: m.from_name as string },
      to: JSON.parse(m.to_json as string) as TicketMessageView['to'],
      cc: JSON.parse(m.cc_json as string) as TicketMessageView['cc'],
      subject: m.subject as string,
      sentAt: iso(m.sent_at as number | null),
      receivedAt: iso(m.received_at as number) as string,
      text: m.text_body as string,
      html: m.html_body as string | null,
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
