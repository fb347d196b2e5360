// Chooses what an erasure removes, once, into temporary tables: the tickets the person
// requested (scope "tickets") or only those their messages leave empty (scope "messages"),
// every message they sent or that sits in an erased ticket, and quarantined mail from or
// naming them, and the queue job ids those leave behind. Temporary tables live outside the
// database file.
import type { Db } from '../../store/database.js';
import type { EraseScope } from './erase-step.js';
import { ingestJobId } from '../../ingest/ingest-job.js';
import { commitJobId } from '../../remote/commit-job.js';

export function selectTargets(db: Db, email: string, scope: EraseScope): void {
  db.exec(`DROP TABLE IF EXISTS temp.erase_ticket; DROP TABLE IF EXISTS temp.erase_message; DROP TABLE IF EXISTS temp.erase_quarantine;
    CREATE TEMP TABLE erase_ticket (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE erase_message (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE erase_quarantine (id INTEGER PRIMARY KEY);`);
  db.prepare('INSERT OR IGNORE INTO temp.erase_message SELECT id FROM messages WHERE lower(from_address) = ?').run(email);
  if (scope === 'tickets') {
    db.prepare(
      `INSERT OR IGNORE INTO temp.erase_ticket SELECT t.id FROM tickets t JOIN contacts c ON c.id = t.requester_contact_id
       WHERE c.email = ?`,
    ).run(email);
    db.exec('INSERT OR IGNORE INTO temp.erase_message SELECT id FROM messages WHERE ticket_id IN (SELECT id FROM temp.erase_ticket)');
  }
  // A ticket left with no message is erased too, whatever the scope.
  db.exec(`INSERT OR IGNORE INTO temp.erase_ticket SELECT t.id FROM tickets t
    WHERE EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.id IN (SELECT id FROM temp.erase_message))
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.id NOT IN (SELECT id FROM temp.erase_message))`);
  db.prepare(
    `INSERT OR IGNORE INTO temp.erase_quarantine SELECT id FROM quarantine
     WHERE lower(from_address) = @email OR instr(lower(CAST(raw AS TEXT)), @email) > 0 OR instr(lower(subject), @email) > 0`,
  ).run({ email });
}

export function dropTargets(db: Db): void {
  db.exec('DROP TABLE IF EXISTS temp.erase_ticket; DROP TABLE IF EXISTS temp.erase_message; DROP TABLE IF EXISTS temp.erase_quarantine;');
}

export function erasedTicketIds(db: Db): number[] {
  return db
    .prepare<[], { id: number }>('SELECT id FROM temp.erase_ticket ORDER BY id')
    .all()
    .map((r) => r.id);
}

/** The queue job ids of the targets (ingest jobs and the commit jobs that follow them); read while the temp tables exist. */
export function targetJobIds(db: Db): Set<string> {
  const rows = db
    .prepare<[], { mailboxId: number; providerMessageId: string }>(
      `SELECT mailbox_id AS mailboxId, provider_message_id AS providerMessageId FROM messages WHERE id IN (SELECT id FROM temp.erase_message)
       UNION SELECT mailbox_id, provider_message_id FROM quarantine WHERE id IN (SELECT id FROM temp.erase_quarantine)`,
    )
    .all();
  return new Set(rows.flatMap((r) => [ingestJobId(r.mailboxId, r.providerMessageId), commitJobId(r)]));
}

/** The targets' job ids read ahead of the erasure's transaction (for the queue sweep before it). */
export function jobIdsOfTargets(db: Db, email: string, scope: EraseScope): Set<string> {
  return db.transaction(() => {
    selectTargets(db, email, scope);
    try {
      return targetJobIds(db);
    } finally {
      dropTargets(db);
    }
  })();
}
