// The indexed lookups threading and the loop breaker ask, each scoped to one mailbox
// (ingest/threading/decide-thread.ts holds the rules; this only answers questions).
import type Database from 'better-sqlite3';
import type { Db } from './database.js';

type Statement<P extends unknown[], R> = Database.Statement<P, R>;

export class ThreadLookupRepo {
  private readonly byThread: Statement<[number, string, number, string], { id: number }>;
  private readonly byHeaderId: Statement<[number, string], { ticket_id: number }>;
  private readonly inMailbox: Statement<[number, number], { id: number }>;
  private readonly bySubjectKey: Statement<[number, string, string, number, number], { ticket_id: number }>;
  private readonly openedBy: Statement<[number, string, number, number], { n: number }>;

  constructor(db: Db) {
    this.byThread = db.prepare(
      `SELECT id FROM tickets WHERE mailbox_id = ? AND thread_key = ?
       UNION ALL SELECT ticket_id FROM messages WHERE mailbox_id = ? AND provider_thread_id = ? LIMIT 1`,
    );
    this.byHeaderId = db.prepare('SELECT ticket_id FROM messages WHERE mailbox_id = ? AND message_id_header = ? LIMIT 1');
    this.inMailbox = db.prepare("SELECT id FROM tickets WHERE mailbox_id = ? AND id = ? AND status != 'spam'");
    this.bySubjectKey = db.prepare(
      `SELECT ticket_id FROM messages WHERE mailbox_id = ? AND from_address = ? AND subject_key = ? AND received_at BETWEEN ? AND ?
       AND direction = 'inbound' ORDER BY received_at DESC LIMIT 1`,
    );
    this.openedBy = db.prepare(
      "SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = ? AND from_address = ? AND thread_rule = 'new' AND received_at BETWEEN ? AND ?",
    );
  }

  ticketByProviderThread(mailboxId: number, providerThreadId: string): number | undefined {
    return this.byThread.get(mailboxId, providerThreadId, mailboxId, providerThreadId)?.id;
  }

  ticketByMessageId(mailboxId: number, messageId: string): number | undefined {
    return this.byHeaderId.get(mailboxId, messageId)?.ticket_id;
  }

  ticketInMailbox(mailboxId: number, ticketId: number): number | undefined {
    return this.inMailbox.get(mailboxId, ticketId)?.id;
  }

  ticketBySubject(mailboxId: number, fromAddress: string, subjectKey: string, fromMs: number, toMs: number): number | undefined {
    return this.bySubjectKey.get(mailboxId, fromAddress, subjectKey, fromMs, toMs)?.ticket_id;
  }

  /** How many tickets this sender's mail opened in the mailbox within [fromMs, toMs]. */
  ticketsOpenedBy(mailboxId: number, fromAddress: string, fromMs: number, toMs: number): number {
    return this.openedBy.get(mailboxId, fromAddress, fromMs, toMs)?.n ?? 0;
  }
}
