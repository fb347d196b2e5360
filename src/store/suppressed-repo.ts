// Machine mail the guard kept out of the ticket path (auto-replies, bounces without a ticket,
// list mail, loops past the breaker): stored with its raw bytes and the reason, listed for
// review like the spam quarantine, never silently dropped, releasable into a ticket.
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export interface NewSuppressed {
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  messageIdHeader: string | null;
  fromAddress: string;
  subject: string;
  guardClass: string;
  reason: string;
  labelIds: string[];
  internalDate: number | null;
  raw: Buffer;
}

export interface SuppressedSummary {
  id: number;
  mailboxId: number;
  providerMessageId: string;
  fromAddress: string;
  subject: string;
  guardClass: string;
  reason: string;
  createdAt: string;
  releasedAt: string | null;
  releasedTicketId: number | null;
}

export interface SuppressedEntry extends SuppressedSummary {
  providerThreadId: string | null;
  labelIds: string[];
  internalDate: number | null;
  raw: Buffer;
}

export class SuppressedRepo {
  private readonly db: Db;
  // Run for every message ingested (the lookup) or suppressed (the insert): prepared once.
  private readonly byProviderId: Statement<[number, string], { id: number }>;
  private readonly insert: Statement;

  constructor(db: Db) {
    this.db = db;
    this.byProviderId = db.prepare('SELECT id FROM suppressed WHERE mailbox_id = ? AND provider_message_id = ?');
    this.insert = db.prepare(
      `INSERT INTO suppressed (mailbox_id, provider_message_id, provider_thread_id, message_id_header, from_address, subject,
          guard_class, reason, labels, internal_date, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (mailbox_id, provider_message_id) DO NOTHING`,
    );
  }

  has(mailboxId: number, providerMessageId: string): boolean {
    return this.byProviderId.get(mailboxId, providerMessageId) !== undefined;
  }

  /** Idempotent on (mailbox, provider message id). */
  add(s: NewSuppressed): { id: number; duplicate: boolean } {
    const info = this.insert.run(
      s.mailboxId,
      s.providerMessageId,
      s.providerThreadId,
      s.messageIdHeader,
      s.fromAddress,
      s.subject,
      s.guardClass,
      s.reason,
      JSON.stringify(s.labelIds),
      s.internalDate,
      s.raw,
      Date.now(),
    );
    if (info.changes > 0) return { id: Number(info.lastInsertRowid), duplicate: false };
    const row = this.byProviderId.get(s.mailboxId, s.providerMessageId);
    return { id: row?.id ?? 0, duplicate: true };
  }

  list(opts: { limit: number; includeReleased?: boolean; guardClass?: string }): SuppressedSummary[] {
    return this.db
      .prepare<[number, string | null, string | null, number], Record<string, unknown>>(
        `SELECT id, mailbox_id, provider_message_id, from_address, subject, guard_class, reason, created_at, released_at, released_ticket_id
         FROM suppressed WHERE (? = 1 OR released_at IS NULL) AND (? IS NULL OR guard_class = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(opts.includeReleased ? 1 : 0, opts.guardClass ?? null, opts.guardClass ?? null, opts.limit)
      .map(toSummary);
  }

  get(id: number): SuppressedEntry | undefined {
    const r = this.db.prepare<[number], Record<string, unknown>>('SELECT * FROM suppressed WHERE id = ?').get(id);
    if (!r) return undefined;
    return {
      ...toSummary(r),
      providerThreadId: r.provider_thread_id as string | null,
      labelIds: JSON.parse(r.labels as string) as string[],
      internalDate: r.internal_date as number | null,
      raw: r.raw as Buffer,
    };
  }

  markReleased(id: number, ticketId: number | null): void {
    this.db.prepare('UPDATE suppressed SET released_at = ?, released_ticket_id = ? WHERE id = ?').run(Date.now(), ticketId, id);
  }

  /** A replay that placed the message elsewhere (or suppressed it again under a new reason) replaces the entry. */
  remove(id: number): void {
    this.db.prepare('DELETE FROM suppressed WHERE id = ?').run(id);
  }

  /** Unreleased entries of one class in one provider thread, oldest first. */
  pendingIn(mailboxId: number, providerThreadId: string, guardClass: string): number[] {
    return this.db
      .prepare<[number, string, string], { id: number }>(
        `SELECT id FROM suppressed WHERE mailbox_id = ? AND provider_thread_id = ? AND guard_class = ? AND released_at IS NULL
         ORDER BY internal_date, id`,
      )
      .all(mailboxId, providerThreadId, guardClass)
      .map((r) => r.id);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM suppressed WHERE released_at IS NULL').get()?.n ?? 0;
  }
}

function toSummary(r: Record<string, unknown>): SuppressedSummary {
  return {
    id: r.id as number,
    mailboxId: r.mailbox_id as number,
    providerMessageId: r.provider_message_id as string,
    fromAddress: r.from_address as string,
    subject: r.subject as string,
    guardClass: r.guard_class as string,
    reason: r.reason as string,
    createdAt: new Date(r.created_at as number).toISOString(),
    releasedAt: r.released_at ? new Date(r.released_at as number).toISOString() : null,
    releasedTicketId: (r.released_ticket_id as number | null) ?? null,
  };
}
