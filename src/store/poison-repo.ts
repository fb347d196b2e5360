// Poison entries (migrations/005-poison.sql): what ingest keeps when a fetched message could
// become neither a ticket nor a quarantine entry: the raw bytes and the error, never lost.
import type { Db } from './database.js';

export interface NewPoison {
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  labelIds: readonly string[];
  internalDate: number | null;
  raw: Buffer;
  errorCode: string;
  errorMessage: string;
}

/** A poison entry as listed: everything but the raw bytes. */
export interface PoisonSummary {
  id: number;
  mailboxId: number;
  providerMessageId: string;
  providerThreadId: string | null;
  sizeBytes: number;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export interface PoisonEntry extends PoisonSummary {
  raw: Buffer;
  labelIds: string[];
  internalDate: number | null;
}

interface Row {
  id: number;
  mailbox_id: number;
  provider_message_id: string;
  provider_thread_id: string | null;
  size_bytes: number;
  error_code: string;
  error_message: string;
  attempts: number;
  created_at: number;
  updated_at: number;
}

const SUMMARY = `id, mailbox_id, provider_message_id, provider_thread_id, length(raw) AS size_bytes, error_code, error_message,
  attempts, created_at, updated_at`;

export class PoisonRepo {
  readonly #has;
  readonly #upsert;
  readonly #list;
  readonly #get;
  readonly #remove;
  readonly #findByMessage;
  readonly #count;

  constructor(db: Db) {
    this.#has = db.prepare('SELECT 1 FROM poison_messages WHERE mailbox_id = ? AND provider_message_id = ?');
    // A replay that fails again keeps the first bytes and counts the attempt.
    this.#upsert = db.prepare(
      `INSERT INTO poison_messages (mailbox_id, provider_message_id, provider_thread_id, label_ids, internal_date, raw, error_code,
         error_message, created_at, updated_at)
       VALUES (@mailboxId, @providerMessageId, @providerThreadId, @labelIds, @internalDate, @raw, @errorCode, @errorMessage, @now, @now)
       ON CONFLICT (mailbox_id, provider_message_id) DO UPDATE SET error_code = excluded.error_code,
         error_message = excluded.error_message, attempts = attempts + 1, updated_at = excluded.updated_at
       RETURNING id`,
    );
    this.#list = db.prepare<[number, number], Row>(`SELECT ${SUMMARY} FROM poison_messages WHERE id > ? ORDER BY id LIMIT ?`);
    this.#get = db.prepare<[number], Row & { raw: Buffer; label_ids: string; internal_date: number | null }>(
      `SELECT ${SUMMARY}, raw, label_ids, internal_date FROM poison_messages WHERE id = ?`,
    );
    this.#findByMessage = db.prepare<[number, string], { id: number }>(
      'SELECT id FROM poison_messages WHERE mailbox_id = ? AND provider_message_id = ?',
    );
    this.#remove = db.prepare('DELETE FROM poison_messages WHERE mailbox_id = ? AND provider_message_id = ?');
    this.#count = db.prepare<[], { mailbox_id: number; n: number }>(
      'SELECT mailbox_id, COUNT(*) AS n FROM poison_messages GROUP BY mailbox_id',
    );
  }

  has(mailboxId: number, providerMessageId: string): boolean {
    return this.#has.get(mailboxId, providerMessageId) !== undefined;
  }

  add(p: NewPoison): number {
    const row = this.#upsert.get({
      ...p,
      labelIds: JSON.stringify(p.labelIds),
      now: Date.now(),
    }) as { id: number };
    return row.id;
  }

  list(options: { limit: number; after?: number }): PoisonSummary[] {
    return this.#list.all(options.after ?? 0, options.limit).map(summary);
  }

  get(id: number): PoisonEntry | undefined {
    const row = this.#get.get(id);
    if (!row) return undefined;
    return { ...summary(row), raw: row.raw, labelIds: JSON.parse(row.label_ids) as string[], internalDate: row.internal_date };
  }

  findByMessage(mailboxId: number, providerMessageId: string): PoisonEntry | undefined {
    const row = this.#findByMessage.get(mailboxId, providerMessageId);
    return row ? this.get(row.id) : undefined;
  }

  /** Called once the message has landed as a ticket or quarantine entry. */
  remove(mailboxId: number, providerMessageId: string): boolean {
    return this.#remove.run(mailboxId, providerMessageId).changes > 0;
  }

  countByMailbox(): Map<number, number> {
    return new Map(this.#count.all().map((r) => [r.mailbox_id, r.n]));
  }
}

function summary(r: Row): PoisonSummary {
  return {
    id: r.id,
    mailboxId: r.mailbox_id,
    providerMessageId: r.provider_message_id,
    providerThreadId: r.provider_thread_id,
    sizeBytes: r.size_bytes,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    attempts: r.attempts,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
