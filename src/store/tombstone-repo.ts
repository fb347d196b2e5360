// Tombstones: what an agent deleted stays deleted. Deleting a ticket or a message records its
// (mailbox, provider message id) and Message-ID, and ingest refuses both, so neither a resync
// nor a reconnect (where provider ids may change) imports it again.
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export interface DeletedTicket {
  ticketId: number;
  mailboxId: number;
  messages: number;
}

export class TombstoneRepo {
  private readonly db: Db;
  // Asked for every message ingested: prepared once (preparing each time cost 3% of ingest's main thread).
  private readonly byProviderId: Statement<[number, string]>;
  private readonly byMessageId: Statement<[number, string]>;

  constructor(db: Db) {
    this.db = db;
    this.byProviderId = db.prepare('SELECT 1 FROM tombstones WHERE mailbox_id = ? AND provider_message_id = ?');
    this.byMessageId = db.prepare('SELECT 1 FROM tombstones WHERE mailbox_id = ? AND message_id_header = ?');
  }

  has(mailboxId: number, providerMessageId: string): boolean {
    return this.byProviderId.get(mailboxId, providerMessageId) !== undefined;
  }

  hasMessageId(mailboxId: number, messageIdHeader: string): boolean {
    return this.byMessageId.get(mailboxId, messageIdHeader) !== undefined;
  }

  /** Deletes the ticket with its messages and attachments, leaving a tombstone per message; undefined when there is no such ticket. */
  deleteTicket(ticketId: number, reason: string): DeletedTicket | undefined {
    return this.db.transaction(() => {
      const t = this.db.prepare<[number], { mailbox_id: number }>('SELECT mailbox_id FROM tickets WHERE id = ?').get(ticketId);
      if (!t) return undefined;
      const n = this.bury('ticket_id = ?', ticketId, reason);
      this.db.prepare('DELETE FROM tickets WHERE id = ?').run(ticketId);
      return { ticketId, mailboxId: t.mailbox_id, messages: n };
    })();
  }

  /** Deletes one message (and its ticket when it was the last one); undefined when there is no such message. */
  deleteMessage(messageId: number, reason: string): { ticketId: number; ticketDeleted: boolean } | undefined {
    return this.db.transaction(() => {
      const m = this.db.prepare<[number], { ticket_id: number }>('SELECT ticket_id FROM messages WHERE id = ?').get(messageId);
      if (!m) return undefined;
      this.bury('id = ?', messageId, reason);
      this.db.prepare('DELETE FROM messages WHERE id = ?').run(messageId);
      const left =
        this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE ticket_id = ?').get(m.ticket_id)?.n ?? 0;
      if (left === 0) this.db.prepare('DELETE FROM tickets WHERE id = ?').run(m.ticket_id);
      else this.db.prepare('UPDATE tickets SET message_count = ?, updated_at = ? WHERE id = ?').run(left, Date.now(), m.ticket_id);
      return { ticketId: m.ticket_id, ticketDeleted: left === 0 };
    })();
  }

  private bury(where: 'ticket_id = ?' | 'id = ?', id: number, reason: string): number {
    return this.db
      .prepare(
        `INSERT INTO tombstones (mailbox_id, provider_message_id, message_id_header, reason, created_at)
         SELECT mailbox_id, provider_message_id, message_id_header, ?, ? FROM messages WHERE ${where}
         ON CONFLICT (mailbox_id, provider_message_id) DO NOTHING`,
      )
      .run(reason, Date.now(), id).changes;
  }
}
