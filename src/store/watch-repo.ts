// The Gmail push watch each mailbox holds (migration 014): topic and Google's expiration,
// read at start so only due watches are renewed, and removed when the watch is stopped.
import type { Db } from './database.js';

export interface StoredWatch {
  mailboxId: number;
  topicName: string;
  historyId: string | null;
  /** Epoch ms, as Gmail answered users.watch. */
  expiration: number;
  renewedAt: number;
}

interface WatchRow {
  mailbox_id: number;
  topic_name: string;
  history_id: string | null;
  expiration: number;
  renewed_at: number;
}

const toWatch = (r: WatchRow): StoredWatch => ({
  mailboxId: r.mailbox_id,
  topicName: r.topic_name,
  historyId: r.history_id,
  expiration: r.expiration,
  renewedAt: r.renewed_at,
});

export class WatchRepo {
  private readonly byId;
  private readonly all;
  private readonly upsert;
  private readonly remove;

  constructor(db: Db) {
    this.byId = db.prepare<[number], WatchRow>('SELECT * FROM gmail_watches WHERE mailbox_id = ?');
    this.all = db.prepare<[], WatchRow>('SELECT * FROM gmail_watches ORDER BY mailbox_id');
    this.upsert = db.prepare(
      `INSERT INTO gmail_watches (mailbox_id, topic_name, history_id, expiration, renewed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (mailbox_id) DO UPDATE SET topic_name = excluded.topic_name, history_id = excluded.history_id,
         expiration = excluded.expiration, renewed_at = excluded.renewed_at`,
    );
    this.remove = db.prepare('DELETE FROM gmail_watches WHERE mailbox_id = ?');
  }

  get(mailboxId: number): StoredWatch | undefined {
    const row = this.byId.get(mailboxId);
    return row && toWatch(row);
  }

  list(): StoredWatch[] {
    return this.all.all().map(toWatch);
  }

  save(w: StoredWatch): void {
    this.upsert.run(w.mailboxId, w.topicName, w.historyId, w.expiration, w.renewedAt);
  }

  delete(mailboxId: number): void {
    this.remove.run(mailboxId);
  }
}
