// Spam kept for review instead of becoming a ticket: never silently deleted, released back
// into the ticket path by an agent, purged only by retention.
import type { Db } from './database.js';
import { eventsOf } from './event-repo.js';

export interface NewQuarantined {
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  fromAddress: string;
  subject: string;
  reason: string;
  score: number | null;
  evidence: unknown;
  raw: Buffer;
}

export interface QuarantinedSummary {
  id: number;
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  fromAddress: string;
  subject: string;
  reason: string;
  score: number | null;
  evidence: unknown;
  createdAt: string;
  releasedAt: string | null;
}

export class QuarantineRepo {
  private readonly db: Db;
  /** Asked once per ingested message, so prepared once. */
  private readonly hasStmt;

  constructor(db: Db) {
    this.db = db;
    this.hasStmt = db.prepare('SELECT 1 FROM quarantine WHERE mailbox_id = ? AND provider_message_id = ?');
  }

  has(mailboxId: number, providerMessageId: string): boolean {
    return this.hasStmt.get(mailboxId, providerMessageId) !== undefined;
  }

  /** Idempotent on (mailbox, provider message id); a new row and its message.quarantined event commit together. */
  add(q: NewQuarantined & { traceId?: string | null }): { id: number; duplicate: boolean } {
    return this.db.transaction(() => {
      const added = this.insertRow(q);
      if (!added.duplicate) {
        eventsOf(this.db).record(
          'message.quarantined',
          { quarantineId: added.id, traceId: q.traceId ?? null },
          {
            quarantine: {
              id: added.id,
              mailboxId: q.mailboxId,
              providerMessageId: q.providerMessageId,
              from: q.fromAddress,
              subject: q.subject,
              reason: q.reason,
              spam: { verdict: 'spam', score: q.score },
            },
          },
        );
      }
      return added;
    })();
  }

  private insertRow(q: NewQuarantined): { id: number; duplicate: boolean } {
    const info = this.db
      .prepare(
        `INSERT INTO quarantine (mailbox_id, provider_message_id, provider_thread_id, from_address, subject, reason, spam_score,
          spam_evidence, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (mailbox_id, provider_message_id) DO NOTHING`,
      )
      .run(
        q.mailboxId,
        q.providerMessageId,
        q.providerThreadId,
        q.fromAddress,
        q.subject,
        q.reason,
        q.score,
        JSON.stringify(q.evidence ?? null),
        q.raw,
        Date.now(),
      );
    if (info.changes === 0) {
      const row = this.db
        .prepare<[number, string], { id: number }>('SELECT id FROM quarantine WHERE mailbox_id = ? AND provider_message_id = ?')
        .get(q.mailboxId, q.providerMessageId);
      return { id: row?.id ?? 0, duplicate: true };
    }
    return { id: Number(info.lastInsertRowid), duplicate: false };
  }

  list(opts: { limit: number; includeReleased?: boolean }): QuarantinedSummary[] {
    return this.db
      .prepare<[number, number], Record<string, unknown>>(
        `SELECT id, mailbox_id, provider_message_id, provider_thread_id, from_address, subject, reason, spam_score, spam_evidence,
          created_at, released_at FROM quarantine WHERE (? = 1 OR released_at IS NULL) ORDER BY id DESC LIMIT ?`,
      )
      .all(opts.includeReleased ? 1 : 0, opts.limit)
      .map(toSummary);
  }

  get(id: number): (QuarantinedSummary & { raw: Buffer }) | undefined {
    const row = this.db.prepare<[number], Record<string, unknown>>('SELECT * FROM quarantine WHERE id = ?').get(id);
    return row ? { ...toSummary(row), raw: row.raw as Buffer } : undefined;
  }

  /** With the ticket it became (when known), records message.released; call inside the release transaction. */
  markReleased(id: number, into?: { ticketId?: number; messageId?: number }): void {
    this.db.prepare('UPDATE quarantine SET released_at = ? WHERE id = ?').run(Date.now(), id);
    if (into?.ticketId !== undefined) {
      eventsOf(this.db).record('message.released', { ticketId: into.ticketId, messageId: into.messageId ?? null }, { quarantine: { id } });
    }
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM quarantine WHERE released_at IS NULL').get()?.n ?? 0;
  }
}

function toSummary(r: Record<string, unknown>): QuarantinedSummary {
  return {
    id: r.id as number,
    mailboxId: r.mailbox_id as number,
    providerMessageId: r.provider_message_id as string,
    providerThreadId: r.provider_thread_id as string | null,
    fromAddress: r.from_address as string,
    subject: r.subject as string,
    reason: r.reason as string,
    score: r.spam_score as number | null,
    evidence: r.spam_evidence ? (JSON.parse(r.spam_evidence as string) as unknown) : null,
    createdAt: new Date(r.created_at as number).toISOString(),
    releasedAt: r.released_at ? new Date(r.released_at as number).toISOString() : null,
  };
}
